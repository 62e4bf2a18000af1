// InventoryService: owns the configurations' life after PUT — the scheduler (Daily at a set UTC
// time, Weekly on Sunday at that time, a first report within a minute of creation), the run
// queue and its workers (at most max_concurrent_runs reports at once, one per configuration),
// on-demand runs, run statistics for metrics, and recovery of runs interrupted by a crash (their
// half-published objects are removed and the run is redone).
//
// Thread safety: all public methods may be called concurrently.
#pragma once

#include <array>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "inventory/config.h"
#include "inventory/report_job.h"
#include "inventory/run_record.h"
#include "store/object_store.h"

namespace stocktake::inventory {

struct InventoryServiceOptions {
  int daily_hour_utc = 1;  // observed AWS stamp: 01:00 UTC (spec §3.1)
  int daily_minute_utc = 0;
  // Stocktake: a new or re-enabled configuration gets its first report at once. false = wait
  // for the first scheduled time, as AWS (which takes up to 48 h).
  bool first_run_immediately = true;
  int tick_interval_ms = 1000;
  // Reports produced at once; more due or on-demand runs wait in the queue (never refused).
  int max_concurrent_runs = 2;
  ReportJobOptions job;
};

// What metrics show of the runs (since start, except last_success_ms which also covers runs
// recorded before).
struct InventoryRunStats {
  // Upper bounds of the run duration histogram buckets, seconds (a report takes seconds to hours).
  static constexpr std::array<int64_t, 9> kDurationBucketsSeconds = {1,   5,    15,    60,   300,
                                                                     900, 3600, 14400, 86400};
  uint64_t queued = 0;
  uint64_t running = 0;
  uint64_t succeeded = 0;
  uint64_t failed = 0;
  uint64_t rows_written = 0;   // rows of the succeeded runs' reports
  uint64_t bytes_written = 0;  // bytes of their data files
  // Durations of the finished (succeeded or failed) runs.
  std::array<uint64_t, kDurationBucketsSeconds.size() + 1> duration_buckets{};  // last = +Inf
  double duration_sum_seconds = 0;
  // Finish time of the last succeeded run by (bucket, configuration id).
  std::map<std::pair<std::string, std::string>, int64_t> last_success_ms;
};

class InventoryService {
 public:
  InventoryService(store::ObjectStore* store, Clock* clock, InventoryServiceOptions options);
  ~InventoryService();
  InventoryService(const InventoryService&) = delete;
  InventoryService& operator=(const InventoryService&) = delete;

  // Recovers interrupted runs and starts the scheduler and worker threads.
  Status Start();
  // Stops the threads; a running report is cancelled (it publishes nothing) and redone later.
  void Stop();

  // Queues a run now; returns its record (state queued).
  Result<RunRecord> RequestRun(const std::string& bucket, const std::string& config_id,
                               std::string trigger);
  Result<std::vector<RunRecord>> ListRuns(const std::string& bucket, const std::string& config_id);
  // Wakes the scheduler (a configuration was created, changed or deleted).
  void NotifyConfigChanged();
  // One scheduler pass at the clock's current time (the scheduler thread calls it every tick;
  // tests call it directly with a ManualClock).
  void Tick();
  // Blocks until no run is queued or running (tests, benchmarks).
  void WaitIdle();
  InventoryRunStats Stats();

  // The start of the schedule slot containing now_ms: the latest daily time (or Sunday at that
  // time, for weekly) at or before now_ms.
  int64_t CurrentSlotStart(ScheduleFrequency frequency, int64_t now_ms) const;

 private:
  struct ConfigState {
    bool known_enabled = false;
    int64_t last_slot_served = 0;
  };
  void SchedulerLoop();
  void WorkerLoop();
  void Execute(RunRecord run);
  void RecordOutcome(const RunRecord& run);
  Status Persist(const RunRecord& run);
  void RecoverInterruptedRuns();
  Result<RunRecord> Enqueue(const std::string& bucket, const std::string& config_id,
                            std::string trigger, int64_t scheduled_for_ms);

  store::ObjectStore* store_;
  Clock* clock_;
  InventoryServiceOptions options_;

  std::mutex mu_;
  std::condition_variable wake_scheduler_;
  std::condition_variable wake_worker_;
  std::condition_variable idle_;
  std::deque<RunRecord> queue_;
  std::set<std::pair<std::string, std::string>> running_;  // (bucket, config id) being produced
  bool stopping_ = false;
  InventoryRunStats stats_;  // queued/running are filled in by Stats()
  std::map<std::pair<std::string, std::string>, ConfigState> config_states_;
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

}  // namespace stocktake::inventory
