// Authorization (issue 7): who may do what on a bucket, decided from bucket ownership, the bucket
// policy (s3/policy) and Block Public Access, as S3 does:
//   - an explicit Deny in the bucket policy refuses, whoever asks (the owner included);
//   - the bucket owner's account is allowed everything else;
//   - another account, or an anonymous caller, needs an Allow from the policy or an ACL grant
//     (the bucket's, or for object reads and ACL calls the addressed version's: AclGrantAllows);
//     RestrictPublicBuckets makes a public policy grant nothing to them.
// DeleteObjects is authorized key by key (AuthorizeObjectDelete), as S3 does.
// The S3 service principal delivering inventory reports is checked by
// AuthorizeInventoryDelivery against the destination bucket's policy (spec §8).
// Stateless and thread-safe; policies are parsed from the bucket record on each check.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "s3/errors.h"
#include "s3/policy/policy.h"
#include "s3/policy/request_context.h"
#include "s3/request.h"
#include "s3/service.h"
#include "store/object_store.h"

namespace stocktake::s3 {

// Bucket attribute names (store::Bucket::attributes) of the documents this module reads.
inline constexpr std::string_view kPolicyAttribute = "policy";  // the JSON, verbatim
// The PublicAccessBlockConfiguration XML as GetPublicAccessBlock answers it.
inline constexpr std::string_view kPublicAccessBlockAttribute = "publicAccessBlock";

// The principal S3 acts as when it delivers inventory reports (spec §8).
inline constexpr std::string_view kS3ServicePrincipal = "s3.amazonaws.com";

// The four Block Public Access switches of a bucket (all false when none is configured).
struct PublicAccessBlock {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
};

// Parses a PublicAccessBlockConfiguration document; nullopt when it is not one.
std::optional<PublicAccessBlock> ParsePublicAccessBlockXml(std::string_view xml);
std::string SerializePublicAccessBlockXml(const PublicAccessBlock& block);
// The bucket's configuration, or nullopt when it has none.
std::optional<PublicAccessBlock> PublicAccessBlockOf(const store::Bucket& bucket);

// The bucket's parsed policy, or nullopt when it has none. A stored policy that no longer
// parses (it was valid when put) is treated as one that denies every non-owner.
std::optional<policy::Policy> BucketPolicyOf(const store::Bucket& bucket, bool* unreadable);

// The policy principal of an authenticated request: anonymous when unsigned, else the account's
// root (Stocktake keys belong to accounts, not to users).
policy::Caller CallerOf(const store::Account& account);

// The ACL of the object version a request addresses: its stored document (store/acl.h) and its
// owner's canonical id (the grantee of the default "" document).
struct ObjectAcl {
  std::string document;
  std::string owner_canonical_id;
};

// The core decision for one action on `bucket` (see the file comment). `request.action` and
// `request.resource` must be set; `object`, when given, is the addressed version's ACL.
bool IsAuthorized(const store::Bucket& bucket, const policy::RequestContext& request,
                  const ObjectAcl* object = nullptr);

// Whether an ACL grants a non-owner `request`: the bucket ACL, or `object`'s (when given).
// Called only when the bucket policy neither allows nor denies; honours
// PublicAccessBlock::ignore_public_acls (public grants count for nothing then) and ownership
// controls (nothing while BucketOwnerEnforced disables ACLs).
bool AclGrantAllows(const store::Bucket& bucket, const policy::RequestContext& request,
                    const PublicAccessBlock& block, const ObjectAcl* object);

// Authorizes the routed operation `operation` (Route::name) of `request` on `bucket`, filling
// the condition keys from the request (aws:SourceIp, aws:SecureTransport, aws:CurrentTime,
// aws:EpochTime, s3:x-amz-acl, s3:prefix, s3:delimiter, s3:max-keys,
// s3:x-amz-server-side-encryption, s3:ExistingObjectTag/*, s3:RequestObjectTag/*,
// s3:InventoryAccessibleOptionalFields, s3:VersionId). May buffer the request payload (a
// PutBucketInventoryConfiguration body, to read its OptionalFields): request.payload then
// points at `*buffered`, which must outlive the op. nullopt when allowed.
std::optional<S3Error> AuthorizeOperation(const ServiceContext& service, S3Request& request,
                                          std::string_view operation, const store::Bucket& bucket,
                                          std::unique_ptr<Payload>* buffered);

// Authorizes reading `key` (version `version_id` when set) of `bucket` for a copy source
// (s3:GetObject / s3:GetObjectVersion). nullopt when allowed.
std::optional<S3Error> AuthorizeCopySource(const ServiceContext& service, const S3Request& request,
                                           const store::Bucket& bucket, std::string_view key,
                                           std::optional<std::string_view> version_id);

// Authorizes deleting `key` (version `version_id` when set) of `bucket`, one key of a
// DeleteObjects request (s3:DeleteObject / s3:DeleteObjectVersion, with s3:VersionId and
// s3:ExistingObjectTag/* of that key). nullopt when allowed.
std::optional<S3Error> AuthorizeObjectDelete(const ServiceContext& service,
                                             const S3Request& request, const store::Bucket& bucket,
                                             std::string_view key,
                                             std::optional<std::string_view> version_id);

// Whether S3 may write inventory report object `key` of `source`'s report into `destination`:
// principal s3.amazonaws.com, aws:SourceArn = the source bucket ARN, aws:SourceAccount = its
// owner, s3:x-amz-acl = bucket-owner-full-control. Same-account deliveries need no policy (as on
// AWS); any other needs an Allow; a Deny always refuses. PermissionDenied when refused.
Status AuthorizeInventoryDelivery(const store::Bucket& source, const store::Bucket& destination,
                                  std::string_view key);

// The decision on a write of S3's own from `source` into `destination` (inventory delivery,
// replication), `context` naming the principal, action, resource and conditions: `destination`'s
// bucket policy allows it, or (same owner as `source`) does not match it. A Deny always refuses;
// an unreadable policy counts as none.
bool DestinationPolicyAllows(const store::Bucket& source, const store::Bucket& destination,
                             const policy::RequestContext& context);

}  // namespace stocktake::s3
