// PartitionScheduler: the partitions of a scan (key ranges that tile the key space), who lists
// which, when a partition gives away the rest of its range, and the hand-over of finished
// partitions to the report writer in key order.
//
//  - Workers Take() pending partitions, lowest range first (so the writer can start early).
//  - After each truncated page a worker offers to split (MaybeSplit): when another worker is
//    idle and nothing is pending, the rest of its range is cut at a SplitPoint; it keeps the
//    lower part and the upper part becomes a new pending partition. Big ranges are thus cut
//    where the keys are, whatever their distribution, and only while there is idle capacity.
//  - Complete() records a durable spool; NextDone() gives the writer the partition after the
//    last one it took, once done, so the report stays sorted with bounded memory.
// Splits and completions go to the checkpoint journal under the lock, in the order they happen.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "scan/checkpoint.h"
#include "scan/key_range.h"

namespace stocktake::scan {

struct PartitionWork {
  uint64_t id = 0;
  KeyRange range;
};

class PartitionScheduler {
 public:
  // `checkpoint` is not owned.
  PartitionScheduler(Checkpoint* checkpoint, std::string scan_prefix);

  // Installs the partitions (a fresh plan or a replayed checkpoint). Call once, before workers
  // start.
  void Load(const std::vector<PartitionRecord>& partitions);

  // Worker side. Take blocks until a partition is pending (returns it, now being listed) or no
  // work can appear any more / the scan failed (returns nullopt).
  std::optional<PartitionWork> Take();
  // Called after a truncated page whose keys ran from page_first_key to last_key. Returns the
  // new (lower) upper bound of the caller's range when it was split.
  std::optional<std::string> MaybeSplit(uint64_t id, const std::string& page_first_key,
                                        const std::string& last_key, const KeyAlphabet& seen);
  Status Complete(uint64_t id, uint64_t rows, uint64_t spool_bytes);
  // Stops the scan with `status` (the first failure wins); wakes everyone.
  void Fail(Status status);

  // Writer side: the next partition in key order once it is done; nullopt after the last one;
  // the failure of the scan if any.
  Result<std::optional<PartitionRecord>> NextDone();

  struct Counts {
    size_t partitions = 0;
    size_t done = 0;
    size_t splits = 0;
    int idle = 0;  // workers waiting in Take()
  };
  Counts counts() const;
  Status status() const;

 private:
  using Lo = std::optional<std::string>;  // nullopt sorts first
  bool AllListedLocked() const { return pending_.empty() && listing_ == 0; }

  Checkpoint* checkpoint_;
  std::string scan_prefix_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, PartitionRecord> partitions_;
  std::map<Lo, uint64_t> by_lo_;
  std::set<Lo> pending_;  // by range start
  int listing_ = 0;
  int idle_ = 0;
  uint64_t next_id_ = 0;
  size_t done_ = 0;
  size_t splits_ = 0;
  std::optional<Lo> consumed_;  // lo of the last partition handed to the writer
  KeyAlphabet alphabet_;
  Status failure_;
};

}  // namespace stocktake::scan
