#include "scan/shard_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

namespace stocktake::scan {
namespace {

// Samples a sorted key list as PlanShardRanges samples a bucket: the first page, then rounds of
// pages at ProbePoints (10, as kProbeRounds). Pages of 100 keys instead of 1,000 make a bucket
// ten times as big for the estimate, at a tenth of the cost.
std::vector<SampleRun> Sample(const std::vector<std::string>& keys, int rounds) {
  std::vector<SampleRun> runs;
  auto page = [&](const std::optional<std::string>& after) {
    SampleRun run;
    run.after = after;
    auto it = after ? std::upper_bound(keys.begin(), keys.end(), *after) : keys.begin();
    for (; it != keys.end() && run.keys.size() < 100; ++it) run.keys.push_back(*it);
    run.truncated = it != keys.end();
    runs.push_back(std::move(run));
  };
  page(std::nullopt);
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& p : ProbePoints(runs, "", 64)) page(p);
  }
  return runs;
}

std::vector<size_t> Counts(const std::vector<std::string>& keys, const ShardRanges& cut) {
  std::vector<size_t> counts;
  for (const KeyRange& r : cut.ranges) {
    counts.push_back(static_cast<size_t>(std::count_if(
        keys.begin(), keys.end(), [&](const auto& k) { return r.AboveLo(k) && !r.AboveHi(k); })));
  }
  return counts;
}

void ExpectTiling(const ShardRanges& cut, int shards) {
  ASSERT_EQ(cut.ranges.size(), static_cast<size_t>(shards));
  EXPECT_FALSE(cut.ranges.front().lo);
  EXPECT_FALSE(cut.ranges.back().hi);
  for (size_t i = 1; i < cut.ranges.size(); ++i) {
    EXPECT_EQ(cut.ranges[i].lo, cut.ranges[i - 1].hi);
    EXPECT_LE(cut.ranges[i - 1].lo.value_or(""), *cut.ranges[i - 1].hi);
  }
}

TEST(ShardPlanTest, FlatNumberedKeysGetEvenShards) {
  std::vector<std::string> keys;
  char buf[32];
  for (int i = 0; i < 20000; ++i) {
    std::snprintf(buf, sizeof(buf), "obj-%07d", i);
    keys.push_back(buf);
  }
  ShardRanges cut = CutKeySpace(Sample(keys, 10), "", 8);
  ExpectTiling(cut, 8);
  for (size_t n : Counts(keys, cut)) {
    EXPECT_GT(n, 20000 / 8 * 0.6);
    EXPECT_LT(n, 20000 / 8 * 1.5);
  }
}

TEST(ShardPlanTest, ClustersAndFolders) {
  std::vector<std::string> keys;
  char buf[64];
  for (int i = 0; i < 5000; ++i) {
    std::snprintf(buf, sizeof(buf), "logs/2026/%05d.gz", i);
    keys.push_back(buf);
    std::snprintf(buf, sizeof(buf), "photos/%08x.jpg", static_cast<unsigned>(i) * 2654435761u);
    keys.push_back(buf);
  }
  std::sort(keys.begin(), keys.end());
  ShardRanges cut = CutKeySpace(Sample(keys, 10), "", 4);
  ExpectTiling(cut, 4);
  // Dense numbers next to sparse hashes: much coarser (docs/sharded-scans.md), but no shard is
  // idle and none holds most of the keys.
  for (size_t n : Counts(keys, cut)) {
    EXPECT_GT(n, 0u);
    EXPECT_LE(n, 10000u * 6 / 10);
  }
}

TEST(ShardPlanTest, FewerKeysThanShards) {
  std::vector<std::string> keys = {"a", "b"};
  ShardRanges cut = CutKeySpace(Sample(keys, 1), "", 5);
  ExpectTiling(cut, 5);
  std::vector<size_t> counts = Counts(keys, cut);
  EXPECT_EQ(counts[0] + counts[1] + counts[2] + counts[3] + counts[4], 2u);
  ExpectTiling(CutKeySpace({}, "pre/", 3), 3);
}

TEST(ShardPlanTest, PlanAndRecordRoundTrip) {
  ShardPlan plan;
  plan.identity = {"s3://src/p", "s3://dst", "CSV", "Current", "Size,ETag", "id"};
  plan.run_time = "2026-12-01T01-00Z";
  plan.shards = 2;
  plan.ranges = {KeyRange{std::nullopt, "k\xc3\xa9y 1"}, KeyRange{"k\xc3\xa9y 1", std::nullopt}};
  plan.estimated_keys = {10, 12};
  auto parsed = ParseShardPlan(ShardPlanJson(plan));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->identity, plan.identity);
  EXPECT_EQ(parsed->ranges[0].hi, plan.ranges[0].hi);
  EXPECT_EQ(parsed->ranges[1].lo, plan.ranges[1].lo);
  EXPECT_FALSE(parsed->ranges[1].hi);

  ShardRecord record;
  record.identity = plan.identity;
  record.shard = 1;
  record.shards = 2;
  record.range = plan.ranges[1];
  record.state = ShardRecord::State::kFailed;
  record.error = "boom";
  record.files = {{"p/src/id/data/1.csv.gz", 12, "00ff"}};
  record.stale_files = {"p/src/id/data/0.csv.gz"};
  auto back = ParseShardRecord(ShardRecordJson(record));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->state, ShardRecord::State::kFailed);
  EXPECT_EQ(back->error, "boom");
  EXPECT_EQ(back->files, record.files);
  EXPECT_EQ(back->stale_files, record.stale_files);
  EXPECT_FALSE(ParseShardRecord("{}").ok());
}

}  // namespace
}  // namespace stocktake::scan
