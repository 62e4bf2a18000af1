// Clock: the one source of wall-clock time, injectable so tests can move time (scheduler).
#pragma once

#include <atomic>
#include <cstdint>

namespace stocktake {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  static SystemClock* Default();
};

// Another clock shifted by a fixed offset (test failpoints that move one component's time).
class OffsetClock final : public Clock {
 public:
  OffsetClock(const Clock* base, int64_t offset_ms) : base_(base), offset_ms_(offset_ms) {}
  int64_t NowMillis() const override { return base_->NowMillis() + offset_ms_; }

 private:
  const Clock* base_;
  int64_t offset_ms_;
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t NowMillis() const override { return now_ms_.load(); }
  void SetMillis(int64_t ms) { now_ms_.store(ms); }
  void AdvanceMillis(int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace stocktake
