// InventoryService: owns the configurations' life after PUT — the scheduler (Daily at a set UTC
// time, Weekly on Sunday at that time, a first report within a minute of creation), the run
// queue and its worker, on-demand runs, and recovery of runs interrupted by a crash (their
// half-published objects are removed and the run is redone).
//
// Thread safety: all public methods may be called concurrently.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
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
  ReportJobOptions job;
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
  bool running_job_ = false;
  bool stopping_ = false;
  std::map<std::pair<std::string, std::string>, ConfigState> config_states_;
  std::thread scheduler_;
  std::thread worker_;
};

}  // namespace stocktake::inventory
