#include "store/testing/temp_store.h"

#include <unistd.h>

#include <filesystem>

namespace stocktake::store {

std::string FreshTestDir() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = ::testing::TempDir() + test->test_suite_name() + "." + test->name() + "." +
                    std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

void TempStoreTest::SetUp() {
  dir_ = FreshTestDir();
  store_options_.data_dir = dir_;
  OpenStore();
}

void TempStoreTest::TearDown() {
  store_.reset();
  std::filesystem::remove_all(dir_);
}

void TempStoreTest::OpenStore() {
  store_.reset();
  auto opened = ObjectStore::Open(store_options_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
}

std::unique_ptr<BlobWriter> TempStoreTest::WriteBlob(std::string_view data) {
  auto w = store_->NewBlob();
  EXPECT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Write(data).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return std::move(w).value();
}

}  // namespace stocktake::store
