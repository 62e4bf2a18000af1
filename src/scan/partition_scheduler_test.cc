#include "scan/partition_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace stocktake::scan {
namespace {

class PartitionSchedulerTest : public testing::Test {
 protected:
  void SetUp() override {
    CheckpointState state;
    bool resumed = false;
    auto c = Checkpoint::Open("", {}, 0, &state, &resumed);
    ASSERT_TRUE(c.ok());
    checkpoint_ = std::move(*c);
  }
  void WaitForIdle(PartitionScheduler& s, int idle) {
    for (int i = 0; i < 5000 && s.counts().idle < idle; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(s.counts().idle, idle);
  }
  std::unique_ptr<Checkpoint> checkpoint_;
};

std::vector<PartitionRecord> TwoRanges() {
  std::vector<PartitionRecord> plan(2);
  plan[0].id = 0;
  plan[0].range.hi = "m";
  plan[1].id = 1;
  plan[1].range.lo = "m";
  return plan;
}

TEST_F(PartitionSchedulerTest, SplitsOnlyForIdleWorkersAndHandsOverInKeyOrder) {
  PartitionScheduler s(checkpoint_.get(), "");
  s.Load(TwoRanges());
  auto first = s.Take();
  auto second = s.Take();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->id, 0u);  // lowest range first
  EXPECT_EQ(second->id, 1u);
  KeyAlphabet seen;
  seen.Add("nopqrstuvwxyz");
  // Nobody is idle: no split.
  EXPECT_FALSE(s.MaybeSplit(1, "n", "p", seen));

  std::optional<PartitionWork> stolen;
  std::thread idle([&] { stolen = s.Take(); });
  WaitForIdle(s, 1);
  auto at = s.MaybeSplit(1, "n", "p", seen);
  idle.join();
  ASSERT_TRUE(at);
  EXPECT_GT(*at, "p");
  ASSERT_TRUE(stolen);
  EXPECT_EQ(stolen->id, 2u);
  EXPECT_EQ(stolen->range.lo, *at);
  EXPECT_EQ(stolen->range.hi, std::nullopt);
  EXPECT_EQ(s.counts().splits, 1u);

  // Completion out of order; the writer still gets 0, 1, 2.
  ASSERT_TRUE(s.Complete(2, 5, 50).ok());
  ASSERT_TRUE(s.Complete(1, 3, 30).ok());
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(s.Complete(0, 1, 10).ok());
  });
  std::vector<uint64_t> order;
  while (true) {
    auto next = s.NextDone();
    ASSERT_TRUE(next.ok());
    if (!*next) break;
    order.push_back((*next)->id);
  }
  late.join();
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_FALSE(s.Take());  // nothing left
}

TEST_F(PartitionSchedulerTest, FailureStopsWorkersAndWriter) {
  PartitionScheduler s(checkpoint_.get(), "");
  s.Load(TwoRanges());
  ASSERT_TRUE(s.Take());
  std::optional<PartitionWork> none = PartitionWork{};
  s.Fail(Status::Unavailable("boom"));
  s.Fail(Status::Internal("later"));
  std::thread worker([&] { none = s.Take(); });
  worker.join();
  EXPECT_FALSE(none);
  auto next = s.NextDone();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().message(), "boom");
}

TEST_F(PartitionSchedulerTest, ResumedPartitionsAreHandedOverWithoutListing) {
  std::vector<PartitionRecord> plan = TwoRanges();
  plan[0].done = true;
  PartitionScheduler s(checkpoint_.get(), "");
  s.Load(plan);
  auto next = s.NextDone();
  ASSERT_TRUE(next.ok() && *next);
  EXPECT_EQ((*next)->id, 0u);
  auto work = s.Take();
  ASSERT_TRUE(work);
  EXPECT_EQ(work->id, 1u);
  ASSERT_TRUE(s.Complete(1, 0, 0).ok());
  next = s.NextDone();
  ASSERT_TRUE(next.ok() && *next);
  EXPECT_EQ((*next)->id, 1u);
  next = s.NextDone();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next);
}

}  // namespace
}  // namespace stocktake::scan
