// Whether a bucket policy is "public" in the sense of S3 Block Public Access (S3 User Guide,
// "Blocking public access to your Amazon S3 storage", section "The meaning of 'public'"; also the
// PublicAccessBlockConfiguration API reference). GetBucketPolicyStatus reports it as IsPublic;
// BlockPublicPolicy rejects such a policy on PUT; RestrictPublicBuckets limits a bucket with such
// a policy to service principals and the owner's account.
//
// AWS: "Amazon S3 considers a bucket policy public unless at least one of the following
// conditions is true: The policy limits access to a set of CIDRs using aws:SourceIp. The policy
// grants permissions ... to one of the following: a fixed AWS principal, user, role, or service
// principal; a fixed aws:SourceArn; a fixed aws:SourceVpc; a fixed aws:SourceVpce; a fixed
// aws:SourceOwner; a fixed aws:SourceAccount; a fixed value of
// s3:x-amz-server-side-encryption-aws-kms-key-id; a fixed value of aws:userid outside the pattern
// 'AROLEID:*'". A fixed value contains no wildcard and no policy variable.
#pragma once

#include "s3/policy/policy.h"

namespace stocktake::s3::policy {

// True when some Allow statement grants to everyone ("*" or {"AWS": "*"}) without a condition
// that pins the request to fixed values of one of the keys above (or aws:PrincipalAccount,
// aws:PrincipalArn, aws:PrincipalOrgID, s3:DataAccessPointAccount, s3:DataAccessPointArn, which
// fix the principal or the access path the same way). Deny statements never make a policy public.
// An aws:SourceIp range counts as limiting when no broader than /8 (IPv4) or /32 (IPv6).
bool IsPublic(const Policy& policy);

bool IsPublicStatement(const Statement& statement);

}  // namespace stocktake::s3::policy
