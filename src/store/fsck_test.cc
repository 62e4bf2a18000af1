#include "store/fsck.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/object_store.h"
#include "store/testing/temp_store.h"

namespace stocktake::store {
namespace {

namespace fs = std::filesystem;

class FsckTest : public testing::Test {
 protected:
  void SetUp() override { dir_ = FreshTestDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // A store with one single-PUT object and one two-part multipart object; returns the blob ids.
  std::vector<std::string> Populate() {
    StoreOptions options;
    options.data_dir = dir_;
    auto store = ObjectStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    Bucket b;
    b.name = "bucket";
    b.owner_account_id = "123456789012";
    EXPECT_TRUE((*store)->CreateBucket(b).ok());
    std::vector<std::string> ids;
    auto blob = [&](std::string_view data) {
      auto w = (*store)->NewBlob();
      EXPECT_TRUE(w.ok());
      EXPECT_TRUE((*w)->Write(data).ok());
      EXPECT_TRUE((*w)->Finish().ok());
      ids.push_back((*w)->blob_id());
      return std::move(*w);
    };
    auto single = blob("hello");
    ObjectVersion v;
    v.bucket = "bucket";
    v.key = "single";
    v.size = 5;
    v.etag = single->md5_hex();
    v.blob_id = single->blob_id();
    EXPECT_TRUE((*store)->PutObject(v).ok());

    MultipartUpload upload;
    upload.bucket = "bucket";
    upload.key = "multi";
    auto upload_id = (*store)->CreateMultipartUpload(upload);
    EXPECT_TRUE(upload_id.ok());
    for (uint32_t n = 1; n <= 2; ++n) {
      auto part_blob = blob("part");
      Part p;
      p.part_number = n;
      p.size = 4;
      p.etag = part_blob->md5_hex();
      p.blob_id = part_blob->blob_id();
      EXPECT_TRUE((*store)->PutPart(*upload_id, p).ok());
    }
    return ids;
  }

  std::string BlobPath(const std::string& id) const {
    return dir_ + "/blobs/" + id.substr(0, 2) + "/" + id;
  }

  std::string dir_;
};

TEST_F(FsckTest, ConsistentDirectory) {
  Populate();
  auto report = CheckDataDir(dir_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean());
  EXPECT_EQ(report->object_rows, 1u);
  EXPECT_EQ(report->part_rows, 2u);
  EXPECT_EQ(report->blob_refs, 3u);
  EXPECT_EQ(report->blob_files, 3u);
}

TEST_F(FsckTest, FindsOrphansTmpFilesAndMissingBlobs) {
  std::vector<std::string> ids = Populate();
  std::string orphan = "ab" + std::string(30, '7');
  fs::create_directories(dir_ + "/blobs/ab");
  std::ofstream(BlobPath(orphan)) << "never committed";
  std::ofstream(dir_ + "/tmp/" + std::string(32, 'c')) << "half written";
  fs::remove(BlobPath(ids[1]));  // a part's blob

  auto report = CheckDataDir(dir_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->clean());
  EXPECT_EQ(report->orphan_blobs, std::vector<std::string>{orphan});
  EXPECT_EQ(report->missing_blobs, std::vector<std::string>{ids[1]});
  EXPECT_EQ(report->tmp_files, 1u);
  EXPECT_TRUE(report->broken_refs.empty());
}

TEST_F(FsckTest, NoDatabaseIsNotFound) {
  fs::create_directories(dir_);
  EXPECT_TRUE(CheckDataDir(dir_).status().IsNotFound());
  EXPECT_FALSE(fs::exists(dir_ + "/meta"));  // the check created nothing
}

}  // namespace
}  // namespace stocktake::store
