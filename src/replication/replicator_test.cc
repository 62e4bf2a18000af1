#include "replication/replicator.h"

#include <gtest/gtest.h>

#include "replication/config.h"
#include "store/testing/temp_store.h"

namespace stocktake::replication {
namespace {

constexpr std::string_view kOwner = "123456789012";

std::string ConfigTo(std::string_view destination) {
  return "<ReplicationConfiguration><Role>r</Role><Rule><ID>all</ID><Priority>1</Priority>"
         "<Filter/><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::" +
         std::string(destination) +
         "</Bucket><StorageClass>STANDARD_IA</StorageClass></Destination>"
         "<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule>"
         "</ReplicationConfiguration>";
}

class ReplicatorTest : public store::TempStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    replicator_ = std::make_unique<Replicator>(store_.get(), ReplicatorOptions());
  }
  void TearDown() override {
    replicator_.reset();
    TempStoreTest::TearDown();
  }
  // A restart: the store opened again, with a new replicator on it.
  void Open() {
    replicator_.reset();
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    replicator_ = std::make_unique<Replicator>(store_.get(), ReplicatorOptions());
  }

  void MakeBucket(const std::string& name, store::Versioning versioning,
                  const std::string& replication_config = "") {
    store::Bucket b;
    b.name = name;
    b.owner_account_id = std::string(kOwner);
    b.versioning = versioning;
    if (!replication_config.empty()) {
      b.attributes.emplace_back(std::string(kReplicationAttribute), replication_config);
    }
    ASSERT_TRUE(store_->CreateBucket(b).ok());
  }

  // Commits a PENDING version of `key` with `data` (as PutObject does under a matching rule).
  std::string PutPending(const std::string& key, std::string_view data) {
    auto blob = WriteBlob(data);
    store::ObjectVersion v;
    v.bucket = "src";
    v.key = key;
    v.size = data.size();
    v.etag = blob->md5_hex();
    v.blob_id = blob->blob_id();
    v.owner_account_id = std::string(kOwner);
    v.content_type = "text/plain";
    v.user_metadata = {{"colour", "blue"}};
    v.tags = {{"k", "v"}};
    v.replication_status = std::string(kPending);
    auto put = store_->PutObject(v);
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? put->version_id : "";
  }

  std::string ReadAll(const store::ObjectVersion& v) {
    auto reader = store_->OpenObjectData(v, 0, UINT64_MAX);
    EXPECT_TRUE(reader.ok());
    std::string out;
    for (;;) {
      auto chunk = (*reader)->Read(1 << 16);
      EXPECT_TRUE(chunk.ok());
      if (!chunk.ok() || chunk->empty()) break;
      out.append(*chunk);
    }
    return out;
  }

  std::string StatusOf(const std::string& bucket, const std::string& key,
                       const std::string& version_id) {
    auto v = store_->GetObject(bucket, key, version_id);
    return v.ok() ? v->replication_status : v.status().ToString();
  }

  std::unique_ptr<Replicator> replicator_;
};

TEST_F(ReplicatorTest, CopiesVersionWithItsIdAndMarksBothSides) {
  MakeBucket("dst", store::Versioning::kEnabled);
  MakeBucket("src", store::Versioning::kEnabled, ConfigTo("dst"));
  std::string id = PutPending("a.txt", "hello replica");
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "a.txt", id).ok());
  EXPECT_EQ(StatusOf("src", "a.txt", id), kCompleted);
  auto replica = store_->GetObject("dst", "a.txt", id);
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  EXPECT_EQ(replica->replication_status, kReplica);
  EXPECT_EQ(replica->storage_class, "STANDARD_IA");
  EXPECT_EQ(replica->user_metadata,
            (std::vector<std::pair<std::string, std::string>>{{"colour", "blue"}}));
  EXPECT_EQ(replica->tags.size(), 1u);
  EXPECT_TRUE(replica->is_latest);
  EXPECT_EQ(ReadAll(*replica), "hello replica");
  // Idempotent: a second pass finds nothing PENDING.
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "a.txt", id).ok());
}

TEST_F(ReplicatorTest, ReplaysReplicaUnderTheSameId) {
  MakeBucket("dst", store::Versioning::kEnabled);
  MakeBucket("src", store::Versioning::kEnabled, ConfigTo("dst"));
  std::string id = PutPending("k", "one");
  auto source = store_->GetObject("src", "k", id);
  ASSERT_TRUE(source.ok());
  // A crash after the replica's commit but before COMPLETED replays the copy: still one version.
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "k", id).ok());
  ASSERT_TRUE(store_
                  ->ModifyObjectVersion("src", "k", id,
                                        [](store::ObjectVersion* v, int64_t) {
                                          v->replication_status = std::string(kPending);
                                          return Status::OK();
                                        })
                  .ok());
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "k", id).ok());
  bool truncated = false;
  auto versions = store_->ListObjectVersions("dst", {}, &truncated);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ(ReadAll((*versions)[0]), "one");
}

TEST_F(ReplicatorTest, FailsWhenDestinationIsMissingOrUnversioned) {
  MakeBucket("src", store::Versioning::kEnabled, ConfigTo("dst"));
  std::string id = PutPending("x", "data");
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "x", id).ok());
  EXPECT_EQ(StatusOf("src", "x", id), kFailed);

  MakeBucket("dst", store::Versioning::kSuspended);
  std::string second = PutPending("y", "data");
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "y", second).ok());
  EXPECT_EQ(StatusOf("src", "y", second), kFailed);
}

TEST_F(ReplicatorTest, ReplicatesDeleteMarkers) {
  MakeBucket("dst", store::Versioning::kEnabled);
  MakeBucket("src", store::Versioning::kEnabled, ConfigTo("dst"));
  std::string id = PutPending("gone", "data");
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "gone", id).ok());
  auto marker = store_->DeleteObject("src", "gone", std::nullopt);
  ASSERT_TRUE(marker.ok());
  ASSERT_TRUE(store_
                  ->ModifyObjectVersion("src", "gone", marker->version_id,
                                        [](store::ObjectVersion* v, int64_t) {
                                          v->replication_status = std::string(kPending);
                                          return Status::OK();
                                        })
                  .ok());
  ASSERT_TRUE(replicator_->ReplicateVersion("src", "gone", marker->version_id).ok());
  auto latest = store_->GetObject("dst", "gone", std::nullopt);
  ASSERT_TRUE(latest.ok());
  EXPECT_TRUE(latest->is_delete_marker);
  EXPECT_EQ(latest->version_id, marker->version_id);
}

TEST_F(ReplicatorTest, StartPicksUpPendingWorkAfterRestart) {
  MakeBucket("dst", store::Versioning::kEnabled);
  MakeBucket("src", store::Versioning::kEnabled, ConfigTo("dst"));
  std::string id = PutPending("later", "survives");
  Open();  // a restart: the in-memory queue is gone, the record says PENDING
  ASSERT_TRUE(replicator_->Start().ok());
  replicator_->WaitIdle();
  replicator_->Stop();
  EXPECT_EQ(StatusOf("src", "later", id), kCompleted);
  auto replica = store_->GetObject("dst", "later", id);
  ASSERT_TRUE(replica.ok());
  EXPECT_EQ(ReadAll(*replica), "survives");
}

}  // namespace
}  // namespace stocktake::replication
