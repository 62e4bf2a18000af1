#include "s3/policy/operations.h"

namespace stocktake::s3::policy {
namespace {

using K = ResourceKind;

// One row per S3 operation. Deleting a configuration needs the Put permission of that
// configuration (AWS: "To use this operation, you must have permission to perform the
// s3:PutInventoryConfiguration action"), HeadBucket needs s3:ListBucket, HeadObject needs
// s3:GetObject, multipart steps need s3:PutObject, DeleteObjects needs s3:DeleteObject for each
// key (check every key with this row).
constexpr OperationAction kOperations[] = {
    // Service.
    {"ListBuckets", "s3:ListAllMyBuckets", K::kNone, "", ""},
    // Stocktake extensions at service level: any authenticated caller (WhoAmI) or the server's
    // own rules (the local KMS key admin calls); bucket policies do not govern them.
    {"WhoAmI", "", K::kNone, "", ""},
    {"CreateKmsKey", "", K::kNone, "", ""},
    {"ListKmsKeys", "", K::kNone, "", ""},
    {"PutKmsKeyPolicy", "", K::kNone, "", ""},
    {"GetKmsKeyPolicy", "", K::kNone, "", ""},
    // Account administration: the root account only (admin_ops.cc checks it).
    {"CreateAccount", "", K::kNone, "", ""},
    {"ListAccounts", "", K::kNone, "", ""},
    {"DeleteAccount", "", K::kNone, "", ""},
    {"CreateAccessKey", "", K::kNone, "", ""},
    {"ListAccessKeys", "", K::kNone, "", ""},
    {"UpdateAccessKey", "", K::kNone, "", ""},
    {"DeleteAccessKey", "", K::kNone, "", ""},
    // Bucket.
    {"CreateBucket", "s3:CreateBucket", K::kBucket, "", ""},
    {"DeleteBucket", "s3:DeleteBucket", K::kBucket, "", ""},
    {"HeadBucket", "s3:ListBucket", K::kBucket, "", ""},
    {"ListObjects", "s3:ListBucket", K::kBucket, "", ""},
    {"ListObjectsV2", "s3:ListBucket", K::kBucket, "", ""},
    {"ListObjectVersions", "s3:ListBucketVersions", K::kBucket, "", ""},
    {"ListMultipartUploads", "s3:ListBucketMultipartUploads", K::kBucket, "", ""},
    {"GetBucketLocation", "s3:GetBucketLocation", K::kBucket, "", ""},
    {"GetBucketVersioning", "s3:GetBucketVersioning", K::kBucket, "", ""},
    {"PutBucketVersioning", "s3:PutBucketVersioning", K::kBucket, "", ""},
    {"GetBucketPolicy", "s3:GetBucketPolicy", K::kBucket, "", ""},
    {"PutBucketPolicy", "s3:PutBucketPolicy", K::kBucket, "", ""},
    {"DeleteBucketPolicy", "s3:DeleteBucketPolicy", K::kBucket, "", ""},
    {"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", K::kBucket, "", ""},
    {"GetBucketAcl", "s3:GetBucketAcl", K::kBucket, "", ""},
    {"PutBucketAcl", "s3:PutBucketAcl", K::kBucket, "", ""},
    {"GetBucketTagging", "s3:GetBucketTagging", K::kBucket, "", ""},
    {"PutBucketTagging", "s3:PutBucketTagging", K::kBucket, "", ""},
    {"DeleteBucketTagging", "s3:PutBucketTagging", K::kBucket, "", ""},
    {"GetBucketCors", "s3:GetBucketCORS", K::kBucket, "", ""},
    {"PutBucketCors", "s3:PutBucketCORS", K::kBucket, "", ""},
    {"DeleteBucketCors", "s3:PutBucketCORS", K::kBucket, "", ""},
    {"GetBucketWebsite", "s3:GetBucketWebsite", K::kBucket, "", ""},
    {"PutBucketWebsite", "s3:PutBucketWebsite", K::kBucket, "", ""},
    {"DeleteBucketWebsite", "s3:DeleteBucketWebsite", K::kBucket, "", ""},
    {"GetBucketLogging", "s3:GetBucketLogging", K::kBucket, "", ""},
    {"PutBucketLogging", "s3:PutBucketLogging", K::kBucket, "", ""},
    {"GetBucketNotificationConfiguration", "s3:GetBucketNotification", K::kBucket, "", ""},
    {"PutBucketNotificationConfiguration", "s3:PutBucketNotification", K::kBucket, "", ""},
    {"GetBucketRequestPayment", "s3:GetBucketRequestPayment", K::kBucket, "", ""},
    {"PutBucketRequestPayment", "s3:PutBucketRequestPayment", K::kBucket, "", ""},
    {"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", K::kBucket, "", ""},
    {"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", K::kBucket, "", ""},
    {"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", K::kBucket, "", ""},
    {"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", K::kBucket, "", ""},
    {"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", K::kBucket, "", ""},
    {"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", K::kBucket, "", ""},
    {"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", K::kBucket, "", ""},
    {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", K::kBucket, "", ""},
    {"GetBucketEncryption", "s3:GetEncryptionConfiguration", K::kBucket, "", ""},
    {"PutBucketEncryption", "s3:PutEncryptionConfiguration", K::kBucket, "", ""},
    {"DeleteBucketEncryption", "s3:PutEncryptionConfiguration", K::kBucket, "", ""},
    {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", K::kBucket, "", ""},
    {"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", K::kBucket, "", ""},
    {"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration", K::kBucket, "", ""},
    {"GetBucketReplication", "s3:GetReplicationConfiguration", K::kBucket, "", ""},
    {"PutBucketReplication", "s3:PutReplicationConfiguration", K::kBucket, "", ""},
    {"DeleteBucketReplication", "s3:PutReplicationConfiguration", K::kBucket, "", ""},
    {"GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration", K::kBucket, "", ""},
    {"PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration", K::kBucket, "", ""},
    {"GetBucketAnalyticsConfiguration", "s3:GetAnalyticsConfiguration", K::kBucket, "", ""},
    {"ListBucketAnalyticsConfigurations", "s3:GetAnalyticsConfiguration", K::kBucket, "", ""},
    {"PutBucketAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", K::kBucket, "", ""},
    {"DeleteBucketAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", K::kBucket, "", ""},
    {"GetBucketMetricsConfiguration", "s3:GetMetricsConfiguration", K::kBucket, "", ""},
    {"ListBucketMetricsConfigurations", "s3:GetMetricsConfiguration", K::kBucket, "", ""},
    {"PutBucketMetricsConfiguration", "s3:PutMetricsConfiguration", K::kBucket, "", ""},
    {"DeleteBucketMetricsConfiguration", "s3:PutMetricsConfiguration", K::kBucket, "", ""},
    {"GetBucketIntelligentTieringConfiguration", "s3:GetIntelligentTieringConfiguration",
     K::kBucket, "", ""},
    {"ListBucketIntelligentTieringConfigurations", "s3:GetIntelligentTieringConfiguration",
     K::kBucket, "", ""},
    {"PutBucketIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration",
     K::kBucket, "", ""},
    {"DeleteBucketIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration",
     K::kBucket, "", ""},
    // Inventory (spec/s3-inventory.md §2) and Stocktake's run extension: running a report
    // exports the same metadata a configuration does, so it needs the same permission.
    {"PutBucketInventoryConfiguration", "s3:PutInventoryConfiguration", K::kBucket, "", ""},
    {"GetBucketInventoryConfiguration", "s3:GetInventoryConfiguration", K::kBucket, "", ""},
    {"ListBucketInventoryConfigurations", "s3:GetInventoryConfiguration", K::kBucket, "", ""},
    {"DeleteBucketInventoryConfiguration", "s3:PutInventoryConfiguration", K::kBucket, "", ""},
    {"RunBucketInventory", "s3:PutInventoryConfiguration", K::kBucket, "", ""},
    {"ListBucketInventoryRuns", "s3:GetInventoryConfiguration", K::kBucket, "", ""},
    // Object.
    {"GetObject", "s3:GetObject", K::kObject, "s3:GetObjectVersion", ""},
    {"HeadObject", "s3:GetObject", K::kObject, "s3:GetObjectVersion", ""},
    {"SelectObjectContent", "s3:GetObject", K::kObject, "", ""},
    {"PutObject", "s3:PutObject", K::kObject, "", ""},
    // Authorized by the op itself once the form names the key (service.cc), as s3:PutObject.
    {"PostObject", "s3:PutObject", K::kObject, "", ""},
    {"CopyObject", "s3:PutObject", K::kObject, "", "s3:GetObject"},
    {"DeleteObject", "s3:DeleteObject", K::kObject, "s3:DeleteObjectVersion", ""},
    {"DeleteObjects", "s3:DeleteObject", K::kObject, "s3:DeleteObjectVersion", ""},
    {"GetObjectAcl", "s3:GetObjectAcl", K::kObject, "s3:GetObjectVersionAcl", ""},
    {"PutObjectAcl", "s3:PutObjectAcl", K::kObject, "s3:PutObjectVersionAcl", ""},
    {"GetObjectTagging", "s3:GetObjectTagging", K::kObject, "s3:GetObjectVersionTagging", ""},
    {"PutObjectTagging", "s3:PutObjectTagging", K::kObject, "s3:PutObjectVersionTagging", ""},
    {"DeleteObjectTagging", "s3:DeleteObjectTagging", K::kObject, "s3:DeleteObjectVersionTagging",
     ""},
    {"GetObjectAttributes", "s3:GetObjectAttributes", K::kObject, "s3:GetObjectVersionAttributes",
     ""},
    {"GetObjectRetention", "s3:GetObjectRetention", K::kObject, "", ""},
    {"PutObjectRetention", "s3:PutObjectRetention", K::kObject, "", ""},
    {"GetObjectLegalHold", "s3:GetObjectLegalHold", K::kObject, "", ""},
    {"PutObjectLegalHold", "s3:PutObjectLegalHold", K::kObject, "", ""},
    {"RestoreObject", "s3:RestoreObject", K::kObject, "", ""},
    {"GetObjectTorrent", "s3:GetObjectTorrent", K::kObject, "s3:GetObjectVersionTorrent", ""},
    // Multipart upload.
    {"CreateMultipartUpload", "s3:PutObject", K::kObject, "", ""},
    {"UploadPart", "s3:PutObject", K::kObject, "", ""},
    {"UploadPartCopy", "s3:PutObject", K::kObject, "", "s3:GetObject"},
    {"CompleteMultipartUpload", "s3:PutObject", K::kObject, "", ""},
    {"AbortMultipartUpload", "s3:AbortMultipartUpload", K::kObject, "", ""},
    {"ListParts", "s3:ListMultipartUploadParts", K::kObject, "", ""},
};

}  // namespace

std::span<const OperationAction> AllOperations() { return kOperations; }

const OperationAction* FindOperation(std::string_view operation) {
  for (const OperationAction& entry : kOperations) {
    if (entry.operation == operation) return &entry;
  }
  return nullptr;
}

}  // namespace stocktake::s3::policy
