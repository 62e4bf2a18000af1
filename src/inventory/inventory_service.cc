#include "inventory/inventory_service.h"

#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace stocktake::inventory {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kDayMs = 24 * 60 * kMinuteMs;
constexpr int64_t kWeekMs = 7 * kDayMs;
// 1970-01-01 was a Thursday; the first Sunday 00:00 UTC after the epoch is 3 days later.
constexpr int64_t kFirstSundayMs = 3 * kDayMs;

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

InventoryService::InventoryService(store::ObjectStore* store, Clock* clock,
                                   InventoryServiceOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

InventoryService::~InventoryService() { Stop(); }

int64_t InventoryService::CurrentSlotStart(ScheduleFrequency frequency, int64_t now_ms) const {
  int64_t offset = options_.daily_hour_utc * 60 * kMinuteMs + options_.daily_minute_utc * kMinuteMs;
  if (frequency == ScheduleFrequency::kDaily) {
    return FloorDiv(now_ms - offset, kDayMs) * kDayMs + offset;
  }
  int64_t base = kFirstSundayMs + offset;
  return FloorDiv(now_ms - base, kWeekMs) * kWeekMs + base;
}

Status InventoryService::Start() {
  RecoverInterruptedRuns();
  scheduler_ = std::thread([this] { SchedulerLoop(); });
  for (int i = 0; i < std::max(options_.max_concurrent_runs, 1); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  return Status::OK();
}

void InventoryService::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_scheduler_.notify_all();
  wake_worker_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

Status InventoryService::Persist(const RunRecord& run) {
  return store_->PutInventoryRun({run.bucket, run.config_id, run.run_id, EncodeRunRecord(run)});
}

void InventoryService::RecoverInterruptedRuns() {
  auto buckets = store_->ListBuckets();
  if (!buckets.ok()) return;
  for (const store::Bucket& bucket : *buckets) {
    auto configs = store_->ListInventoryConfigs(bucket.name);
    if (!configs.ok()) continue;
    for (const auto& [id, document] : *configs) {
      auto runs = store_->ListInventoryRuns(bucket.name, id);
      if (!runs.ok()) continue;
      auto config = DecodeInventoryConfiguration(document);
      for (const store::InventoryRunRecord& stored : *runs) {
        auto run = DecodeRunRecord(stored.record);
        if (run.ok() && run->state == RunState::kSucceeded) {
          std::lock_guard lock(mu_);
          int64_t& last = stats_.last_success_ms[{bucket.name, id}];
          last = std::max(last, run->finished_ms);
        }
        if (!run.ok() || run->terminal()) continue;
        // The process died during this run: remove whatever it had begun to publish (never a
        // manifest without its data), then run it again.
        if (config.ok()) {
          std::string destination = config->destination.BucketName();
          for (const std::string& key : run->publishing_keys) {
            store_->DeleteObject(destination, key, std::nullopt).status().IgnoreError();
          }
        }
        spdlog::info("inventory: redoing interrupted run {} of {}/{}", run->run_id, bucket.name,
                     id);
        run->publishing_keys.clear();
        run->state = RunState::kQueued;
        run->rows = run->bytes = run->files = 0;
        Persist(*run).IgnoreError();
        std::lock_guard lock(mu_);
        queue_.push_back(std::move(*run));
      }
    }
  }
}

Result<RunRecord> InventoryService::Enqueue(const std::string& bucket, const std::string& config_id,
                                            std::string trigger, int64_t scheduled_for_ms) {
  RunRecord run;
  run.requested_ms = clock_->NowMillis();
  run.run_id = NewRunId(run.requested_ms);
  run.bucket = bucket;
  run.config_id = config_id;
  run.trigger = std::move(trigger);
  run.scheduled_for_ms = scheduled_for_ms;
  RETURN_IF_ERROR(Persist(run));
  {
    std::lock_guard lock(mu_);
    queue_.push_back(run);
  }
  wake_worker_.notify_one();
  return run;
}

Result<RunRecord> InventoryService::RequestRun(const std::string& bucket,
                                               const std::string& config_id, std::string trigger) {
  RETURN_IF_ERROR(store_->GetInventoryConfig(bucket, config_id).status());
  return Enqueue(bucket, config_id, std::move(trigger), 0);
}

Result<std::vector<RunRecord>> InventoryService::ListRuns(const std::string& bucket,
                                                          const std::string& config_id) {
  ASSIGN_OR_RETURN(auto stored, store_->ListInventoryRuns(bucket, config_id));
  std::vector<RunRecord> runs;
  for (const auto& s : stored) {
    ASSIGN_OR_RETURN(RunRecord run, DecodeRunRecord(s.record));
    runs.push_back(std::move(run));
  }
  return runs;
}

void InventoryService::NotifyConfigChanged() { wake_scheduler_.notify_all(); }

void InventoryService::Tick() {
  int64_t now = clock_->NowMillis();
  auto buckets = store_->ListBuckets();
  if (!buckets.ok()) return;
  for (const store::Bucket& bucket : *buckets) {
    auto configs = store_->ListInventoryConfigs(bucket.name);
    if (!configs.ok()) continue;
    for (const auto& [id, document] : *configs) {
      auto config = DecodeInventoryConfiguration(document);
      if (!config.ok()) continue;
      auto key = std::make_pair(bucket.name, id);
      std::unique_lock lock(mu_);
      auto [it, inserted] = config_states_.try_emplace(key);
      ConfigState& state = it->second;
      int64_t slot = CurrentSlotStart(config->frequency, now);
      if (inserted) {
        // First sight (new configuration, or a restart): continue from the recorded runs.
        lock.unlock();
        auto runs = ListRuns(bucket.name, id);
        lock.lock();
        bool any_run = runs.ok() && !runs->empty();
        // Any run inside a slot serves it: a restart must not add a scheduled run to a slot
        // that already has a report, nor to the slot in which the configuration was created.
        for (const RunRecord& r : runs.ok() ? *runs : std::vector<RunRecord>()) {
          int64_t served =
              std::max(r.scheduled_for_ms, CurrentSlotStart(config->frequency, r.requested_ms));
          state.last_slot_served = std::max(state.last_slot_served, served);
        }
        state.known_enabled = any_run;  // a config with runs is not "new"
        if (!any_run && !options_.first_run_immediately) state.last_slot_served = slot;
      }
      if (!config->is_enabled) {
        state.known_enabled = false;
        continue;
      }
      bool first = !state.known_enabled && options_.first_run_immediately;
      state.known_enabled = true;
      if (!first && slot <= state.last_slot_served) continue;
      state.last_slot_served = std::max(state.last_slot_served, slot);
      lock.unlock();
      auto queued = Enqueue(bucket.name, id, "schedule", first ? now : slot);
      if (!queued.ok()) {
        spdlog::warn("inventory: cannot queue {}/{}: {}", bucket.name, id,
                     queued.status().ToString());
      }
    }
  }
}

void InventoryService::SchedulerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Tick();
    lock.lock();
    wake_scheduler_.wait_for(lock, std::chrono::milliseconds(options_.tick_interval_ms));
  }
}

void InventoryService::WorkerLoop() {
  // Reports yield the CPU to request handling: SCHED_IDLE threads run only when no request
  // thread wants the CPU, and the threads a report starts inherit the policy.
  sched_param idle{};
  if (::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &idle) != 0) {
    spdlog::warn("inventory: cannot lower the report thread's priority");
  }
  std::unique_lock lock(mu_);
  while (true) {
    // The oldest queued run whose configuration is not being produced: two runs of one
    // configuration in the same minute would share a report path.
    auto next = queue_.end();
    wake_worker_.wait(lock, [&] {
      if (stopping_) return true;
      next = std::find_if(queue_.begin(), queue_.end(), [&](const RunRecord& r) {
        return !running_.contains({r.bucket, r.config_id});
      });
      return next != queue_.end();
    });
    if (stopping_) return;
    RunRecord run = std::move(*next);
    queue_.erase(next);
    auto key = std::make_pair(run.bucket, run.config_id);
    running_.insert(key);
    lock.unlock();
    Execute(std::move(run));
    lock.lock();
    running_.erase(key);
    wake_worker_.notify_all();  // a run of the same configuration may be waiting
    if (queue_.empty() && running_.empty()) idle_.notify_all();
  }
}

InventoryRunStats InventoryService::Stats() {
  std::lock_guard lock(mu_);
  InventoryRunStats stats = stats_;
  stats.queued = queue_.size();
  stats.running = running_.size();
  return stats;
}

void InventoryService::RecordOutcome(const RunRecord& run) {
  std::lock_guard lock(mu_);
  double seconds = static_cast<double>(run.finished_ms - run.started_ms) / 1000;
  size_t bucket = 0;
  const auto& bounds = InventoryRunStats::kDurationBucketsSeconds;
  while (bucket < bounds.size() && seconds > static_cast<double>(bounds[bucket])) ++bucket;
  ++stats_.duration_buckets[bucket];
  stats_.duration_sum_seconds += seconds;
  if (run.state != RunState::kSucceeded) {
    ++stats_.failed;
    return;
  }
  ++stats_.succeeded;
  stats_.rows_written += run.rows;
  stats_.bytes_written += run.bytes;
  int64_t& last = stats_.last_success_ms[{run.bucket, run.config_id}];
  last = std::max(last, run.finished_ms);
}

void InventoryService::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return stopping_ || (queue_.empty() && running_.empty()); });
}

void InventoryService::Execute(RunRecord run) {
  run.state = RunState::kRunning;
  run.started_ms = clock_->NowMillis();
  Persist(run).IgnoreError();
  Status st;
  auto document = store_->GetInventoryConfig(run.bucket, run.config_id);
  auto bucket = store_->GetBucket(run.bucket);
  if (!document.ok() || !bucket.ok()) {
    st = Status::NotFound("The inventory configuration or its source bucket no longer exists.");
  } else {
    auto config = DecodeInventoryConfiguration(*document);
    if (!config.ok()) {
      st = config.status();
    } else {
      ReportJobHooks hooks;
      hooks.persist = [this](const RunRecord& r) { return Persist(r); };
      hooks.cancelled = [this, &run]() {
        {
          std::lock_guard lock(mu_);
          if (stopping_) return true;
        }
        return !store_->GetInventoryConfig(run.bucket, run.config_id).ok();
      };
      hooks.wait_for = [this, &hooks](int64_t duration_ms) {
        // Polls the clock, so that a ManualClock moved by a test ends the wait too.
        const int64_t until_ms = clock_->NowMillis() + duration_ms;
        while (clock_->NowMillis() < until_ms) {
          if (hooks.cancelled()) return false;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return true;
      };
      st = RunReport(*store_, options_.job, *config, *bucket, &run, hooks);
    }
  }
  bool stopping;
  {
    std::lock_guard lock(mu_);
    stopping = stopping_;
  }
  if (!st.ok() && stopping) {
    // Leave the run non-terminal: the next start redoes it.
    run.state = RunState::kQueued;
    run.publishing_keys.clear();
    Persist(run).IgnoreError();
    return;
  }
  run.finished_ms = clock_->NowMillis();
  run.state = st.ok() ? RunState::kSucceeded : RunState::kFailed;
  run.failure_reason = st.ok() ? "" : st.message();
  Persist(run).IgnoreError();
  RecordOutcome(run);
  spdlog::info("inventory: run {} of {}/{} {}: {} rows, {} files{}", run.run_id, run.bucket,
               run.config_id, RunStateName(run.state), run.rows, run.files,
               st.ok() ? "" : " (" + st.message() + ")");
}

}  // namespace stocktake::inventory
