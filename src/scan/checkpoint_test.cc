#include "scan/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "io/file.h"

namespace stocktake::scan {
namespace {

class CheckpointTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::TempDir() + "/checkpoint_test_" + std::to_string(::getpid());
    std::remove(path_.c_str());
    identity_ = {"s3://src/p", "s3://dst", "CSV", "All", "Size,ETag", "inv"};
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
  ScanIdentity identity_;
};

TEST_F(CheckpointTest, ReplaysAMovedScanStart) {
  {
    CheckpointState state;
    bool resumed = true;
    auto c = Checkpoint::Open(path_, identity_, 1000, &state, &resumed);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ASSERT_TRUE((*c)->RecordScanStart(60'000).ok());
  }
  CheckpointState state;
  bool resumed = false;
  auto c = Checkpoint::Open(path_, identity_, 90'000, &state, &resumed);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(resumed);
  EXPECT_EQ(state.scan_start_ms, 60'000);
}

TEST_F(CheckpointTest, ReplaysPlanSplitsDoneAndPublishing) {
  {
    CheckpointState state;
    bool resumed = true;
    auto c = Checkpoint::Open(path_, identity_, 1000, &state, &resumed);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_FALSE(resumed);
    std::vector<PartitionRecord> plan(2);
    plan[0].id = 0;
    plan[0].range.hi = "m\xC3\xBC+ %";
    plan[1].id = 1;
    plan[1].range.lo = plan[0].range.hi;
    ASSERT_TRUE((*c)->RecordPlan(plan).ok());
    ASSERT_TRUE((*c)->RecordSplit(1, 2, "t").ok());
    ASSERT_TRUE((*c)->RecordDone(2, 10, 300).ok());
    ASSERT_TRUE((*c)->RecordPublishing({"a b/manifest.json"}).ok());
  }
  // A torn last line (crash while appending) is cut off.
  std::ofstream(path_, std::ios::app) << "{\"event\":\"done\",\"id\":0,";
  CheckpointState state;
  bool resumed = false;
  auto c = Checkpoint::Open(path_, identity_, 5000, &state, &resumed);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(resumed);
  EXPECT_EQ(state.scan_start_ms, 1000);
  EXPECT_TRUE(state.planned);
  ASSERT_EQ(state.partitions.size(), 3u);
  EXPECT_EQ(state.partitions[0].range.hi, "m\xC3\xBC+ %");
  EXPECT_FALSE(state.partitions[0].done);
  EXPECT_EQ(state.partitions[1].range.lo, "m\xC3\xBC+ %");
  EXPECT_EQ(state.partitions[1].range.hi, "t");
  EXPECT_EQ(state.partitions[2].range.lo, "t");
  EXPECT_EQ(state.partitions[2].range.hi, std::nullopt);
  EXPECT_TRUE(state.partitions[2].done);
  EXPECT_EQ(state.partitions[2].rows, 10u);
  EXPECT_EQ(state.partitions[2].spool_bytes, 300u);
  EXPECT_EQ(state.publishing_keys, std::vector<std::string>{"a b/manifest.json"});
  ASSERT_TRUE((*c)->RecordDone(0, 1, 2).ok());
  auto text = io::ReadFile(path_);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("\"id\":0,{"), std::string::npos);
  ASSERT_TRUE((*c)->Remove().ok());
  EXPECT_FALSE(io::ReadFile(path_).ok());
}

TEST_F(CheckpointTest, RefusesAnotherScansCheckpointAndOtherFiles) {
  {
    CheckpointState state;
    bool resumed = false;
    ASSERT_TRUE(Checkpoint::Open(path_, identity_, 1, &state, &resumed).ok());
  }
  ScanIdentity other = identity_;
  other.format = "ORC";
  CheckpointState state;
  bool resumed = false;
  auto c = Checkpoint::Open(path_, other, 1, &state, &resumed);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("format 'CSV' (now 'ORC')"), std::string::npos);
  std::ofstream(path_) << "precious data\n";
  EXPECT_FALSE(Checkpoint::Open(path_, identity_, 1, &state, &resumed).ok());
}

TEST(CheckpointNoPathTest, EverythingIsANoOp) {
  CheckpointState state;
  bool resumed = true;
  auto c = Checkpoint::Open("", {}, 7, &state, &resumed);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(resumed);
  EXPECT_EQ(state.scan_start_ms, 7);
  EXPECT_TRUE((*c)->RecordDone(1, 2, 3).ok());
  EXPECT_TRUE((*c)->Remove().ok());
}

}  // namespace
}  // namespace stocktake::scan
