#include "inventory/report_composition.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace stocktake::inventory {
namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

json TallyJson(const Tally& t) { return {{"objects", t.objects}, {"bytes", t.bytes}}; }

json NamedTallies(const std::map<std::string, Tally, std::less<>>& tallies, const char* name) {
  json out = json::array();
  for (const auto& [value, tally] : tallies) {
    json entry = TallyJson(tally);
    entry[name] = value;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

void ReportComposition::Add(const store::ObjectVersion& v) {
  if (v.is_delete_marker) {
    ++delete_markers_;
    return;
  }
  (v.is_latest ? current_ : noncurrent_).Add(v.size);
  storage_classes_[v.storage_class.empty() ? "STANDARD" : v.storage_class].Add(v.size);
  encryption_[v.encryption.empty() ? "NOT-SSE" : v.encryption].Add(v.size);
  size_t size_bucket = 0;
  while (size_bucket < kSizeBounds.size() && v.size >= kSizeBounds[size_bucket]) ++size_bucket;
  sizes_[size_bucket].Add(v.size);
  int64_t age_days = std::max<int64_t>(snapshot_ms_ - v.last_modified_ms, 0) / kDayMs;
  size_t age_bucket = 0;
  while (age_bucket < kAgeBoundsDays.size() && age_days >= kAgeBoundsDays[age_bucket]) {
    ++age_bucket;
  }
  ages_[age_bucket].Add(v.size);

  size_t slash = v.key.find('/');
  if (slash == std::string::npos) {
    without_prefix_.Add(v.size);  // not contiguous in key order: one tally for all of them
    return;
  }
  // Keys sharing a top-level prefix are contiguous in key order: one open tally suffices.
  std::string_view prefix(v.key.data(), slash + 1);
  if (prefix != open_prefix_) {
    ClosePrefix();
    open_prefix_.assign(prefix);
  }
  open_tally_.Add(v.size);
}

void ReportComposition::Offer(std::string prefix, const Tally& tally) {
  auto same = std::find_if(top_.begin(), top_.end(),
                           [&](const auto& entry) { return entry.first == prefix; });
  if (same != top_.end()) {
    same->second.Add(tally);
  } else {
    top_.emplace_back(std::move(prefix), tally);
  }
  std::stable_sort(top_.begin(), top_.end(),
                   [](const auto& a, const auto& b) { return a.second.bytes > b.second.bytes; });
  if (top_.size() > kTopPrefixes) top_.resize(kTopPrefixes);
}

void ReportComposition::ClosePrefix() {
  if (open_prefix_.empty()) return;
  Offer(std::move(open_prefix_), open_tally_);
  open_prefix_.clear();
  open_tally_ = {};
}

void ReportComposition::Merge(ReportComposition other) {
  ClosePrefix();
  other.ClosePrefix();
  current_.Add(other.current_);
  noncurrent_.Add(other.noncurrent_);
  delete_markers_ += other.delete_markers_;
  for (const auto& [name, tally] : other.storage_classes_) storage_classes_[name].Add(tally);
  for (const auto& [name, tally] : other.encryption_) encryption_[name].Add(tally);
  for (size_t i = 0; i < sizes_.size(); ++i) sizes_[i].Add(other.sizes_[i]);
  for (size_t i = 0; i < ages_.size(); ++i) ages_[i].Add(other.ages_[i]);
  without_prefix_.Add(other.without_prefix_);
  for (auto& [prefix, tally] : other.top_) Offer(std::move(prefix), tally);
}

const std::vector<std::pair<std::string, Tally>>& ReportComposition::TopPrefixes() {
  ClosePrefix();
  return top_;
}

std::string ReportComposition::ToJson() {
  json sizes = json::array();
  for (size_t i = 0; i < sizes_.size(); ++i) {
    json entry = TallyJson(sizes_[i]);
    entry["minBytes"] = i == 0 ? 0 : kSizeBounds[i - 1];
    if (i < kSizeBounds.size()) entry["belowBytes"] = kSizeBounds[i];
    sizes.push_back(std::move(entry));
  }
  json ages = json::array();
  for (size_t i = 0; i < ages_.size(); ++i) {
    json entry = TallyJson(ages_[i]);
    entry["minDays"] = i == 0 ? 0 : kAgeBoundsDays[i - 1];
    if (i < kAgeBoundsDays.size()) entry["belowDays"] = kAgeBoundsDays[i];
    ages.push_back(std::move(entry));
  }
  json prefixes = json::array();
  for (const auto& [prefix, tally] : TopPrefixes()) {
    json entry = TallyJson(tally);
    entry["prefix"] = prefix;
    prefixes.push_back(std::move(entry));
  }
  json doc = {
      {"snapshotTime", FormatIso8601Millis(snapshot_ms_)},
      {"current", TallyJson(current_)},
      {"noncurrent", TallyJson(noncurrent_)},
      {"deleteMarkers", delete_markers_},
      {"storageClasses", NamedTallies(storage_classes_, "storageClass")},
      {"encryption", NamedTallies(encryption_, "encryptionStatus")},
      {"sizes", std::move(sizes)},
      {"ages", std::move(ages)},
      {"topPrefixes", std::move(prefixes)},
      {"keysWithoutPrefix", TallyJson(without_prefix_)},
  };
  return doc.dump(2);
}

}  // namespace stocktake::inventory
