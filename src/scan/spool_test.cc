#include "scan/spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

// GCC 12 at -O3 misreads the short-string buffer of the copied ObjectVersion strings as
// uninitialized (a known libstdc++ false positive); the Debug/ASan build checks this file fully.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace stocktake::scan {
namespace {

TEST(SpoolTest, RoundTripsEveryReportedField) {
  std::string path = testing::TempDir() + "/spool_test_" + std::to_string(::getpid());
  store::ObjectVersion a;
  a.key = "k\xC3\xBC";
  a.version_id = "v1";
  a.is_latest = true;
  a.size = 1ull << 40;
  a.last_modified_ms = -5;  // before 1970: signed varint
  a.etag = "abc-2";
  a.storage_class = "GLACIER";
  a.is_multipart = true;
  a.part_count = 2;
  a.owner_account_id = "owner";
  a.encryption = "SSE-KMS";
  a.bucket_key_enabled = true;
  a.replication_status = "REPLICA";
  a.object_lock_mode = "GOVERNANCE";
  a.object_lock_retain_until_ms = 1700000000123;
  a.object_lock_legal_hold = "ON";
  a.checksum_algorithm = "SHA256";
  a.acl = "g:{}";
  store::ObjectVersion marker;
  marker.key = "m";
  marker.is_delete_marker = true;
  marker.storage_class.clear();
  {
    auto w = SpoolWriter::Create(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(a).ok());
    ASSERT_TRUE((*w)->Append(marker).ok());
    ASSERT_TRUE((*w)->Close().ok());
    EXPECT_EQ((*w)->records(), 2u);
    EXPECT_EQ((*w)->bytes(), std::filesystem::file_size(path));
  }
  auto r = SpoolReader::Open(path);
  ASSERT_TRUE(r.ok());
  store::ObjectVersion got;
  ASSERT_TRUE(*(*r)->Next(&got));
  EXPECT_EQ(got.key, a.key);
  EXPECT_EQ(got.version_id, a.version_id);
  EXPECT_TRUE(got.is_latest);
  EXPECT_FALSE(got.is_delete_marker);
  EXPECT_EQ(got.size, a.size);
  EXPECT_EQ(got.last_modified_ms, -5);
  EXPECT_EQ(got.etag, a.etag);
  EXPECT_EQ(got.storage_class, a.storage_class);
  EXPECT_TRUE(got.is_multipart);
  EXPECT_EQ(got.part_count, 2u);
  EXPECT_EQ(got.owner_account_id, a.owner_account_id);
  EXPECT_EQ(got.encryption, a.encryption);
  EXPECT_TRUE(got.bucket_key_enabled);
  EXPECT_EQ(got.replication_status, a.replication_status);
  EXPECT_EQ(got.object_lock_mode, a.object_lock_mode);
  EXPECT_EQ(got.object_lock_retain_until_ms, a.object_lock_retain_until_ms);
  EXPECT_EQ(got.object_lock_legal_hold, a.object_lock_legal_hold);
  EXPECT_EQ(got.checksum_algorithm, a.checksum_algorithm);
  EXPECT_EQ(got.acl, a.acl);
  ASSERT_TRUE(*(*r)->Next(&got));
  EXPECT_TRUE(got.is_delete_marker);
  EXPECT_EQ(got.key, "m");
  EXPECT_TRUE(got.storage_class.empty());
  EXPECT_FALSE(*(*r)->Next(&got));
  r->reset();

  // A truncated record is corruption, not the end.
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  auto t = SpoolReader::Open(path);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(*(*t)->Next(&got));
  EXPECT_FALSE((*t)->Next(&got).ok());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace stocktake::scan
