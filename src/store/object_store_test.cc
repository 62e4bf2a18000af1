#include "store/object_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <tuple>

#include "common/crypto.h"
#include "common/encoding.h"
#include "store/benchmark_hooks.h"
#include "store/sse.h"
#include "store/testing/temp_store.h"

namespace stocktake::store {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kStartMs = 1700000000000;

class ObjectStoreTest : public TempStoreTest {
 protected:
  ObjectStoreTest() { store_options_.clock = &clock_; }

  void MakeBucket(const std::string& name, Versioning versioning = Versioning::kUnversioned) {
    Bucket b;
    b.name = name;
    b.owner_account_id = "123456789012";
    b.region = "us-east-1";
    b.versioning = versioning;
    ASSERT_TRUE(store_->CreateBucket(b).ok());
  }

  void SetVersioning(const std::string& name, Versioning versioning) {
    auto b = store_->GetBucket(name);
    ASSERT_TRUE(b.ok());
    b->versioning = versioning;
    ASSERT_TRUE(store_->UpdateBucket(*b).ok());
  }

  Result<PutResult> Put(const std::string& bucket, const std::string& key, std::string_view data) {
    auto w = WriteBlob(data);
    ObjectVersion v;
    v.bucket = bucket;
    v.key = key;
    v.size = w->size();
    v.etag = w->md5_hex();
    v.owner_account_id = "123456789012";
    v.content_type = "text/plain";
    v.blob_id = w->blob_id();
    return store_->PutObject(v);
  }

  std::string PutOk(const std::string& bucket, const std::string& key, std::string_view data) {
    auto r = Put(bucket, key, data);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->version_id : "";
  }

  std::string Read(const ObjectVersion& v, uint64_t offset = 0, uint64_t length = UINT64_MAX) {
    auto reader = store_->OpenObjectData(v, offset, length);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return "<error>";
    std::string out;
    while (true) {
      auto chunk = (*reader)->Read(4096);
      EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
      if (!chunk.ok() || chunk->empty()) return out;
      out.append(*chunk);
    }
  }

  std::string ReadLatest(const std::string& bucket, const std::string& key) {
    auto v = store_->GetObject(bucket, key, std::nullopt);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? Read(*v) : "<missing>";
  }

  std::vector<ObjectVersion> Versions(const std::string& bucket, const std::string& prefix = "") {
    ListVersionsOptions o;
    o.prefix = prefix;
    o.max_keys = 100000;
    bool truncated = true;
    auto r = store_->ListObjectVersions(bucket, o, &truncated);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(truncated);
    return r.ok() ? *r : std::vector<ObjectVersion>{};
  }

  std::vector<std::string> ListKeys(const std::string& bucket, const ListOptions& o,
                                    bool* truncated) {
    auto r = store_->ListObjects(bucket, o, truncated);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> keys;
    if (r.ok()) {
      for (const auto& v : *r) {
        EXPECT_TRUE(v.is_latest);
        EXPECT_FALSE(v.is_delete_marker);
        keys.push_back(v.key);
      }
    }
    return keys;
  }

  size_t CountBlobFiles() {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs")) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }

  bool BlobExists(const std::string& blob_id) {
    return fs::exists(dir_ + "/blobs/" + blob_id.substr(0, 2) + "/" + blob_id);
  }

  ManualClock clock_{kStartMs};
};

// ---- Accounts and buckets
// ------------------------------------------------------------------------

TEST_F(ObjectStoreTest, AccountsAndAccessKeys) {
  ASSERT_TRUE(store_->PutAccount({"123456789012", std::string(64, 'a'), "root"}).ok());
  ASSERT_TRUE(store_->PutAccount({"000000000001", std::string(64, 'b'), "other"}).ok());
  auto a = store_->GetAccount("123456789012");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "root");
  EXPECT_TRUE(store_->GetAccount("999").status().IsNotFound());
  auto all = store_->ListAccounts();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].account_id, "000000000001");

  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz";
  ASSERT_TRUE(store_->PutAccessKey({"AKIASTOCKTAKE", secret, "123456789012", true}).ok());
  auto k = store_->GetAccessKey("AKIASTOCKTAKE");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->secret_key, secret);
  EXPECT_EQ(k->account_id, "123456789012");
  EXPECT_TRUE(k->enabled);
  EXPECT_TRUE(store_->GetAccessKey("AKIAMISSING").status().IsNotFound());

  // The secret never reaches the disk in the clear (WAL, tables, anything).
  store_.reset();
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(contents.find(secret), std::string::npos) << e.path();
  }
  OpenStore();
  EXPECT_EQ(store_->GetAccessKey("AKIASTOCKTAKE")->secret_key, secret);
}

TEST_F(ObjectStoreTest, BucketLifecycle) {
  MakeBucket("zeta");
  MakeBucket("alpha", Versioning::kEnabled);
  Bucket dup;
  dup.name = "alpha";
  EXPECT_EQ(store_->CreateBucket(dup).code(), StatusCode::kAlreadyExists);

  auto b = store_->GetBucket("alpha");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->versioning, Versioning::kEnabled);
  EXPECT_EQ(b->created_ms, kStartMs);
  b->attributes = {{"policy", "{}"}, {"tagging", "<Tagging/>"}};
  ASSERT_TRUE(store_->UpdateBucket(*b).ok());
  ASSERT_NE(store_->GetBucket("alpha")->FindAttribute("tagging"), nullptr);
  EXPECT_EQ(*store_->GetBucket("alpha")->FindAttribute("tagging"), "<Tagging/>");

  Bucket missing;
  missing.name = "missing";
  EXPECT_TRUE(store_->UpdateBucket(missing).IsNotFound());
  EXPECT_TRUE(store_->GetBucket("missing").status().IsNotFound());

  auto list = store_->ListBuckets();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "alpha");
  EXPECT_EQ((*list)[1].name, "zeta");

  ASSERT_TRUE(store_->DeleteBucket("zeta").ok());
  EXPECT_TRUE(store_->DeleteBucket("zeta").IsNotFound());
  EXPECT_EQ(store_->ListBuckets()->size(), 1u);
}

TEST_F(ObjectStoreTest, DeleteBucketRules) {
  MakeBucket("b", Versioning::kEnabled);
  ASSERT_TRUE(store_->PutInventoryConfig("b", "daily", "<InventoryConfiguration/>").ok());
  ASSERT_TRUE(store_->PutInventoryRun({"b", "daily", "run-1", "state"}).ok());

  // An object blocks deletion.
  std::string v1 = PutOk("b", "k", "data");
  EXPECT_EQ(store_->DeleteBucket("b").code(), StatusCode::kFailedPrecondition);
  // Only a delete marker left: still not empty.
  ASSERT_TRUE(store_->DeleteObject("b", "k", v1).ok());
  auto marker = store_->DeleteObject("b", "k", std::nullopt);
  ASSERT_TRUE(marker.ok());
  ASSERT_TRUE(marker->delete_marker);
  Status st = store_->DeleteBucket("b");
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.message(), "bucket not empty");
  ASSERT_TRUE(store_->DeleteObject("b", "k", marker->version_id).ok());

  // An incomplete multipart upload does not block deletion: it goes with the bucket (S3).
  MultipartUpload u;
  u.bucket = "b";
  u.key = "big";
  auto upload_id = store_->CreateMultipartUpload(u);
  ASSERT_TRUE(upload_id.ok());

  // Deleted with its uploads, inventory configurations and runs.
  ASSERT_TRUE(store_->DeleteBucket("b").ok());
  EXPECT_TRUE(store_->AbortMultipartUpload(*upload_id).IsNotFound());
  MakeBucket("b");
  EXPECT_TRUE(store_->ListMultipartUploads("b")->empty());
  EXPECT_TRUE(store_->ListInventoryConfigs("b")->empty());
  EXPECT_TRUE(store_->ListInventoryRuns("b", "daily")->empty());
  EXPECT_TRUE(store_->GetInventoryConfig("b", "daily").status().IsNotFound());
}

TEST_F(ObjectStoreTest, OperationsOnMissingBucket) {
  EXPECT_TRUE(Put("nope", "k", "x").status().IsNotFound());
  EXPECT_TRUE(store_->DeleteObject("nope", "k", std::nullopt).status().IsNotFound());
  EXPECT_TRUE(store_->PutInventoryConfig("nope", "id", "doc").IsNotFound());
  EXPECT_TRUE(store_->NewSnapshotScan("nope", "").status().IsNotFound());
  MultipartUpload u;
  u.bucket = "nope";
  u.key = "k";
  EXPECT_TRUE(store_->CreateMultipartUpload(u).status().IsNotFound());
}

// ---- Versioning
// ----------------------------------------------------------------------------------

TEST_F(ObjectStoreTest, UnversionedPutReplacesAndDeleteRemoves) {
  MakeBucket("b");
  EXPECT_EQ(PutOk("b", "k", "one"), "");
  auto first = store_->GetObject("b", "k", std::nullopt);
  ASSERT_TRUE(first.ok());
  std::string first_blob = first->blob_id;
  EXPECT_TRUE(BlobExists(first_blob));

  clock_.AdvanceMillis(1000);
  EXPECT_EQ(PutOk("b", "k", "two!"), "");
  auto v = store_->GetObject("b", "k", std::nullopt);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->version_id, "");
  EXPECT_TRUE(v->is_latest);
  EXPECT_EQ(v->size, 4u);
  EXPECT_EQ(v->etag, HexLower(Md5("two!")));
  EXPECT_EQ(v->last_modified_ms, kStartMs + 1000);
  EXPECT_EQ(v->content_type, "text/plain");
  EXPECT_EQ(v->bucket, "b");
  EXPECT_EQ(v->key, "k");
  EXPECT_EQ(Read(*v), "two!");
  EXPECT_FALSE(BlobExists(first_blob)) << "replaced blob must be deleted after the commit";
  EXPECT_EQ(CountBlobFiles(), 1u);

  auto by_null = store_->GetObject("b", "k", "null");
  ASSERT_TRUE(by_null.ok());
  EXPECT_EQ(by_null->blob_id, v->blob_id);
  auto versions = Versions("b");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].version_id, "");
  EXPECT_TRUE(versions[0].is_latest);

  auto del = store_->DeleteObject("b", "k", std::nullopt);
  ASSERT_TRUE(del.ok());
  EXPECT_FALSE(del->delete_marker);
  EXPECT_EQ(del->version_id, "");
  EXPECT_TRUE(store_->GetObject("b", "k", std::nullopt).status().IsNotFound());
  EXPECT_TRUE(Versions("b").empty());
  EXPECT_EQ(CountBlobFiles(), 0u);
  // Deleting what is not there succeeds (S3 answers 204).
  EXPECT_TRUE(store_->DeleteObject("b", "k", std::nullopt).ok());
}

TEST_F(ObjectStoreTest, EnabledVersioning) {
  MakeBucket("b", Versioning::kEnabled);
  std::string v1 = PutOk("b", "k", "first");
  clock_.AdvanceMillis(1);
  std::string v2 = PutOk("b", "k", "second");
  ASSERT_FALSE(v1.empty());
  ASSERT_FALSE(v2.empty());
  EXPECT_NE(v1, v2);

  auto latest = store_->GetObject("b", "k", std::nullopt);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version_id, v2);
  EXPECT_TRUE(latest->is_latest);
  EXPECT_EQ(Read(*latest), "second");
  auto old = store_->GetObject("b", "k", v1);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->is_latest);
  EXPECT_EQ(Read(*old), "first");

  // Ids are checked in full: the right sequence with a wrong random part is not found, and
  // a malformed id is an argument error.
  std::string guessed = v1.substr(0, 16) + std::string(16, 'A');
  EXPECT_TRUE(store_->GetObject("b", "k", guessed).status().IsNotFound());
  EXPECT_EQ(store_->GetObject("b", "k", "garbage").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->GetObject("b", "k", "null").status().IsNotFound());
  EXPECT_TRUE(store_->DeleteObject("b", "k", guessed).ok());
  EXPECT_TRUE(store_->GetObject("b", "k", v1).ok()) << "a guessed id must not delete";

  // DELETE without a version adds a delete marker, which becomes the latest version.
  clock_.AdvanceMillis(1);
  auto del = store_->DeleteObject("b", "k", std::nullopt);
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(del->delete_marker);
  ASSERT_FALSE(del->version_id.empty());
  auto marker = store_->GetObject("b", "k", std::nullopt);
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->is_delete_marker);
  EXPECT_EQ(marker->version_id, del->version_id);
  EXPECT_EQ(marker->last_modified_ms, kStartMs + 2);
  bool truncated;
  EXPECT_TRUE(ListKeys("b", {}, &truncated).empty());

  auto versions = Versions("b");
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].version_id, del->version_id);
  EXPECT_TRUE(versions[0].is_delete_marker);
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_EQ(versions[1].version_id, v2);
  EXPECT_FALSE(versions[1].is_latest);
  EXPECT_EQ(versions[2].version_id, v1);

  // Removing the delete marker makes v2 current again.
  auto undelete = store_->DeleteObject("b", "k", del->version_id);
  ASSERT_TRUE(undelete.ok());
  EXPECT_TRUE(undelete->delete_marker);
  EXPECT_EQ(undelete->version_id, del->version_id);
  EXPECT_EQ(ReadLatest("b", "k"), "second");
  EXPECT_EQ(ListKeys("b", {}, &truncated), std::vector<std::string>{"k"});

  // Permanent deletion of a version removes its blob.
  std::string v1_blob = old->blob_id;
  auto gone = store_->DeleteObject("b", "k", v1);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->delete_marker);
  EXPECT_FALSE(BlobExists(v1_blob));
  EXPECT_TRUE(store_->GetObject("b", "k", v1).status().IsNotFound());
  EXPECT_EQ(Versions("b").size(), 1u);
}

TEST_F(ObjectStoreTest, SuspendedVersioning) {
  MakeBucket("b", Versioning::kEnabled);
  std::string v1 = PutOk("b", "k", "versioned");
  SetVersioning("b", Versioning::kSuspended);

  EXPECT_EQ(PutOk("b", "k", "null-1"), "");
  auto null1 = store_->GetObject("b", "k", "null");
  ASSERT_TRUE(null1.ok());
  EXPECT_TRUE(null1->is_latest);
  EXPECT_EQ(PutOk("b", "k", "null-2"), "");
  EXPECT_FALSE(BlobExists(null1->blob_id)) << "the null version is replaced";
  auto versions = Versions("b");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, "");
  EXPECT_EQ(Read(versions[0]), "null-2");
  EXPECT_EQ(versions[1].version_id, v1);
  EXPECT_EQ(Read(versions[1]), "versioned");

  // DELETE adds a null delete marker that replaces the null version.
  std::string null2_blob = versions[0].blob_id;
  auto del = store_->DeleteObject("b", "k", std::nullopt);
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(del->delete_marker);
  EXPECT_EQ(del->version_id, "");
  EXPECT_FALSE(BlobExists(null2_blob));
  versions = Versions("b");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_TRUE(versions[0].is_delete_marker);
  EXPECT_EQ(versions[0].version_id, "");
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_EQ(versions[1].version_id, v1);
  EXPECT_TRUE(store_->GetObject("b", "k", "null")->is_delete_marker);

  // Removing the null marker by "null" brings v1 back.
  auto undelete = store_->DeleteObject("b", "k", "null");
  ASSERT_TRUE(undelete.ok());
  EXPECT_TRUE(undelete->delete_marker);
  EXPECT_EQ(ReadLatest("b", "k"), "versioned");
}

TEST_F(ObjectStoreTest, NullVersionSurvivesEnablingAndIsReplacedWhenNotLatest) {
  MakeBucket("b");
  PutOk("b", "k", "from-unversioned");
  SetVersioning("b", Versioning::kEnabled);
  std::string v2 = PutOk("b", "k", "versioned");
  auto versions = Versions("b");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, v2);
  EXPECT_EQ(versions[1].version_id, "");
  EXPECT_FALSE(versions[1].is_latest);
  EXPECT_FALSE(store_->GetObject("b", "k", "null")->is_latest);

  SetVersioning("b", Versioning::kSuspended);
  PutOk("b", "k", "new-null");
  versions = Versions("b");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, "");
  EXPECT_EQ(Read(versions[0]), "new-null");
  EXPECT_EQ(versions[1].version_id, v2);
}

TEST_F(ObjectStoreTest, UpdateObjectVersionKeepsData) {
  MakeBucket("b", Versioning::kEnabled);
  std::string v1 = PutOk("b", "k", "payload");
  auto v = store_->GetObject("b", "k", v1);
  ASSERT_TRUE(v.ok());
  ObjectVersion update = *v;
  update.tags = {{"team", "storage"}};
  update.object_lock_legal_hold = "ON";
  update.blob_id = "ffffffffffffffffffffffffffffffff";  // ignored: data fields are kept
  update.size = 1;
  ASSERT_TRUE(store_->UpdateObjectVersion(update).ok());
  auto after = store_->GetObject("b", "k", v1);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->tags, update.tags);
  EXPECT_EQ(after->object_lock_legal_hold, "ON");
  EXPECT_EQ(after->blob_id, v->blob_id);
  EXPECT_EQ(after->size, 7u);
  EXPECT_EQ(Read(*after), "payload");

  update.version_id = v1.substr(0, 16) + std::string(16, 'Z');
  EXPECT_TRUE(store_->UpdateObjectVersion(update).IsNotFound());
  update.key = "other";
  update.version_id = "";
  EXPECT_TRUE(store_->UpdateObjectVersion(update).IsNotFound());
}

// ---- Blob ownership
// ------------------------------------------------------------------------------

TEST_F(ObjectStoreTest, BlobsCommitOnceAndFailedPutsReturnThem) {
  MakeBucket("b");
  auto w = WriteBlob("abc");
  ObjectVersion v;
  v.bucket = "nope";
  v.key = "k";
  v.blob_id = w->blob_id();
  EXPECT_TRUE(store_->PutObject(v).status().IsNotFound());
  EXPECT_TRUE(BlobExists(w->blob_id()));
  v.bucket = "b";
  ASSERT_TRUE(store_->PutObject(v).ok());
  // The same blob cannot back a second version, and an unknown blob is refused.
  v.key = "k2";
  EXPECT_EQ(store_->PutObject(v).status().code(), StatusCode::kInvalidArgument);
  v.blob_id = std::string(32, 'e');
  EXPECT_EQ(store_->PutObject(v).status().code(), StatusCode::kInvalidArgument);
  // Dropping the writer after the commit keeps the blob.
  std::string id = w->blob_id();
  w.reset();
  EXPECT_TRUE(BlobExists(id));
  EXPECT_EQ(ReadLatest("b", "k"), "abc");

  // A failed put's blob is deleted by Abandon.
  auto w2 = WriteBlob("zzz");
  ObjectVersion bad;
  bad.bucket = "nope";
  bad.key = "k";
  bad.blob_id = w2->blob_id();
  EXPECT_FALSE(store_->PutObject(bad).ok());
  w2->Abandon();
  EXPECT_FALSE(BlobExists(bad.blob_id));
}

TEST_F(ObjectStoreTest, EmptyObjectsAndRanges) {
  MakeBucket("b");
  ObjectVersion empty;
  empty.bucket = "b";
  empty.key = "empty";
  ASSERT_TRUE(store_->PutObject(empty).ok());
  EXPECT_EQ(ReadLatest("b", "empty"), "");
  PutOk("b", "data", "0123456789");
  auto v = store_->GetObject("b", "data", std::nullopt);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Read(*v, 3, 4), "3456");
  EXPECT_EQ(Read(*v, 8, 100), "89");
  EXPECT_EQ(Read(*v, 10, 1), "");
}

// ---- Listings
// ------------------------------------------------------------------------------------

TEST_F(ObjectStoreTest, ListObjectsPaginationSkipsDeleteMarkersAndVersions) {
  MakeBucket("b", Versioning::kEnabled);
  std::vector<std::string> expected;
  for (int i = 0; i < 30; ++i) {
    char key[32];
    std::snprintf(key, sizeof(key), "dir/%02d", i);
    PutOk("b", key, "x");
    if (i % 3 == 0) {
      ASSERT_TRUE(store_->DeleteObject("b", key, std::nullopt).ok());  // hidden
    } else {
      expected.push_back(key);
    }
    if (i == 7) {
      for (int j = 0; j < 20; ++j) PutOk("b", key, "more");  // many versions to skip over
    }
  }
  PutOk("b", "other", "x");
  PutOk("b", "dir", "x");                           // not under "dir/"
  PutOk("b", std::string("dir/\x00zero", 9), "x");  // a NUL byte in the key
  expected.insert(expected.begin(), std::string("dir/\x00zero", 9));

  std::vector<std::string> all;
  ListOptions o;
  o.prefix = "dir/";
  o.max_keys = 4;
  bool truncated = true;
  int pages = 0;
  while (truncated) {
    auto page = ListKeys("b", o, &truncated);
    ASSERT_LE(page.size(), 4u);
    if (truncated) {
      ASSERT_EQ(page.size(), 4u);
    }
    all.insert(all.end(), page.begin(), page.end());
    if (!page.empty()) o.start_after = page.back();
    ASSERT_LT(++pages, 20);
  }
  EXPECT_EQ(all, expected);

  // max_keys reached exactly at the last key: not truncated.
  ListOptions exact;
  exact.prefix = "dir/";
  exact.max_keys = expected.size();
  EXPECT_EQ(ListKeys("b", exact, &truncated).size(), expected.size());
  EXPECT_FALSE(truncated);
  // start_after before the prefix, and beyond every key.
  ListOptions before;
  before.prefix = "dir/";
  before.start_after = "a";
  EXPECT_EQ(ListKeys("b", before, &truncated), expected);
  before.start_after = "zzz";
  EXPECT_TRUE(ListKeys("b", before, &truncated).empty());
  EXPECT_FALSE(truncated);
  ListOptions everything;
  EXPECT_EQ(ListKeys("b", everything, &truncated).size(), expected.size() + 2);
}

TEST_F(ObjectStoreTest, ListObjectVersionsMarkers) {
  MakeBucket("b");
  PutOk("b", "a", "null-a");  // a null version older than the versioned ones
  SetVersioning("b", Versioning::kEnabled);
  for (const char* key : {"a", "b", "c"}) {
    for (int i = 0; i < 3; ++i) PutOk("b", key, key);
  }
  ASSERT_TRUE(store_->DeleteObject("b", "b", std::nullopt).ok());
  SetVersioning("b", Versioning::kSuspended);
  PutOk("b", "c", "null-c");  // a null version that is the latest

  auto all = Versions("b");
  ASSERT_EQ(all.size(), 12u);
  // Key order, newest first, is_latest on the first of each key.
  for (size_t i = 0; i < all.size(); ++i) {
    bool first_of_key = i == 0 || all[i].key != all[i - 1].key;
    EXPECT_EQ(all[i].is_latest, first_of_key) << i;
  }
  EXPECT_EQ(all[3].version_id, "");  // a's null version is its oldest
  EXPECT_TRUE(all[4].is_delete_marker);
  EXPECT_EQ(all[8].version_id, "");  // c's null version is its newest

  for (size_t page_size : {1, 2, 3, 5, 12}) {
    std::vector<ObjectVersion> collected;
    ListVersionsOptions o;
    o.max_keys = page_size;
    bool truncated = true;
    for (int guard = 0; truncated && guard < 50; ++guard) {
      auto page = store_->ListObjectVersions("b", o, &truncated);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      collected.insert(collected.end(), page->begin(), page->end());
      if (!page->empty()) {
        o.key_marker = page->back().key;
        o.version_id_marker = page->back().version_id.empty() ? "null" : page->back().version_id;
      }
    }
    ASSERT_EQ(collected.size(), all.size()) << "page size " << page_size;
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(collected[i].key, all[i].key);
      EXPECT_EQ(collected[i].version_id, all[i].version_id);
      EXPECT_EQ(collected[i].is_latest, all[i].is_latest) << "page size " << page_size << " #" << i;
    }
  }

  // key-marker alone skips every version of that key.
  ListVersionsOptions o;
  o.key_marker = "b";
  bool truncated;
  auto after_b = store_->ListObjectVersions("b", o, &truncated);
  ASSERT_TRUE(after_b.ok());
  ASSERT_EQ(after_b->size(), 4u);
  EXPECT_EQ((*after_b)[0].key, "c");
  o.prefix = "a";
  o.key_marker = "";
  EXPECT_EQ(store_->ListObjectVersions("b", o, &truncated)->size(), 4u);
  o.version_id_marker = "garbage";
  o.key_marker = "a";
  EXPECT_EQ(store_->ListObjectVersions("b", o, &truncated).status().code(),
            StatusCode::kInvalidArgument);
}

// The visitors stream what the lists return, with the listed fields, and stop when asked.
TEST_F(ObjectStoreTest, VisitorsMatchListings) {
  MakeBucket("b");
  PutOk("b", "a", "null-a");
  SetVersioning("b", Versioning::kEnabled);
  for (const char* key : {"a", "b", "c", "d"}) {
    for (int i = 0; i < 2; ++i) PutOk("b", key, key);
  }
  ASSERT_TRUE(store_->DeleteObject("b", "b", std::nullopt).ok());

  bool truncated;
  auto listed = store_->ListObjects("b", {}, &truncated);
  ASSERT_TRUE(listed.ok());
  std::vector<ObjectVersion> visited;
  auto copy_listed = [&](const ListedVersion& v) {
    ObjectVersion& copy = visited.emplace_back();
    copy.key = v.key;
    copy.version_id = v.version_id;
    copy.etag = v.etag;
    copy.size = v.size;
    copy.last_modified_ms = v.last_modified_ms;
    copy.storage_class = v.storage_class;
    copy.owner_account_id = v.owner_account_id;
    EXPECT_FALSE(v.is_delete_marker);
    return true;
  };
  ListOptions from_a;
  from_a.start_after = "a";
  ASSERT_TRUE(store_->VisitObjects("b", from_a, copy_listed).ok());
  ASSERT_EQ(visited.size(), 2u);  // c, d: a is the marker, b's latest is a delete marker
  for (size_t i = 0; i < visited.size(); ++i) {
    const ObjectVersion& want = (*listed)[i + 1];
    EXPECT_EQ(visited[i].key, want.key);
    EXPECT_EQ(visited[i].version_id, want.version_id);
    EXPECT_EQ(visited[i].etag, want.etag);
    EXPECT_EQ(visited[i].size, want.size);
    EXPECT_EQ(visited[i].last_modified_ms, want.last_modified_ms);
    EXPECT_EQ(visited[i].storage_class, want.storage_class);
    EXPECT_EQ(visited[i].owner_account_id, want.owner_account_id);
  }

  auto all = Versions("b");
  std::vector<std::tuple<std::string, std::string, bool, bool>> streamed;
  auto record = [&](const ListedVersion& v) {
    streamed.emplace_back(v.key, v.version_id, v.is_latest, v.is_delete_marker);
    return true;
  };
  ASSERT_TRUE(store_->VisitObjectVersions("b", {}, record).ok());
  ASSERT_EQ(streamed.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(streamed[i], std::make_tuple(all[i].key, all[i].version_id, all[i].is_latest,
                                           all[i].is_delete_marker))
        << i;
  }

  // Resuming mid-key (after a's newest version) and stopping after two.
  ListVersionsOptions mid;
  mid.key_marker = "a";
  mid.version_id_marker = all[0].version_id;
  std::vector<bool> latest;
  auto first_two = [&](const ListedVersion& v) {
    latest.push_back(v.is_latest);
    return latest.size() < 2;
  };
  ASSERT_TRUE(store_->VisitObjectVersions("b", mid, first_two).ok());
  EXPECT_EQ(latest, (std::vector<bool>{false, false}));
}

// ---- Multipart
// -----------------------------------------------------------------------------------

TEST_F(ObjectStoreTest, MultipartCompleteConcatenatesParts) {
  MakeBucket("b", Versioning::kEnabled);
  MultipartUpload u;
  u.bucket = "b";
  u.key = "big";
  u.object_template.content_type = "video/mp4";
  auto upload_id = store_->CreateMultipartUpload(u);
  ASSERT_TRUE(upload_id.ok());
  auto got = store_->GetMultipartUpload("b", "big", *upload_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->object_template.content_type, "video/mp4");
  EXPECT_EQ(got->initiated_ms, kStartMs);
  EXPECT_TRUE(store_->GetMultipartUpload("b", "other", *upload_id).status().IsNotFound());

  auto put_part = [&](uint32_t n, const std::string& data) {
    auto w = WriteBlob(data);
    Part p;
    p.part_number = n;
    p.size = w->size();
    p.etag = w->md5_hex();
    p.blob_id = w->blob_id();
    EXPECT_TRUE(store_->PutPart(*upload_id, p).ok());
    return p.blob_id;
  };
  put_part(1, "AAAA");
  std::string replaced = put_part(2, "old-2");
  std::string part2 = put_part(2, "BB");
  std::string part3 = put_part(3, "unused");
  put_part(4, "DDDDDD");
  EXPECT_FALSE(BlobExists(replaced)) << "a replaced part's blob is deleted";

  auto parts = store_->ListParts(*upload_id);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[1].part_number, 2u);
  EXPECT_EQ((*parts)[1].size, 2u);
  EXPECT_EQ((*parts)[1].etag, HexLower(Md5("BB")));

  auto uploads = store_->ListMultipartUploads("b");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 1u);
  EXPECT_EQ((*uploads)[0].upload_id, *upload_id);
  EXPECT_EQ((*uploads)[0].key, "big");

  // Caller errors are refused without side effects.
  ObjectVersion v = got->object_template;
  v.etag = "0123456789abcdef0123456789abcdef-3";
  EXPECT_FALSE(store_->CompleteMultipartUpload(*upload_id, {1, 5}, v).ok());
  EXPECT_FALSE(store_->CompleteMultipartUpload(*upload_id, {2, 1}, v).ok());

  auto done = store_->CompleteMultipartUpload(*upload_id, {1, 2, 4}, v);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(done->version_id.empty());
  EXPECT_FALSE(BlobExists(part3)) << "an unused part's blob is deleted";
  EXPECT_TRUE(BlobExists(part2));

  auto obj = store_->GetObject("b", "big", std::nullopt);
  ASSERT_TRUE(obj.ok());
  EXPECT_TRUE(obj->is_multipart);
  EXPECT_EQ(obj->part_count, 3u);
  EXPECT_EQ(obj->size, 12u);
  EXPECT_EQ(obj->part_sizes, (std::vector<uint64_t>{4, 2, 6}));
  EXPECT_EQ(obj->content_type, "video/mp4");
  EXPECT_EQ(obj->etag, v.etag);
  EXPECT_EQ(Read(*obj), "AAAABBDDDDDD");
  EXPECT_EQ(Read(*obj, 3, 4), "ABBD");  // across two part boundaries
  EXPECT_EQ(Read(*obj, 6, 100), "DDDDDD");

  EXPECT_TRUE(store_->ListMultipartUploads("b")->empty());
  EXPECT_TRUE(store_->ListParts(*upload_id).status().IsNotFound());
  EXPECT_TRUE(store_->CompleteMultipartUpload(*upload_id, {1}, v).status().IsNotFound());

  // Deleting the object removes every part blob; the store holds no blob afterwards.
  ASSERT_TRUE(store_->DeleteObject("b", "big", done->version_id).ok());
  EXPECT_EQ(CountBlobFiles(), 0u);
  // The parts survive a restart's orphan sweep while referenced (checked via a second object).
}

TEST_F(ObjectStoreTest, MultipartAbortDeletesParts) {
  MakeBucket("b");
  MultipartUpload u;
  u.bucket = "b";
  u.key = "k";
  auto upload_id = store_->CreateMultipartUpload(u);
  ASSERT_TRUE(upload_id.ok());
  for (uint32_t n = 1; n <= 3; ++n) {
    auto w = WriteBlob("part");
    Part p;
    p.part_number = n;
    p.size = 4;
    p.blob_id = w->blob_id();
    ASSERT_TRUE(store_->PutPart(*upload_id, p).ok());
  }
  EXPECT_EQ(CountBlobFiles(), 3u);
  ASSERT_TRUE(store_->AbortMultipartUpload(*upload_id).ok());
  EXPECT_EQ(CountBlobFiles(), 0u);
  EXPECT_TRUE(store_->AbortMultipartUpload(*upload_id).IsNotFound());
  auto w = WriteBlob("late");
  Part late;
  late.part_number = 1;
  late.blob_id = w->blob_id();
  EXPECT_TRUE(store_->PutPart(*upload_id, late).IsNotFound());
  w.reset();  // not committed: the destructor deletes it
  EXPECT_EQ(CountBlobFiles(), 0u);
}

TEST_F(ObjectStoreTest, MultipartObjectSurvivesRestart) {
  MakeBucket("b");
  MultipartUpload u;
  u.bucket = "b";
  u.key = "k";
  auto upload_id = store_->CreateMultipartUpload(u);
  ASSERT_TRUE(upload_id.ok());
  std::vector<std::unique_ptr<BlobWriter>> writers;
  for (uint32_t n = 1; n <= 2; ++n) {
    writers.push_back(WriteBlob(std::string(n, 'x')));
    Part p;
    p.part_number = n;
    p.size = n;
    p.blob_id = writers.back()->blob_id();
    ASSERT_TRUE(store_->PutPart(*upload_id, p).ok());
  }
  writers.clear();
  ASSERT_TRUE(store_->CompleteMultipartUpload(*upload_id, {1, 2}, ObjectVersion()).ok());
  OpenStore();
  EXPECT_EQ(ReadLatest("b", "k"), "xxx");
}

// ---- Snapshots
// -----------------------------------------------------------------------------------

TEST_F(ObjectStoreTest, SnapshotScanIsIsolatedFromLaterWrites) {
  MakeBucket("b", Versioning::kEnabled);
  MakeBucket("b2");
  PutOk("b", "a", "1");
  PutOk("b", "b", "1");
  PutOk("b", "b", "2");
  PutOk("b", "c", "1");
  PutOk("b2", "a", "other bucket");
  clock_.AdvanceMillis(5000);

  auto scan = store_->NewSnapshotScan("b", "");
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ((*scan)->snapshot_ms(), kStartMs + 5000);

  // After the snapshot: new keys, new versions, a delete marker, permanent deletions.
  PutOk("b", "a", "2");
  PutOk("b", "aa", "new");
  ASSERT_TRUE(store_->DeleteObject("b", "c", std::nullopt).ok());
  auto c = Versions("b", "c");
  for (const auto& v : c) ASSERT_TRUE(store_->DeleteObject("b", "c", v.version_id).ok());

  std::vector<std::pair<std::string, bool>> seen;
  ObjectVersion v;
  while ((*scan)->Next(&v)) {
    EXPECT_EQ(v.bucket, "b");
    seen.emplace_back(v.key, v.is_latest);
  }
  ASSERT_TRUE((*scan)->status().ok());
  std::vector<std::pair<std::string, bool>> expected = {
      {"a", true}, {"b", true}, {"b", false}, {"c", true}};
  EXPECT_EQ(seen, expected);
  EXPECT_FALSE((*scan)->Next(&v));

  // A prefix scan.
  auto prefixed = store_->NewSnapshotScan("b", "a");
  ASSERT_TRUE(prefixed.ok());
  std::vector<std::string> keys;
  while ((*prefixed)->Next(&v)) keys.push_back(v.key + (v.is_latest ? "*" : ""));
  EXPECT_EQ(keys, (std::vector<std::string>{"a*", "a", "aa*"}));
}

// Parts of a split scan: disjoint, in key order, all versions of a key in one part, together
// exactly the single scan, all at one snapshot.
TEST_F(ObjectStoreTest, SnapshotScansSplitAtKeyBoundaries) {
  MakeBucket("split", Versioning::kEnabled);
  std::vector<ObjectVersion> versions;
  for (int i = 0; i < 30000; ++i) {
    char key[64];
    std::snprintf(key, sizeof(key), "logs/year=2024/host-%03d/object-%06d", i % 7, i);
    for (int n = 0; n <= i % 3; ++n) {
      ObjectVersion& v = versions.emplace_back();
      v.bucket = "split";
      v.key = key;
      v.version_id = "assigned by the loader";
      v.size = 100 + n;
      v.etag = std::string(32, 'e');
      v.owner_account_id = "123456789012";
      v.blob_id = std::string(32, 'b');
    }
  }
  // The loader takes the versions of a key oldest first; sequence numbers order them newest first.
  ASSERT_TRUE(store::BulkLoadForBenchmark(*store_, versions).ok());
  ASSERT_TRUE(store::GetStatsForBenchmark(*store_, /*compact=*/true).ok());

  auto read_all = [](SnapshotScan& scan) {
    std::vector<std::pair<std::string, bool>> rows;
    ObjectVersion v;
    while (scan.Next(&v)) rows.emplace_back(v.key, v.is_latest);
    EXPECT_TRUE(scan.status().ok());
    return rows;
  };
  auto whole = store_->NewSnapshotScan("split", "");
  ASSERT_TRUE(whole.ok());
  auto parts = store_->NewSnapshotScans("split", "", 4);
  ASSERT_TRUE(parts.ok());
  ASSERT_GE(parts->size(), 2u);
  ASSERT_LE(parts->size(), 4u);
  PutOk("split", "logs/year=2024/host-000/object-000000", "after the snapshot");

  std::vector<std::pair<std::string, bool>> joined;
  std::string last_key_of_previous_part;
  for (auto& part : *parts) {
    EXPECT_EQ(part->snapshot_ms(), (*parts)[0]->snapshot_ms());
    auto rows = read_all(*part);
    ASSERT_FALSE(rows.empty());
    EXPECT_TRUE(rows.front().second) << "a part starts with a key's latest version";
    EXPECT_LT(last_key_of_previous_part, rows.front().first);
    // No part is more than twice its share: the split follows the data.
    EXPECT_LT(rows.size(), versions.size() * 2 / parts->size());
    last_key_of_previous_part = rows.back().first;
    joined.insert(joined.end(), rows.begin(), rows.end());
  }
  EXPECT_EQ(joined, read_all(**whole));
  EXPECT_EQ(joined.size(), versions.size());

  auto prefixed = store_->NewSnapshotScans("split", "logs/year=2024/host-003/", 2);
  ASSERT_TRUE(prefixed.ok());
  size_t prefixed_rows = 0;
  for (auto& part : *prefixed) {
    for (const auto& [key, latest] : read_all(*part)) {
      EXPECT_TRUE(key.starts_with("logs/year=2024/host-003/")) << key;
      ++prefixed_rows;
    }
  }
  size_t expected_prefixed = 0;  // host-003: i % 7 == 3, with 1 + i % 3 versions each
  for (int i = 3; i < 30000; i += 7) expected_prefixed += 1 + i % 3;
  EXPECT_EQ(prefixed_rows, expected_prefixed);
  EXPECT_TRUE(store_->NewSnapshotScans("nope", "", 2).status().IsNotFound());
}

// ---- Crash safety and persistence
// ----------------------------------------------------------------

TEST_F(ObjectStoreTest, StartupRemovesOrphansAndKeepsCommittedObjects) {
  MakeBucket("b", Versioning::kEnabled);
  std::string v1 = PutOk("b", "k", "committed-1");
  PutOk("b", "k2", "committed-2");
  auto committed = store_->GetObject("b", "k", v1);
  ASSERT_TRUE(committed.ok());

  // What a crash leaves behind: a half-written temp file, and a finished blob renamed into place
  // whose metadata commit never happened.
  std::string orphan_id = "ab" + std::string(30, '7');
  {
    fs::create_directories(dir_ + "/blobs/ab");
    std::ofstream(dir_ + "/tmp/" + std::string(32, '1')) << "partial";
    std::ofstream(dir_ + "/blobs/ab/" + orphan_id) << "uncommitted";
    std::ofstream(dir_ + "/blobs/" + committed->blob_id.substr(0, 2) + "/zz-stray") << "junk";
  }
  ASSERT_EQ(CountBlobFiles(), 4u);
  OpenStore();

  EXPECT_TRUE(fs::is_empty(dir_ + "/tmp"));
  EXPECT_FALSE(BlobExists(orphan_id));
  EXPECT_EQ(CountBlobFiles(), 2u);
  EXPECT_EQ(ReadLatest("b", "k"), "committed-1");
  EXPECT_EQ(ReadLatest("b", "k2"), "committed-2");

  // Sequences continue after a restart: a new version sorts as the newest.
  std::string v2 = PutOk("b", "k", "after-restart");
  auto latest = store_->GetObject("b", "k", std::nullopt);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version_id, v2);
  EXPECT_EQ(Versions("b", "k")[1].version_id, v1);
}

// ---- Concurrency
// ---------------------------------------------------------------------------------

TEST_F(ObjectStoreTest, ConcurrentPutsOnOneKey) {
  MakeBucket("versioned", Versioning::kEnabled);
  MakeBucket("plain");
  constexpr int kThreads = 4;
  constexpr int kPuts = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPuts; ++i) {
        std::string data = std::to_string(t) + ":" + std::to_string(i);
        EXPECT_TRUE(Put("versioned", "hot", data).ok());
        EXPECT_TRUE(Put("plain", "hot", data).ok());
      }
    });
  }
  for (auto& t : threads) t.join();

  auto versions = Versions("versioned");
  ASSERT_EQ(versions.size(), static_cast<size_t>(kThreads * kPuts));
  std::set<std::string> ids;
  for (const auto& v : versions) ids.insert(v.version_id);
  EXPECT_EQ(ids.size(), versions.size());
  auto plain = Versions("plain");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].version_id, "");
  // Every replaced blob of the unversioned key was deleted: one blob per stored version.
  EXPECT_EQ(CountBlobFiles(), versions.size() + 1);
}

// ---- Inventory records
// ---------------------------------------------------------------------------

TEST_F(ObjectStoreTest, InventoryConfigsAndRuns) {
  MakeBucket("b");
  MakeBucket("b-other");
  ASSERT_TRUE(store_->PutInventoryConfig("b", "weekly", "<w/>").ok());
  ASSERT_TRUE(store_->PutInventoryConfig("b", "daily", "<d/>").ok());
  ASSERT_TRUE(store_->PutInventoryConfig("b-other", "x", "<x/>").ok());
  ASSERT_TRUE(store_->PutInventoryConfig("b", "daily", "<d2/>").ok());
  auto configs = store_->ListInventoryConfigs("b");
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 2u);
  EXPECT_EQ((*configs)[0], (std::pair<std::string, std::string>{"daily", "<d2/>"}));
  EXPECT_EQ((*configs)[1].first, "weekly");
  EXPECT_EQ(*store_->GetInventoryConfig("b", "weekly"), "<w/>");
  ASSERT_TRUE(store_->DeleteInventoryConfig("b", "weekly").ok());
  EXPECT_TRUE(store_->DeleteInventoryConfig("b", "weekly").IsNotFound());
  EXPECT_TRUE(store_->GetInventoryConfig("b", "weekly").status().IsNotFound());

  ASSERT_TRUE(store_->PutInventoryRun({"b", "daily", "20240102T010000Z", "r2"}).ok());
  ASSERT_TRUE(store_->PutInventoryRun({"b", "daily", "20240101T010000Z", "r1"}).ok());
  ASSERT_TRUE(store_->PutInventoryRun({"b", "daily2", "20240101T010000Z", "x"}).ok());
  auto runs = store_->ListInventoryRuns("b", "daily");
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].run_id, "20240101T010000Z");
  EXPECT_EQ((*runs)[0].record, "r1");
  EXPECT_EQ((*runs)[1].config_id, "daily");
}

// ---- Bulk load
// -----------------------------------------------------------------------------------

// Loads synthetic objects and reports the metadata bytes per object (STOCKTAKE_STORE_BULK_N
// overrides the count).
TEST_F(ObjectStoreTest, BulkLoadAndBytesPerObject) {
  MakeBucket("bench");
  size_t total = 50000;
  if (const char* n = std::getenv("STOCKTAKE_STORE_BULK_N")) total = std::strtoull(n, nullptr, 10);
  constexpr size_t kChunk = 100000;
  std::vector<ObjectVersion> chunk;
  auto start = std::chrono::steady_clock::now();
  for (size_t done = 0; done < total;) {
    chunk.clear();
    for (size_t i = 0; i < kChunk && done < total; ++i, ++done) {
      ObjectVersion& v = chunk.emplace_back();
      v.bucket = "bench";
      char key[96];
      std::snprintf(key, sizeof(key), "data/year=2024/part-%05zu/object-%09zu.parquet",
                    done / 10000, done);
      v.key = key;
      v.size = 1000 + (done * 7919) % 100000000;
      v.last_modified_ms = kStartMs + static_cast<int64_t>(done);
      v.etag = HexLower(Md5(key));
      v.owner_account_id = "123456789012";
      v.content_type = "application/octet-stream";
      v.blob_id = HexLower(Md5(v.etag));
    }
    ASSERT_TRUE(store::BulkLoadForBenchmark(*store_, chunk).ok());
  }
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto stats = store::GetStatsForBenchmark(*store_, /*compact=*/true);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  std::printf(
      "bulk load: %zu objects in %.2f s (%.0f/s); metadata %.1f bytes/object "
      "(sst %.1f)\n",
      total, load_s, static_cast<double>(total) / load_s,
      static_cast<double>(stats->metadata_dir_bytes) / static_cast<double>(total),
      static_cast<double>(stats->metadata_sst_bytes) / static_cast<double>(total));

  auto scan = store_->NewSnapshotScan("bench", "");
  ASSERT_TRUE(scan.ok());
  ObjectVersion v;
  size_t n = 0;
  std::string previous;
  start = std::chrono::steady_clock::now();
  while ((*scan)->Next(&v)) {
    ASSERT_TRUE(v.is_latest);
    ASSERT_LT(previous, v.key);
    previous = v.key;
    ++n;
  }
  double scan_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE((*scan)->status().ok());
  EXPECT_EQ(n, total);
  std::printf("snapshot scan: %zu versions in %.2f s (%.0f/s)\n", n, scan_s,
              static_cast<double>(n) / scan_s);
  bool truncated;
  ListOptions o;
  o.max_keys = 10;
  EXPECT_EQ(ListKeys("bench", o, &truncated).size(), 10u);
  EXPECT_TRUE(truncated);
}

// ---- Object Lock guards, read-modify-write, access times (issue 6) ---------------------------

TEST_F(ObjectStoreTest, ObjectLockGuardsRemovalAndCompliance) {
  MakeBucket("lock", Versioning::kEnabled);
  auto put = Put("lock", "k", "data");
  ASSERT_TRUE(put.ok());
  std::string id = put->version_id;
  auto set = [&](std::string mode, int64_t until_ms, std::string hold) {
    return store_->ModifyObjectVersion("lock", "k", id, [&](ObjectVersion* v, int64_t) {
      v->object_lock_mode = mode;
      v->object_lock_retain_until_ms = until_ms;
      v->object_lock_legal_hold = hold;
      return Status::OK();
    });
  };
  const int64_t day = 24 * 3600 * 1000;
  ASSERT_TRUE(set("COMPLIANCE", kStartMs + day, "").ok());
  // Unexpired COMPLIANCE: no removal, no shortening, no mode change; extending is fine.
  EXPECT_EQ(store_->DeleteObject("lock", "k", id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(set("COMPLIANCE", kStartMs + day / 2, "").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(set("GOVERNANCE", kStartMs + 2 * day, "").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(set("", 0, "").status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(set("COMPLIANCE", kStartMs + 2 * day, "").ok());
  EXPECT_EQ(store_->GetObject("lock", "k", id)->object_lock_retain_until_ms, kStartMs + 2 * day);
  // A plain delete still adds a delete marker: locks protect versions, not keys.
  auto marker = store_->DeleteObject("lock", "k", std::nullopt);
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->delete_marker);
  // Once expired, the retention no longer protects; a legal hold does, whatever the mode.
  clock_.AdvanceMillis(3 * day);
  ASSERT_TRUE(set("GOVERNANCE", kStartMs + 4 * day, "ON").ok());
  EXPECT_EQ(store_->DeleteObject("lock", "k", id).status().code(), StatusCode::kPermissionDenied);
  // GOVERNANCE is the S3 layer's to check (it may be bypassed): the store lets it go.
  ASSERT_TRUE(set("GOVERNANCE", kStartMs + 4 * day, "OFF").ok());
  auto removed = store_->DeleteObject("lock", "k", id);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_TRUE(store_->GetObject("lock", "k", id).status().IsNotFound());
}

TEST_F(ObjectStoreTest, ModifyObjectVersionKeepsDataAndReportsRefusals) {
  MakeBucket("b");
  ASSERT_TRUE(Put("b", "k", "payload").ok());
  auto before = store_->GetObject("b", "k", std::nullopt);
  ASSERT_TRUE(before.ok());
  auto modified =
      store_->ModifyObjectVersion("b", "k", std::nullopt, [](ObjectVersion* v, int64_t now_ms) {
        EXPECT_EQ(now_ms, kStartMs);
        v->acl = "1\nuri READ http://acs.amazonaws.com/groups/global/AllUsers";
        v->size = 1;       // ignored: the data is not the caller's to change
        v->blob_id = "x";  // ignored
        return Status::OK();
      });
  ASSERT_TRUE(modified.ok()) << modified.status().ToString();
  auto after = store_->GetObject("b", "k", std::nullopt);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->acl, "1\nuri READ http://acs.amazonaws.com/groups/global/AllUsers");
  EXPECT_EQ(after->size, before->size);
  EXPECT_EQ(after->blob_id, before->blob_id);
  auto refused = store_->ModifyObjectVersion(
      "b", "k", std::nullopt, [](ObjectVersion*, int64_t) { return Status::Aborted("no"); });
  EXPECT_EQ(refused.status().code(), StatusCode::kAborted);
  EXPECT_TRUE(store_
                  ->ModifyObjectVersion("b", "missing", std::nullopt,
                                        [](ObjectVersion*, int64_t) { return Status::OK(); })
                  .status()
                  .IsNotFound());
}

TEST_F(ObjectStoreTest, RecordAccessWritesAtMostDaily) {
  MakeBucket("b");
  ASSERT_TRUE(Put("b", "k", "payload").ok());
  const int64_t day = kAccessRecordIntervalMs;
  auto read = [&] { return store_->GetObject("b", "k", std::nullopt).value(); };
  // Created now: an access today changes nothing.
  ASSERT_TRUE(store_->RecordAccess(read()).ok());
  EXPECT_EQ(read().last_access_ms, 0);
  clock_.AdvanceMillis(day - 1);
  ASSERT_TRUE(store_->RecordAccess(read()).ok());
  EXPECT_EQ(read().last_access_ms, 0);
  clock_.AdvanceMillis(1);
  ASSERT_TRUE(store_->RecordAccess(read()).ok());
  EXPECT_EQ(read().last_access_ms, kStartMs + day);
  clock_.AdvanceMillis(day / 2);
  ASSERT_TRUE(store_->RecordAccess(read()).ok());
  EXPECT_EQ(read().last_access_ms, kStartMs + day);
  // A stale copy (read before another access was recorded) does not move the time back or
  // write again: the decision is remade on the stored version.
  ObjectVersion stale = read();
  stale.last_access_ms = 0;
  ASSERT_TRUE(store_->RecordAccess(stale).ok());
  EXPECT_EQ(read().last_access_ms, kStartMs + day);
  // The record survives a restart (record field 32).
  OpenStore();
  EXPECT_EQ(read().last_access_ms, kStartMs + day);
  // A deleted version is nothing to record.
  ObjectVersion gone = read();
  ASSERT_TRUE(store_->DeleteObject("b", "k", std::nullopt).ok());
  clock_.AdvanceMillis(2 * day);
  EXPECT_TRUE(store_->RecordAccess(gone).ok());
}

// ---- Server-side encryption
// ------------------------------------------------------------------------

TEST_F(ObjectStoreTest, EveryModeRoundTripsAndRecordsItsEncryption) {
  MakeBucket("b", Versioning::kEnabled);
  auto kms_key = store_->CreateKmsKey("123456789012", "us-east-1", "test key");
  ASSERT_TRUE(kms_key.ok()) << kms_key.status().ToString();
  EXPECT_EQ(kms_key->arn, "arn:aws:kms:us-east-1:123456789012:key/" + kms_key->key_id);
  std::string customer_key = RandomBytes(32);
  std::string data(200000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 23);

  struct Case {
    std::string key;
    BlobEncryption encryption;
  };
  std::vector<Case> cases = {{"s3", {}},
                             {"kms", {std::string(kSseKms), kms_key->key_id, "{\"a\":\"b\"}", ""}},
                             {"dsse", {std::string(kDsseKms), kms_key->arn, "", ""}},
                             {"ssec", {std::string(kSseC), "", "", customer_key}}};
  for (const Case& c : cases) {
    auto w = store_->NewBlob(c.encryption);
    ASSERT_TRUE(w.ok()) << c.key << ": " << w.status().ToString();
    ASSERT_TRUE((*w)->Write(data).ok());
    ASSERT_TRUE((*w)->Finish().ok());
    ObjectVersion v;
    v.bucket = "b";
    v.key = c.key;
    v.size = (*w)->size();
    v.etag = (*w)->md5_hex();
    v.blob_id = (*w)->blob_id();
    if (c.encryption.mode == kSseC) {
      v.sse_customer_key_hmac = SseCustomerKeyHmac(c.encryption.customer_key);
    }
    ASSERT_TRUE(store_->PutObject(v).ok()) << c.key;
    auto stored = store_->GetObject("b", c.key, std::nullopt);
    ASSERT_TRUE(stored.ok());
    // An empty encryption is filled from the blob.
    EXPECT_EQ(stored->encryption, c.encryption.mode) << c.key;
    // The file on disk holds no plaintext.
    std::ifstream in(dir_ + "/blobs/" + v.blob_id.substr(0, 2) + "/" + v.blob_id, std::ios::binary);
    std::string file((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(file.find(data.substr(1000, 64)), std::string::npos) << c.key;
    if (c.encryption.mode != kSseC) {
      EXPECT_EQ(Read(*stored, 65530, 20), data.substr(65530, 20)) << c.key;
      EXPECT_EQ(Read(*stored), data) << c.key;
    }
  }

  // SSE-C: the customer key is checked against the stored verifier before any data is read.
  auto ssec = store_->GetObject("b", "ssec", std::nullopt);
  ASSERT_TRUE(ssec.ok());
  ObjectVersion update = *ssec;  // a metadata update cannot change the encryption
  update.encryption.clear();
  update.sse_customer_key_hmac.clear();
  update.tags = {{"t", "v"}};
  ASSERT_TRUE(store_->UpdateObjectVersion(update).ok());
  ssec = store_->GetObject("b", "ssec", std::nullopt);
  EXPECT_EQ(ssec->encryption, kSseC);
  EXPECT_EQ(ssec->tags.size(), 1u);
  EXPECT_EQ(store_->OpenObjectData(*ssec, 0, 10).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->OpenObjectData(*ssec, 0, 10, RandomBytes(32)).status().code(),
            StatusCode::kPermissionDenied);
  auto reader = store_->OpenObjectData(*ssec, 100, 10, customer_key);
  ASSERT_TRUE(reader.ok());
  auto chunk = (*reader)->Read(100);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(*chunk, data.substr(100, 10));

  // Keys survive a restart; unknown keys are NotFound.
  OpenStore();
  EXPECT_EQ(ReadLatest("b", "kms"), data);
  EXPECT_EQ(store_->GetKmsKey(kms_key->arn)->key_id, kms_key->key_id);
  EXPECT_TRUE(store_->GetKmsKey("00000000-0000-4000-8000-000000000000").status().IsNotFound());
  EXPECT_TRUE(store_->GetKmsKey("arn:aws:kms:eu-west-1:123456789012:key/" + kms_key->key_id)
                  .status()
                  .IsNotFound());
  BlobEncryption unknown{std::string(kSseKms), "00000000-0000-4000-8000-000000000000", "", ""};
  EXPECT_TRUE(store_->NewBlob(unknown).status().IsNotFound());
  BlobEncryption short_key{std::string(kSseC), "", "", "short"};
  EXPECT_EQ(store_->NewBlob(short_key).status().code(), StatusCode::kInvalidArgument);
  auto keys = store_->ListKmsKeys("123456789012");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 1u);
  EXPECT_TRUE(store_->ListKmsKeys("999999999999")->empty());
  auto default_key = store_->DefaultKmsKey("123456789012", "us-east-1");
  ASSERT_TRUE(default_key.ok());
  EXPECT_EQ(default_key->alias, "aws/s3");
  EXPECT_EQ(store_->DefaultKmsKey("123456789012", "us-east-1")->key_id, default_key->key_id);
}

TEST_F(ObjectStoreTest, KmsKeyPolicyIsKeptAcrossRestartsAndKeysStillWork) {
  auto key = store_->CreateKmsKey("123456789012", "us-east-1", "reports");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->policy, "");  // none set: the default key policy applies
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  ASSERT_TRUE(store_->PutKmsKeyPolicy(key->arn, policy).ok());
  EXPECT_EQ(store_->GetKmsKey(key->key_id)->policy, policy);  // the cache sees it at once
  OpenStore();
  auto reread = store_->GetKmsKey(key->key_id);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->policy, policy);
  EXPECT_EQ(reread->description, "reports");
  // The material is untouched: the key still encrypts and decrypts.
  BlobEncryption kms{std::string(kSseKms), key->arn, "", ""};
  EXPECT_TRUE(store_->NewBlob(kms).ok());
  EXPECT_EQ(store_->ListKmsKeys("123456789012")->front().policy, policy);

  EXPECT_TRUE(store_->PutKmsKeyPolicy("00000000-0000-4000-8000-000000000000", policy).IsNotFound());
  auto default_key = store_->DefaultKmsKey("123456789012", "us-east-1");
  ASSERT_TRUE(default_key.ok());
  EXPECT_EQ(store_->PutKmsKeyPolicy(default_key->key_id, policy).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(ObjectStoreTest, VersionsCannotClaimAnotherEncryptionThanTheirBlobs) {
  MakeBucket("b");
  auto w = WriteBlob("sse-s3 data");  // NewBlob(): SSE-S3
  ObjectVersion v;
  v.bucket = "b";
  v.key = "k";
  v.blob_id = w->blob_id();
  v.encryption = std::string(kSseKms);
  EXPECT_EQ(store_->PutObject(v).status().code(), StatusCode::kInvalidArgument);
  // The blob is still the caller's, and commits with the right encryption.
  v.encryption = std::string(kSseS3);
  ASSERT_TRUE(store_->PutObject(v).ok());
  EXPECT_EQ(ReadLatest("b", "k"), "sse-s3 data");

  // Parts must be encrypted as their upload says.
  MultipartUpload upload;
  upload.bucket = "b";
  upload.key = "mp";
  upload.object_template.encryption = std::string(kSseC);
  auto upload_id = store_->CreateMultipartUpload(upload);
  ASSERT_TRUE(upload_id.ok());
  auto part_blob = WriteBlob("part");
  Part part;
  part.part_number = 1;
  part.size = 4;
  part.etag = part_blob->md5_hex();
  part.blob_id = part_blob->blob_id();
  EXPECT_EQ(store_->PutPart(*upload_id, part).code(), StatusCode::kInvalidArgument);

  // An upload created without encryption is SSE-S3, as its parts are.
  upload.key = "mp2";
  upload.object_template.encryption.clear();
  auto upload2 = store_->CreateMultipartUpload(upload);
  ASSERT_TRUE(upload2.ok());
  ASSERT_TRUE(store_->PutPart(*upload2, part).ok());
  ASSERT_TRUE(store_->CompleteMultipartUpload(*upload2, {1}, ObjectVersion()).ok());
  auto mp = store_->GetObject("b", "mp2", std::nullopt);
  ASSERT_TRUE(mp.ok());
  EXPECT_EQ(mp->encryption, kSseS3);
  EXPECT_EQ(Read(*mp), "part");
}

TEST_F(ObjectStoreTest, EventHoldKeepsCompliancePinnedToNowPlusDuration) {
  MakeBucket("lock", Versioning::kEnabled);
  auto put = Put("lock", "k", "data");
  ASSERT_TRUE(put.ok());
  const int64_t day = 24 * 3600 * 1000;
  auto set = [&](std::string hold, uint32_t days, int64_t until_ms) {
    return store_->ModifyObjectVersion("lock", "k", put->version_id,
                                       [&](ObjectVersion* v, int64_t) {
                                         v->object_lock_mode = "COMPLIANCE";
                                         v->object_lock_event_hold = hold;
                                         v->object_lock_event_hold_days = days;
                                         v->object_lock_retain_until_ms = until_ms;
                                         return Status::OK();
                                       });
  };
  ASSERT_TRUE(set("ON", 5, kStartMs + 5 * day).ok());
  ObjectVersion v = store_->GetObject("lock", "k", put->version_id).value();
  EXPECT_EQ(EventHoldDurationMs(v), 5 * day);
  // Long after the first date, the hold still protects: the date moves with the clock.
  clock_.AdvanceMillis(30 * day);
  EXPECT_EQ(EffectiveRetainUntilMs(v, kStartMs + 30 * day), kStartMs + 35 * day);
  EXPECT_EQ(store_->DeleteObject("lock", "k", put->version_id).status().code(),
            StatusCode::kPermissionDenied);
  // A shorter hold is a shortening; the release (date = now + duration) is not.
  EXPECT_EQ(set("ON", 4, 0).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(set("OFF", 5, kStartMs + 35 * day).ok());
  clock_.AdvanceMillis(6 * day);
  EXPECT_TRUE(store_->DeleteObject("lock", "k", put->version_id).ok());
}

TEST_F(ObjectStoreTest, PutReplicaKeepsTheSourceVersionIdAndOrder) {
  MakeBucket("src", Versioning::kEnabled);
  MakeBucket("dst", Versioning::kEnabled);
  MakeBucket("plain");
  auto first = Put("src", "k", "first");
  ASSERT_TRUE(first.ok());
  clock_.AdvanceMillis(1000);
  auto own = Put("dst", "k", "written later on the destination");
  ASSERT_TRUE(own.ok());

  ObjectVersion replica = store_->GetObject("src", "k", first->version_id).value();
  replica.bucket = "dst";
  replica.replication_status = "REPLICA";
  auto blob = WriteBlob("first");
  replica.blob_id = blob->blob_id();
  ObjectVersion unversioned = replica;
  unversioned.bucket = "plain";
  EXPECT_EQ(store_->PutReplica(unversioned).code(), StatusCode::kFailedPrecondition);
  ObjectVersion no_id = replica;
  no_id.version_id = "";
  EXPECT_EQ(store_->PutReplica(no_id).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->PutReplica(replica).ok());

  // The replica sorts by its source sequence: older than the destination's own version.
  auto stored = store_->GetObject("dst", "k", first->version_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->replication_status, "REPLICA");
  EXPECT_FALSE(stored->is_latest);
  EXPECT_EQ(store_->GetObject("dst", "k", std::nullopt)->version_id, own->version_id);
  bool truncated = false;
  auto versions = store_->ListObjectVersions("dst", {}, &truncated);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].version_id, first->version_id);
}

}  // namespace
}  // namespace stocktake::store
