// The three steps of a sharded scan (docs/sharded-scans.md), each a separate process (a
// Kubernetes Job, the pods of an Indexed Job), meeting only in the destination bucket through
// the objects of shard_plan.h. `options.report_time_ms` (--run-time) names the run and its
// report; it must be set.
//
//   PlanShards: samples the source and writes the plan of N key ranges. A plan already there
//     for the same scan and N is kept (the plan Job may be retried).
//   RunShard: lists range I of the plan with the parallel lister (scan_job.h), uploads its data
//     files and writes its record; publishes no manifest. A rerun redoes the range: the data
//     files of earlier attempts are deleted once the new ones are uploaded, and the record then
//     names the new files only, so rows are never counted twice.
//   MergeShards: once the N records say complete, publishes the report (report_assembly.h:
//     symlink.txt, manifest.json, manifest.checksum last) over the shards' data files, in key
//     order. Any shard missing, unfinished or failed: an error naming each, nothing published.
// Once the report is published, no step of its run runs again (its files would change).
#pragma once

#include <string>

#include "common/result.h"
#include "scan/scan_job.h"
#include "scan/shard_plan.h"

namespace stocktake::scan {

struct PlanResult {
  std::string plan_key;
  ShardPlan plan;
  bool reused = false;  // an identical plan was already there
};

Result<PlanResult> PlanShards(const ScanOptions& options, int shards);
Result<ScanResult> RunShard(const ScanOptions& options, int shard, int shards);
Result<PublishedReport> MergeShards(const ScanOptions& options, int shards);

}  // namespace stocktake::scan
