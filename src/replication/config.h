// Replication configuration (PutBucketReplication; S3 API reference "ReplicationConfiguration"):
// the model, its XML form and the rule a new version falls under. Rules come in two schemas, as
// on AWS: V1 (a rule-level <Prefix>; delete markers replicate) and V2 (a <Filter>, with
// <Priority> and <DeleteMarkerReplication> required). Elements Stocktake stores but does not act
// on (SourceSelectionCriteria, ExistingObjectReplication, EncryptionConfiguration,
// ReplicationTime, Metrics) are kept verbatim and given back by Get.
//
// Pure functions and values; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "store/object_store.h"

namespace stocktake::replication {

// The store::Bucket attribute holding the configuration (the canonical XML of Serialize).
inline constexpr std::string_view kReplicationAttribute = "replication";

using Tags = std::vector<std::pair<std::string, std::string>>;

// How a V2 rule's filter was written, so that Get gives back the same shape.
enum class FilterForm { kEmpty, kPrefix, kTag, kAnd };

struct Rule {
  std::string id;
  std::optional<int64_t> priority;  // V2 only
  bool enabled = false;
  bool legacy_prefix = false;  // V1 schema: rule-level <Prefix> instead of <Filter>
  FilterForm filter_form = FilterForm::kEmpty;
  std::string prefix;
  Tags tags;
  std::string destination_bucket;  // name, from the ARN arn:aws:s3:::name
  std::string storage_class;       // "" = the source version's
  std::string account;             // destination owner account (AccessControlTranslation)
  bool owner_override = false;     // AccessControlTranslation Owner=Destination
  bool delete_markers = false;     // DeleteMarkerReplication Enabled (always for V1)
  bool has_delete_marker_element = false;
  // Verbatim elements kept for Get (see the file comment): rule-level and Destination-level.
  std::vector<std::string> kept_rule_elements;
  std::vector<std::string> kept_destination_elements;
};

struct Config {
  std::string role;
  std::vector<Rule> rules;
};

// Why a document was refused; the S3 layer maps the kind to its error code.
struct ConfigError {
  enum class Kind { kMalformedXml, kInvalidArgument, kInvalidRequest };
  Kind kind;
  std::string message;
};

// Parses and validates a ReplicationConfiguration document (the checks that need no other
// bucket). Rules without an ID get a generated one.
std::variant<Config, ConfigError> ParseConfig(std::string_view xml);
// The canonical document (namespace, S3's element order).
std::string SerializeConfig(const Config& config);

// The enabled rule a new version of `key` with `tags` falls under: the matching rule of highest
// priority (V1 rules: the first match). nullptr when none.
const Rule* MatchRule(const Config& config, std::string_view key, const Tags& tags);
// The same for a delete marker of `key`: only rules that replicate delete markers, and never a
// rule with a tag filter (AWS: delete markers carry no tags).
const Rule* MatchDeleteMarkerRule(const Config& config, std::string_view key);

// The bucket's configuration; nullopt when it has none (or the stored one no longer parses).
std::optional<Config> ConfigOf(const store::Bucket& bucket);

}  // namespace stocktake::replication
