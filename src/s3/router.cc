#include "s3/router.h"

#include <array>

namespace stocktake::s3 {
namespace {

// Ordered: the first match wins, so more specific rows come first.
constexpr std::array kRoutes = {
    Route{"GET", Scope::kService, "whoami", "", "", WhoAmI, "WhoAmI"},
    Route{"POST", Scope::kService, "kms-create-key", "", "", CreateKmsKey, "CreateKmsKey"},
    Route{"GET", Scope::kService, "kms-keys", "", "", ListKmsKeys, "ListKmsKeys"},
    Route{"PUT", Scope::kService, "kms-key-policy", "", "", PutKmsKeyPolicy, "PutKmsKeyPolicy"},
    Route{"GET", Scope::kService, "kms-key-policy", "", "", GetKmsKeyPolicy, "GetKmsKeyPolicy"},
    // Account administration (admin_ops.cc), root account only.
    Route{"POST", Scope::kService, "admin-account", "", "", CreateAccount, "CreateAccount"},
    Route{"DELETE", Scope::kService, "admin-account", "", "", DeleteAccount, "DeleteAccount"},
    Route{"GET", Scope::kService, "admin-accounts", "", "", ListAccounts, "ListAccounts"},
    Route{"POST", Scope::kService, "admin-access-key", "", "", CreateAccessKey, "CreateAccessKey"},
    Route{"PUT", Scope::kService, "admin-access-key", "", "", UpdateAccessKey, "UpdateAccessKey"},
    Route{"DELETE", Scope::kService, "admin-access-key", "", "", DeleteAccessKey,
          "DeleteAccessKey"},
    Route{"GET", Scope::kService, "admin-access-keys", "", "", ListAccessKeys, "ListAccessKeys"},
    Route{"GET", Scope::kService, "", "", "", ListBuckets, "ListBuckets"},

    Route{"PUT", Scope::kBucket, "inventory", "", "", PutBucketInventoryConfiguration,
          "PutBucketInventoryConfiguration"},
    Route{"GET", Scope::kBucket, "inventory", "runs", "", ListBucketInventoryRuns,
          "ListBucketInventoryRuns"},
    Route{"GET", Scope::kBucket, "inventory", "id", "", GetBucketInventoryConfiguration,
          "GetBucketInventoryConfiguration"},
    Route{"GET", Scope::kBucket, "inventory", "", "", ListBucketInventoryConfigurations,
          "ListBucketInventoryConfigurations"},
    Route{"DELETE", Scope::kBucket, "inventory", "", "", DeleteBucketInventoryConfiguration,
          "DeleteBucketInventoryConfiguration"},
    Route{"POST", Scope::kBucket, "inventory", "run", "", RunBucketInventory, "RunBucketInventory"},
    Route{"GET", Scope::kBucket, "object-lock", "", "", GetObjectLockConfiguration,
          "GetObjectLockConfiguration"},
    Route{"PUT", Scope::kBucket, "object-lock", "", "", PutObjectLockConfiguration,
          "PutObjectLockConfiguration"},
    Route{"GET", Scope::kBucket, "acl", "", "", GetBucketAcl, "GetBucketAcl"},
    Route{"PUT", Scope::kBucket, "acl", "", "", PutBucketAcl, "PutBucketAcl"},
    Route{"GET", Scope::kBucket, "ownershipControls", "", "", GetBucketOwnershipControls,
          "GetBucketOwnershipControls"},
    Route{"PUT", Scope::kBucket, "ownershipControls", "", "", PutBucketOwnershipControls,
          "PutBucketOwnershipControls"},
    Route{"DELETE", Scope::kBucket, "ownershipControls", "", "", DeleteBucketOwnershipControls,
          "DeleteBucketOwnershipControls"},
    Route{"PUT", Scope::kBucket, "encryption", "", "", PutBucketEncryption, "PutBucketEncryption"},
    Route{"GET", Scope::kBucket, "encryption", "", "", GetBucketEncryption, "GetBucketEncryption"},
    Route{"DELETE", Scope::kBucket, "encryption", "", "", DeleteBucketEncryption,
          "DeleteBucketEncryption"},
    Route{"PUT", Scope::kBucket, "policy", "", "", PutBucketPolicy, "PutBucketPolicy"},
    Route{"GET", Scope::kBucket, "policy", "", "", GetBucketPolicy, "GetBucketPolicy"},
    Route{"DELETE", Scope::kBucket, "policy", "", "", DeleteBucketPolicy, "DeleteBucketPolicy"},
    Route{"GET", Scope::kBucket, "policyStatus", "", "", GetBucketPolicyStatus,
          "GetBucketPolicyStatus"},
    Route{"PUT", Scope::kBucket, "publicAccessBlock", "", "", PutPublicAccessBlock,
          "PutPublicAccessBlock"},
    Route{"GET", Scope::kBucket, "publicAccessBlock", "", "", GetPublicAccessBlock,
          "GetPublicAccessBlock"},
    Route{"DELETE", Scope::kBucket, "publicAccessBlock", "", "", DeletePublicAccessBlock,
          "DeletePublicAccessBlock"},
    Route{"PUT", Scope::kBucket, "replication", "", "", PutBucketReplication,
          "PutBucketReplication"},
    Route{"GET", Scope::kBucket, "replication", "", "", GetBucketReplication,
          "GetBucketReplication"},
    Route{"DELETE", Scope::kBucket, "replication", "", "", DeleteBucketReplication,
          "DeleteBucketReplication"},
    Route{"PUT", Scope::kBucket, "lifecycle", "", "", PutBucketLifecycleConfiguration,
          "PutBucketLifecycleConfiguration"},
    Route{"GET", Scope::kBucket, "lifecycle", "", "", GetBucketLifecycleConfiguration,
          "GetBucketLifecycleConfiguration"},
    Route{"DELETE", Scope::kBucket, "lifecycle", "", "", DeleteBucketLifecycle,
          "DeleteBucketLifecycle"},
    Route{"GET", Scope::kBucket, "location", "", "", GetBucketLocation, "GetBucketLocation"},
    Route{"GET", Scope::kBucket, "versioning", "", "", GetBucketVersioning, "GetBucketVersioning"},
    Route{"PUT", Scope::kBucket, "versioning", "", "", PutBucketVersioning, "PutBucketVersioning"},
    Route{"GET", Scope::kBucket, "versions", "", "", ListObjectVersions, "ListObjectVersions"},
    Route{"GET", Scope::kBucket, "uploads", "", "", ListMultipartUploads, "ListMultipartUploads"},
    Route{"POST", Scope::kBucket, "delete", "", "", DeleteObjects, "DeleteObjects"},
    // Browser-based upload (multipart/form-data): the form's policy authenticates it.
    Route{"POST", Scope::kBucket, "", "", "", PostObject, "PostObject"},
    Route{"GET", Scope::kBucket, "list-type", "", "", ListObjectsV2, "ListObjectsV2"},
    Route{"GET", Scope::kBucket, "", "", "", ListObjectsV1, "ListObjects"},
    Route{"PUT", Scope::kBucket, "", "", "", CreateBucket, "CreateBucket"},
    Route{"HEAD", Scope::kBucket, "", "", "", HeadBucket, "HeadBucket"},
    Route{"DELETE", Scope::kBucket, "", "", "", DeleteBucket, "DeleteBucket"},

    Route{"GET", Scope::kObject, "retention", "", "", GetObjectRetention, "GetObjectRetention"},
    Route{"PUT", Scope::kObject, "retention", "", "", PutObjectRetention, "PutObjectRetention"},
    Route{"GET", Scope::kObject, "legal-hold", "", "", GetObjectLegalHold, "GetObjectLegalHold"},
    Route{"PUT", Scope::kObject, "legal-hold", "", "", PutObjectLegalHold, "PutObjectLegalHold"},
    Route{"GET", Scope::kObject, "acl", "", "", GetObjectAcl, "GetObjectAcl"},
    Route{"PUT", Scope::kObject, "acl", "", "", PutObjectAcl, "PutObjectAcl"},
    Route{"POST", Scope::kObject, "restore", "", "", RestoreObject, "RestoreObject"},
    Route{"PUT", Scope::kObject, "tagging", "", "", PutObjectTagging, "PutObjectTagging"},
    Route{"GET", Scope::kObject, "tagging", "", "", GetObjectTagging, "GetObjectTagging"},
    Route{"DELETE", Scope::kObject, "tagging", "", "", DeleteObjectTagging, "DeleteObjectTagging"},
    Route{"POST", Scope::kObject, "uploads", "", "", CreateMultipartUpload,
          "CreateMultipartUpload"},
    Route{"PUT", Scope::kObject, "uploadId", "partNumber", "x-amz-copy-source", UploadPartCopy,
          "UploadPartCopy"},
    Route{"PUT", Scope::kObject, "uploadId", "partNumber", "", UploadPart, "UploadPart"},
    Route{"POST", Scope::kObject, "uploadId", "", "", CompleteMultipartUpload,
          "CompleteMultipartUpload"},
    Route{"DELETE", Scope::kObject, "uploadId", "", "", AbortMultipartUpload,
          "AbortMultipartUpload"},
    Route{"GET", Scope::kObject, "uploadId", "", "", ListParts, "ListParts"},
    Route{"PUT", Scope::kObject, "", "", "x-amz-copy-source", CopyObject, "CopyObject"},
    Route{"PUT", Scope::kObject, "", "", "", PutObject, "PutObject"},
    Route{"GET", Scope::kObject, "", "", "", GetObject, "GetObject"},
    Route{"HEAD", Scope::kObject, "", "", "", HeadObject, "HeadObject"},
    Route{"DELETE", Scope::kObject, "", "", "", DeleteObject, "DeleteObject"},
};

// Sub-resources of the S3 API that select an operation. A request naming one that no route
// serves is NotImplemented rather than being mistaken for a plain GET/PUT.
constexpr std::array<std::string_view, 47> kKnownSubresources = {
    "accelerate",
    "acl",
    "analytics",
    "attributes",
    "cors",
    "delete",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "legal-hold",
    "lifecycle",
    "list-type",
    "location",
    "logging",
    "metadataConfiguration",
    "metadataTable",
    "metrics",
    "notification",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "session",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versioning",
    "versions",
    "website",
    "renameObject",
    "abac",
    "partNumber",
    "whoami",
    "kms-create-key",
    "kms-keys",
    "kms-key-policy",
    "admin-account",
    "admin-accounts",
    "admin-access-key",
    "admin-access-keys",
};

bool HasKnownSubresource(const S3Request& request) {
  for (const auto& [name, value] : request.query) {
    for (std::string_view known : kKnownSubresources) {
      // partNumber alone is a ranged GET of one part, not an operation selector.
      if (!known.empty() && known != "partNumber" && name == known) return true;
    }
  }
  return false;
}

}  // namespace

std::variant<const Route*, S3Error> FindRoute(const S3Request& request, Scope scope) {
  bool method_seen = false;
  for (const Route& route : kRoutes) {
    if (route.scope != scope) continue;
    if (!route.subresource.empty() && !request.HasQuery(route.subresource)) continue;
    if (route.subresource.empty() && HasKnownSubresource(request)) continue;
    if (!route.also.empty() && !request.HasQuery(route.also)) continue;
    if (!route.header.empty() && request.Header(route.header) == nullptr) continue;
    if (route.method != request.method) {
      method_seen = true;
      continue;
    }
    return &route;
  }
  if (method_seen && !HasKnownSubresource(request)) return S3Error(S3ErrorCode::kMethodNotAllowed);
  return S3Error(S3ErrorCode::kNotImplemented,
                 "The requested operation is not implemented by Stocktake.");
}

}  // namespace stocktake::s3
