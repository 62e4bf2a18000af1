#include "s3/lifecycle_xml.h"

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string_view>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

using store::LifecycleFilter;
using store::LifecycleRule;
using ParseError = std::optional<S3Error>;

// AWS's limit on a rule ID ("ID length should not exceed allowed limit of 255").
constexpr size_t kMaxRuleIdBytes = 255;
// NewerNoncurrentVersions is 1..100 (API reference, NoncurrentVersionExpiration).
constexpr uint32_t kMaxNewerNoncurrentVersions = 100;

S3Error Malformed() { return S3Error(S3ErrorCode::kMalformedXML); }

// The element children of `node`; text or other nodes between them are ignored (whitespace).
std::vector<pugi::xml_node> Elements(pugi::xml_node node) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element) out.push_back(child);
  }
  return out;
}

// An element that may appear at most once: sets *slot, MalformedXML on a repeat.
ParseError Once(pugi::xml_node child, pugi::xml_node* slot) {
  if (*slot) return Malformed();
  *slot = child;
  return std::nullopt;
}

// Where a child element of a given name goes (at most once).
struct Slot {
  std::string_view name;
  pugi::xml_node* node;
};

// Puts `child` into the slot of its name; MalformedXML for a repeat or a name of no slot.
ParseError Place(pugi::xml_node child, std::initializer_list<Slot> slots) {
  for (const Slot& slot : slots) {
    if (slot.name == child.name()) return Once(child, slot.node);
  }
  return Malformed();
}

// Places every element child of `node` (the first error, in document order).
ParseError PlaceChildren(pugi::xml_node node, std::initializer_list<Slot> slots) {
  for (pugi::xml_node child : Elements(node)) {
    if (auto e = Place(child, slots)) return e;
  }
  return std::nullopt;
}

template <typename T>
ParseError ParseInteger(pugi::xml_node node, T* out) {
  std::string_view text = node.text().as_string();
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return Malformed();
  return std::nullopt;
}

// A Days-like count, which AWS requires positive with "'<name>' for <action> action must be a
// positive integer".
ParseError ParsePositiveDays(pugi::xml_node node, std::string_view action, uint32_t* out) {
  int64_t value = 0;
  if (auto e = ParseInteger(node, &value)) return e;
  if (value <= 0 || value > INT32_MAX) {
    return S3Error(S3ErrorCode::kInvalidArgument, "'" + std::string(node.name()) + "' for " +
                                                      std::string(action) +
                                                      " action must be a positive integer");
  }
  *out = static_cast<uint32_t>(value);
  return std::nullopt;
}

ParseError ParseTag(pugi::xml_node tag, LifecycleFilter* filter) {
  pugi::xml_node key, value;
  if (auto e = PlaceChildren(tag, {{"Key", &key}, {"Value", &value}})) return e;
  if (!key) return Malformed();
  for (const auto& tag : filter->tags) {
    if (tag.first == key.text().as_string()) {
      return S3Error(S3ErrorCode::kInvalidArgument, "Duplicate Tag Keys are not allowed.");
    }
  }
  filter->tags.emplace_back(key.text().as_string(), value.text().as_string());
  return std::nullopt;
}

// One condition of a Filter or of its And.
ParseError ParseCondition(pugi::xml_node child, LifecycleFilter* filter) {
  std::string_view name = child.name();
  if (name == "Prefix") {
    if (filter->prefix) return Malformed();
    filter->prefix = child.text().as_string();
    return std::nullopt;
  }
  if (name == "Tag") return ParseTag(child, filter);
  auto* size = name == "ObjectSizeGreaterThan" ? &filter->size_greater_than
               : name == "ObjectSizeLessThan"  ? &filter->size_less_than
                                               : nullptr;
  if (size == nullptr || *size) return Malformed();
  uint64_t value = 0;
  if (auto e = ParseInteger(child, &value)) return e;
  *size = value;
  return std::nullopt;
}

ParseError ParseFilter(pugi::xml_node node, LifecycleFilter* filter) {
  std::vector<pugi::xml_node> children = Elements(node);
  // A Filter holds one condition; several are combined only inside And.
  if (children.size() > 1) return Malformed();
  filter->form = LifecycleFilter::Form::kFilter;
  if (children.empty()) return std::nullopt;
  if (std::string_view(children[0].name()) != "And") return ParseCondition(children[0], filter);
  filter->form = LifecycleFilter::Form::kAnd;
  for (pugi::xml_node child : Elements(children[0])) {
    if (auto e = ParseCondition(child, filter)) return e;
  }
  if (filter->size_greater_than && filter->size_less_than &&
      *filter->size_greater_than >= *filter->size_less_than) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
  }
  return std::nullopt;
}

ParseError ParseExpiration(pugi::xml_node node, LifecycleRule* rule) {
  pugi::xml_node days, date, marker;
  if (auto e = PlaceChildren(
          node, {{"Days", &days}, {"Date", &date}, {"ExpiredObjectDeleteMarker", &marker}})) {
    return e;
  }
  // Exactly one of Days, Date, ExpiredObjectDeleteMarker.
  if (int(bool(days)) + int(bool(date)) + int(bool(marker)) != 1) return Malformed();
  if (days) {
    uint32_t value = 0;
    if (auto e = ParsePositiveDays(days, "Expiration", &value)) return e;
    rule->expiration_days = value;
  }
  if (date) {
    std::optional<int64_t> ms = ParseIso8601(date.text().as_string());
    if (!ms) return Malformed();
    if (*ms % store::kDayMs != 0) {
      return S3Error(S3ErrorCode::kInvalidArgument, "'Date' must be at midnight GMT");
    }
    rule->expiration_date_ms = *ms;
  }
  if (marker) {
    std::string_view value = marker.text().as_string();
    if (value != "true" && value != "false") return Malformed();
    rule->expired_object_delete_marker = value == "true";
  }
  return std::nullopt;
}

ParseError ParseNoncurrentExpiration(pugi::xml_node node, LifecycleRule* rule) {
  pugi::xml_node days, newer;
  if (auto e =
          PlaceChildren(node, {{"NoncurrentDays", &days}, {"NewerNoncurrentVersions", &newer}})) {
    return e;
  }
  if (!days) return Malformed();
  uint32_t value = 0;
  if (auto e = ParsePositiveDays(days, "NoncurrentVersionExpiration", &value)) return e;
  rule->noncurrent_days = value;
  if (newer) {
    if (auto e = ParsePositiveDays(newer, "NoncurrentVersionExpiration", &value)) return e;
    if (value > kMaxNewerNoncurrentVersions) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be "
                     "less than or equal to 100");
    }
    rule->newer_noncurrent_versions = value;
  }
  return std::nullopt;
}

ParseError ParseAbort(pugi::xml_node node, LifecycleRule* rule) {
  std::vector<pugi::xml_node> children = Elements(node);
  if (children.size() != 1 || std::string_view(children[0].name()) != "DaysAfterInitiation") {
    return Malformed();
  }
  uint32_t value = 0;
  if (auto e = ParsePositiveDays(children[0], "AbortIncompleteMultipartUpload", &value)) return e;
  rule->abort_multipart_days = value;
  return std::nullopt;
}

// The elements of one Rule, each at most once.
struct RuleElements {
  pugi::xml_node id, prefix, filter, status, expiration, noncurrent, abort;
};

ParseError CollectRuleElements(pugi::xml_node rule, RuleElements* out) {
  for (pugi::xml_node child : Elements(rule)) {
    std::string_view name = child.name();
    if (name == "Transition" || name == "NoncurrentVersionTransition") {
      return S3Error(S3ErrorCode::kNotImplemented,
                     "Lifecycle transitions are not implemented by Stocktake.");
    }
    if (auto e = Place(child, {{"ID", &out->id},
                               {"Prefix", &out->prefix},
                               {"Filter", &out->filter},
                               {"Status", &out->status},
                               {"Expiration", &out->expiration},
                               {"NoncurrentVersionExpiration", &out->noncurrent},
                               {"AbortIncompleteMultipartUpload", &out->abort}})) {
      return e;
    }
  }
  return std::nullopt;
}

ParseError ParseRule(pugi::xml_node node, LifecycleRule* rule) {
  RuleElements el;
  if (auto e = CollectRuleElements(node, &el)) return e;
  std::string_view status = el.status.text().as_string();
  if (status != "Enabled" && status != "Disabled") return Malformed();
  rule->enabled = status == "Enabled";
  if (el.id) {
    rule->id = el.id.text().as_string();
    if (rule->id.size() > kMaxRuleIdBytes) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "ID length should not exceed allowed limit of 255");
    }
  } else {
    // AWS names an unnamed rule with base64 of a random UUID (48 characters).
    rule->id = Base64Encode(RandomUuid());
  }
  // Either the Filter or the deprecated top-level Prefix.
  if (bool(el.prefix) == bool(el.filter)) return Malformed();
  if (el.prefix) {
    rule->filter.form = LifecycleFilter::Form::kLegacyPrefix;
    rule->filter.prefix = el.prefix.text().as_string();
  } else if (auto e = ParseFilter(el.filter, &rule->filter)) {
    return e;
  }
  if (el.expiration) {
    if (auto e = ParseExpiration(el.expiration, rule)) return e;
  }
  if (el.noncurrent) {
    if (auto e = ParseNoncurrentExpiration(el.noncurrent, rule)) return e;
  }
  if (el.abort) {
    if (auto e = ParseAbort(el.abort, rule)) return e;
  }
  if (!el.expiration && !el.noncurrent && !el.abort) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "At least one action needs to be specified in a rule");
  }
  const LifecycleFilter& filter = rule->filter;
  if (rule->abort_multipart_days && !filter.tags.empty()) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "AbortIncompleteMultipartUpload cannot be specified with Tags.");
  }
  if (rule->abort_multipart_days && (filter.size_greater_than || filter.size_less_than)) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "AbortIncompleteMultipartUpload cannot be specified with object size "
                   "filters.");
  }
  if (rule->expired_object_delete_marker && !filter.tags.empty()) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "ExpiredObjectDeleteMarker cannot be specified with Tags.");
  }
  return std::nullopt;
}

void RenderTag(XmlWriter* xml, const std::pair<std::string, std::string>& tag) {
  xml->Open("Tag").Element("Key", tag.first).Element("Value", tag.second).Close();
}

void RenderConditions(XmlWriter* xml, const LifecycleFilter& filter) {
  if (filter.prefix) xml->Element("Prefix", *filter.prefix);
  for (const auto& tag : filter.tags) RenderTag(xml, tag);
  if (filter.size_greater_than) xml->Element("ObjectSizeGreaterThan", *filter.size_greater_than);
  if (filter.size_less_than) xml->Element("ObjectSizeLessThan", *filter.size_less_than);
}

void RenderFilter(XmlWriter* xml, const LifecycleFilter& filter) {
  switch (filter.form) {
    case LifecycleFilter::Form::kLegacyPrefix:
      xml->Element("Prefix", filter.prefix.value_or(""));
      return;
    case LifecycleFilter::Form::kFilter:
      xml->Open("Filter");
      RenderConditions(xml, filter);
      xml->Close();
      return;
    case LifecycleFilter::Form::kAnd:
      xml->Open("Filter").Open("And");
      RenderConditions(xml, filter);
      xml->Close().Close();
      return;
  }
}

}  // namespace

std::variant<std::vector<LifecycleRule>, S3Error> ParseLifecycleConfiguration(
    const pugi::xml_document& doc) {
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "LifecycleConfiguration") return Malformed();
  std::vector<pugi::xml_node> rule_nodes = Elements(root);
  if (rule_nodes.empty() || rule_nodes.size() > kMaxLifecycleRules) return Malformed();
  std::vector<LifecycleRule> rules;
  std::set<std::string> ids;
  for (pugi::xml_node node : rule_nodes) {
    if (std::string_view(node.name()) != "Rule") return Malformed();
    LifecycleRule rule;
    if (auto e = ParseRule(node, &rule)) return *e;
    if (!ids.insert(rule.id).second) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Rule ID must be unique. Found same ID for more than one rule");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::string RenderLifecycleConfiguration(std::span<const LifecycleRule> rules) {
  XmlWriter xml("LifecycleConfiguration");
  for (const LifecycleRule& rule : rules) {
    xml.Open("Rule").Element("ID", rule.id);
    RenderFilter(&xml, rule.filter);
    xml.Element("Status", rule.enabled ? "Enabled" : "Disabled");
    if (rule.expiration_days || rule.expiration_date_ms || rule.expired_object_delete_marker) {
      xml.Open("Expiration");
      if (rule.expiration_days) xml.Element("Days", uint64_t{*rule.expiration_days});
      if (rule.expiration_date_ms) {
        xml.Element("Date", FormatIso8601Millis(*rule.expiration_date_ms));
      }
      if (rule.expired_object_delete_marker) {
        xml.BoolElement("ExpiredObjectDeleteMarker", *rule.expired_object_delete_marker);
      }
      xml.Close();
    }
    if (rule.noncurrent_days) {
      xml.Open("NoncurrentVersionExpiration")
          .Element("NoncurrentDays", uint64_t{*rule.noncurrent_days});
      if (rule.newer_noncurrent_versions) {
        xml.Element("NewerNoncurrentVersions", uint64_t{*rule.newer_noncurrent_versions});
      }
      xml.Close();
    }
    if (rule.abort_multipart_days) {
      xml.Open("AbortIncompleteMultipartUpload")
          .Element("DaysAfterInitiation", uint64_t{*rule.abort_multipart_days})
          .Close();
    }
    xml.Close();
  }
  return xml.Finish();
}

}  // namespace stocktake::s3
