// RunReport against a real store in a temp dir: the key-range split across threads must not be
// visible in the report (files in key order, every row once, the same rows as one thread).
#include "inventory/report_job.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <sstream>

#include "common/crypto.h"
#include "common/encoding.h"
#include "inventory/manifest.h"
#include "store/benchmark_hooks.h"
#include "store/testing/temp_store.h"

namespace stocktake::inventory {
namespace {

constexpr const char* kOwner = "111122223333";

std::string Gunzip(std::string_view gz) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

class ReportJobTest : public store::TempStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    ASSERT_TRUE(store_->PutAccount({kOwner, std::string(64, 'a'), "owner"}).ok());
    for (const char* name : {"source", "dest"}) {
      store::Bucket bucket;
      bucket.name = name;
      bucket.owner_account_id = kOwner;
      bucket.region = "us-east-1";
      bucket.versioning = store::Versioning::kEnabled;
      ASSERT_TRUE(store_->CreateBucket(bucket).ok());
    }
    // 40,000 keys, some with older versions, some deleted (a delete marker on top).
    std::vector<store::ObjectVersion> versions;
    for (int i = 0; i < 40000; ++i) {
      std::string key = "data/part-" + std::to_string(i % 13) + "/object-" + std::to_string(i);
      for (int n = 0; n <= i % 2; ++n) {
        store::ObjectVersion& v = versions.emplace_back();
        v.bucket = "source";
        v.key = key;
        v.version_id = "assigned by the loader";
        v.size = static_cast<uint64_t>(i);
        v.etag = HexLower(Md5(key));
        v.owner_account_id = kOwner;
        v.blob_id = std::string(32, 'b');
        v.is_delete_marker = n == 1 && i % 10 == 1;
      }
    }
    ASSERT_TRUE(store::BulkLoadForBenchmark(*store_, versions).ok());
    ASSERT_TRUE(store::GetStatsForBenchmark(*store_, /*compact=*/true).ok());
  }

  std::string ReadObject(const std::string& key) {
    auto version = store_->GetObject("dest", key, std::nullopt);
    EXPECT_TRUE(version.ok()) << key;
    if (!version.ok()) return {};
    auto reader = store_->OpenObjectData(*version, 0, version->size);
    EXPECT_TRUE(reader.ok());
    std::string bytes;
    while (true) {
      auto chunk = (*reader)->Read(1 << 20);
      EXPECT_TRUE(chunk.ok());
      if (!chunk.ok() || chunk->empty()) break;
      bytes.append(*chunk);
    }
    return bytes;
  }

  // The CSV rows of a report, data files in manifest order; checks sizes and MD5s on the way.
  std::vector<std::string> Report(int threads, size_t* files) {
    InventoryConfiguration config;
    config.id = "t" + std::to_string(threads);
    config.destination.bucket_arn = "arn:aws:s3:::dest";
    config.optional_fields = {FieldId::kSize, FieldId::kETag};
    ReportJobOptions options;
    options.threads = threads;
    options.max_rows_per_file = 7000;
    auto source = store_->GetBucket("source");
    EXPECT_TRUE(source.ok());
    RunRecord run;
    run.run_id = "run-" + std::to_string(threads);
    Status st = RunReport(*store_, options, config, *source, &run, {});
    EXPECT_TRUE(st.ok()) << st.ToString();
    auto manifest = ParseManifestJson(ReadObject(run.manifest_key));
    EXPECT_TRUE(manifest.ok());
    std::vector<std::string> rows;
    if (!manifest.ok()) return rows;
    *files = manifest->files.size();
    for (const ManifestFile& file : manifest->files) {
      std::string gz = ReadObject(file.key);
      EXPECT_EQ(gz.size(), file.size);
      EXPECT_EQ(HexLower(Md5(gz)), file.md5_hex);
      std::istringstream lines(Gunzip(gz));
      for (std::string line; std::getline(lines, line);) rows.push_back(line);
    }
    EXPECT_EQ(rows.size(), run.rows);
    return rows;
  }
};

TEST_F(ReportJobTest, ThreadsSplitTheKeyRangeInvisibly) {
  size_t files_one = 0, files_four = 0;
  std::vector<std::string> one = Report(1, &files_one);
  std::vector<std::string> four = Report(4, &files_four);
  EXPECT_EQ(one.size(), 40000u - 40000u / 10);  // deleted keys are not current objects
  EXPECT_EQ(four, one);
  // Rows come in key order across file (and part) boundaries, each key once.
  for (size_t i = 1; i < four.size(); ++i) ASSERT_LT(four[i - 1], four[i]) << i;
  // Each part closes its own last file early, so the split shows only as extra files.
  EXPECT_GT(files_four, files_one);
  EXPECT_LE(files_four, files_one + 3);
}

}  // namespace
}  // namespace stocktake::inventory
