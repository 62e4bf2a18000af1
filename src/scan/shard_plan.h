// Sharded scans (docs/sharded-scans.md): one report made by N processes, each listing one key
// range, as the pods of a Kubernetes Indexed Job do. Every step of a run finds the others' work
// in the destination, in the run's dated folder (never a file of the report):
//
//   {root}/{run-time}/shards/plan.json          the N key ranges (--plan-shards)
//   {root}/{run-time}/shards/shard-00003.json   shard 3's record: its state, range, data files
//
// This file holds the plan (how the key space is cut, by sampling it) and the JSON of both
// objects. Keys in them are percent-encoded (they may hold any byte).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "inventory/manifest.h"
#include "inventory/report_layout.h"
#include "scan/checkpoint.h"
#include "scan/client_pool.h"
#include "scan/key_range.h"

namespace stocktake::scan {

// A page of keys listed at one point of the key space.
struct SampleRun {
  std::optional<std::string> after;  // start-after of the listing; nullopt: from the first key
  std::vector<std::string> keys;     // in order, all > after
  bool truncated = false;            // more keys follow the page
};

// Points to probe the key space at, spread evenly over it as far as `runs` show its shape (the
// characters seen at each position of the keys, as KeyAlphabet learns them).
std::vector<std::string> ProbePoints(const std::vector<SampleRun>& runs,
                                     std::string_view scan_prefix, int count);

struct ShardRanges {
  std::vector<KeyRange> ranges;  // `shards` ranges tiling the key space, in key order
  std::vector<double> estimated_keys;
  uint64_t sampled_keys = 0;
};

// Cuts the key space into `shards` ranges holding about as many keys each: keys seen in `runs`
// count one each; between two runs, the density of keys around them is extrapolated over the
// gap. Bounds are sampled keys, or strings between two of them (printable ASCII after the scan
// prefix, so valid UTF-8). A range may be empty when the key space has fewer keys than shards.
ShardRanges CutKeySpace(const std::vector<SampleRun>& runs, std::string_view scan_prefix,
                        int shards);

// Samples the source bucket (the delimiter page of PlanPartitions, then pages at ProbePoints, a
// few hundred requests whatever the size of the bucket) and cuts it into `shards` ranges.
Result<ShardRanges> PlanShardRanges(ClientPool& source, const std::string& bucket,
                                    const std::string& scan_prefix, int shards);

struct ShardPlan {
  ScanIdentity identity;
  std::string run_time;  // 2026-12-01T01-00Z
  int shards = 0;
  std::vector<KeyRange> ranges;
  std::vector<double> estimated_keys;
  uint64_t sampled_keys = 0;
};

// The completion record of a shard. Its data files are listed before they are uploaded, and
// those of a superseded attempt (`stale_files`) until they are deleted, so a rerun never leaves
// unreferenced rows behind, and the merge takes only the files of the last attempt.
struct ShardRecord {
  enum class State { kRunning, kUploading, kComplete, kFailed };
  ScanIdentity identity;
  std::string run_time;
  int shard = 0;
  int shards = 0;
  KeyRange range;
  State state = State::kRunning;
  std::string error;  // kFailed
  uint64_t rows = 0;  // kComplete
  std::vector<inventory::ManifestFile> files;
  std::vector<std::string> stale_files;
  std::string composition_json;  // kComplete: the shard's ReportComposition::ToJson
};

std::string_view ShardStateName(ShardRecord::State state);

std::string ShardsPrefix(const inventory::ReportLayout& layout);  // {dated folder}shards/
std::string ShardPlanKey(const inventory::ReportLayout& layout);
std::string ShardRecordKey(const inventory::ReportLayout& layout, int shard);

std::string ShardPlanJson(const ShardPlan& plan);
Result<ShardPlan> ParseShardPlan(std::string_view json);
std::string ShardRecordJson(const ShardRecord& record);
Result<ShardRecord> ParseShardRecord(std::string_view json);

}  // namespace stocktake::scan
