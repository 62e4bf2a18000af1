#include "scan/partition_scheduler.h"

namespace stocktake::scan {

PartitionScheduler::PartitionScheduler(Checkpoint* checkpoint, std::string scan_prefix)
    : checkpoint_(checkpoint), scan_prefix_(std::move(scan_prefix)) {}

void PartitionScheduler::Load(const std::vector<PartitionRecord>& partitions) {
  std::lock_guard lock(mu_);
  for (const PartitionRecord& p : partitions) {
    partitions_[p.id] = p;
    by_lo_[p.range.lo] = p.id;
    if (p.done) {
      ++done_;
    } else {
      pending_.insert(p.range.lo);
    }
    next_id_ = std::max(next_id_, p.id + 1);
  }
}

std::optional<PartitionWork> PartitionScheduler::Take() {
  std::unique_lock lock(mu_);
  ++idle_;
  cv_.wait(lock, [&] { return !failure_.ok() || !pending_.empty() || AllListedLocked(); });
  --idle_;
  if (!failure_.ok() || pending_.empty()) {
    cv_.notify_all();
    return std::nullopt;
  }
  Lo lo = *pending_.begin();
  pending_.erase(pending_.begin());
  ++listing_;
  const PartitionRecord& p = partitions_[by_lo_[lo]];
  return PartitionWork{p.id, p.range};
}

std::optional<std::string> PartitionScheduler::MaybeSplit(uint64_t id,
                                                          const std::string& page_first_key,
                                                          const std::string& last_key,
                                                          const KeyAlphabet& seen) {
  std::lock_guard lock(mu_);
  alphabet_.Merge(seen);
  if (!failure_.ok() || !pending_.empty() || idle_ == 0) return std::nullopt;
  PartitionRecord& p = partitions_[id];
  std::optional<std::string> at =
      SplitPoint(last_key, page_first_key, p.range.hi, scan_prefix_, alphabet_);
  if (!at) return std::nullopt;
  PartitionRecord upper;
  upper.id = next_id_++;
  upper.range.lo = *at;
  upper.range.hi = p.range.hi;
  Status st = checkpoint_->RecordSplit(id, upper.id, *at);
  if (!st.ok()) {
    failure_ = st;
    cv_.notify_all();
    return std::nullopt;
  }
  p.range.hi = *at;
  by_lo_[upper.range.lo] = upper.id;
  pending_.insert(upper.range.lo);
  partitions_[upper.id] = std::move(upper);
  ++splits_;
  cv_.notify_all();
  return at;
}

Status PartitionScheduler::Complete(uint64_t id, uint64_t rows, uint64_t spool_bytes) {
  std::lock_guard lock(mu_);
  Status st = checkpoint_->RecordDone(id, rows, spool_bytes);
  if (!st.ok()) {
    if (failure_.ok()) failure_ = st;
    cv_.notify_all();
    return st;
  }
  PartitionRecord& p = partitions_[id];
  p.done = true;
  p.rows = rows;
  p.spool_bytes = spool_bytes;
  --listing_;
  ++done_;
  cv_.notify_all();
  return Status::OK();
}

void PartitionScheduler::Fail(Status status) {
  std::lock_guard lock(mu_);
  if (failure_.ok()) failure_ = std::move(status);
  cv_.notify_all();
}

Result<std::optional<PartitionRecord>> PartitionScheduler::NextDone() {
  std::unique_lock lock(mu_);
  while (true) {
    if (!failure_.ok()) return failure_;
    auto next = consumed_ ? by_lo_.upper_bound(*consumed_) : by_lo_.begin();
    // Splits only add ranges after a partition still being listed, so when nothing follows the
    // last partition taken, nothing ever will.
    if (next == by_lo_.end()) return std::optional<PartitionRecord>();
    const PartitionRecord& p = partitions_[next->second];
    if (p.done) {
      consumed_ = next->first;
      return std::optional<PartitionRecord>(p);
    }
    cv_.wait(lock);
  }
}

PartitionScheduler::Counts PartitionScheduler::counts() const {
  std::lock_guard lock(mu_);
  return Counts{partitions_.size(), done_, splits_, idle_};
}

Status PartitionScheduler::status() const {
  std::lock_guard lock(mu_);
  return failure_;
}

}  // namespace stocktake::scan
