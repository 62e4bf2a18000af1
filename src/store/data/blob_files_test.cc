#include "store/data/blob_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::store::data {
namespace {

std::string ReadAll(BlobReader* reader, size_t chunk = 7) {
  std::string out;
  while (true) {
    auto piece = reader->Read(chunk);
    EXPECT_TRUE(piece.ok()) << piece.status().ToString();
    if (!piece.ok() || piece->empty()) return out;
    out.append(*piece);
  }
}

class BlobFilesTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "blob_files_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    files_ = std::make_unique<BlobFiles>(dir_);
    ASSERT_TRUE(files_->Prepare().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteBlob(std::string_view data) {
    auto w = files_->NewWriter(&pending_);
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->Write(data.substr(0, data.size() / 2)).ok());
    EXPECT_TRUE((*w)->Write(data.substr(data.size() / 2)).ok());
    EXPECT_TRUE((*w)->Finish().ok());
    EXPECT_TRUE(pending_.Claim((*w)->blob_id()));  // as a commit would
    return (*w)->blob_id();
  }

  std::string dir_;
  std::unique_ptr<BlobFiles> files_;
  PendingBlobs pending_;
};

TEST_F(BlobFilesTest, WriteFinishPublishesWithMd5) {
  auto w = files_->NewWriter(&pending_);
  ASSERT_TRUE(w.ok());
  std::string id = (*w)->blob_id();
  EXPECT_TRUE(BlobFiles::IsValidBlobId(id));
  ASSERT_TRUE((*w)->Write("hello ").ok());
  ASSERT_TRUE((*w)->Write("world").ok());
  EXPECT_TRUE(std::filesystem::exists(files_->TmpPath(id)));
  EXPECT_FALSE(std::filesystem::exists(files_->BlobPath(id)));
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_FALSE(std::filesystem::exists(files_->TmpPath(id)));
  EXPECT_TRUE(std::filesystem::exists(files_->BlobPath(id)));
  EXPECT_EQ((*w)->size(), 11u);
  EXPECT_EQ((*w)->md5_hex(), HexLower(Md5("hello world")));
  EXPECT_EQ(files_->BlobPath(id), dir_ + "/blobs/" + id.substr(0, 2) + "/" + id);
  EXPECT_FALSE((*w)->Write("more").ok());
  EXPECT_EQ(pending_.size(), 1u);
}

TEST_F(BlobFilesTest, AbandonAndDestructorCleanUpUncommittedBlobs) {
  std::string tmp_id, finished_id, committed_id;
  {
    auto w = files_->NewWriter(&pending_);
    ASSERT_TRUE((*w)->Write("x").ok());
    tmp_id = (*w)->blob_id();
  }  // destroyed while writing
  EXPECT_FALSE(std::filesystem::exists(files_->TmpPath(tmp_id)));
  {
    auto w = files_->NewWriter(&pending_);
    ASSERT_TRUE((*w)->Write("y").ok());
    ASSERT_TRUE((*w)->Finish().ok());
    finished_id = (*w)->blob_id();
    (*w)->Abandon();
  }
  EXPECT_FALSE(std::filesystem::exists(files_->BlobPath(finished_id)));
  {
    auto w = files_->NewWriter(&pending_);
    ASSERT_TRUE((*w)->Write("z").ok());
    ASSERT_TRUE((*w)->Finish().ok());
    committed_id = (*w)->blob_id();
    ASSERT_TRUE(pending_.Claim(committed_id));
    (*w)->Abandon();  // no-op once committed
  }
  EXPECT_TRUE(std::filesystem::exists(files_->BlobPath(committed_id)));
  EXPECT_EQ(pending_.size(), 0u);
}

TEST_F(BlobFilesTest, RangeReads) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>('a' + i % 26);
  std::string id = WriteBlob(data);
  auto all = files_->OpenReader(id, 0, UINT64_MAX);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(ReadAll(all->get(), 100), data);
  auto mid = files_->OpenReader(id, 10, 20);
  EXPECT_EQ(ReadAll(mid->get()), data.substr(10, 20));
  auto tail = files_->OpenReader(id, 990, 100);
  EXPECT_EQ(ReadAll(tail->get()), data.substr(990));
  auto past = files_->OpenReader(id, 5000, 10);
  EXPECT_EQ(ReadAll(past->get()), "");
  EXPECT_TRUE(files_->OpenReader(std::string(32, 'a'), 0, 1).status().IsNotFound());
  EXPECT_FALSE(files_->OpenReader("../../etc/passwd", 0, 1).ok());
}

TEST_F(BlobFilesTest, ConcatReaderSpansSegments) {
  std::string a = "AAAAAAAAAA", b = "BBBBB", c = "CCCCCCCCCCCCCCC";
  std::vector<Segment> segments = {
      {WriteBlob(a), a.size()}, {"", 0}, {WriteBlob(b), b.size()}, {WriteBlob(c), c.size()}};
  std::string whole = a + b + c;
  for (uint64_t offset = 0; offset <= whole.size() + 1; ++offset) {
    for (uint64_t length :
         {uint64_t{0}, uint64_t{1}, uint64_t{4}, uint64_t{11}, uint64_t{29}, UINT64_MAX}) {
      auto reader = NewConcatReader(files_.get(), segments, offset, length);
      std::string expected = offset >= whole.size() ? "" : whole.substr(offset, length);
      EXPECT_EQ(ReadAll(reader.get(), 3), expected) << offset << "+" << length;
    }
  }
}

TEST_F(BlobFilesTest, ClearTmpAndShardListing) {
  auto w = files_->NewWriter(&pending_);
  ASSERT_TRUE((*w)->Write("partial").ok());
  std::filesystem::create_directories(dir_ + "/tmp/some-dir");
  ASSERT_TRUE(files_->ClearTmp().ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/tmp"));
  std::string id = WriteBlob("data");
  int shard = std::stoi(id.substr(0, 2), nullptr, 16);
  auto names = files_->ListShard(shard);
  ASSERT_TRUE(names.ok());
  ASSERT_EQ(names->size(), 1u);
  EXPECT_EQ((*names)[0], id);
  ASSERT_TRUE(files_->Remove(id).ok());
  ASSERT_TRUE(files_->Remove(id).ok());  // already gone is fine
  EXPECT_TRUE(files_->ListShard(shard)->empty());
}

}  // namespace
}  // namespace stocktake::store::data
