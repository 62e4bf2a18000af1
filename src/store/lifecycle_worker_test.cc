#include "store/lifecycle_worker.h"

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "store/lifecycle_rules.h"
#include "store/testing/temp_store.h"

namespace stocktake::store {
namespace {

const int64_t kStartMs = *ParseIso8601("2024-05-01T10:00:00Z");

class LifecycleWorkerTest : public TempStoreTest {
 protected:
  LifecycleWorkerTest() { store_options_.clock = &clock_; }

  void MakeBucket(const std::string& name, Versioning versioning,
                  const std::vector<LifecycleRule>& rules) {
    Bucket b;
    b.name = name;
    b.owner_account_id = "123456789012";
    b.versioning = versioning;
    b.object_lock_enabled = versioning == Versioning::kEnabled;
    SetLifecycleRules(&b, rules);
    ASSERT_TRUE(store_->CreateBucket(b).ok());
  }

  std::string Put(const std::string& bucket, const std::string& key) {
    auto w = WriteBlob("data");
    ObjectVersion v;
    v.bucket = bucket;
    v.key = key;
    v.size = w->size();
    v.etag = w->md5_hex();
    v.blob_id = w->blob_id();
    auto put = store_->PutObject(v);
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? put->version_id : "";
  }

  // Versions of `key`, newest first, as "v" (version) or "m" (delete marker).
  std::string Shape(const std::string& bucket, const std::string& key) {
    ListVersionsOptions o;
    o.prefix = key;
    bool truncated = false;
    auto versions = store_->ListObjectVersions(bucket, o, &truncated);
    EXPECT_TRUE(versions.ok());
    std::string out;
    for (const ObjectVersion& v : *versions) {
      if (v.key == key) out += v.is_delete_marker ? "m" : "v";
    }
    return out;
  }

  LifecyclePassStats Pass() {
    LifecycleWorker worker(store_.get(), &clock_, {});
    auto stats = worker.RunOnce();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : LifecyclePassStats();
  }

  ManualClock clock_{kStartMs};
};

TEST_F(LifecycleWorkerTest, ExpiresCurrentVersionsAtMidnightAfterDays) {
  LifecycleRule rule;
  rule.filter.prefix = "tmp/";
  rule.expiration_days = 1;
  MakeBucket("plain", Versioning::kUnversioned, {rule});
  Put("plain", "tmp/a");
  Put("plain", "keep/b");
  // Due 2024-05-03T00:00Z: one ms earlier nothing happens.
  clock_.SetMillis(*ParseIso8601("2024-05-02T23:59:59.999Z"));
  EXPECT_EQ(Pass().expired_current, 0u);
  EXPECT_EQ(Shape("plain", "tmp/a"), "v");
  clock_.SetMillis(*ParseIso8601("2024-05-03T00:00:00Z"));
  EXPECT_EQ(Pass().expired_current, 1u);
  EXPECT_EQ(Shape("plain", "tmp/a"), "");
  EXPECT_EQ(Shape("plain", "keep/b"), "v");
}

TEST_F(LifecycleWorkerTest, VersionedBucketNoncurrentMarkersAndLocks) {
  LifecycleRule rule;
  rule.expiration_days = 1;
  rule.noncurrent_days = 1;
  LifecycleRule markers;
  markers.id = "markers";
  markers.expired_object_delete_marker = true;
  MakeBucket("ver", Versioning::kEnabled, {rule, markers});
  Put("ver", "a");
  std::string locked = Put("ver", "b");
  ASSERT_TRUE(store_
                  ->ModifyObjectVersion("ver", "b", locked,
                                        [](ObjectVersion* v, int64_t) {
                                          v->object_lock_legal_hold = "ON";
                                          return Status::OK();
                                        })
                  .ok());
  // Day 2: current versions expire behind delete markers (a lock does not prevent that).
  clock_.SetMillis(kStartMs + 2 * kDayMs);
  LifecyclePassStats first = Pass();
  EXPECT_EQ(first.expired_current, 2u);
  EXPECT_EQ(Shape("ver", "a"), "mv");
  EXPECT_EQ(Shape("ver", "b"), "mv");
  // Day 4: noncurrent versions go (not the locked one); then a marker left alone goes too.
  clock_.SetMillis(kStartMs + 4 * kDayMs);
  LifecyclePassStats second = Pass();
  EXPECT_EQ(second.removed_noncurrent, 1u);
  EXPECT_EQ(second.kept_locked, 1u);
  EXPECT_EQ(second.removed_delete_markers, 1u);
  EXPECT_EQ(Shape("ver", "a"), "");
  EXPECT_EQ(Shape("ver", "b"), "mv");
}

TEST_F(LifecycleWorkerTest, NewerNoncurrentVersionsAreKept) {
  LifecycleRule rule;
  rule.noncurrent_days = 1;
  rule.newer_noncurrent_versions = 1;
  MakeBucket("ver", Versioning::kEnabled, {rule});
  for (int i = 0; i < 4; ++i) Put("ver", "k");
  clock_.SetMillis(kStartMs + 3 * kDayMs);
  EXPECT_EQ(Pass().removed_noncurrent, 2u);
  EXPECT_EQ(Shape("ver", "k"), "vv");
}

TEST_F(LifecycleWorkerTest, AbortsIncompleteUploads) {
  LifecycleRule rule;
  rule.filter.prefix = "up/";
  rule.abort_multipart_days = 1;
  MakeBucket("mp", Versioning::kUnversioned, {rule});
  for (std::string key : {"up/a", "other"}) {
    MultipartUpload u;
    u.bucket = "mp";
    u.key = key;
    ASSERT_TRUE(store_->CreateMultipartUpload(u).ok());
  }
  clock_.SetMillis(kStartMs + 2 * kDayMs);
  EXPECT_EQ(Pass().aborted_uploads, 1u);
  auto uploads = store_->ListMultipartUploads("mp");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 1u);
  EXPECT_EQ((*uploads)[0].key, "other");
}

TEST_F(LifecycleWorkerTest, ThreadStartsWithAPassAndStops) {
  LifecycleRule rule;
  rule.expiration_days = 1;
  MakeBucket("plain", Versioning::kUnversioned, {rule});
  Put("plain", "a");
  clock_.SetMillis(kStartMs + 2 * kDayMs);
  LifecycleWorker worker(store_.get(), &clock_, {});
  worker.Start();
  for (int i = 0; i < 200 && !Shape("plain", "a").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.Stop();
  EXPECT_EQ(Shape("plain", "a"), "");
}

}  // namespace
}  // namespace stocktake::store
