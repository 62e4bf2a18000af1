#include "inventory/run_record.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::inventory {

std::string_view RunStateName(RunState state) {
  switch (state) {
    case RunState::kQueued:
      return "queued";
    case RunState::kRunning:
      return "running";
    case RunState::kSucceeded:
      return "succeeded";
    case RunState::kFailed:
      return "failed";
  }
  return "queued";
}

std::string NewRunId(int64_t now_ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%013lld-", static_cast<long long>(now_ms));
  return buf + HexLower(RandomBytes(4));
}

std::string EncodeRunRecord(const RunRecord& run) {
  nlohmann::json doc = {
      {"run_id", run.run_id},
      {"bucket", run.bucket},
      {"config_id", run.config_id},
      {"trigger", run.trigger},
      {"state", RunStateName(run.state)},
      {"requested_ms", run.requested_ms},
      {"scheduled_for_ms", run.scheduled_for_ms},
      {"started_ms", run.started_ms},
      {"finished_ms", run.finished_ms},
      {"snapshot_ms", run.snapshot_ms},
      {"rows", run.rows},
      {"bytes", run.bytes},
      {"files", run.files},
      {"manifest_key", run.manifest_key},
      {"failure_reason", run.failure_reason},
      {"publishing_keys", run.publishing_keys},
  };
  if (!run.composition_json.empty()) {
    doc["composition"] = nlohmann::json::parse(run.composition_json, nullptr, false);
  }
  return doc.dump();
}

Result<RunRecord> DecodeRunRecord(std::string_view document) {
  nlohmann::json doc = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Status::Corruption("bad run record");
  RunRecord run;
  auto str = [&](const char* name) { return doc.value(name, std::string()); };
  auto num = [&](const char* name) { return doc.value(name, int64_t{0}); };
  run.run_id = str("run_id");
  run.bucket = str("bucket");
  run.config_id = str("config_id");
  run.trigger = str("trigger");
  std::string state = str("state");
  run.state = state == "running"     ? RunState::kRunning
              : state == "succeeded" ? RunState::kSucceeded
              : state == "failed"    ? RunState::kFailed
                                     : RunState::kQueued;
  run.requested_ms = num("requested_ms");
  run.scheduled_for_ms = num("scheduled_for_ms");
  run.started_ms = num("started_ms");
  run.finished_ms = num("finished_ms");
  run.snapshot_ms = num("snapshot_ms");
  run.rows = static_cast<uint64_t>(num("rows"));
  run.bytes = static_cast<uint64_t>(num("bytes"));
  run.files = static_cast<uint64_t>(num("files"));
  run.manifest_key = str("manifest_key");
  run.failure_reason = str("failure_reason");
  if (doc.contains("composition") && doc["composition"].is_object()) {
    run.composition_json = doc["composition"].dump(2);
  }
  if (doc.contains("publishing_keys") && doc["publishing_keys"].is_array()) {
    for (const auto& k : doc["publishing_keys"]) {
      if (k.is_string()) run.publishing_keys.push_back(k.get<std::string>());
    }
  }
  return run;
}

}  // namespace stocktake::inventory
