// Which IAM action authorizes each S3 operation, and against which resource. Source: Amazon S3
// User Guide, "Required permissions for Amazon S3 API operations", and the Service
// Authorization Reference for S3. The whole mapping is one constexpr table (operations.cc).
#pragma once

#include <span>
#include <string_view>

#include "s3/policy/actions.h"

namespace stocktake::s3::policy {

struct OperationAction {
  std::string_view operation;  // S3 API name: "GetObject", "ListObjectsV2", ...
  std::string_view action;     // IAM action checked: "s3:GetObject"; "" = no authorization
  // The ARN the action is checked against: kBucket -> arn:aws:s3:::bucket,
  // kObject -> arn:aws:s3:::bucket/key, kNone -> not a bucket policy matter (ListBuckets).
  ResourceKind resource;
  // The action checked instead when the request names a versionId ("s3:GetObjectVersion"),
  // or "" when the operation has no versioned form.
  std::string_view versioned_action;
  // A second action on the copy source object (CopyObject, UploadPartCopy), or "". Checked
  // against arn:aws:s3:::source-bucket/source-key; s3:GetObjectVersion instead when the copy
  // source names a versionId.
  std::string_view source_action;
};

// Every operation, including Stocktake's extensions (RunBucketInventory,
// ListBucketInventoryRuns, WhoAmI, CreateKmsKey, ListKmsKeys).
std::span<const OperationAction> AllOperations();

// The entry for an S3 operation name (exact spelling, as the router names it), or null.
const OperationAction* FindOperation(std::string_view operation);

// "arn:aws:s3:::bucket" and "arn:aws:s3:::bucket/key" (the key as stored, not URL-encoded).
inline constexpr std::string_view kS3ArnPrefix = "arn:aws:s3:::";

}  // namespace stocktake::s3::policy
