// S3 Lifecycle rules as the store keeps them, and their evaluation: which rule applies to a
// version and when it expires it. Pure functions (no I/O), shared by the lifecycle worker
// (store/lifecycle_worker.h) and the inventory's LifecycleExpirationDate, which may not depend on
// the S3 layer that parses the XML (s3/lifecycle_xml.h).
//
// Dates follow the S3 User Guide ("Lifecycle configuration elements", "Days"): an action due
// N days after an instant happens at the first midnight UTC after instant + N days.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "store/types.h"

namespace stocktake::store {

inline constexpr int64_t kDayMs = 24 * 3600 * 1000;

// The Filter of a rule (or the deprecated top-level Prefix). The form is kept so that
// GetBucketLifecycleConfiguration returns what was put.
struct LifecycleFilter {
  enum class Form : uint8_t {
    kLegacyPrefix,  // <Rule><Prefix>… (no Filter element)
    kFilter,        // <Filter> with at most one condition (or none: every object)
    kAnd,           // <Filter><And>…</And></Filter>
  };
  Form form = Form::kFilter;
  std::optional<std::string> prefix;
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<uint64_t> size_greater_than;
  std::optional<uint64_t> size_less_than;
};

struct LifecycleRule {
  std::string id;
  bool enabled = true;
  LifecycleFilter filter;
  // Expiration of current versions: after Days, or on Date (midnight UTC, epoch ms).
  std::optional<uint32_t> expiration_days;
  std::optional<int64_t> expiration_date_ms;
  std::optional<bool> expired_object_delete_marker;
  // NoncurrentVersionExpiration: NoncurrentDays after the version became noncurrent, keeping
  // the NewerNoncurrentVersions newest noncurrent versions.
  std::optional<uint32_t> noncurrent_days;
  std::optional<uint32_t> newer_noncurrent_versions;
  std::optional<uint32_t> abort_multipart_days;  // AbortIncompleteMultipartUpload
};

// The bucket attribute holding the rules. Its format belongs to the store (the inventory reads
// it): one rule per line, space-separated name=value pairs, values percent-encoded.
// DO NOT CHANGE the names (docs/formats.md §3.2).
inline constexpr std::string_view kLifecycleAttribute = "lifecycle";

std::string SerializeLifecycleRules(std::span<const LifecycleRule> rules);
// Corruption for a document SerializeLifecycleRules did not write.
Result<std::vector<LifecycleRule>> ParseLifecycleRules(std::string_view document);
// The bucket's rules; empty when it has no lifecycle configuration.
Result<std::vector<LifecycleRule>> LifecycleRulesOf(const Bucket& bucket);
// Sets the bucket's rules; an empty list removes the configuration.
void SetLifecycleRules(Bucket* bucket, std::span<const LifecycleRule> rules);

// The first midnight UTC after start_ms + days (S3's rounding of every "Days" action).
int64_t LifecycleDueMs(int64_t start_ms, uint32_t days);

// Whether the rule is enabled and its filter selects `version` (prefix, every tag, sizes).
bool RuleMatches(const LifecycleRule& rule, const ObjectVersion& version);

// Where a version stands among its key's versions (newest first), as noncurrent rules need it.
struct VersionPosition {
  bool is_latest = true;
  int64_t noncurrent_since_ms = 0;  // when the next newer version was written; 0 for the latest
  uint32_t newer_noncurrent = 0;    // noncurrent versions newer than this one
};

// Computes VersionPosition for versions fed in scan order (by key, newest version first).
class VersionHistory {
 public:
  VersionPosition Next(const ObjectVersion& version);

 private:
  std::string key_;
  bool started_ = false;
  int64_t newer_modified_ms_ = 0;
  uint32_t seen_in_key_ = 0;
};

// When lifecycle expires `version` (epoch ms; nullopt = no enabled rule expires it): the
// earliest Expiration (Days from LastModified, or Date) for the current version, the earliest
// NoncurrentVersionExpiration for a noncurrent one that is not among the newest
// NewerNoncurrentVersions. Current delete markers have none (ExpiredObjectDeleteMarker removes
// them only once they are alone, see RemovesExpiredDeleteMarker).
std::optional<int64_t> ExpirationMs(std::span<const LifecycleRule> rules,
                                    const ObjectVersion& version, const VersionPosition& position);

// Whether a rule removes `marker`, a delete marker that is the only version of its key.
bool RemovesExpiredDeleteMarker(std::span<const LifecycleRule> rules, const ObjectVersion& marker);

// When an incomplete multipart upload of `key` started at initiated_ms is aborted (nullopt =
// never). Rules with tag or size conditions do not apply to uploads (AWS refuses them anyway).
std::optional<int64_t> AbortMultipartMs(std::span<const LifecycleRule> rules, std::string_view key,
                                        int64_t initiated_ms);

}  // namespace stocktake::store
