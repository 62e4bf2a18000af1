// The <Message> texts S3 answers with, under the error code MalformedPolicy (HTTP 400), when
// PutBucketPolicy rejects a document. ParsePolicy() returns Status::InvalidArgument(message) with
// exactly one of these, so the S3 layer can send message() unchanged.
//
// Sources: AWS S3 answers quoted in public bug reports and in S3-compatible servers that copy
// them (versity/versitygw issues #645-#650, Seagate cortx-s3server BucketPolicyValidator.java,
// scality/cloudserver permissionChecks tests, terraform/CloudFormation error reports). Texts no
// public AWS answer confirms are marked UNCONFIRMED; they follow the confirmed texts' style.
#pragma once

#include <string_view>

namespace stocktake::s3::policy {

inline constexpr std::string_view kMalformedPolicyCode = "MalformedPolicy";

// Document level.
inline constexpr std::string_view kMsgFirstByte =
    "Policies must be valid JSON and the first byte must be '{'";
inline constexpr std::string_view kMsgInvalidJson = "This policy contains invalid Json";
// UNCONFIRMED text; the 20 KB limit itself is documented ("Bucket policies are limited to 20 KB").
inline constexpr std::string_view kMsgTooLarge =
    "Policy exceeds the maximum allowed document size.";
inline constexpr std::string_view kMsgInvalidSyntax = "Invalid policy syntax.";
inline constexpr std::string_view kMsgInvalidVersion =
    "The policy must contain a valid version string";
inline constexpr std::string_view kMsgMissingStatement = "Missing required field Statement";
inline constexpr std::string_view kMsgEmptyStatement =
    "Could not parse the policy: Statement is empty!";
// Followed by the field name as written: "Unknown field condition".
inline constexpr std::string_view kMsgUnknownFieldPrefix = "Unknown field ";

// Statement level.
inline constexpr std::string_view kMsgMissingEffect = "Missing required field Effect";
// Followed by the value: "Invalid effect: hello".
inline constexpr std::string_view kMsgInvalidEffectPrefix = "Invalid effect: ";
inline constexpr std::string_view kMsgMissingPrincipal = "Missing required field Principal";
inline constexpr std::string_view kMsgEmptyPrincipal =
    "Missing required field Principal cannot be empty!";
inline constexpr std::string_view kMsgInvalidPrincipal = "Invalid principal in policy";
inline constexpr std::string_view kMsgMissingAction = "Missing required field Action";
inline constexpr std::string_view kMsgInvalidAction = "Policy has invalid action";
inline constexpr std::string_view kMsgMissingResource = "Missing required field Resource";
inline constexpr std::string_view kMsgInvalidResource = "Policy has invalid resource";
inline constexpr std::string_view kMsgActionResourceMismatch =
    "Action does not apply to any resource(s) in statement";

// Condition block.
// Followed by the operator as written: "Invalid Condition type : StringEqualz".
inline constexpr std::string_view kMsgInvalidConditionTypePrefix = "Invalid Condition type : ";
inline constexpr std::string_view kMsgInvalidConditionKey = "Policy has an invalid condition key";
inline constexpr std::string_view kMsgConditionActionMismatch =
    "Conditions do not apply to combination of actions and resources in statement";
inline constexpr std::string_view kMsgInvalidIp = "Invalid IP address in Conditions";
// UNCONFIRMED. Followed by the operator: a Numeric*/Date*/Bool/Null value that cannot be read.
inline constexpr std::string_view kMsgInvalidConditionValuePrefix =
    "Invalid value in Conditions for operator ";

}  // namespace stocktake::s3::policy
