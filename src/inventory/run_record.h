// One run of an inventory configuration, as persisted in the store and shown by
// `GET /{bucket}?inventory&id=ID&runs`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace stocktake::inventory {

enum class RunState { kQueued, kRunning, kSucceeded, kFailed };
std::string_view RunStateName(RunState state);  // queued / running / succeeded / failed

struct RunRecord {
  std::string run_id;  // sortable: zero-padded request time + random suffix
  std::string bucket;
  std::string config_id;
  std::string trigger;  // "schedule" or "on-demand"
  RunState state = RunState::kQueued;
  int64_t requested_ms = 0;
  int64_t scheduled_for_ms = 0;  // the schedule slot this run serves (0 for on-demand)
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  int64_t snapshot_ms = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;  // bytes of the data files
  uint64_t files = 0;
  std::string manifest_key;
  std::string failure_reason;
  // The published composition.json (report_composition.h) of a succeeded run.
  std::string composition_json;
  // Keys of the report's objects that are being published: a run that dies during publication
  // removes them before it is redone.
  std::vector<std::string> publishing_keys;

  bool terminal() const { return state == RunState::kSucceeded || state == RunState::kFailed; }
};

// Storage encoding (JSON). DO NOT CHANGE key names: they are on disk.
std::string EncodeRunRecord(const RunRecord& run);
Result<RunRecord> DecodeRunRecord(std::string_view document);
std::string NewRunId(int64_t now_ms);

}  // namespace stocktake::inventory
