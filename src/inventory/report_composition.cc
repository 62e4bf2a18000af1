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

Tally& ReportComposition::Of(std::map<std::string, Tally, std::less<>>& tallies,
                             std::string_view name, Category* last) {
  if (last->tally == nullptr || name != last->name) {
    auto it = tallies.find(name);
    if (it == tallies.end()) it = tallies.emplace(std::string(name), Tally{}).first;
    last->name.assign(name);
    last->tally = &it->second;  // map nodes stay put
  }
  return *last->tally;
}

void ReportComposition::Add(const store::ObjectVersion& v) {
  if (v.is_delete_marker) {
    ++delete_markers_;
    return;
  }
  (v.is_latest ? current_ : noncurrent_).Add(v.size);
  Of(storage_classes_, v.storage_class.empty() ? "STANDARD" : std::string_view(v.storage_class),
     &last_storage_class_)
      .Add(v.size);
  Of(encryption_, v.encryption.empty() ? "NOT-SSE" : std::string_view(v.encryption),
     &last_encryption_)
      .Add(v.size);
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
  for (const auto& [name, tally] : other.storage_classes_) {
    Of(storage_classes_, name, &last_storage_class_).Add(tally);
  }
  for (const auto& [name, tally] : other.encryption_) {
    Of(encryption_, name, &last_encryption_).Add(tally);
  }
  for (size_t i = 0; i < sizes_.size(); ++i) sizes_[i].Add(other.sizes_[i]);
  for (size_t i = 0; i < ages_.size(); ++i) ages_[i].Add(other.ages_[i]);
  without_prefix_.Add(other.without_prefix_);
  for (auto& [prefix, tally] : other.top_) Offer(std::move(prefix), tally);
}

const std::vector<std::pair<std::string, Tally>>& ReportComposition::TopPrefixes() {
  ClosePrefix();
  return top_;
}

Result<ReportComposition> ReportComposition::FromJson(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("not a composition.json document");
  }
  auto tally = [](const json& j) {
    return Tally{j.value("objects", uint64_t{0}), j.value("bytes", uint64_t{0})};
  };
  ReportComposition c(ParseIso8601(doc.value("snapshotTime", "")).value_or(0));
  c.current_ = tally(doc.value("current", json::object()));
  c.noncurrent_ = tally(doc.value("noncurrent", json::object()));
  c.delete_markers_ = doc.value("deleteMarkers", uint64_t{0});
  for (const json& e : doc.value("storageClasses", json::array())) {
    c.storage_classes_[e.value("storageClass", "")] = tally(e);
  }
  for (const json& e : doc.value("encryption", json::array())) {
    c.encryption_[e.value("encryptionStatus", "")] = tally(e);
  }
  json sizes = doc.value("sizes", json::array());
  for (size_t i = 0; i < std::min(sizes.size(), c.sizes_.size()); ++i)
    c.sizes_[i] = tally(sizes[i]);
  json ages = doc.value("ages", json::array());
  for (size_t i = 0; i < std::min(ages.size(), c.ages_.size()); ++i) c.ages_[i] = tally(ages[i]);
  for (const json& e : doc.value("topPrefixes", json::array())) {
    c.top_.emplace_back(e.value("prefix", ""), tally(e));
  }
  c.without_prefix_ = tally(doc.value("keysWithoutPrefix", json::object()));
  return c;
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
