#include "inventory/report_composition.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace stocktake::inventory {
namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;
constexpr int64_t kSnapshotMs = 1'000 * kDayMs;

store::ObjectVersion Row(std::string key, uint64_t size, int64_t age_days = 0,
                         std::string storage_class = "", bool latest = true) {
  store::ObjectVersion v;
  v.key = std::move(key);
  v.size = size;
  v.last_modified_ms = kSnapshotMs - age_days * kDayMs;
  v.storage_class = std::move(storage_class);
  v.is_latest = latest;
  return v;
}

TEST(ReportCompositionTest, CountsVersionsClassesSizesAndAges) {
  ReportComposition c(kSnapshotMs);
  c.Add(Row("a/1", 10, 0));
  c.Add(Row("a/1", 2000, 10, "GLACIER", /*latest=*/false));
  store::ObjectVersion marker = Row("b", 0);
  marker.is_delete_marker = true;
  c.Add(marker);
  store::ObjectVersion encrypted = Row("c/big", uint64_t{2} << 30, 400, "STANDARD_IA");
  encrypted.encryption = "SSE-KMS";
  c.Add(encrypted);

  EXPECT_EQ(c.current(), (Tally{2, 10 + (uint64_t{2} << 30)}));
  EXPECT_EQ(c.noncurrent(), (Tally{1, 2000}));
  EXPECT_EQ(c.delete_markers(), 1u);
  EXPECT_EQ(c.storage_classes().at("STANDARD"), (Tally{1, 10}));  // empty means STANDARD
  EXPECT_EQ(c.storage_classes().at("GLACIER"), (Tally{1, 2000}));
  EXPECT_EQ(c.storage_classes().at("STANDARD_IA").objects, 1u);
  EXPECT_EQ(c.encryption().at("NOT-SSE").objects, 2u);
  EXPECT_EQ(c.encryption().at("SSE-KMS").objects, 1u);
  EXPECT_EQ(c.sizes()[0], (Tally{1, 10}));    // < 1 KiB
  EXPECT_EQ(c.sizes()[1], (Tally{1, 2000}));  // 1 KiB - 128 KiB
  EXPECT_EQ(c.sizes()[6].objects, 1u);        // [1 GiB, 16 GiB)
  EXPECT_EQ(c.ages()[0].objects, 1u);         // < 1 day
  EXPECT_EQ(c.ages()[2].objects, 1u);         // 7-30 days
  EXPECT_EQ(c.ages()[5].objects, 1u);         // 1-3 years
}

TEST(ReportCompositionTest, TopPrefixesByBytesAndKeysWithoutPrefix) {
  ReportComposition c(kSnapshotMs);
  for (int p = 0; p < 15; ++p) {
    std::string prefix = "p" + std::string(1, static_cast<char>('a' + p)) + "/";
    for (int i = 0; i <= p; ++i) c.Add(Row(prefix + std::to_string(i), 100));
  }
  c.Add(Row("loose", 7));
  const auto& top = c.TopPrefixes();
  ASSERT_EQ(top.size(), ReportComposition::kTopPrefixes);
  EXPECT_EQ(top.front().first, "po/");  // 15 objects
  EXPECT_EQ(top.front().second, (Tally{15, 1500}));
  EXPECT_EQ(top.back().first, "pf/");  // the 10th largest: 6 objects
  EXPECT_EQ(c.keys_without_prefix(), (Tally{1, 7}));
}

TEST(ReportCompositionTest, MergeSumsPartsAndAPrefixCutByTheirBoundary) {
  ReportComposition first(kSnapshotMs), second(kSnapshotMs);
  first.Add(Row("a/1", 1));
  first.Add(Row("m/1", 5));
  second.Add(Row("m/2", 5));
  second.Add(Row("z/1", 3));
  first.Merge(std::move(second));
  const auto& top = first.TopPrefixes();
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].first, "m/");
  EXPECT_EQ(top[0].second, (Tally{2, 10}));
  EXPECT_EQ(first.current(), (Tally{4, 14}));
}

TEST(ReportCompositionTest, FromJsonReadsToJsonBack) {
  ReportComposition c(kSnapshotMs);
  c.Add(Row("photos/x.jpg", 5000, 3, "GLACIER"));
  c.Add(Row("loose", 9, 400));
  std::string text = c.ToJson();
  auto back = ReportComposition::FromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), text);
  EXPECT_FALSE(ReportComposition::FromJson("[1]").ok());
}

TEST(ReportCompositionTest, JsonNamesEveryCategory) {
  ReportComposition c(kSnapshotMs);
  c.Add(Row("photos/x.jpg", 5000, 3, "GLACIER"));
  auto doc = nlohmann::json::parse(c.ToJson());
  EXPECT_EQ(doc["current"]["objects"], 1);
  EXPECT_EQ(doc["storageClasses"][0]["storageClass"], "GLACIER");
  EXPECT_EQ(doc["encryption"][0]["encryptionStatus"], "NOT-SSE");
  EXPECT_EQ(doc["topPrefixes"][0]["prefix"], "photos/");
  EXPECT_EQ(doc["sizes"].size(), ReportComposition::kSizeBounds.size() + 1);
  EXPECT_EQ(doc["sizes"][1]["minBytes"], 1024);
  EXPECT_EQ(doc["sizes"][1]["belowBytes"], 128 * 1024);
  EXPECT_EQ(doc["sizes"][1]["objects"], 1);
  EXPECT_FALSE(doc["ages"].back().contains("belowDays"));
  EXPECT_EQ(doc["ages"][1]["objects"], 1);  // 3 days: [1, 7)
}

}  // namespace
}  // namespace stocktake::inventory
