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
