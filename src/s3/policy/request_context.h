// What a bucket policy is evaluated against: who calls (Caller), which action on which resource,
// and the values of the condition keys (ConditionContext). The S3 layer builds one per
// authorization check; this module never looks at HTTP.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::s3::policy {

// The authenticated principal of a request (IAM User Guide, "AWS JSON policy elements:
// Principal").
struct Caller {
  enum class Kind {
    kAnonymous,    // unsigned request; matched only by "*"
    kAccountRoot,  // an account's root credentials: arn:aws:iam::ACCOUNT:root
    kUser,         // an IAM-style user of an account: arn:aws:iam::ACCOUNT:user/NAME
    kService,      // an AWS service principal, e.g. S3 delivering inventory reports
  };
  Kind kind = Kind::kAnonymous;
  std::string account_id;    // 12 digits (kAccountRoot, kUser)
  std::string canonical_id;  // 64 lower-case hex digits (kAccountRoot, kUser), or ""
  std::string arn;           // (kAccountRoot, kUser)
  std::string service;       // "s3.amazonaws.com" (kService)

  static Caller Anonymous();
  static Caller Root(std::string account_id, std::string canonical_id);
  static Caller User(std::string account_id, std::string canonical_id, std::string_view name);
  static Caller Service(std::string service);
};

// The request's condition keys and their values. Key names are case-insensitive (stored lower
// case), values are case-sensitive. A key may hold several values (multivalued keys such as
// s3:InventoryAccessibleOptionalFields); a key with no value is absent.
class ConditionContext {
 public:
  // Adds one value to `key` (keeps earlier values).
  void Add(std::string_view key, std::string value);
  // Replaces the values of `key` with one value.
  void Set(std::string_view key, std::string value);
  // Removes `key`.
  void Erase(std::string_view key);
  // The values of `key` (any case); empty when absent.
  std::span<const std::string> Get(std::string_view key) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

// One authorization question: may `caller` perform `action` on `resource`?
struct RequestContext {
  Caller caller;
  std::string action;    // "s3:PutObject" (operations.h gives it per S3 operation)
  std::string resource;  // "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/key"
  // Set by the S3 layer: aws:SourceIp, aws:SecureTransport, aws:CurrentTime, aws:EpochTime,
  // aws:SourceArn and aws:SourceAccount (service deliveries), s3:x-amz-acl, s3:prefix, ...
  // Derived from `caller` unless set here: aws:PrincipalAccount, aws:PrincipalArn,
  // aws:PrincipalType, aws:username, aws:PrincipalIsAWSService,
  // aws:PrincipalServiceName.
  ConditionContext conditions;
};

}  // namespace stocktake::s3::policy
