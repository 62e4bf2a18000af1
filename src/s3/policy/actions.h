// The IAM action catalog of S3 as bucket policies can name it, and the S3 condition keys with the
// actions each applies to. Source: AWS Service Authorization Reference, "Actions, resources, and
// condition keys for Amazon S3" (resource types "bucket" and "object"; condition keys per
// action). Only the actions and keys a bucket policy can meaningfully use are listed.
#pragma once

#include <span>
#include <string_view>

namespace stocktake::s3::policy {

// The resource type an action is authorized against.
enum class ResourceKind {
  kNone,    // account-level (s3:ListAllMyBuckets): no bucket policy statement applies to it
  kBucket,  // arn:aws:s3:::bucket
  kObject,  // arn:aws:s3:::bucket/key
};

struct ActionInfo {
  std::string_view name;  // "s3:GetObject", as AWS spells it
  ResourceKind resource;
};

// Every known action, in no particular order.
std::span<const ActionInfo> AllActions();

// The action named `name` (case-insensitive, "s3:getobject" finds "s3:GetObject"), or null.
const ActionInfo* FindAction(std::string_view name);

// Whether an Action element entry ("s3:Get*", "*", "S3:GETOBJECT") names `action`. Action
// matching is case-insensitive; "*" names every action.
bool ActionPatternMatches(std::string_view pattern, std::string_view action);

// Whether `key` (any case) is a condition key a bucket policy may use: every "aws:" key (AWS does
// not reject unknown global keys; scality/cloudserver reproduces the observed behaviour) and the
// known "s3:" keys, including the families "s3:ExistingObjectTag/<tag>" and
// "s3:RequestObjectTag/<tag>". Any other key is "Policy has an invalid condition key".
bool IsKnownConditionKey(std::string_view key);

// Whether condition key `key` (known, any case) is defined for `action`. Global keys apply to
// every action; an S3 key applies to the actions the Service Authorization Reference lists for
// it ("s3:prefix" to s3:ListBucket and s3:ListBucketVersions only, and so on).
bool ConditionKeyAppliesTo(std::string_view key, std::string_view action);

}  // namespace stocktake::s3::policy
