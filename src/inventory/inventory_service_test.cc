// Scheduler tests: a real store in a temp dir, time moved by a ManualClock, Tick() called
// directly (the worker is not started, so runs stay queued and can be counted).
#include "inventory/inventory_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/time_format.h"
#include "store/testing/temp_store.h"

namespace stocktake::inventory {
namespace {

int64_t At(const char* iso) { return *ParseIso8601(iso); }

class SchedulerTest : public store::TempStoreTest {
 protected:
  SchedulerTest() { store_options_.clock = &clock_; }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    ASSERT_TRUE(store_->PutAccount({"111122223333", std::string(64, 'a'), "owner"}).ok());
    for (const char* name : {"source", "dest"}) {
      store::Bucket bucket;
      bucket.name = name;
      bucket.owner_account_id = "111122223333";
      bucket.region = "us-east-1";
      ASSERT_TRUE(store_->CreateBucket(bucket).ok());
    }
  }

  void PutConfig(const std::string& id, ScheduleFrequency frequency, bool enabled = true) {
    InventoryConfiguration config;
    config.id = id;
    config.is_enabled = enabled;
    config.destination.bucket_arn = "arn:aws:s3:::dest";
    config.frequency = frequency;
    ASSERT_TRUE(
        store_->PutInventoryConfig("source", id, EncodeInventoryConfiguration(config)).ok());
  }

  std::vector<RunRecord> Runs(InventoryService& service, const std::string& id) {
    auto runs = service.ListRuns("source", id);
    EXPECT_TRUE(runs.ok());
    return runs.ok() ? *runs : std::vector<RunRecord>();
  }

  ManualClock clock_{At("2026-03-04T00:30:00Z")};  // a Wednesday
};

TEST_F(SchedulerTest, SlotStarts) {
  InventoryServiceOptions options;
  InventoryService service(store_.get(), &clock_, options);
  EXPECT_EQ(service.CurrentSlotStart(ScheduleFrequency::kDaily, At("2026-03-04T00:30:00Z")),
            At("2026-03-03T01:00:00Z"));
  EXPECT_EQ(service.CurrentSlotStart(ScheduleFrequency::kDaily, At("2026-03-04T01:00:00Z")),
            At("2026-03-04T01:00:00Z"));
  // Weekly: Sundays (2026-03-01 and 2026-03-08 are Sundays).
  EXPECT_EQ(service.CurrentSlotStart(ScheduleFrequency::kWeekly, At("2026-03-04T00:30:00Z")),
            At("2026-03-01T01:00:00Z"));
  EXPECT_EQ(service.CurrentSlotStart(ScheduleFrequency::kWeekly, At("2026-03-08T00:59:59Z")),
            At("2026-03-01T01:00:00Z"));
  EXPECT_EQ(service.CurrentSlotStart(ScheduleFrequency::kWeekly, At("2026-03-08T01:00:00Z")),
            At("2026-03-08T01:00:00Z"));
}

TEST_F(SchedulerTest, DailyAtTheConfiguredTimeAsAws) {
  InventoryServiceOptions options;
  options.first_run_immediately = false;
  InventoryService service(store_.get(), &clock_, options);
  PutConfig("daily", ScheduleFrequency::kDaily);
  service.Tick();
  clock_.SetMillis(At("2026-03-04T00:59:59Z"));
  service.Tick();
  EXPECT_TRUE(Runs(service, "daily").empty());
  clock_.SetMillis(At("2026-03-04T01:00:00Z"));
  service.Tick();
  service.Tick();
  auto runs = Runs(service, "daily");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].scheduled_for_ms, At("2026-03-04T01:00:00Z"));
  EXPECT_EQ(runs[0].trigger, "schedule");
  EXPECT_EQ(runs[0].state, RunState::kQueued);
  clock_.SetMillis(At("2026-03-04T23:00:00Z"));
  service.Tick();
  EXPECT_EQ(Runs(service, "daily").size(), 1u);
  clock_.SetMillis(At("2026-03-05T01:00:30Z"));
  service.Tick();
  EXPECT_EQ(Runs(service, "daily").size(), 2u);
}

TEST_F(SchedulerTest, FirstReportImmediatelyThenOnSchedule) {
  InventoryServiceOptions options;
  InventoryService service(store_.get(), &clock_, options);
  PutConfig("eager", ScheduleFrequency::kDaily);
  service.Tick();
  auto runs = Runs(service, "eager");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].requested_ms, At("2026-03-04T00:30:00Z"));
  service.Tick();
  EXPECT_EQ(Runs(service, "eager").size(), 1u);
  clock_.SetMillis(At("2026-03-04T01:00:00Z"));
  service.Tick();
  EXPECT_EQ(Runs(service, "eager").size(), 2u);
}

TEST_F(SchedulerTest, WeeklyOnSundayOnly) {
  InventoryServiceOptions options;
  options.first_run_immediately = false;
  InventoryService service(store_.get(), &clock_, options);
  PutConfig("weekly", ScheduleFrequency::kWeekly);
  for (const char* t : {"2026-03-04T01:00:00Z", "2026-03-05T01:00:00Z", "2026-03-07T23:59:00Z"}) {
    clock_.SetMillis(At(t));
    service.Tick();
  }
  EXPECT_TRUE(Runs(service, "weekly").empty());
  clock_.SetMillis(At("2026-03-08T01:00:00Z"));
  service.Tick();
  auto runs = Runs(service, "weekly");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].scheduled_for_ms, At("2026-03-08T01:00:00Z"));
}

TEST_F(SchedulerTest, DisabledProducesNothingAndReEnablingRunsAtOnce) {
  InventoryServiceOptions options;
  InventoryService service(store_.get(), &clock_, options);
  PutConfig("toggle", ScheduleFrequency::kDaily, /*enabled=*/false);
  service.Tick();
  clock_.SetMillis(At("2026-03-04T01:00:00Z"));
  service.Tick();
  EXPECT_TRUE(Runs(service, "toggle").empty());
  clock_.SetMillis(At("2026-03-04T02:00:00Z"));
  PutConfig("toggle", ScheduleFrequency::kDaily, /*enabled=*/true);
  service.Tick();
  EXPECT_EQ(Runs(service, "toggle").size(), 1u);
}

TEST_F(SchedulerTest, ConfiguredDailyTime) {
  InventoryServiceOptions options;
  options.first_run_immediately = false;
  options.daily_hour_utc = 6;
  options.daily_minute_utc = 30;
  InventoryService service(store_.get(), &clock_, options);
  PutConfig("late", ScheduleFrequency::kDaily);
  service.Tick();
  clock_.SetMillis(At("2026-03-04T06:29:00Z"));
  service.Tick();
  EXPECT_TRUE(Runs(service, "late").empty());
  clock_.SetMillis(At("2026-03-04T06:30:00Z"));
  service.Tick();
  EXPECT_EQ(Runs(service, "late").size(), 1u);
}

TEST_F(SchedulerTest, RestartDoesNotRepeatAServedSlot) {
  InventoryServiceOptions options;
  {
    InventoryService service(store_.get(), &clock_, options);
    PutConfig("restart", ScheduleFrequency::kDaily);
    clock_.SetMillis(At("2026-03-04T01:00:00Z"));
    service.Tick();  // first (immediate) run, inside today's slot
    EXPECT_EQ(Runs(service, "restart").size(), 1u);
  }
  InventoryService restarted(store_.get(), &clock_, options);
  clock_.SetMillis(At("2026-03-04T05:00:00Z"));
  restarted.Tick();
  EXPECT_EQ(Runs(restarted, "restart").size(), 1u);
  clock_.SetMillis(At("2026-03-05T01:00:00Z"));
  restarted.Tick();
  EXPECT_EQ(Runs(restarted, "restart").size(), 2u);
}

// Two runs in one minute: the second waits for the next minute, so each report keeps its own
// dated folder and data files (a published report is never replaced).
TEST_F(SchedulerTest, SecondRunOfAMinuteWaitsForTheNextMinute) {
  InventoryServiceOptions options;
  options.first_run_immediately = false;
  options.job.threads = 1;
  clock_.SetMillis(At("2026-03-04T00:30:10Z"));
  InventoryService service(store_.get(), &clock_, options);
  PutConfig("twice", ScheduleFrequency::kDaily);
  ASSERT_TRUE(service.Start().ok());
  ASSERT_TRUE(service.RequestRun("source", "twice", "on-demand").ok());
  clock_.AdvanceMillis(1);  // run ids sort by request time: keep the listing in request order
  ASSERT_TRUE(service.RequestRun("source", "twice", "on-demand").ok());
  // The first run publishes; the second finds its minute taken and waits on the clock.
  auto states = [&] {
    std::vector<RunState> out;
    for (const RunRecord& r : Runs(service, "twice")) out.push_back(r.state);
    return out;
  };
  for (int i = 0;
       i < 400 && states() != std::vector<RunState>{RunState::kSucceeded, RunState::kRunning};
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(states(), (std::vector<RunState>{RunState::kSucceeded, RunState::kRunning}));
  clock_.SetMillis(At("2026-03-04T00:30:40Z"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(states()[1], RunState::kRunning) << "still the taken minute";
  clock_.SetMillis(At("2026-03-04T00:31:00Z"));
  service.WaitIdle();
  auto runs = Runs(service, "twice");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].manifest_key, "source/twice/2026-03-04T00-30Z/manifest.json");
  EXPECT_EQ(runs[1].manifest_key, "source/twice/2026-03-04T00-31Z/manifest.json");
  EXPECT_EQ(runs[1].snapshot_ms, At("2026-03-04T00:31:00Z"));
  for (const RunRecord& run : runs) {
    EXPECT_EQ(run.state, RunState::kSucceeded) << run.failure_reason;
    EXPECT_TRUE(store_->GetObject("dest", run.manifest_key, std::nullopt).ok());
  }
  // Both folders' symlink.txt (and so both reports' data files) are there.
  EXPECT_TRUE(
      store_->GetObject("dest", "source/twice/hive/dt=2026-03-04-00-30/symlink.txt", std::nullopt)
          .ok());
  EXPECT_TRUE(
      store_->GetObject("dest", "source/twice/hive/dt=2026-03-04-00-31/symlink.txt", std::nullopt)
          .ok());
  service.Stop();
}

}  // namespace
}  // namespace stocktake::inventory
