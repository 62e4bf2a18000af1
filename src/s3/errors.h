// The S3 error table (like RGW's rgw_http_s3_errors, as one constexpr array): each error's HTTP
// status, S3 code and default message, as AWS returns them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace stocktake::s3 {

enum class S3ErrorCode {
  kAccessDenied,
  kAuthorizationHeaderMalformed,
  kAuthorizationQueryParametersError,
  kBadDigest,
  kBadRequest,
  kBucketAlreadyExists,
  kBucketAlreadyOwnedByYou,
  kBucketNotEmpty,
  kEntityTooLarge,
  kEntityTooSmall,
  kIdMismatch,
  kIncompleteBody,
  kInternalError,
  kInvalidAccessKeyId,
  kInvalidArgument,
  kInvalidBucketName,
  kInvalidDigest,
  kInvalidLocationConstraint,
  kInvalidPart,
  kInvalidPartOrder,
  kInvalidPolicyDocument,
  kInvalidRange,
  kInvalidRequest,
  kInvalidS3DestinationBucket,
  kInvalidTag,
  kKeyTooLongError,
  kMalformedXML,
  kMetadataTooLarge,
  kMethodNotAllowed,
  kMissingContentLength,
  kMissingSecurityHeader,
  kNoSuchBucket,
  kNoSuchConfiguration,
  kNoSuchKey,
  kNoSuchTagSet,
  kNoSuchUpload,
  kNoSuchVersion,
  kNotImplemented,
  kPreconditionFailed,
  kRequestTimeTooSkewed,
  kServiceUnavailable,
  kSignatureDoesNotMatch,
  kTooManyConfigurations,
  kXAmzContentSHA256Mismatch,
  kInvalidObjectState,
  kInvalidToken,
  kInvalidURI,
  // Object Lock, ACLs, storage classes.
  kAccessControlListNotSupported,
  kInvalidBucketAclWithObjectOwnership,
  kObjectLockConfigurationNotFoundError,
  kNoSuchObjectLockConfiguration,
  kOwnershipControlsNotFoundError,
  kInvalidBucketState,
  kRestoreAlreadyInProgress,
  kUnresolvableGrantByEmailAddress,
  kMalformedACLError,
  kUnexpectedContent,
  kMissingRequestBodyError,
  // Server-side encryption.
  kKmsNotFoundException,
  kInvalidEncryptionAlgorithmError,
  // Bucket policies and Block Public Access (issue 7).
  kMalformedPolicy,
  kNoSuchBucketPolicy,
  kNoSuchPublicAccessBlockConfiguration,
  // Bucket lifecycle (issue 6).
  kNoSuchLifecycleConfiguration,
  // Bucket replication (issue 6).
  kReplicationConfigurationNotFoundError,
  // Key policies of the built-in key service (issue 7).
  kMalformedPolicyDocumentException,
};

struct S3ErrorInfo {
  S3ErrorCode error;
  int http_status;
  std::string_view code;
  std::string_view message;
};

const S3ErrorInfo& LookupError(S3ErrorCode error);

// An error to answer with: the table entry plus an optional specific message.
struct S3Error {
  S3ErrorCode error;
  std::string message;                                       // empty = the table's default message
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
  // Why, for the request log line only (never a secret): "unknown access key", "denied by
  // policy: s3:GetObject on arn:aws:s3:::b/k". Empty when the code says it all.
  std::string log_reason;

  S3Error(S3ErrorCode e) : error(e) {}  // NOLINT: implicit for terse returns
  S3Error(S3ErrorCode e, std::string m) : error(e), message(std::move(m)) {}
  const S3ErrorInfo& info() const { return LookupError(error); }
  std::string_view effective_message() const {
    return message.empty() ? info().message : std::string_view(message);
  }
};

// Maps an internal Status (store/io failure) to the S3 error a client should see.
S3Error FromStatus(const Status& status);

}  // namespace stocktake::s3
