// The contract between the router and the operations: one function per S3 operation, taking the
// resolved request and answering with a response or an error.
#pragma once

#include <optional>

#include "s3/request.h"
#include "s3/service.h"
#include "store/object_store.h"

namespace stocktake::s3 {

struct OpContext {
  const ServiceContext& service;
  S3Request& request;
  // The addressed bucket, loaded and access-checked by the router (bucket and object scopes).
  std::optional<store::Bucket> bucket;

  store::ObjectStore& store() const { return *service.store; }
  int64_t NowMillis() const { return service.clock->NowMillis(); }
};

using OpHandler = OpResult (*)(OpContext&);

// Service.
OpResult ListBuckets(OpContext& ctx);
// Stocktake extension `GET /?whoami`: the caller's account (as `aws sts get-caller-identity`).
OpResult WhoAmI(OpContext& ctx);
// Buckets.
OpResult CreateBucket(OpContext& ctx);
OpResult HeadBucket(OpContext& ctx);
OpResult DeleteBucket(OpContext& ctx);
OpResult GetBucketLocation(OpContext& ctx);
OpResult GetBucketVersioning(OpContext& ctx);
OpResult PutBucketVersioning(OpContext& ctx);
OpResult ListObjectsV1(OpContext& ctx);
OpResult ListObjectsV2(OpContext& ctx);
OpResult ListObjectVersions(OpContext& ctx);
OpResult DeleteObjects(OpContext& ctx);
// Objects.
OpResult PutObject(OpContext& ctx);
// Browser-based upload: POST of a multipart/form-data form to the bucket (post_object_ops.cc).
OpResult PostObject(OpContext& ctx);
OpResult CopyObject(OpContext& ctx);
OpResult GetObject(OpContext& ctx);
OpResult HeadObject(OpContext& ctx);
OpResult DeleteObject(OpContext& ctx);
OpResult PutObjectTagging(OpContext& ctx);
OpResult GetObjectTagging(OpContext& ctx);
OpResult DeleteObjectTagging(OpContext& ctx);
// Object Lock (lock_ops.cc).
OpResult GetObjectLockConfiguration(OpContext& ctx);
OpResult PutObjectLockConfiguration(OpContext& ctx);
OpResult GetObjectRetention(OpContext& ctx);
OpResult PutObjectRetention(OpContext& ctx);
OpResult GetObjectLegalHold(OpContext& ctx);
OpResult PutObjectLegalHold(OpContext& ctx);
// ACLs and Object Ownership (acl_ops.cc).
OpResult GetObjectAcl(OpContext& ctx);
OpResult PutObjectAcl(OpContext& ctx);
OpResult GetBucketAcl(OpContext& ctx);
OpResult PutBucketAcl(OpContext& ctx);
OpResult GetBucketOwnershipControls(OpContext& ctx);
OpResult PutBucketOwnershipControls(OpContext& ctx);
OpResult DeleteBucketOwnershipControls(OpContext& ctx);
// Archived storage classes (restore_ops.cc).
OpResult RestoreObject(OpContext& ctx);
// Bucket default encryption and the key-service extension (encryption_ops.cc): Stocktake's
// `POST /?kms-create-key[&description=…]` and `GET /?kms-keys` (the caller's KMS keys).
OpResult PutBucketEncryption(OpContext& ctx);
OpResult GetBucketEncryption(OpContext& ctx);
OpResult DeleteBucketEncryption(OpContext& ctx);
OpResult CreateKmsKey(OpContext& ctx);
OpResult ListKmsKeys(OpContext& ctx);
// Key policies (kms_policy_ops.cc): `PUT|GET /?kms-key-policy&key-id=ID`.
OpResult PutKmsKeyPolicy(OpContext& ctx);
OpResult GetKmsKeyPolicy(OpContext& ctx);
// Multipart uploads.
OpResult CreateMultipartUpload(OpContext& ctx);
OpResult UploadPart(OpContext& ctx);
OpResult UploadPartCopy(OpContext& ctx);
OpResult CompleteMultipartUpload(OpContext& ctx);
OpResult AbortMultipartUpload(OpContext& ctx);
OpResult ListParts(OpContext& ctx);
OpResult ListMultipartUploads(OpContext& ctx);
// Inventory configuration (spec §2) and Stocktake's run extension.
OpResult PutBucketInventoryConfiguration(OpContext& ctx);
OpResult GetBucketInventoryConfiguration(OpContext& ctx);
OpResult ListBucketInventoryConfigurations(OpContext& ctx);
OpResult DeleteBucketInventoryConfiguration(OpContext& ctx);
OpResult RunBucketInventory(OpContext& ctx);
OpResult ListBucketInventoryRuns(OpContext& ctx);
// Bucket policies and Block Public Access (policy_ops.cc).
OpResult PutBucketPolicy(OpContext& ctx);
OpResult GetBucketPolicy(OpContext& ctx);
OpResult DeleteBucketPolicy(OpContext& ctx);
OpResult GetBucketPolicyStatus(OpContext& ctx);
OpResult PutPublicAccessBlock(OpContext& ctx);
OpResult GetPublicAccessBlock(OpContext& ctx);
OpResult DeletePublicAccessBlock(OpContext& ctx);
// Bucket replication (replication_ops.cc; the object hooks are in replication.h).
OpResult PutBucketReplication(OpContext& ctx);
OpResult GetBucketReplication(OpContext& ctx);
OpResult DeleteBucketReplication(OpContext& ctx);
// Bucket lifecycle (lifecycle_ops.cc; the worker is store/lifecycle_worker.h).
OpResult PutBucketLifecycleConfiguration(OpContext& ctx);
OpResult GetBucketLifecycleConfiguration(OpContext& ctx);
OpResult DeleteBucketLifecycle(OpContext& ctx);
// Account administration, root account only (admin_ops.cc; routes in router.cc).
OpResult CreateAccount(OpContext& ctx);
OpResult ListAccounts(OpContext& ctx);
OpResult DeleteAccount(OpContext& ctx);
OpResult CreateAccessKey(OpContext& ctx);
OpResult ListAccessKeys(OpContext& ctx);
OpResult UpdateAccessKey(OpContext& ctx);
OpResult DeleteAccessKey(OpContext& ctx);

}  // namespace stocktake::s3
