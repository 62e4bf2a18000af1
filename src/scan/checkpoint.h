// Checkpoint: an append-only journal (JSON lines, fsynced per record) of a scan's progress, so a
// rerun with the same --checkpoint continues where an interrupted scan stopped:
//   {"event":"scan", ...}         what is scanned where (a rerun must match) and the scan start
//   {"event":"plan", ...}         the initial partitions
//   {"event":"split", ...}        a partition gave the upper part of its range to a new one
//   {"event":"done", ...}         a partition's spool file is complete and durable
//   {"event":"publishing", ...}   report keys about to be written (cleaned up by a rerun)
// A torn last line (crash while appending) is ignored. Strings that may hold any byte (keys,
// prefixes) are stored percent-encoded. With an empty path every call is a no-op.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "scan/key_range.h"

namespace stocktake::scan {

// What a rerun must repeat to continue a checkpoint.
struct ScanIdentity {
  std::string source;       // s3://bucket/prefix
  std::string destination;  // s3://bucket/prefix
  std::string format;       // CSV | ORC | Parquet
  std::string versions;     // Current | All
  std::string fields;       // comma-separated, canonical order
  std::string id;
  friend bool operator==(const ScanIdentity&, const ScanIdentity&) = default;
};

struct PartitionRecord {
  uint64_t id = 0;
  KeyRange range;
  bool done = false;
  uint64_t rows = 0;         // records in the spool file
  uint64_t spool_bytes = 0;  // its size
};

struct CheckpointState {
  int64_t scan_start_ms = 0;
  bool planned = false;
  std::vector<PartitionRecord> partitions;  // by id
  std::vector<std::string> publishing_keys;
};

// JSON forms shared by the checkpoint journal and the shard plan and records: keys are
// form-encoded, so any byte string survives as ASCII; an open key-range bound is null.
std::string EncodeKey(std::string_view key);
Result<std::string> DecodeKey(const nlohmann::json& j);
nlohmann::json BoundJson(const std::optional<std::string>& bound);
Result<std::optional<std::string>> ParseBoundJson(const nlohmann::json& j);
nlohmann::json IdentityJson(const ScanIdentity& id);
Result<ScanIdentity> ParseIdentity(const nlohmann::json& j);

class Checkpoint {
 public:
  // Opens `path`. An existing journal is replayed into *state (*resumed = true) after checking
  // that it records the same scan; otherwise a new one is started with `scan_start_ms`.
  static Result<std::unique_ptr<Checkpoint>> Open(const std::string& path,
                                                  const ScanIdentity& identity,
                                                  int64_t scan_start_ms, CheckpointState* state,
                                                  bool* resumed);
  ~Checkpoint();

  Status RecordPlan(const std::vector<PartitionRecord>& partitions);
  Status RecordSplit(uint64_t id, uint64_t new_id, const std::string& at);
  Status RecordDone(uint64_t id, uint64_t rows, uint64_t spool_bytes);
  Status RecordPublishing(const std::vector<std::string>& keys);
  // The scan start moved (its report minute was taken before anything was listed).
  Status RecordScanStart(int64_t scan_start_ms);
  // Deletes the journal (after a successful publication).
  Status Remove();

  const std::string& path() const { return path_; }

 private:
  Checkpoint(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Status Append(const std::string& line);
  std::string path_;
  int fd_;
  std::mutex mu_;
};

}  // namespace stocktake::scan
