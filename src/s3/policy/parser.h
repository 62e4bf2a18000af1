// PutBucketPolicy (and the key service's PutKeyPolicy) validation: reads a policy document and
// checks it as S3 does, answering with S3's MalformedPolicy messages (policy_errors.h). The first
// fault found is reported, in this order: the bytes (first byte '{', valid JSON, 20 KB after
// whitespace removal), the top-level fields (Version, Id, Statement), then each statement in turn:
// its fields, Effect, Principal, Action, Resource, Condition, and last whether its actions apply to
// its resources.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "s3/policy/policy.h"

namespace stocktake::s3::policy {

// "Bucket policies are limited to 20 KB in size" (S3 User Guide, "Adding a bucket policy");
// measured on the JSON without insignificant whitespace.
inline constexpr size_t kMaxPolicyBytes = 20480;

// "The maximum length of a key policy document is 32 KB (32,768 bytes)" (AWS KMS Developer Guide,
// "Key policies in AWS KMS").
inline constexpr size_t kMaxKeyPolicyBytes = 32768;

// A principal a policy names, for ParseOptions::principal_exists.
struct PrincipalRef {
  enum class Type { kAccount, kArn, kCanonicalUser, kService };
  Type type;
  std::string value;  // 12-digit id, IAM ARN, 64-hex canonical id, or service name
};

struct ParseOptions {
  // Optional. AWS rejects a policy naming a principal that does not exist ("Invalid principal in
  // policy"); give a lookup to do the same. Null: every well-formed principal is accepted.
  std::function<bool(const PrincipalRef&)> principal_exists;
};

// Parses `json`, the body of PutBucketPolicy for bucket `bucket`. Every Resource must name that
// bucket or objects in it ("Policy has invalid resource" otherwise). On failure the Status is
// InvalidArgument and its message() is the exact S3 <Message> of a MalformedPolicy error.
// Never throws; total on any input.
Result<Policy> ParsePolicy(std::string_view json, std::string_view bucket,
                           const ParseOptions& options = {});

// Parses a KMS key policy (PutKeyPolicy of the built-in key service). The same language and
// checks, except: Action entries are "*" or "kms:<pattern>"; Resource entries are "*" (the key
// the policy is attached to) or KMS key ARN patterns; condition keys are "aws:" and "kms:" keys,
// not tied to actions; the limit is kMaxKeyPolicyBytes as sent. Failures as for ParsePolicy
// (the S3 layer answers them as MalformedPolicyDocumentException).
Result<Policy> ParseKeyPolicy(std::string_view json, const ParseOptions& options = {});

}  // namespace stocktake::s3::policy
