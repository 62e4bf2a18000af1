#include "common/time_format.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

// 1748826000000 = 2025-06-02T01:00:00Z, the NIX manifest of spec §3.1.
constexpr int64_t kNixStamp = 1748826000000;

TEST(TimeFormatTest, InventoryStamps) {
  EXPECT_EQ(FormatIso8601Millis(kNixStamp + 123), "2025-06-02T01:00:00.123Z");
  EXPECT_EQ(FormatInventoryFolder(kNixStamp), "2025-06-02T01-00Z");
  EXPECT_EQ(FormatHiveDt(kNixStamp), "2025-06-02-01-00");
  EXPECT_EQ(ParseInventoryFolder("2025-06-02T01-00Z"), kNixStamp);
  for (const char* bad : {"2025-06-02T01-00", "2025-06-02T01:00Z", "2025-02-30T01-00Z",
                          "2025-06-02T24-00Z", "2025-6-02T01-00Z", "x025-06-02T01-00Z"}) {
    EXPECT_EQ(ParseInventoryFolder(bad), std::nullopt) << bad;
  }
}

TEST(TimeFormatTest, HttpAndAmzDates) {
  EXPECT_EQ(FormatHttpDate(kNixStamp), "Mon, 02 Jun 2025 01:00:00 GMT");
  EXPECT_EQ(FormatAmzDate(kNixStamp), "20250602T010000Z");
  EXPECT_EQ(*ParseAmzDate("20250602T010000Z"), kNixStamp);
  EXPECT_EQ(*ParseHttpDate("Mon, 02 Jun 2025 01:00:00 GMT"), kNixStamp);
  EXPECT_FALSE(ParseAmzDate("2025-06-02").has_value());
}

TEST(TimeFormatTest, Iso8601RoundTripAndEdges) {
  EXPECT_EQ(*ParseIso8601("2025-06-02T01:00:00.123Z"), kNixStamp + 123);
  EXPECT_EQ(*ParseIso8601("2025-06-02T01:00:00Z"), kNixStamp);
  EXPECT_EQ(FormatIso8601Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Millis(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_FALSE(ParseIso8601("2025-13-02T01:00:00Z").has_value());
  // Spellings other than the canonical one still parse (the slower path).
  EXPECT_EQ(*ParseIso8601("2025-6-02T01:00:00+00:00"), kNixStamp);
  EXPECT_FALSE(ParseIso8601("2025-06-02T01:00:00").has_value());
  EXPECT_FALSE(ParseIso8601("2025-06-02T01:0").has_value());
}

}  // namespace
}  // namespace stocktake
