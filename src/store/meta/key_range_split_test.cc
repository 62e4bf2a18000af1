#include "store/meta/key_range_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace stocktake::store::meta {
namespace {

using namespace std::string_literals;

TEST(MidpointKeyTest, LiesStrictlyBetween) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"a"s, "b"s},         {"a"s, "a\x01"s},
      {""s, "\x01"s},       {"abc"s, "abd"s},
      {"x\xff"s, "y"s},     {"O/b/"s, "O/b0"s},
      {"k"s, "k\x00\x01"s}, {"\xff\xff\xff"s, "\xff\xff\xff\xff"s},
  };
  for (const auto& [a, b] : pairs) {
    std::string mid = MidpointKey(a, b);
    EXPECT_LT(a, mid) << a << " " << b;
    EXPECT_LT(mid, b) << a << " " << b;
  }
  EXPECT_EQ(MidpointKey("a", "c"), "b\x00"s);
}

// A sorted key set where each key weighs `weight` bytes: what RocksDB's estimate approximates.
class FakeRange {
 public:
  explicit FakeRange(std::vector<std::string> keys) : keys_(std::move(keys)) {
    std::sort(keys_.begin(), keys_.end());
  }
  uint64_t SizeOf(std::string_view begin, std::string_view end) const {
    auto lo = std::lower_bound(keys_.begin(), keys_.end(), begin);
    auto hi = std::lower_bound(keys_.begin(), keys_.end(), end);
    return static_cast<uint64_t>(hi - lo) * 100;
  }
  size_t CountBelow(std::string_view key) const {
    return std::lower_bound(keys_.begin(), keys_.end(), key) - keys_.begin();
  }

 private:
  std::vector<std::string> keys_;
};

TEST(SplitKeyRangeTest, BalancesKeysBehindALongCommonPrefix) {
  std::vector<std::string> keys;
  for (int i = 0; i < 10000; ++i) {
    keys.push_back("O/bucket/logs/year=2022/month=03/day=09/host-" + std::to_string(100000 + i));
  }
  FakeRange range(keys);
  auto size_of = [&](std::string_view b, std::string_view e) { return range.SizeOf(b, e); };
  std::vector<std::string> cuts = SplitKeyRange("O/bucket/", "O/bucket0", 4, size_of);
  ASSERT_EQ(cuts.size(), 3u);
  for (size_t i = 0; i < cuts.size(); ++i) {
    double share = static_cast<double>(range.CountBelow(cuts[i])) / keys.size();
    EXPECT_NEAR(share, (i + 1) / 4.0, 0.02) << i;
    if (i > 0) {
      EXPECT_LT(cuts[i - 1], cuts[i]);
    }
  }
}

TEST(SplitKeyRangeTest, TooSmallOrSinglePartRangesAreNotSplit) {
  FakeRange one({"O/b/only"});
  auto size_one = [&](std::string_view b, std::string_view e) { return one.SizeOf(b, e); };
  EXPECT_TRUE(SplitKeyRange("O/b/", "O/b0", 2, size_one).empty());
  FakeRange none({});
  auto size_none = [&](std::string_view b, std::string_view e) { return none.SizeOf(b, e); };
  EXPECT_TRUE(SplitKeyRange("O/b/", "O/b0", 2, size_none).empty());
  EXPECT_TRUE(SplitKeyRange("O/b/", "O/b0", 1, size_one).empty());
  EXPECT_TRUE(SplitKeyRange("O/b0", "O/b/", 2, size_one).empty());
}

TEST(SplitKeyRangeTest, SkewedKeysStillSplitEvenly) {
  std::vector<std::string> keys;
  for (int i = 0; i < 9000; ++i) keys.push_back("a/" + std::to_string(i));
  for (int i = 0; i < 1000; ++i) keys.push_back("zz/" + std::to_string(i));
  FakeRange range(keys);
  auto size_of = [&](std::string_view b, std::string_view e) { return range.SizeOf(b, e); };
  std::vector<std::string> cuts = SplitKeyRange("", "\xff", 2, size_of);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_NEAR(static_cast<double>(range.CountBelow(cuts[0])) / keys.size(), 0.5, 0.02);
}

}  // namespace
}  // namespace stocktake::store::meta
