// The shared report assembly over an in-memory sink and destination: file splitting at key
// boundaries, MD5 and size per file, the empty report's one file, the publication order, and a
// failed publication removing what it wrote.
#include "inventory/report_assembly.h"

#include <gtest/gtest.h>

#include <map>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::inventory {
namespace {

constexpr int64_t kStampMs = 1748826000000;  // 2025-06-02T01:00:00Z

class MemoryDataFile final : public PendingDataFile {
 public:
  explicit MemoryDataFile(int* live) : live_(live) { ++*live_; }
  ~MemoryDataFile() override { Abandon(); }
  io::OutputStream* stream() override { return &out_; }
  uint64_t size() const override { return out_.contents().size(); }
  std::string md5_hex() const override { return HexLower(Md5(out_.contents())); }
  void Abandon() override {
    if (live_ != nullptr) --*live_;
    live_ = nullptr;
  }
  const std::string& contents() const { return out_.contents(); }

 private:
  io::MemoryOutputStream out_;
  int* live_;  // files neither abandoned nor destroyed
};

class MemoryTarget final : public DataFileSink, public ReportDestination {
 public:
  Result<std::unique_ptr<PendingDataFile>> NewDataFile() override {
    return std::unique_ptr<PendingDataFile>(new MemoryDataFile(&live_files));
  }
  Result<bool> Exists(const std::string& key) override { return objects.contains(key); }
  Status PutDataFiles(std::vector<AssembledFile>& files, std::string_view,
                      std::vector<std::string>* written) override {
    for (AssembledFile& f : files) {
      RETURN_IF_ERROR(Put(f.entry.key, static_cast<MemoryDataFile&>(*f.file).contents()));
      written->push_back(f.entry.key);
    }
    return Status::OK();
  }
  Status PutBytes(const std::string& key, std::string_view bytes, std::string_view) override {
    return Put(key, std::string(bytes));
  }
  Status Delete(const std::string& key) override {
    objects.erase(key);
    return Status::OK();
  }

  std::map<std::string, std::string> objects;
  std::vector<std::string> put_order;
  std::string fail_on_suffix;  // a Put of a key ending so fails
  int live_files = 0;

 private:
  Status Put(const std::string& key, std::string bytes) {
    if (!fail_on_suffix.empty() && key.ends_with(fail_on_suffix)) {
      return Status::Unavailable("injected failure");
    }
    put_order.push_back(key);
    objects[key] = std::move(bytes);
    return Status::OK();
  }
};

InventoryConfiguration Config() {
  InventoryConfiguration c;
  c.id = "inv";
  c.destination.bucket_arn = "arn:aws:s3:::dest";
  c.destination.format = format::FileFormat::kCsv;
  c.included_object_versions = IncludedObjectVersions::kAll;
  return c;
}

store::ObjectVersion Version(std::string key, std::string version_id, bool latest) {
  store::ObjectVersion v;
  v.bucket = "src";
  v.key = std::move(key);
  v.version_id = std::move(version_id);
  v.is_latest = latest;
  return v;
}

class ReportAssemblyTest : public testing::Test {
 protected:
  ReportAssemblyTest()
      : config_(Config()), layout_(config_, "src", kStampMs), extractor_(config_, Context()) {}

  static ExtractContext Context() {
    ExtractContext context;
    context.source_bucket = "src";
    return context;
  }

  InventoryConfiguration config_;
  ReportLayout layout_;
  RowExtractor extractor_;
  MemoryTarget target_;
};

TEST_F(ReportAssemblyTest, SplitsOnlyBetweenKeys) {
  DataFileAssembler assembler(layout_, &extractor_, &target_, {.max_rows_per_file = 2});
  // a: 3 versions (kept together past the limit), b: 1, c: 2.
  for (const auto& v :
       {Version("a", "3", true), Version("a", "2", false), Version("a", "1", false),
        Version("b", "1", true), Version("c", "2", true), Version("c", "1", false)}) {
    ASSERT_TRUE(assembler.Add(v).ok());
  }
  ASSERT_TRUE(assembler.Finish(/*at_least_one_file=*/true).ok());
  EXPECT_EQ(assembler.rows(), 6u);
  std::vector<AssembledFile> files = assembler.TakeFiles();
  // {a a a}: a's versions stay together past the limit; then {b c c}: b starts a file, which c
  // joins (1 row < 2).
  ASSERT_EQ(files.size(), 2u);
  for (const AssembledFile& f : files) {
    const std::string& bytes = static_cast<MemoryDataFile&>(*f.file).contents();
    EXPECT_EQ(f.entry.size, bytes.size());
    EXPECT_EQ(f.entry.md5_hex, HexLower(Md5(bytes)));
    EXPECT_TRUE(f.entry.key.starts_with("src/inv/data/")) << f.entry.key;
    EXPECT_TRUE(f.entry.key.ends_with(".csv.gz")) << f.entry.key;
  }
}

TEST_F(ReportAssemblyTest, EmptyReportHasOneFileOnlyWhenAsked) {
  {
    DataFileAssembler assembler(layout_, &extractor_, &target_, {});
    ASSERT_TRUE(assembler.Finish(/*at_least_one_file=*/false).ok());
    EXPECT_TRUE(assembler.TakeFiles().empty());
  }
  DataFileAssembler assembler(layout_, &extractor_, &target_, {});
  ASSERT_TRUE(assembler.Finish(/*at_least_one_file=*/true).ok());
  std::vector<AssembledFile> files = assembler.TakeFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_GT(files[0].entry.size, 0u);  // a gzip stream, even without rows
}

TEST_F(ReportAssemblyTest, PublishesDataThenSymlinkThenManifestThenChecksum) {
  DataFileAssembler assembler(layout_, &extractor_, &target_, {});
  ASSERT_TRUE(assembler.Add(Version("k", "1", true)).ok());
  ASSERT_TRUE(assembler.Finish(true).ok());
  std::vector<AssembledFile> files = assembler.TakeFiles();
  Manifest manifest = BuildReportManifest(layout_, extractor_.schema(), files);
  EXPECT_EQ(manifest.creation_timestamp_ms, kStampMs);
  EXPECT_EQ(manifest.destination_bucket_arn, "arn:aws:s3:::dest");
  ASSERT_EQ(manifest.files.size(), 1u);
  std::vector<std::string> keys = PublicationKeys(layout_, manifest);
  ASSERT_FALSE(MinuteTaken(target_, layout_).value());
  ASSERT_TRUE(PublishReport(target_, layout_, manifest, "{}", files).ok());
  EXPECT_EQ(target_.put_order, keys);
  EXPECT_EQ(keys.back(), layout_.ManifestChecksumKey());
  EXPECT_EQ(target_.objects[layout_.ManifestChecksumKey()],
            BuildManifestChecksum(target_.objects[layout_.ManifestKey()]));
  EXPECT_TRUE(MinuteTaken(target_, layout_).value());
  EXPECT_EQ(target_.live_files, 0) << "published files are released";
  EXPECT_NE(MinuteTakenReason(layout_).find("s3://dest/src/inv/2025-06-02T01-00Z/"),
            std::string::npos);
}

TEST_F(ReportAssemblyTest, FailedPublicationRemovesWhatItWrote) {
  target_.fail_on_suffix = "manifest.json";
  DataFileAssembler assembler(layout_, &extractor_, &target_, {});
  ASSERT_TRUE(assembler.Add(Version("k", "1", true)).ok());
  ASSERT_TRUE(assembler.Finish(true).ok());
  std::vector<AssembledFile> files = assembler.TakeFiles();
  Manifest manifest = BuildReportManifest(layout_, extractor_.schema(), files);
  Status st = PublishReport(target_, layout_, manifest, "{}", files);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(target_.objects.empty()) << "data files and symlink.txt are removed";
  EXPECT_EQ(target_.live_files, 0);
}

TEST_F(ReportAssemblyTest, AbandonReleasesOpenAndFinishedFiles) {
  DataFileAssembler assembler(layout_, &extractor_, &target_, {.max_rows_per_file = 1});
  ASSERT_TRUE(assembler.Add(Version("a", "1", true)).ok());
  ASSERT_TRUE(assembler.Add(Version("b", "1", true)).ok());  // a's file closed, b's open
  EXPECT_EQ(target_.live_files, 2);
  assembler.Abandon();
  EXPECT_EQ(target_.live_files, 0);
}

}  // namespace
}  // namespace stocktake::inventory
