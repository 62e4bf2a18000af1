// The LifecycleConfiguration document of PutBucketLifecycleConfiguration and
// GetBucketLifecycleConfiguration (S3 API reference; User Guide "Lifecycle configuration
// elements"), to and from the store's rules (store/lifecycle_rules.h).
//
// Supported: ID, Status, Filter (Prefix, Tag, And{Prefix, Tag..., ObjectSizeGreaterThan,
// ObjectSizeLessThan}, ObjectSize*), the deprecated top-level Prefix, Expiration (Days, Date,
// ExpiredObjectDeleteMarker), NoncurrentVersionExpiration (NoncurrentDays,
// NewerNoncurrentVersions), AbortIncompleteMultipartUpload. Transition and
// NoncurrentVersionTransition answer NotImplemented (Stocktake does not move storage classes).
#pragma once

#include <pugixml.hpp>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "s3/errors.h"
#include "store/lifecycle_rules.h"

namespace stocktake::s3 {

// At most 1000 rules per configuration (User Guide, "Lifecycle configuration elements").
inline constexpr size_t kMaxLifecycleRules = 1000;

// Validates the document as AWS does (MalformedXML for schema faults, InvalidArgument /
// InvalidRequest with AWS's messages for bad values). Rules without an ID get a generated one.
std::variant<std::vector<store::LifecycleRule>, S3Error> ParseLifecycleConfiguration(
    const pugi::xml_document& doc);

// The GetBucketLifecycleConfiguration body.
std::string RenderLifecycleConfiguration(std::span<const store::LifecycleRule> rules);

}  // namespace stocktake::s3
