#include "inventory/report_layout.h"

#include <gtest/gtest.h>

namespace stocktake::inventory {
namespace {

constexpr int64_t kNixStamp = 1748826000000;  // 2025-06-02T01:00:00Z (spec §3.1)

InventoryConfiguration Config(std::optional<std::string> prefix, format::FileFormat format) {
  InventoryConfiguration c;
  c.id = "nix-cache-inventory";
  c.destination.bucket_arn = "arn:aws:s3:::nix-cache-inventory";
  c.destination.prefix = std::move(prefix);
  c.destination.format = format;
  return c;
}

TEST(ReportLayoutTest, NoPrefixStartsAtSourceBucket) {
  ReportLayout layout(Config(std::nullopt, format::FileFormat::kParquet), "nix-cache", kNixStamp);
  EXPECT_EQ(layout.destination_bucket(), "nix-cache-inventory");
  EXPECT_EQ(layout.destination_bucket_arn(), "arn:aws:s3:::nix-cache-inventory");
  EXPECT_EQ(layout.config_root(), "nix-cache/nix-cache-inventory");
  EXPECT_EQ(layout.ManifestKey(), "nix-cache/nix-cache-inventory/2025-06-02T01-00Z/manifest.json");
  EXPECT_EQ(layout.ManifestChecksumKey(),
            "nix-cache/nix-cache-inventory/2025-06-02T01-00Z/manifest.checksum");
  EXPECT_EQ(layout.SymlinkKey(),
            "nix-cache/nix-cache-inventory/hive/dt=2025-06-02-01-00/symlink.txt");
  EXPECT_EQ(layout.DataKey("ed88423e-6457-4a45-ad18-6e13b66d076f"),
            "nix-cache/nix-cache-inventory/data/ed88423e-6457-4a45-ad18-6e13b66d076f.parquet");
  EXPECT_EQ(layout.DataPrefix(), "nix-cache/nix-cache-inventory/data/");
  EXPECT_EQ(layout.S3Uri(layout.SymlinkKey()),
            "s3://nix-cache-inventory/nix-cache/nix-cache-inventory/hive/dt=2025-06-02-01-00/"
            "symlink.txt");
}

TEST(ReportLayoutTest, EmptyPrefixIsNoPrefix) {
  ReportLayout layout(Config("", format::FileFormat::kCsv), "src", kNixStamp);
  EXPECT_EQ(layout.DataKey("u"), "src/nix-cache-inventory/data/u.csv.gz");
}

TEST(ReportLayoutTest, PrefixJoinedLiterally) {
  ReportLayout layout(Config("Inventory", format::FileFormat::kOrc), "src", 1478467920000);
  EXPECT_EQ(layout.ManifestKey(),
            "Inventory/src/nix-cache-inventory/2016-11-06T21-32Z/manifest.json");
  EXPECT_EQ(layout.SymlinkKey(),
            "Inventory/src/nix-cache-inventory/hive/dt=2016-11-06-21-32/symlink.txt");
  EXPECT_EQ(layout.DataKey("u"), "Inventory/src/nix-cache-inventory/data/u.orc");

  // AWS writes `prefix//bucket`; so does Stocktake, for every key (spec §3.1).
  ReportLayout slash(Config("s3-inventories/", format::FileFormat::kCsv), "media", kNixStamp);
  EXPECT_EQ(slash.DataKey("u"), "s3-inventories//media/nix-cache-inventory/data/u.csv.gz");
  EXPECT_EQ(slash.ManifestKey(),
            "s3-inventories//media/nix-cache-inventory/2025-06-02T01-00Z/manifest.json");
  EXPECT_EQ(ReportConfigRoot(std::string("p"), "b", "id"), "p/b/id");
}

TEST(ReportLayoutTest, ReportMinuteKeysNameTheMinutesObjects) {
  ReportLayout layout(Config(std::nullopt, format::FileFormat::kCsv), "src", kNixStamp + 59'999);
  EXPECT_EQ(
      layout.ReportMinuteKeys(),
      (std::vector<std::string>{"src/nix-cache-inventory/2025-06-02T01-00Z/manifest.json",
                                "src/nix-cache-inventory/2025-06-02T01-00Z/manifest.checksum",
                                "src/nix-cache-inventory/hive/dt=2025-06-02-01-00/symlink.txt"}));
}

TEST(ReportLayoutTest, NextReportMinuteIsTheNextMinutesFirstInstant) {
  EXPECT_EQ(NextReportMinuteMs(kNixStamp), kNixStamp + 60'000);
  EXPECT_EQ(NextReportMinuteMs(kNixStamp + 59'999), kNixStamp + 60'000);
  EXPECT_EQ(NextReportMinuteMs(-1), 0);
}

}  // namespace
}  // namespace stocktake::inventory
