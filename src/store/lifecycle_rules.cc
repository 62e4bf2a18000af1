#include "store/lifecycle_rules.h"

#include <algorithm>
#include <charconv>

#include "common/encoding.h"

namespace stocktake::store {
namespace {

// DO NOT CHANGE: stored in the "lifecycle" bucket attribute (docs/formats.md §3.2).
constexpr std::string_view kFormNames[] = {"legacy", "filter", "and"};

void AppendPair(std::string* out, std::string_view name, std::string_view value) {
  out->push_back(' ');
  out->append(name);
  out->push_back('=');
  out->append(UriEncode(value, false));
}

void AppendNumber(std::string* out, std::string_view name, int64_t value) {
  AppendPair(out, name, std::to_string(value));
}

template <typename T>
bool ParseNumber(std::string_view text, std::optional<T>* out) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  *out = value;
  return true;
}

bool ParsePair(std::string_view name, std::string_view value, LifecycleRule* rule) {
  LifecycleFilter& filter = rule->filter;
  if (name == "status") {
    rule->enabled = value == "E";
    return value == "E" || value == "D";
  }
  if (name == "form") {
    for (size_t i = 0; i < std::size(kFormNames); ++i) {
      if (value == kFormNames[i]) {
        filter.form = static_cast<LifecycleFilter::Form>(i);
        return true;
      }
    }
    return false;
  }
  if (name == "tag") {
    size_t colon = value.find(':');
    if (colon == std::string_view::npos) return false;
    auto key = PercentDecode(value.substr(0, colon), false);
    auto tag_value = PercentDecode(value.substr(colon + 1), false);
    if (!key || !tag_value) return false;
    filter.tags.emplace_back(std::move(*key), std::move(*tag_value));
    return true;
  }
  if (name == "gt") return ParseNumber(value, &filter.size_greater_than);
  if (name == "lt") return ParseNumber(value, &filter.size_less_than);
  if (name == "days") return ParseNumber(value, &rule->expiration_days);
  if (name == "date") return ParseNumber(value, &rule->expiration_date_ms);
  if (name == "ncdays") return ParseNumber(value, &rule->noncurrent_days);
  if (name == "ncnewer") return ParseNumber(value, &rule->newer_noncurrent_versions);
  if (name == "abort") return ParseNumber(value, &rule->abort_multipart_days);
  if (name == "eodm") {
    rule->expired_object_delete_marker = value == "1";
    return value == "0" || value == "1";
  }
  auto decoded = PercentDecode(value, false);
  if (!decoded) return false;
  if (name == "id") {
    rule->id = std::move(*decoded);
    return true;
  }
  if (name == "prefix") {
    filter.prefix = std::move(*decoded);
    return true;
  }
  return false;
}

bool HasTag(const ObjectVersion& version, const std::pair<std::string, std::string>& tag) {
  return std::find(version.tags.begin(), version.tags.end(), tag) != version.tags.end();
}

void KeepEarliest(std::optional<int64_t>* best, int64_t candidate) {
  if (!*best || candidate < **best) *best = candidate;
}

}  // namespace

std::string SerializeLifecycleRules(std::span<const LifecycleRule> rules) {
  std::string out;
  for (const LifecycleRule& rule : rules) {
    if (!out.empty()) out.push_back('\n');
    out.append("id=").append(UriEncode(rule.id, false));
    AppendPair(&out, "status", rule.enabled ? "E" : "D");
    AppendPair(&out, "form", kFormNames[static_cast<size_t>(rule.filter.form)]);
    if (rule.filter.prefix) AppendPair(&out, "prefix", *rule.filter.prefix);
    for (const auto& [key, value] : rule.filter.tags) {
      // Key and value encoded apart, so that ':' separates them.
      out.append(" tag=").append(UriEncode(key, false)).append(":").append(UriEncode(value, false));
    }
    if (rule.filter.size_greater_than) AppendNumber(&out, "gt", *rule.filter.size_greater_than);
    if (rule.filter.size_less_than) AppendNumber(&out, "lt", *rule.filter.size_less_than);
    if (rule.expiration_days) AppendNumber(&out, "days", *rule.expiration_days);
    if (rule.expiration_date_ms) AppendNumber(&out, "date", *rule.expiration_date_ms);
    if (rule.expired_object_delete_marker) {
      AppendPair(&out, "eodm", *rule.expired_object_delete_marker ? "1" : "0");
    }
    if (rule.noncurrent_days) AppendNumber(&out, "ncdays", *rule.noncurrent_days);
    if (rule.newer_noncurrent_versions) {
      AppendNumber(&out, "ncnewer", *rule.newer_noncurrent_versions);
    }
    if (rule.abort_multipart_days) AppendNumber(&out, "abort", *rule.abort_multipart_days);
  }
  return out;
}

Result<std::vector<LifecycleRule>> ParseLifecycleRules(std::string_view document) {
  std::vector<LifecycleRule> rules;
  while (!document.empty()) {
    size_t eol = document.find('\n');
    std::string_view line = document.substr(0, eol);
    document = eol == std::string_view::npos ? std::string_view() : document.substr(eol + 1);
    LifecycleRule rule;
    while (!line.empty()) {
      size_t end = line.find(' ');
      std::string_view pair = line.substr(0, end);
      line = end == std::string_view::npos ? std::string_view() : line.substr(end + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos ||
          !ParsePair(pair.substr(0, eq), pair.substr(eq + 1), &rule)) {
        return Status::Corruption("bad lifecycle rule attribute: " + std::string(pair));
      }
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

Result<std::vector<LifecycleRule>> LifecycleRulesOf(const Bucket& bucket) {
  const std::string* document = bucket.FindAttribute(kLifecycleAttribute);
  if (document == nullptr) return std::vector<LifecycleRule>();
  return ParseLifecycleRules(*document);
}

void SetLifecycleRules(Bucket* bucket, std::span<const LifecycleRule> rules) {
  std::erase_if(bucket->attributes, [](const auto& a) { return a.first == kLifecycleAttribute; });
  if (rules.empty()) return;
  bucket->attributes.emplace_back(std::string(kLifecycleAttribute), SerializeLifecycleRules(rules));
}

int64_t LifecycleDueMs(int64_t start_ms, uint32_t days) {
  int64_t due = start_ms + int64_t{days} * kDayMs;
  return (due / kDayMs + 1) * kDayMs;
}

bool RuleMatches(const LifecycleRule& rule, const ObjectVersion& version) {
  const LifecycleFilter& filter = rule.filter;
  if (!rule.enabled) return false;
  if (filter.prefix && !version.key.starts_with(*filter.prefix)) return false;
  if (filter.size_greater_than && !(version.size > *filter.size_greater_than)) return false;
  if (filter.size_less_than && !(version.size < *filter.size_less_than)) return false;
  return std::all_of(filter.tags.begin(), filter.tags.end(),
                     [&](const auto& tag) { return HasTag(version, tag); });
}

VersionPosition VersionHistory::Next(const ObjectVersion& version) {
  VersionPosition position;
  if (!started_ || version.key != key_) {
    started_ = true;
    key_ = version.key;
    seen_in_key_ = 0;
  } else {
    position.is_latest = false;
    position.noncurrent_since_ms = newer_modified_ms_;
    position.newer_noncurrent = seen_in_key_ - 1;  // the versions seen, minus the current one
  }
  newer_modified_ms_ = version.last_modified_ms;
  ++seen_in_key_;
  return position;
}

std::optional<int64_t> ExpirationMs(std::span<const LifecycleRule> rules,
                                    const ObjectVersion& version, const VersionPosition& position) {
  std::optional<int64_t> best;
  if (position.is_latest && version.is_delete_marker) return best;
  for (const LifecycleRule& rule : rules) {
    if (!RuleMatches(rule, version)) continue;
    if (position.is_latest) {
      if (rule.expiration_days) {
        KeepEarliest(&best, LifecycleDueMs(version.last_modified_ms, *rule.expiration_days));
      }
      if (rule.expiration_date_ms) KeepEarliest(&best, *rule.expiration_date_ms);
    } else if (rule.noncurrent_days &&
               position.newer_noncurrent >= rule.newer_noncurrent_versions.value_or(0)) {
      KeepEarliest(&best, LifecycleDueMs(position.noncurrent_since_ms, *rule.noncurrent_days));
    }
  }
  return best;
}

bool RemovesExpiredDeleteMarker(std::span<const LifecycleRule> rules, const ObjectVersion& marker) {
  return std::any_of(rules.begin(), rules.end(), [&](const LifecycleRule& rule) {
    return rule.expired_object_delete_marker.value_or(false) && RuleMatches(rule, marker);
  });
}

std::optional<int64_t> AbortMultipartMs(std::span<const LifecycleRule> rules, std::string_view key,
                                        int64_t initiated_ms) {
  std::optional<int64_t> best;
  for (const LifecycleRule& rule : rules) {
    const LifecycleFilter& filter = rule.filter;
    if (!rule.enabled || !rule.abort_multipart_days || !filter.tags.empty() ||
        filter.size_greater_than || filter.size_less_than) {
      continue;
    }
    if (filter.prefix && !key.starts_with(*filter.prefix)) continue;
    KeepEarliest(&best, LifecycleDueMs(initiated_ms, *rule.abort_multipart_days));
  }
  return best;
}

}  // namespace stocktake::store
