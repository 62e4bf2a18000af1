#include "scan/shard_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "common/encoding.h"
#include "scan/listing_xml.h"
#include "scan/partition_lister.h"

namespace stocktake::scan {
namespace {

using nlohmann::json;

// Positions of a key that KeySpaceScale reads (the last ones add less than a double holds).
constexpr size_t kScaleDigits = 16;
// Sampling: rounds of probes, each spread over the key space as the earlier ones showed it
// (where it ends, which characters it uses), so the probes close in on where the keys are.
constexpr int kProbeRounds = 10;
constexpr int kMinProbesPerRound = 64;
constexpr int kMaxProbesPerRound = 256;
constexpr double kSettledChange = 0.01;  // of the estimated keys, between two rounds
constexpr int kPlanFormatVersion = 1;

// Where the key space ends as far as the runs show: the lowest probe point past every key seen
// whose page was empty.
std::optional<std::string> EndPoint(const std::vector<SampleRun>& runs) {
  std::optional<std::string> last_key, end;
  for (const SampleRun& run : runs) {
    if (!run.keys.empty() && (!last_key || run.keys.back() > *last_key)) last_key = run.keys.back();
  }
  for (const SampleRun& run : runs) {
    if (!run.after || !run.keys.empty() || run.truncated) continue;
    if (last_key && *run.after < *last_key) continue;
    if (!end || *run.after < *end) end = run.after;
  }
  return end;
}

// The prefix every key lies under: the scan prefix, or longer once the first key and the end of
// the key space are known (every key lies between them).
std::string ScalePrefix(const std::vector<SampleRun>& runs, std::string_view scan_prefix) {
  std::optional<std::string> first;
  for (const SampleRun& run : runs) {
    if (!run.keys.empty() && (!first || run.keys.front() < *first)) first = run.keys.front();
  }
  std::optional<std::string> end = EndPoint(runs);
  if (!first || !end) return std::string(scan_prefix);
  size_t n = 0;
  while (n < first->size() && n < end->size() && (*first)[n] == (*end)[n]) ++n;
  return first->substr(0, std::max(n, scan_prefix.size()));
}

// Keys as numbers in [0, 1): after a prefix all keys share, each position is a digit whose radix
// is the number of characters seen there plus one (0 = the key ended), as KeyAlphabet knows them
// (with its guesses for positions seen little). Monotonic, so the keys of a range map to an
// interval.
class KeySpaceScale {
 public:
  KeySpaceScale(const std::vector<SampleRun>& runs, std::string_view scan_prefix)
      : prefix_(ScalePrefix(runs, scan_prefix)) {
    KeyAlphabet alphabet;
    std::vector<int> current(kScaleDigits, -1);
    for (const SampleRun& run : runs) {
      for (const std::string& key : run.keys) {
        alphabet.Add(key);
        for (size_t j = 0; j < kScaleDigits; ++j) {
          size_t pos = prefix_.size() + j;
          if (current[j] < 0 && pos < key.size()) {
            auto u = static_cast<unsigned char>(key[pos]);
            if (u >= 0x20 && u < 0x7f) current[j] = u;
          }
        }
      }
    }
    for (size_t j = 0; j < kScaleDigits; ++j) {
      chars_.push_back(alphabet.CharsAt(prefix_.size() + j, current[j]));
    }
  }

  double Value(std::string_view key) const { return Distance("", key); }

  // Value(b) - Value(a) for a <= b, summed from the first position where they differ: close
  // keys (a page of them) differ in digits a double cannot hold next to the leading ones.
  double Distance(std::string_view a, std::string_view b) const {
    double d = 0, w = 1;
    bool a_ended = false, b_ended = false, differ = false;
    for (size_t j = 0; j < kScaleDigits; ++j) {
      w /= static_cast<double>(chars_[j].size() + 1);
      double da = a_ended ? 0 : Digit(a, j, &a_ended);
      double db = b_ended ? 0 : Digit(b, j, &b_ended);
      differ = differ || da != db;
      if (differ) d += (db - da) * w;
      if (a_ended && b_ended) break;
    }
    return d;
  }

  // The digit of `key` at position j; *ended once the digits after it mean nothing (the key
  // ended, or a character not seen sorts between its neighbours).
  double Digit(std::string_view key, size_t j, bool* ended) const {
    const std::string& cs = chars_[j];
    size_t pos = prefix_.size() + j;
    if (pos >= key.size() || !key.starts_with(prefix_)) {
      *ended = true;
      return 0;
    }
    auto u = static_cast<unsigned char>(key[pos]);
    auto it = std::lower_bound(cs.begin(), cs.end(), u, [](char c, unsigned char x) {
      return static_cast<unsigned char>(c) < x;
    });
    auto idx = static_cast<double>(it - cs.begin());
    bool seen = it != cs.end() && static_cast<unsigned char>(*it) == u;
    if (!seen) *ended = true;
    return std::min(seen ? idx + 1 : idx + 0.5, static_cast<double>(cs.size()));
  }

  // A string at about `value`: the prefix and characters seen (printable ASCII).
  std::string KeyAt(double value) const {
    std::string key(prefix_);
    double w = 1;
    for (size_t j = 0; j < kScaleDigits; ++j) {
      const std::string& cs = chars_[j];
      w /= static_cast<double>(cs.size() + 1);
      double d = std::floor(value / w);
      d = std::clamp(d, 0.0, static_cast<double>(cs.size()));
      if (d == 0) break;
      key.push_back(cs[static_cast<size_t>(d) - 1]);
      value -= d * w;
    }
    return key;
  }

 private:
  std::string prefix_;
  std::vector<std::string> chars_;  // per position, sorted
};

// What the runs tell about the key space, as one sorted list of the keys seen.
struct Sample {
  std::vector<std::string> keys;
  std::set<std::string> followed;  // keys listed together with the next one: no gap after them
  std::map<std::string, double> density_after;  // last key of a truncated run -> keys per unit
  double global_density = 0;
  std::vector<std::string> points;  // every probe point, sorted
  std::optional<std::string> end;   // the key space ends below this
};

Sample Summarize(const std::vector<SampleRun>& runs, const KeySpaceScale& scale) {
  Sample s;
  double spans = 0, gaps = 0;
  for (const SampleRun& run : runs) {
    if (run.after) s.points.push_back(*run.after);
    s.keys.insert(s.keys.end(), run.keys.begin(), run.keys.end());
    for (size_t i = 0; i + 1 < run.keys.size(); ++i) s.followed.insert(run.keys[i]);
    if (run.keys.size() >= 2) {
      double span = scale.Distance(run.keys.front(), run.keys.back());
      if (span > 0) {
        spans += span;
        gaps += static_cast<double>(run.keys.size() - 1);
        double density = static_cast<double>(run.keys.size() - 1) / span;
        if (run.truncated) s.density_after[run.keys.back()] = density;
      }
    }
  }
  std::sort(s.keys.begin(), s.keys.end());
  s.keys.erase(std::unique(s.keys.begin(), s.keys.end()), s.keys.end());
  std::sort(s.points.begin(), s.points.end());
  s.global_density = spans > 0 ? gaps / spans : 0;
  s.end = EndPoint(runs);
  return s;
}

Result<SampleRun> ListSample(RemoteClient& client, const std::string& bucket,
                             const std::string& prefix, const std::optional<std::string>& after) {
  s3::S3Call call;
  call.bucket = bucket;
  call.query = {{"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", "1000"}};
  if (!prefix.empty()) call.query.emplace_back("prefix", prefix);
  if (after && !after->empty()) call.query.emplace_back("start-after", *after);
  ASSIGN_OR_RETURN(auto response, client.Send(call));
  if (response.status != 200) return Status::Unavailable(DescribeResponse(call, response));
  ASSIGN_OR_RETURN(ListPage page, ParseListObjectsV2(response.body));
  SampleRun run;
  run.after = after;
  run.truncated = page.truncated;
  for (const ListedEntry& e : page.entries) run.keys.push_back(e.version.key);
  return run;
}

json RangeJson(const KeyRange& r) {
  return json{{"after", BoundJson(r.lo)}, {"through", BoundJson(r.hi)}};
}

Result<KeyRange> ParseRange(const json& j) {
  KeyRange r;
  ASSIGN_OR_RETURN(r.lo, ParseBoundJson(j.value("after", json(nullptr))));
  ASSIGN_OR_RETURN(r.hi, ParseBoundJson(j.value("through", json(nullptr))));
  return r;
}

Result<json> ParseJson(std::string_view text, const char* what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("version", 0) != kPlanFormatVersion) {
    return Status::Corruption(std::string("not a ") + what + " (or of another version)");
  }
  return j;
}

}  // namespace

std::vector<std::string> ProbePoints(const std::vector<SampleRun>& runs,
                                     std::string_view scan_prefix, int count) {
  KeySpaceScale scale(runs, scan_prefix);
  Sample sample = Summarize(runs, scale);
  double lo = sample.keys.empty() ? 0 : scale.Value(sample.keys.front());
  double hi = sample.end ? scale.Value(*sample.end) : 1.0;
  // Half spread evenly over the scale (finds what no key seen hints at), half where the keys
  // are estimated to be (checks and refines the estimate where it matters).
  int even = count - count / 2;
  std::vector<std::string> points;
  for (int i = 1; i <= even; ++i) points.push_back(scale.KeyAt(lo + (hi - lo) * i / (even + 1)));
  if (!sample.keys.empty()) {
    ShardRanges cut = CutKeySpace(runs, scan_prefix, count / 2 + 1);
    for (const KeyRange& r : cut.ranges) {
      if (r.hi) points.push_back(*r.hi);
    }
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

ShardRanges CutKeySpace(const std::vector<SampleRun>& runs, std::string_view scan_prefix,
                        int shards) {
  KeySpaceScale scale(runs, scan_prefix);
  Sample sample = Summarize(runs, scale);
  const std::vector<std::string>& keys = sample.keys;
  // Estimated keys in the gap after each key seen, and the values the gap spans.
  struct Gap {
    double keys = 0;
    double from = 0, to = 0;
  };
  std::vector<Gap> gaps(keys.size());
  double total = static_cast<double>(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (sample.followed.count(keys[i])) continue;
    bool last = i + 1 == keys.size();
    Gap& g = gaps[i];
    // Keys lie only up to the first probe point in the gap: that probe's page started at the
    // next key, so nothing lies between them.
    const std::string* to = last ? (sample.end ? &*sample.end : nullptr) : &keys[i + 1];
    auto p = std::upper_bound(sample.points.begin(), sample.points.end(), keys[i]);
    if (p != sample.points.end() && (!to || *p < *to)) to = &*p;
    g.from = scale.Value(keys[i]);
    double width = to ? scale.Distance(keys[i], *to) : 1.0 - g.from;
    g.to = g.from + width;
    auto d = sample.density_after.find(keys[i]);
    double density = d != sample.density_after.end() ? d->second : sample.global_density;
    // Past the last key the end is somewhere before `to`: count half of it.
    g.keys = std::max(0.0, density * width - (last ? 0 : 1)) * (last ? 0.5 : 1);
    if (last && !sample.density_after.count(keys[i])) g.keys = 0;  // the listing ended there
    total += g.keys;
  }

  ShardRanges out;
  out.sampled_keys = keys.size();
  std::vector<std::string> bounds;
  std::vector<double> at;  // estimated keys up to each bound
  double cum = 0;
  int s = 1;
  auto target = [&] { return total * s / shards; };
  for (size_t i = 0; i < keys.size() && s < shards; ++i) {
    cum += 1;
    while (s < shards && target() <= cum) {
      bounds.push_back(keys[i]);
      at.push_back(cum);
      ++s;
    }
    const Gap& g = gaps[i];
    while (s < shards && g.keys > 0 && target() <= cum + g.keys) {
      double f = (target() - cum) / g.keys;
      std::string m = scale.KeyAt(g.from + f * (g.to - g.from));
      bool inside = m > keys[i] && (i + 1 == keys.size() || m < keys[i + 1]);
      bounds.push_back(inside ? m : keys[i]);
      at.push_back(target());
      ++s;
    }
    cum += g.keys;
  }
  // Fewer keys than shards: the last ones are empty.
  std::string fill = keys.empty() ? std::string(scan_prefix) : keys.back();
  while (static_cast<int>(bounds.size()) < shards - 1) {
    bounds.push_back(fill);
    at.push_back(total);
  }
  std::optional<std::string> lo;
  double before = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (lo && bounds[i] < *lo) bounds[i] = *lo;
    out.ranges.push_back(KeyRange{lo, bounds[i]});
    out.estimated_keys.push_back(at[i] - before);
    lo = bounds[i];
    before = at[i];
  }
  out.ranges.push_back(KeyRange{lo, std::nullopt});
  out.estimated_keys.push_back(total - before);
  return out;
}

Result<ShardRanges> PlanShardRanges(ClientPool& source, const std::string& bucket,
                                    const std::string& scan_prefix, int shards) {
  std::vector<SampleRun> runs;
  std::set<std::optional<std::string>> probed;
  std::mutex mu;
  auto probe = [&](std::vector<std::optional<std::string>> points) -> Status {
    std::erase_if(points, [&](const auto& p) { return probed.count(p) > 0; });
    for (const auto& p : points) probed.insert(p);
    return source.ParallelFor(points.size(), [&](RemoteClient& client, size_t i) {
      ASSIGN_OR_RETURN(SampleRun run, ListSample(client, bucket, scan_prefix, points[i]));
      std::lock_guard lock(mu);
      runs.push_back(std::move(run));
      return Status::OK();
    });
  };
  // The first page, and where the delimiter page sees the bucket's structure change.
  std::vector<std::optional<std::string>> points = {std::nullopt};
  RETURN_IF_ERROR(source.ParallelFor(1, [&](RemoteClient& client, size_t) {
    ASSIGN_OR_RETURN(auto partitions,
                     PlanPartitions(client, bucket, scan_prefix, kMinProbesPerRound));
    for (const PartitionRecord& p : partitions) {
      if (p.range.hi) points.push_back(*p.range.hi);
    }
    return Status::OK();
  }));
  RETURN_IF_ERROR(probe(points));
  int per_round = std::clamp(8 * shards, kMinProbesPerRound, kMaxProbesPerRound);
  double previous_total = -1;
  for (int round = 0; round < kProbeRounds; ++round) {
    // Stop when every key was seen with no gap left (a small bucket, read whole), or when a
    // round no longer changes the estimate: the probes have closed in on where the keys are.
    ShardRanges now = CutKeySpace(runs, scan_prefix, 1);
    double total = now.estimated_keys.front();
    if (total < static_cast<double>(now.sampled_keys) + 0.5) break;
    if (std::abs(total - previous_total) <= kSettledChange * total) break;
    previous_total = total;
    std::vector<std::optional<std::string>> next;
    for (std::string& p : ProbePoints(runs, scan_prefix, per_round)) next.push_back(std::move(p));
    RETURN_IF_ERROR(probe(std::move(next)));
  }
  return CutKeySpace(runs, scan_prefix, shards);
}

std::string_view ShardStateName(ShardRecord::State state) {
  switch (state) {
    case ShardRecord::State::kRunning:
      return "running";
    case ShardRecord::State::kUploading:
      return "uploading";
    case ShardRecord::State::kComplete:
      return "complete";
    case ShardRecord::State::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string ShardsPrefix(const inventory::ReportLayout& layout) {
  return layout.DatedFolderPrefix() + "shards/";
}

std::string ShardPlanKey(const inventory::ReportLayout& layout) {
  return ShardsPrefix(layout) + "plan.json";
}

std::string ShardRecordKey(const inventory::ReportLayout& layout, int shard) {
  char name[32];
  std::snprintf(name, sizeof(name), "shard-%05d.json", shard);
  return ShardsPrefix(layout) + name;
}

std::string ShardPlanJson(const ShardPlan& plan) {
  json ranges = json::array();
  for (size_t i = 0; i < plan.ranges.size(); ++i) {
    json r = RangeJson(plan.ranges[i]);
    if (i < plan.estimated_keys.size()) r["estimated_keys"] = std::llround(plan.estimated_keys[i]);
    ranges.push_back(std::move(r));
  }
  json j{{"version", kPlanFormatVersion},     {"scan", IdentityJson(plan.identity)},
         {"run_time", plan.run_time},         {"shards", plan.shards},
         {"sampled_keys", plan.sampled_keys}, {"ranges", std::move(ranges)}};
  return j.dump(2) + "\n";
}

Result<ShardPlan> ParseShardPlan(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseJson(text, "shard plan"));
  ShardPlan plan;
  ASSIGN_OR_RETURN(plan.identity, ParseIdentity(j.value("scan", json::object())));
  plan.run_time = j.value("run_time", "");
  plan.shards = j.value("shards", 0);
  plan.sampled_keys = j.value("sampled_keys", uint64_t{0});
  const json& ranges = j.value("ranges", json::array());
  for (const json& r : ranges) {
    ASSIGN_OR_RETURN(KeyRange range, ParseRange(r));
    plan.ranges.push_back(std::move(range));
    plan.estimated_keys.push_back(r.value("estimated_keys", 0.0));
  }
  if (plan.shards < 1 || plan.ranges.size() != static_cast<size_t>(plan.shards)) {
    return Status::Corruption("shard plan: " + std::to_string(plan.ranges.size()) + " ranges for " +
                              std::to_string(plan.shards) + " shards");
  }
  return plan;
}

std::string ShardRecordJson(const ShardRecord& record) {
  json files = json::array();
  for (const inventory::ManifestFile& f : record.files) {
    files.push_back(json{{"key", EncodeKey(f.key)}, {"size", f.size}, {"MD5checksum", f.md5_hex}});
  }
  json stale = json::array();
  for (const std::string& key : record.stale_files) stale.push_back(EncodeKey(key));
  json j{{"version", kPlanFormatVersion},
         {"scan", IdentityJson(record.identity)},
         {"run_time", record.run_time},
         {"shard", record.shard},
         {"shards", record.shards},
         {"range", RangeJson(record.range)},
         {"state", ShardStateName(record.state)},
         {"rows", record.rows},
         {"files", std::move(files)},
         {"stale_files", std::move(stale)}};
  if (!record.error.empty()) j["error"] = record.error;
  if (!record.composition_json.empty()) {
    j["composition"] = json::parse(record.composition_json, nullptr, false);
  }
  return j.dump(2) + "\n";
}

Result<ShardRecord> ParseShardRecord(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseJson(text, "shard record"));
  ShardRecord r;
  ASSIGN_OR_RETURN(r.identity, ParseIdentity(j.value("scan", json::object())));
  r.run_time = j.value("run_time", "");
  r.shard = j.value("shard", -1);
  r.shards = j.value("shards", 0);
  ASSIGN_OR_RETURN(r.range, ParseRange(j.value("range", json::object())));
  std::string state = j.value("state", "");
  bool known = false;
  for (auto s : {ShardRecord::State::kRunning, ShardRecord::State::kUploading,
                 ShardRecord::State::kComplete, ShardRecord::State::kFailed}) {
    if (ShardStateName(s) == state) {
      r.state = s;
      known = true;
    }
  }
  if (!known) return Status::Corruption("shard record: unknown state '" + state + "'");
  r.error = j.value("error", "");
  r.rows = j.value("rows", uint64_t{0});
  if (j.contains("composition") && j["composition"].is_object()) {
    r.composition_json = j["composition"].dump(2);
  }
  for (const json& f : j.value("files", json::array())) {
    inventory::ManifestFile file;
    ASSIGN_OR_RETURN(file.key, DecodeKey(f.value("key", json(""))));
    file.size = f.value("size", uint64_t{0});
    file.md5_hex = f.value("MD5checksum", "");
    r.files.push_back(std::move(file));
  }
  for (const json& k : j.value("stale_files", json::array())) {
    ASSIGN_OR_RETURN(std::string key, DecodeKey(k));
    r.stale_files.push_back(std::move(key));
  }
  return r;
}

}  // namespace stocktake::scan
