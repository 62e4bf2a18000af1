#include "format/orc/statistics.h"

#include <gtest/gtest.h>

#include <limits>

namespace stocktake::format::orc {
namespace {

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(ColumnStatisticsTest, IntegerEncoding) {
  ColumnStatistics s(StatsKind::kInt64);
  s.AddInt(-1);
  s.AddInt(5);
  s.AddNulls(1);
  // number_of_values 2; int_statistics {min -1 (zigzag 1), max 5 (10), sum 4 (8)}; has_null.
  EXPECT_EQ(Hex(s.Encode()),
            "0802"
            "1206"
            "0801"
            "100a"
            "1808"
            "5001");
}

TEST(ColumnStatisticsTest, IntegerSumOverflowLeavesSumOut) {
  ColumnStatistics s(StatsKind::kInt64);
  s.AddInt(std::numeric_limits<int64_t>::max());
  s.AddInt(1);
  const std::string e = s.Encode();
  ColumnStatistics merged(StatsKind::kInt64);
  merged.Merge(s);
  EXPECT_EQ(e, merged.Encode());
  // int_statistics holds min and max only: 0x12, length, 0x08 .., 0x10 ..
  EXPECT_EQ(Hex(e).substr(0, 8), "0802120d");  // 13 bytes: min and max, no sum
}

TEST(ColumnStatisticsTest, StringMinMaxAndMerge) {
  ColumnStatistics group(StatsKind::kString);
  group.AddStrings(3, "b", "d", 7);
  ColumnStatistics stripe(StatsKind::kString);
  stripe.Merge(group);
  group.Reset();
  group.AddStrings(2, "a", "c", 2);
  stripe.Merge(group);
  EXPECT_EQ(stripe.count(), 5u);
  EXPECT_EQ(stripe.string_min(), "a");
  EXPECT_EQ(stripe.string_max(), "d");
  // {1: 5, 4: {1:"a", 2:"d", 3: sum 9 (zigzag 18)}, 10: false}
  EXPECT_EQ(Hex(stripe.Encode()),
            "0805"
            "2208"
            "0a0161"
            "120164"
            "1812"
            "5000");
}

TEST(ColumnStatisticsTest, LongStringsBecomeBounds) {
  ColumnStatistics s(StatsKind::kString);
  const std::string long_min(1100, 'a');
  const std::string long_max = std::string(1023, 'z') + "\xc3\xa9" + "tail";  // é straddles 1024
  s.AddStrings(2, long_min, long_max, 2000);
  const std::string e = s.Encode();
  EXPECT_EQ(e.find(long_min.substr(0, 1025)), std::string::npos);
  EXPECT_NE(e.find(long_min.substr(0, 1024)), std::string::npos);
  // Upper bound: the first 1023 bytes ('é' does not fit), last 'z' incremented to '{'.
  EXPECT_NE(e.find(std::string(1022, 'z') + "{"), std::string::npos);
}

TEST(ColumnStatisticsTest, BooleanAndTimestamp) {
  ColumnStatistics b(StatsKind::kBoolean);
  b.AddBoolean(true);
  b.AddBoolean(false);
  b.AddBoolean(true);
  EXPECT_EQ(Hex(b.Encode()),
            "0803"
            "2a03"
            "0a0102"
            "5000");

  ColumnStatistics t(StatsKind::kTimestamp);
  t.AddTimestampMillis(1000);
  t.AddTimestampMillis(-1);
  // {1: 2, 9: {1: -1, 2: 1000, 3: -1, 4: 1000, 6: 1}, 10: false}
  EXPECT_EQ(Hex(t.Encode()),
            "0802"
            "4a0c"
            "0801"
            "10d00f"
            "1801"
            "20d00f"
            "3001"
            "5000");
}

TEST(ColumnStatisticsTest, EmptyColumnHasNoMinMax) {
  ColumnStatistics s(StatsKind::kString);
  s.AddNulls(3);
  EXPECT_EQ(Hex(s.Encode()),
            "0800"
            "2202"
            "1800"
            "5001");
}

TEST(Utf8Test, TruncateAndIncrement) {
  EXPECT_EQ(TruncateUtf8("abc", 5), "abc");
  EXPECT_EQ(TruncateUtf8("ab\xc3\xa9", 3), "ab");
  EXPECT_EQ(TruncateUtf8("ab\xe6\x97\xa5", 4), "ab");
  EXPECT_EQ(IncrementUtf8("abc"), "abd");
  EXPECT_EQ(IncrementUtf8("a\x7f"), "a\xc2\x80");
  EXPECT_EQ(IncrementUtf8("a\xf4\x8f\xbf\xbf"), "b");        // U+10FFFF cannot grow
  EXPECT_EQ(IncrementUtf8("\xed\x9f\xbf"), "\xee\x80\x80");  // U+D7FF -> U+E000
  EXPECT_EQ(IncrementUtf8(""), "");
}

}  // namespace
}  // namespace stocktake::format::orc
