// Object features that several operations share (issue 6): Object Lock (lock_ops.cc), ACLs and
// ownership (acl_ops.cc), archived storage classes and Intelligent-Tiering access
// (restore_ops.cc). The object operations call these hooks; the features' own operations
// (?object-lock, ?retention, ?legal-hold, ?acl, ?ownershipControls, ?restore) are in op.h.
#pragma once

#include <optional>
#include <string_view>

#include "s3/ops/op.h"
#include "s3/policy/request_context.h"

namespace stocktake::s3 {

// ---- New versions (PutObject, CopyObject, CreateMultipartUpload) ----------------------------

// Object Lock from the x-amz-object-lock-* headers, else the bucket's default retention;
// InvalidRequest when the headers name a bucket without Object Lock.
std::optional<S3Error> ApplyObjectLockHeaders(const OpContext& ctx, store::ObjectVersion* version);

// The ACL of x-amz-acl / x-amz-grant-* (AccessControlListNotSupported when the bucket's ownership
// controls disable ACLs and the ACL grants more than the bucket owner's full control).
std::optional<S3Error> ApplyAclHeaders(const OpContext& ctx, store::ObjectVersion* version);

// Both of the above: what every operation creating a version calls once its headers are read.
std::optional<S3Error> ApplyNewObjectFeatures(const OpContext& ctx, store::ObjectVersion* version);

// CreateBucket: x-amz-object-ownership (BucketOwnerEnforced when absent, as AWS since 2023) and
// the bucket ACL headers.
std::optional<S3Error> ApplyNewBucketFeatures(const OpContext& ctx, store::Bucket* bucket);

// ---- Authorization ------------------------------------------------------------------------------

// Whether the bucket's ACL grants `request` (authorization.cc's AclGrantAllows hook, consulted
// when the policy neither allows nor denies a non-owner). Bucket ACL permissions map to actions
// as the User Guide's "Mapping of ACL permissions and access policy permissions": READ ->
// s3:ListBucket(Versions|MultipartUploads), WRITE -> s3:PutObject, READ_ACP -> s3:GetBucketAcl,
// WRITE_ACP -> s3:PutBucketAcl, FULL_CONTROL -> all. Nothing while ACLs are disabled
// (BucketOwnerEnforced); grants to AllUsers/AuthenticatedUsers count for nothing when
// `ignore_public_acls`.
bool BucketAclAllows(const store::Bucket& bucket, const policy::RequestContext& request,
                     bool ignore_public_acls);

// Whether some object ACL permission maps to `action` (same table, object column): READ ->
// s3:GetObject(Version), s3:GetObject(Version)Torrent; READ_ACP -> s3:GetObject(Version)Acl;
// WRITE_ACP -> s3:PutObject(Version)Acl; FULL_CONTROL -> all of them.
bool ObjectAclCanGrant(std::string_view action);

// Whether the object ACL `document` (store/acl.h; "" = its owner `owner_canonical_id`'s
// FULL_CONTROL) grants `request`, by the mapping above and with the rules of BucketAclAllows.
bool ObjectAclAllows(const store::Bucket& bucket, std::string_view document,
                     std::string_view owner_canonical_id, const policy::RequestContext& request,
                     bool ignore_public_acls);

// ---- Reads (GetObject, HeadObject, CopyObject sources) ----------------------------------------

// x-amz-object-lock-mode, -retain-until-date (the one in force), -legal-hold, -event-hold and
// -event-hold-duration-days|-years of a version.
void AddObjectLockHeaders(const OpContext& ctx, const store::ObjectVersion& version,
                          S3Response* response);
// Those and x-amz-restore: what GET/HEAD add to the object's headers.
void AddObjectFeatureHeaders(const OpContext& ctx, const store::ObjectVersion& version,
                             S3Response* response);

// GET of a GLACIER / DEEP_ARCHIVE version without a restored copy: InvalidObjectState.
std::optional<S3Error> CheckObjectDataReadable(const OpContext& ctx,
                                               const store::ObjectVersion& version);
// The same check for a CopyObject / UploadPartCopy source (AWS words it differently).
std::optional<S3Error> CheckCopySourceReadable(const OpContext& ctx,
                                               const store::ObjectVersion& version);

// Records a read of the data for Intelligent-Tiering (at most one write a day per version).
void RecordObjectRead(const OpContext& ctx, const store::ObjectVersion& version);

// ---- Deletes ----------------------------------------------------------------------------------

// DeleteObject(s) with x-amz-bypass-governance-retention on a bucket without Object Lock:
// InvalidArgument, as S3.
std::optional<S3Error> CheckBypassHeaderApplicable(const OpContext& ctx);

// Removing `version_id` of `key` permanently: AccessDenied while a legal hold or an unexpired
// retention protects it (GOVERNANCE yields to x-amz-bypass-governance-retention: true). OK when
// the version does not exist (the delete itself answers that).
std::optional<S3Error> CheckVersionRemovable(const OpContext& ctx, std::string_view key,
                                             std::string_view version_id);

}  // namespace stocktake::s3
