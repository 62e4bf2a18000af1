#include "s3/policy/actions.h"

#include <array>
#include <string>

#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy {
namespace {

using K = ResourceKind;

// Service Authorization Reference for Amazon S3: each action with its required resource type.
constexpr ActionInfo kActions[] = {
    // Account level.
    {"s3:ListAllMyBuckets", K::kNone},
    {"s3:GetAccountPublicAccessBlock", K::kNone},
    {"s3:PutAccountPublicAccessBlock", K::kNone},
    {"s3:ListAccessPoints", K::kNone},
    {"s3:CreateJob", K::kNone},
    {"s3:ListJobs", K::kNone},
    // Bucket.
    {"s3:CreateBucket", K::kBucket},
    {"s3:DeleteBucket", K::kBucket},
    {"s3:ListBucket", K::kBucket},
    {"s3:ListBucketVersions", K::kBucket},
    {"s3:ListBucketMultipartUploads", K::kBucket},
    {"s3:GetBucketLocation", K::kBucket},
    {"s3:GetBucketVersioning", K::kBucket},
    {"s3:PutBucketVersioning", K::kBucket},
    {"s3:GetBucketPolicy", K::kBucket},
    {"s3:PutBucketPolicy", K::kBucket},
    {"s3:DeleteBucketPolicy", K::kBucket},
    {"s3:GetBucketPolicyStatus", K::kBucket},
    {"s3:GetBucketAcl", K::kBucket},
    {"s3:PutBucketAcl", K::kBucket},
    {"s3:GetBucketTagging", K::kBucket},
    {"s3:PutBucketTagging", K::kBucket},
    {"s3:GetBucketCORS", K::kBucket},
    {"s3:PutBucketCORS", K::kBucket},
    {"s3:GetBucketWebsite", K::kBucket},
    {"s3:PutBucketWebsite", K::kBucket},
    {"s3:DeleteBucketWebsite", K::kBucket},
    {"s3:GetBucketLogging", K::kBucket},
    {"s3:PutBucketLogging", K::kBucket},
    {"s3:GetBucketNotification", K::kBucket},
    {"s3:PutBucketNotification", K::kBucket},
    {"s3:GetBucketRequestPayment", K::kBucket},
    {"s3:PutBucketRequestPayment", K::kBucket},
    {"s3:GetBucketObjectLockConfiguration", K::kBucket},
    {"s3:PutBucketObjectLockConfiguration", K::kBucket},
    {"s3:GetBucketOwnershipControls", K::kBucket},
    {"s3:PutBucketOwnershipControls", K::kBucket},
    {"s3:GetBucketPublicAccessBlock", K::kBucket},
    {"s3:PutBucketPublicAccessBlock", K::kBucket},
    {"s3:GetEncryptionConfiguration", K::kBucket},
    {"s3:PutEncryptionConfiguration", K::kBucket},
    {"s3:GetLifecycleConfiguration", K::kBucket},
    {"s3:PutLifecycleConfiguration", K::kBucket},
    {"s3:GetReplicationConfiguration", K::kBucket},
    {"s3:PutReplicationConfiguration", K::kBucket},
    {"s3:GetInventoryConfiguration", K::kBucket},
    {"s3:PutInventoryConfiguration", K::kBucket},
    {"s3:GetAnalyticsConfiguration", K::kBucket},
    {"s3:PutAnalyticsConfiguration", K::kBucket},
    {"s3:GetMetricsConfiguration", K::kBucket},
    {"s3:PutMetricsConfiguration", K::kBucket},
    {"s3:GetIntelligentTieringConfiguration", K::kBucket},
    {"s3:PutIntelligentTieringConfiguration", K::kBucket},
    {"s3:GetAccelerateConfiguration", K::kBucket},
    {"s3:PutAccelerateConfiguration", K::kBucket},
    // Object.
    {"s3:GetObject", K::kObject},
    {"s3:GetObjectVersion", K::kObject},
    {"s3:PutObject", K::kObject},
    {"s3:DeleteObject", K::kObject},
    {"s3:DeleteObjectVersion", K::kObject},
    {"s3:GetObjectAcl", K::kObject},
    {"s3:GetObjectVersionAcl", K::kObject},
    {"s3:PutObjectAcl", K::kObject},
    {"s3:PutObjectVersionAcl", K::kObject},
    {"s3:GetObjectTagging", K::kObject},
    {"s3:GetObjectVersionTagging", K::kObject},
    {"s3:PutObjectTagging", K::kObject},
    {"s3:PutObjectVersionTagging", K::kObject},
    {"s3:DeleteObjectTagging", K::kObject},
    {"s3:DeleteObjectVersionTagging", K::kObject},
    {"s3:GetObjectAttributes", K::kObject},
    {"s3:GetObjectVersionAttributes", K::kObject},
    {"s3:AbortMultipartUpload", K::kObject},
    {"s3:ListMultipartUploadParts", K::kObject},
    {"s3:RestoreObject", K::kObject},
    {"s3:GetObjectRetention", K::kObject},
    {"s3:PutObjectRetention", K::kObject},
    {"s3:GetObjectLegalHold", K::kObject},
    {"s3:PutObjectLegalHold", K::kObject},
    {"s3:BypassGovernanceRetention", K::kObject},
    {"s3:GetObjectTorrent", K::kObject},
    {"s3:GetObjectVersionTorrent", K::kObject},
    {"s3:GetObjectVersionForReplication", K::kObject},
    {"s3:ReplicateObject", K::kObject},
    {"s3:ReplicateDelete", K::kObject},
    {"s3:ReplicateTags", K::kObject},
    {"s3:ObjectOwnerOverrideToBucketOwner", K::kObject},
};

// Action sets of the S3 condition keys (Service Authorization Reference, "Condition keys" column
// of each action).
constexpr std::string_view kListActions[] = {"s3:ListBucket", "s3:ListBucketVersions"};
constexpr std::string_view kAclActions[] = {"s3:PutObject", "s3:PutObjectAcl",
                                            "s3:PutObjectVersionAcl", "s3:PutBucketAcl",
                                            "s3:CreateBucket"};
constexpr std::string_view kPutObjectOnly[] = {"s3:PutObject"};
constexpr std::string_view kVersionIdActions[] = {
    "s3:GetObjectVersion",           "s3:DeleteObjectVersion",
    "s3:GetObjectVersionAcl",        "s3:PutObjectVersionAcl",
    "s3:GetObjectVersionTagging",    "s3:PutObjectVersionTagging",
    "s3:DeleteObjectVersionTagging", "s3:GetObjectVersionAttributes",
    "s3:GetObjectVersionTorrent",    "s3:GetObjectVersionForReplication",
    "s3:GetObjectRetention",         "s3:PutObjectRetention",
    "s3:GetObjectLegalHold",         "s3:PutObjectLegalHold"};
constexpr std::string_view kExistingTagActions[] = {
    "s3:GetObject",           "s3:GetObjectVersion",
    "s3:GetObjectAcl",        "s3:GetObjectVersionAcl",
    "s3:PutObjectAcl",        "s3:PutObjectVersionAcl",
    "s3:GetObjectTagging",    "s3:GetObjectVersionTagging",
    "s3:PutObjectTagging",    "s3:PutObjectVersionTagging",
    "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
    "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"};
constexpr std::string_view kRequestTagActions[] = {"s3:PutObject", "s3:PutObjectTagging",
                                                   "s3:PutObjectVersionTagging"};
constexpr std::string_view kInventoryActions[] = {"s3:PutInventoryConfiguration"};
constexpr std::string_view kObjectLockActions[] = {"s3:PutObject", "s3:PutObjectRetention",
                                                   "s3:PutObjectLegalHold",
                                                   "s3:BypassGovernanceRetention"};
constexpr std::string_view kCreateBucketOnly[] = {"s3:CreateBucket"};
constexpr std::string_view kOwnershipActions[] = {"s3:CreateBucket",
                                                  "s3:PutBucketOwnershipControls"};

struct ConditionKeyInfo {
  std::string_view key;                       // lower case
  bool family;                                // `key` ends in "/" and is followed by a tag key
  std::span<const std::string_view> actions;  // empty: every action
};

constexpr ConditionKeyInfo kS3ConditionKeys[] = {
    {"s3:prefix", false, kListActions},
    {"s3:delimiter", false, kListActions},
    {"s3:max-keys", false, kListActions},
    {"s3:x-amz-acl", false, kAclActions},
    {"s3:x-amz-grant-read", false, kAclActions},
    {"s3:x-amz-grant-write", false, kAclActions},
    {"s3:x-amz-grant-read-acp", false, kAclActions},
    {"s3:x-amz-grant-write-acp", false, kAclActions},
    {"s3:x-amz-grant-full-control", false, kAclActions},
    {"s3:x-amz-server-side-encryption", false, kPutObjectOnly},
    {"s3:x-amz-server-side-encryption-aws-kms-key-id", false, kPutObjectOnly},
    {"s3:x-amz-server-side-encryption-customer-algorithm", false, kPutObjectOnly},
    {"s3:x-amz-copy-source", false, kPutObjectOnly},
    {"s3:x-amz-metadata-directive", false, kPutObjectOnly},
    {"s3:x-amz-storage-class", false, kPutObjectOnly},
    {"s3:x-amz-website-redirect-location", false, kPutObjectOnly},
    {"s3:if-match", false, kPutObjectOnly},
    {"s3:if-none-match", false, kPutObjectOnly},
    {"s3:objectcreationoperation", false, kPutObjectOnly},
    {"s3:versionid", false, kVersionIdActions},
    {"s3:existingobjecttag/", true, kExistingTagActions},
    {"s3:requestobjecttag/", true, kRequestTagActions},
    {"s3:requestobjecttagkeys", false, kRequestTagActions},
    {"s3:inventoryaccessibleoptionalfields", false, kInventoryActions},
    {"s3:object-lock-mode", false, kObjectLockActions},
    {"s3:object-lock-retain-until-date", false, kObjectLockActions},
    {"s3:object-lock-legal-hold", false, kObjectLockActions},
    {"s3:object-lock-remaining-retention-days", false, kObjectLockActions},
    {"s3:locationconstraint", false, kCreateBucketOnly},
    {"s3:x-amz-object-ownership", false, kOwnershipActions},
    // Keys every S3 action carries.
    {"s3:authtype", false, {}},
    {"s3:signatureversion", false, {}},
    {"s3:signatureage", false, {}},
    {"s3:tlsversion", false, {}},
    {"s3:x-amz-content-sha256", false, {}},
    {"s3:resourceaccount", false, {}},
    {"s3:accesspointnetworkorigin", false, {}},
    {"s3:dataaccesspointaccount", false, {}},
    {"s3:dataaccesspointarn", false, {}},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

const ConditionKeyInfo* FindS3Key(std::string_view key) {
  std::string lower = Lower(key);
  for (const ConditionKeyInfo& info : kS3ConditionKeys) {
    if (info.family ? (StartsWith(lower, info.key) && lower.size() > info.key.size())
                    : lower == info.key) {
      return &info;
    }
  }
  return nullptr;
}

}  // namespace

std::span<const ActionInfo> AllActions() { return kActions; }

const ActionInfo* FindAction(std::string_view name) {
  for (const ActionInfo& info : kActions) {
    if (EqualsIgnoreCase(info.name, name)) return &info;
  }
  return nullptr;
}

bool ActionPatternMatches(std::string_view pattern, std::string_view action) {
  return pattern == "*" || WildcardMatch(pattern, action, {.ignore_case = true});
}

bool IsKnownConditionKey(std::string_view key) {
  std::string lower = Lower(key);
  if (StartsWith(lower, "aws:")) return lower.size() > 4;
  return FindS3Key(key) != nullptr;
}

bool ConditionKeyAppliesTo(std::string_view key, std::string_view action) {
  const ConditionKeyInfo* info = FindS3Key(key);
  if (info == nullptr || info->actions.empty()) return true;  // global or all-action key
  for (std::string_view name : info->actions) {
    if (EqualsIgnoreCase(name, action)) return true;
  }
  return false;
}

}  // namespace stocktake::s3::policy
