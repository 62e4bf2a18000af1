// Test support for tests against a real ObjectStore (store, inventory, replication, s3): a
// directory of the running test's own, and a fixture that opens a store in it. Each test keeps
// its own accounts, buckets and objects.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "store/object_store.h"

namespace stocktake::store {

// A path under gtest's TempDir() for the running test alone (suite, test name and process id:
// ctest runs test binaries side by side), with nothing left at it by an earlier run.
std::string FreshTestDir();

// Fixture: every test gets an ObjectStore of its own in a FreshTestDir(), removed afterwards.
// A derived fixture may set store_options_ (a clock) in its constructor, and adds its accounts
// and buckets in its SetUp after ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp()).
class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Opens the store on dir_ with store_options_; an open store is closed first (a restart).
  void OpenStore();

  // Writes `data` as a finished blob, not yet committed.
  std::unique_ptr<BlobWriter> WriteBlob(std::string_view data);

  StoreOptions store_options_;  // data_dir is set by SetUp
  std::string dir_;
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace stocktake::store
