#include "replication/config.h"

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::replication {
namespace {

using Kind = ConfigError::Kind;

// S3 API reference, ReplicationConfiguration: at most 1,000 rules; a rule ID at most 255 chars.
constexpr size_t kMaxRules = 1000;
constexpr size_t kMaxIdChars = 255;
constexpr std::string_view kBucketArnPrefix = "arn:aws:s3:::";
constexpr std::string_view kNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";
// Destination StorageClass values of the API (Destination data type).
constexpr std::string_view kStorageClasses[] = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER",  "DEEP_ARCHIVE",       "OUTPOSTS",    "GLACIER_IR", "EXPRESS_ONEZONE"};
constexpr std::string_view kKeptRuleElements[] = {"SourceSelectionCriteria",
                                                  "ExistingObjectReplication"};
constexpr std::string_view kKeptDestinationElements[] = {"EncryptionConfiguration",
                                                         "ReplicationTime", "Metrics"};

ConfigError Malformed() {
  return {Kind::kMalformedXml,
          "The XML you provided was not well-formed or did not validate against our published "
          "schema"};
}

std::string Print(pugi::xml_node node) {
  std::ostringstream out;
  node.print(out, "", pugi::format_raw);
  return out.str();
}

bool ParseStatus(pugi::xml_node parent, bool* enabled) {
  std::string_view status = parent.child("Status").text().as_string();
  if (status != "Enabled" && status != "Disabled") return false;
  *enabled = status == "Enabled";
  return true;
}

std::optional<ConfigError> ParseTag(pugi::xml_node tag, Tags* tags) {
  if (!tag.child("Key")) return Malformed();
  tags->emplace_back(tag.child("Key").text().as_string(), tag.child("Value").text().as_string());
  return std::nullopt;
}

std::optional<ConfigError> ParseFilter(pugi::xml_node filter, Rule* rule) {
  pugi::xml_node prefix = filter.child("Prefix");
  pugi::xml_node tag = filter.child("Tag");
  pugi::xml_node conjunction = filter.child("And");
  if (static_cast<int>(!!prefix) + !!tag + !!conjunction > 1) return Malformed();
  if (prefix) {
    rule->filter_form = FilterForm::kPrefix;
    rule->prefix = prefix.text().as_string();
  } else if (tag) {
    rule->filter_form = FilterForm::kTag;
    return ParseTag(tag, &rule->tags);
  } else if (conjunction) {
    rule->filter_form = FilterForm::kAnd;
    rule->prefix = conjunction.child("Prefix").text().as_string();
    for (pugi::xml_node t : conjunction.children("Tag")) {
      if (auto error = ParseTag(t, &rule->tags)) return error;
    }
  }
  return std::nullopt;
}

std::optional<ConfigError> ParseDestination(pugi::xml_node destination, Rule* rule) {
  std::string_view arn = destination.child("Bucket").text().as_string();
  if (!destination.child("Bucket")) return Malformed();
  if (!arn.starts_with(kBucketArnPrefix) || arn.size() == kBucketArnPrefix.size() ||
      arn.substr(kBucketArnPrefix.size()).find_first_of(":/") != std::string_view::npos) {
    return ConfigError{Kind::kInvalidArgument, "Invalid bucket ARN."};
  }
  rule->destination_bucket = std::string(arn.substr(kBucketArnPrefix.size()));
  if (pugi::xml_node storage_class = destination.child("StorageClass")) {
    rule->storage_class = storage_class.text().as_string();
    if (std::find(std::begin(kStorageClasses), std::end(kStorageClasses), rule->storage_class) ==
        std::end(kStorageClasses)) {
      return Malformed();
    }
  }
  rule->account = destination.child("Account").text().as_string();
  if (pugi::xml_node translation = destination.child("AccessControlTranslation")) {
    if (std::string_view(translation.child("Owner").text().as_string()) != "Destination") {
      return Malformed();
    }
    if (rule->account.empty()) {
      return ConfigError{Kind::kInvalidRequest,
                         "Destination Account must be specified when AccessControlTranslation is "
                         "specified."};
    }
    rule->owner_override = true;
  }
  for (std::string_view name : kKeptDestinationElements) {
    if (pugi::xml_node kept = destination.child(name.data())) {
      rule->kept_destination_elements.push_back(Print(kept));
    }
  }
  return std::nullopt;
}

std::optional<ConfigError> ParseRule(pugi::xml_node node, Rule* rule) {
  rule->id = node.child("ID").text().as_string();
  if (rule->id.size() > kMaxIdChars) {
    return ConfigError{Kind::kInvalidArgument, "ID length should not exceed allowed limit of 255"};
  }
  if (rule->id.empty()) rule->id = HexLower(RandomBytes(24));  // AWS makes one up too
  if (!ParseStatus(node, &rule->enabled)) return Malformed();
  pugi::xml_node filter = node.child("Filter");
  pugi::xml_node legacy = node.child("Prefix");
  if (filter && legacy) return Malformed();
  rule->legacy_prefix = !filter;
  if (legacy) rule->prefix = legacy.text().as_string();
  if (filter) {
    if (auto error = ParseFilter(filter, rule)) return error;
  }
  if (pugi::xml_node priority = node.child("Priority")) {
    std::string_view text = priority.text().as_string();
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return Malformed();
    rule->priority = value;
  }
  if (pugi::xml_node marker = node.child("DeleteMarkerReplication")) {
    rule->has_delete_marker_element = true;
    if (!ParseStatus(marker, &rule->delete_markers)) return Malformed();
  }
  if (rule->legacy_prefix) {
    // V1 schema: no priority, and delete markers always replicate (User Guide, "Replicating
    // delete markers between buckets").
    if (rule->has_delete_marker_element || rule->priority) {
      return ConfigError{Kind::kInvalidRequest,
                         "Priority and DeleteMarkerReplication require a Filter element in the "
                         "rule."};
    }
    rule->delete_markers = true;
  } else {
    if (!rule->priority) {
      return ConfigError{Kind::kInvalidRequest,
                         "Priority must be specified for this version of Cross Region Replication "
                         "configuration schema."};
    }
    if (!rule->has_delete_marker_element) {
      return ConfigError{Kind::kInvalidRequest,
                         "DeleteMarkerReplication must be specified for this version of Cross "
                         "Region Replication configuration schema."};
    }
    if (rule->delete_markers && !rule->tags.empty()) {
      return ConfigError{Kind::kInvalidRequest,
                         "Delete marker replication is not supported if any Tag filter is "
                         "specified."};
    }
  }
  for (std::string_view name : kKeptRuleElements) {
    if (pugi::xml_node kept = node.child(name.data())) {
      rule->kept_rule_elements.push_back(Print(kept));
    }
  }
  pugi::xml_node destination = node.child("Destination");
  if (!destination) return Malformed();
  return ParseDestination(destination, rule);
}

std::optional<ConfigError> CheckRuleSet(const Config& config) {
  if (config.rules.empty() || config.rules.size() > kMaxRules) return Malformed();
  std::set<std::string_view> ids;
  std::set<int64_t> priorities;
  bool any_legacy = false, any_filter = false;
  for (const Rule& rule : config.rules) {
    if (!ids.insert(rule.id).second) {
      return ConfigError{Kind::kInvalidArgument,
                         "Rule Id must be unique. Found same ID for more "
                         "than one rule: " +
                             rule.id};
    }
    if (rule.priority && !priorities.insert(*rule.priority).second) {
      return ConfigError{Kind::kInvalidRequest, "Found duplicate priority " +
                                                    std::to_string(*rule.priority) +
                                                    " in the replication configuration."};
    }
    (rule.legacy_prefix ? any_legacy : any_filter) = true;
  }
  if (any_legacy && any_filter) {
    return ConfigError{Kind::kInvalidRequest,
                       "A replication configuration cannot mix rules with a Prefix element and "
                       "rules with a Filter element."};
  }
  return std::nullopt;
}

void AppendText(pugi::xml_node parent, const char* name, std::string_view text) {
  parent.append_child(name).text().set(std::string(text).c_str());
}

void AppendKept(pugi::xml_node parent, const std::vector<std::string>& fragments) {
  for (const std::string& fragment : fragments) {
    pugi::xml_document kept;
    // Written by Print() from a parsed document, so it parses.
    if (kept.load_buffer(fragment.data(), fragment.size())) parent.append_copy(kept.first_child());
  }
}

void AppendTag(pugi::xml_node parent, const std::pair<std::string, std::string>& tag) {
  pugi::xml_node node = parent.append_child("Tag");
  AppendText(node, "Key", tag.first);
  AppendText(node, "Value", tag.second);
}

void AppendRule(pugi::xml_node root, const Rule& rule) {
  pugi::xml_node node = root.append_child("Rule");
  AppendText(node, "ID", rule.id);
  if (rule.priority) AppendText(node, "Priority", std::to_string(*rule.priority));
  if (rule.legacy_prefix) {
    AppendText(node, "Prefix", rule.prefix);
  } else {
    pugi::xml_node filter = node.append_child("Filter");
    switch (rule.filter_form) {
      case FilterForm::kEmpty:
        break;
      case FilterForm::kPrefix:
        AppendText(filter, "Prefix", rule.prefix);
        break;
      case FilterForm::kTag:
        AppendTag(filter, rule.tags.front());
        break;
      case FilterForm::kAnd: {
        pugi::xml_node conjunction = filter.append_child("And");
        if (!rule.prefix.empty()) AppendText(conjunction, "Prefix", rule.prefix);
        for (const auto& tag : rule.tags) AppendTag(conjunction, tag);
        break;
      }
    }
  }
  AppendText(node, "Status", rule.enabled ? "Enabled" : "Disabled");
  AppendKept(node, rule.kept_rule_elements);
  pugi::xml_node destination = node.append_child("Destination");
  AppendText(destination, "Bucket", std::string(kBucketArnPrefix) + rule.destination_bucket);
  if (!rule.account.empty()) AppendText(destination, "Account", rule.account);
  if (!rule.storage_class.empty()) AppendText(destination, "StorageClass", rule.storage_class);
  if (rule.owner_override) {
    AppendText(destination.append_child("AccessControlTranslation"), "Owner", "Destination");
  }
  AppendKept(destination, rule.kept_destination_elements);
  if (rule.has_delete_marker_element) {
    AppendText(node.append_child("DeleteMarkerReplication"), "Status",
               rule.delete_markers ? "Enabled" : "Disabled");
  }
}

bool HasTags(const Tags& have, const Tags& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const auto& tag) {
    return std::find(have.begin(), have.end(), tag) != have.end();
  });
}

// V2 rules: the highest priority wins; V1 rules (no priority) keep document order.
const Rule* Best(const Config& config, auto&& matches) {
  const Rule* best = nullptr;
  for (const Rule& rule : config.rules) {
    if (!rule.enabled || !matches(rule)) continue;
    if (best == nullptr || rule.priority.value_or(0) > best->priority.value_or(0)) best = &rule;
  }
  return best;
}

}  // namespace

std::variant<Config, ConfigError> ParseConfig(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node root = doc.child("ReplicationConfiguration");
  if (!root || !root.child("Role")) return Malformed();
  Config config;
  config.role = root.child("Role").text().as_string();
  for (pugi::xml_node node : root.children("Rule")) {
    if (config.rules.size() == kMaxRules) return Malformed();
    Rule rule;
    if (auto error = ParseRule(node, &rule)) return *error;
    config.rules.push_back(std::move(rule));
  }
  if (auto error = CheckRuleSet(config)) return *error;
  return config;
}

std::string SerializeConfig(const Config& config) {
  pugi::xml_document doc;
  pugi::xml_node declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child("ReplicationConfiguration");
  root.append_attribute("xmlns") = std::string(kNamespace).c_str();
  AppendText(root, "Role", config.role);
  for (const Rule& rule : config.rules) AppendRule(root, rule);
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

const Rule* MatchRule(const Config& config, std::string_view key, const Tags& tags) {
  return Best(config, [&](const Rule& rule) {
    return key.starts_with(rule.prefix) && HasTags(tags, rule.tags);
  });
}

const Rule* MatchDeleteMarkerRule(const Config& config, std::string_view key) {
  const Rule* rule =
      Best(config, [&](const Rule& r) { return r.tags.empty() && key.starts_with(r.prefix); });
  return rule != nullptr && rule->delete_markers ? rule : nullptr;
}

std::optional<Config> ConfigOf(const store::Bucket& bucket) {
  const std::string* document = bucket.FindAttribute(kReplicationAttribute);
  if (document == nullptr) return std::nullopt;
  auto parsed = ParseConfig(*document);
  if (auto* config = std::get_if<Config>(&parsed)) return std::move(*config);
  return std::nullopt;
}

}  // namespace stocktake::replication
