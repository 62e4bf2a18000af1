// ObjectStore implementation: S3 versioning semantics over the key families of store/meta
// (docs/formats.md) and the blob files of store/data.
//
// Crash safety rests on one ordering: a blob is durable under its final name (BlobWriter::Finish)
// before the metadata batch that references it commits, and a blob is unlinked only after the
// batch that drops its last reference commits. Each batch also writes/deletes the blob's row in
// the reference table ('b'), so after a crash at any instant, start-up can tell committed blobs
// (referenced) from orphans (not referenced) and delete the latter.
//
// Locking: `bucket_mu_` is taken shared by every operation that needs its bucket to exist and
// exclusively by bucket create/update/delete, so a bucket cannot be deleted between an operation's
// existence check and its commit. Read-modify-write of one key's versions is serialized by a
// striped mutex on (bucket, key); of one multipart upload by a striped mutex on its id (a separate
// stripe array, always taken before an object stripe, so lock order is acyclic).

#include "store/object_store.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <mutex>
#include <shared_mutex>

#include "common/encoding.h"
#include "io/file.h"
#include "store/benchmark_hooks.h"
#include "store/data/blob_files.h"
#include "store/keyring.h"
#include "store/meta/key_codec.h"
#include "store/meta/key_range_split.h"
#include "store/meta/meta_db.h"
#include "store/meta/record_codec.h"
#include "store/meta/secret_cipher.h"
#include "store/sse.h"

namespace stocktake::store {

namespace {

using meta::IterateOptions;
using meta::WriteBatch;

constexpr size_t kLockStripes = 256;
// Sequence numbers are reserved durably in blocks so that allocating one costs no write; a
// restart skips the rest of the block. 2^64 leaves room for ~10^13 restarts.
constexpr uint64_t kSequenceBlock = uint64_t{1} << 20;
// Benchmark bulk loads commit this many records per batch.
constexpr size_t kBulkBatchRecords = 10000;
// ListObjects steps over a key's older versions with Next() this many times before it Seeks past
// them (a Seek costs about as much as a handful of Next()s; most keys have one version).
constexpr int kNextsBeforeSeek = 8;
// Snapshot scans read ahead this much from disk (long sequential reads).
constexpr size_t kScanReadaheadBytes = 2 << 20;

constexpr std::string_view kNullVersionId = "null";
constexpr std::string_view kMasterKeyFile = "master.key";
constexpr std::string_view kMetaDir = "meta";
constexpr std::string_view kAccessKeyAad = "stocktake/access-key/";

// A stored object row, as located by a read.
struct StoredVersion {
  std::string row_key;
  uint64_t seq = 0;
  std::string record;
  bool is_latest = false;
};

std::vector<std::string> BlobsOf(const ObjectVersion& v) {
  std::vector<std::string> ids;
  if (!v.blob_id.empty()) ids.push_back(v.blob_id);
  for (const auto& id : v.part_blob_ids) {
    if (!id.empty()) ids.push_back(id);
  }
  return ids;
}

Status CorruptRow(std::string_view what) {
  return Status::Corruption("malformed " + std::string(what) + " row");
}

// Appends a listed version to `out` (ListObjects, ListObjectVersions); false once `max_keys` are
// there, with *truncated set.
Result<bool> CollectVersion(std::string_view bucket, const std::string& key, uint64_t seq,
                            std::string_view record, bool is_latest, size_t max_keys,
                            std::vector<ObjectVersion>* out, bool* truncated) {
  if (out->size() >= max_keys) {
    *truncated = true;
    return false;
  }
  ObjectVersion& v = out->emplace_back();
  if (!meta::DecodeObjectRecord(record, seq, &v)) return CorruptRow("object");
  v.bucket.assign(bucket);
  v.key = key;
  v.is_latest = is_latest;
  return true;
}

// The row key of a version's key family without its 8-byte sequence: every version of that key.
std::string_view VersionsPrefixOf(std::string_view row_key) {
  return row_key.substr(0, row_key.size() - meta::kSequenceBytes);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

IterateOptions RangeOf(std::string_view prefix) {
  IterateOptions o;
  o.upper_bound = meta::PrefixSuccessor(prefix);
  return o;
}

class SnapshotScanImpl final : public SnapshotScan {
 public:
  SnapshotScanImpl(std::string bucket, std::shared_ptr<const meta::Snapshot> snapshot,
                   std::unique_ptr<meta::Iterator> it, size_t bucket_prefix_bytes,
                   int64_t snapshot_ms)
      : bucket_(std::move(bucket)),
        snapshot_(std::move(snapshot)),
        it_(std::move(it)),
        bucket_prefix_bytes_(bucket_prefix_bytes),
        snapshot_ms_(snapshot_ms) {}

  bool Next(ObjectVersion* out) override {
    if (!status_.ok()) return false;
    if (!it_->Valid()) {
      status_ = it_->status();
      return false;
    }
    uint64_t seq;
    std::string_view row = it_->key();
    // The key is decoded straight into *out, reusing its capacity: no allocation per row in
    // the steady state.
    if (!meta::ParseObjectRowSuffix(row.substr(bucket_prefix_bytes_), &out->key, &seq) ||
        !meta::DecodeObjectRecord(it_->value(), seq, out)) {
      status_ = CorruptRow("object");
      return false;
    }
    // Rows of a key are newest first, so the first row of each key is its latest version.
    out->is_latest = first_ || out->key != previous_key_;
    first_ = false;
    previous_key_.assign(out->key);
    out->bucket.assign(bucket_);
    it_->Next();
    return true;
  }

  Status status() const override { return status_; }
  int64_t snapshot_ms() const override { return snapshot_ms_; }

 private:
  std::string bucket_;
  std::shared_ptr<const meta::Snapshot> snapshot_;  // shared by the parts; must outlive it_
  std::unique_ptr<meta::Iterator> it_;
  size_t bucket_prefix_bytes_;
  int64_t snapshot_ms_;
  std::string previous_key_;
  bool first_ = true;
  Status status_;
};

class ObjectStoreImpl final : public ObjectStore {
 public:
  ObjectStoreImpl(StoreOptions options, std::unique_ptr<meta::MetaDb> db, meta::SecretCipher cipher)
      : options_(std::move(options)),
        db_(std::move(db)),
        files_(options_.data_dir),
        cipher_(std::move(cipher)),
        keyring_(db_.get(), &cipher_, options_.clock, SyncMode()) {}

  Status Init();

  // ---- Accounts
  // ----------------------------------------------------------------------------------

  Status PutAccount(const Account& account) override {
    if (account.account_id.empty()) return Status::InvalidArgument("empty account id");
    std::string record;
    meta::EncodeAccountRecord(account, &record);
    return db_->Put(meta::AccountKey(account.account_id), record, SyncMode());
  }

  Result<Account> GetAccount(std::string_view account_id) override {
    std::string record;
    Status st = db_->Get(meta::AccountKey(account_id), &record);
    if (st.IsNotFound()) return Status::NotFound("no such account");
    RETURN_IF_ERROR(st);
    Account a;
    a.account_id.assign(account_id);
    if (!meta::DecodeAccountRecord(record, &a)) return CorruptRow("account");
    return a;
  }

  Result<std::vector<Account>> ListAccounts() override {
    std::vector<Account> out;
    std::string prefix(1, static_cast<char>(meta::Table::kAccount));
    auto it = db_->NewIterator(RangeOf(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      Account a;
      a.account_id.assign(it->key().substr(1));
      if (!meta::DecodeAccountRecord(it->value(), &a)) return CorruptRow("account");
      out.push_back(std::move(a));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  Status PutAccessKey(const AccessKey& key) override {
    if (key.access_key_id.empty()) return Status::InvalidArgument("empty access key id");
    ASSIGN_OR_RETURN(std::string sealed,
                     cipher_.Seal(key.secret_key, AccessKeyAad(key.access_key_id)));
    std::string record;
    meta::EncodeAccessKeyRecord(key, sealed, &record);
    return db_->Put(meta::AccessKeyKey(key.access_key_id), record, SyncMode());
  }

  Result<AccessKey> GetAccessKey(std::string_view access_key_id) override {
    std::string record;
    Status st = db_->Get(meta::AccessKeyKey(access_key_id), &record);
    if (st.IsNotFound()) return Status::NotFound("no such access key");
    RETURN_IF_ERROR(st);
    AccessKey k;
    std::string sealed;
    if (!meta::DecodeAccessKeyRecord(record, &k, &sealed)) return CorruptRow("access key");
    k.access_key_id.assign(access_key_id);
    ASSIGN_OR_RETURN(k.secret_key, cipher_.Open(sealed, AccessKeyAad(access_key_id)));
    return k;
  }

  Result<std::vector<AccessKey>> ListAccessKeys(std::string_view account_id) override {
    std::vector<AccessKey> out;
    std::string prefix(1, static_cast<char>(meta::Table::kAccessKey));
    auto it = db_->NewIterator(RangeOf(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      AccessKey k;
      std::string sealed;
      if (!meta::DecodeAccessKeyRecord(it->value(), &k, &sealed)) return CorruptRow("access key");
      if (!account_id.empty() && k.account_id != account_id) continue;
      k.access_key_id.assign(it->key().substr(1));
      out.push_back(std::move(k));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  Status DeleteAccessKey(std::string_view access_key_id) override {
    std::string record;
    Status st = db_->Get(meta::AccessKeyKey(access_key_id), &record);
    if (st.IsNotFound()) return Status::NotFound("no such access key");
    RETURN_IF_ERROR(st);
    WriteBatch batch;
    batch.Delete(meta::AccessKeyKey(access_key_id));
    return db_->Write(&batch, SyncMode());
  }

  Status DeleteAccount(std::string_view account_id) override {
    // Under the bucket lock, so no CreateBucket for this account slips in between the check
    // and the delete.
    std::unique_lock lock(bucket_mu_);
    RETURN_IF_ERROR(GetAccount(account_id).status());
    ASSIGN_OR_RETURN(std::vector<Bucket> buckets, ListBuckets());
    for (const Bucket& b : buckets) {
      if (b.owner_account_id == account_id) {
        return Status::FailedPrecondition("account owns bucket " + b.name);
      }
    }
    ASSIGN_OR_RETURN(std::vector<AccessKey> keys, ListAccessKeys(account_id));
    WriteBatch batch;
    batch.Delete(meta::AccountKey(account_id));
    for (const AccessKey& k : keys) batch.Delete(meta::AccessKeyKey(k.access_key_id));
    return db_->Write(&batch, SyncMode());
  }

  // ---- Buckets
  // -----------------------------------------------------------------------------------

  Status CreateBucket(const Bucket& bucket) override {
    if (bucket.name.empty()) return Status::InvalidArgument("empty bucket name");
    std::unique_lock lock(bucket_mu_);
    std::string record;
    Status st = db_->Get(meta::BucketKey(bucket.name), &record);
    if (st.ok()) return Status::AlreadyExists("bucket exists: " + bucket.name);
    if (!st.IsNotFound()) return st;
    Bucket b = bucket;
    if (b.created_ms == 0) b.created_ms = options_.clock->NowMillis();
    meta::EncodeBucketRecord(b, &record);
    return db_->Put(meta::BucketKey(b.name), record, SyncMode());
  }

  Result<Bucket> GetBucket(std::string_view name) override { return LoadBucket(name); }

  Status UpdateBucket(const Bucket& bucket) override {
    std::unique_lock lock(bucket_mu_);
    RETURN_IF_ERROR(LoadBucket(bucket.name).status());
    std::string record;
    meta::EncodeBucketRecord(bucket, &record);
    return db_->Put(meta::BucketKey(bucket.name), record, SyncMode());
  }

  Result<std::vector<Bucket>> ListBuckets() override {
    std::vector<Bucket> out;
    std::string prefix(1, static_cast<char>(meta::Table::kBucket));
    auto it = db_->NewIterator(RangeOf(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      Bucket b;
      b.name.assign(it->key().substr(1));
      if (!meta::DecodeBucketRecord(it->value(), &b)) return CorruptRow("bucket");
      out.push_back(std::move(b));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  Status DeleteBucket(std::string_view name) override {
    std::vector<std::string> dead_blobs;
    {
      std::unique_lock lock(bucket_mu_);
      RETURN_IF_ERROR(LoadBucket(name).status());
      // Any version counts, delete markers included (S3: BucketNotEmpty). Incomplete multipart
      // uploads do not: S3 deletes the bucket and the uploads with it (issue 16). The exclusive
      // bucket lock keeps UploadPart and CompleteMultipartUpload out while they go.
      ASSIGN_OR_RETURN(bool any, AnyRowWithPrefix(meta::ObjectBucketPrefix(name)));
      if (any) return Status::FailedPrecondition("bucket not empty");
      WriteBatch batch;
      batch.Delete(meta::BucketKey(name));
      ASSIGN_OR_RETURN(std::vector<MultipartUpload> uploads, ListMultipartUploads(name));
      for (const MultipartUpload& upload : uploads) {
        ASSIGN_OR_RETURN(std::vector<Part> parts, LoadParts(upload.upload_id));
        for (const Part& p : parts) {
          batch.Delete(meta::PartRowKey(upload.upload_id, p.part_number));
          if (!p.blob_id.empty()) {
            batch.Delete(meta::BlobRefKey(p.blob_id));
            dead_blobs.push_back(p.blob_id);
          }
        }
        batch.Delete(meta::UploadRowKey(upload.bucket, upload.key, upload.upload_id));
        batch.Delete(meta::UploadIndexKey(upload.upload_id));
      }
      for (const std::string& prefix :
           {meta::InventoryConfigPrefix(name), meta::InventoryRunBucketPrefix(name)}) {
        auto it = db_->NewIterator(RangeOf(prefix));
        for (it->Seek(prefix); it->Valid(); it->Next()) batch.Delete(it->key());
        RETURN_IF_ERROR(it->status());
      }
      RETURN_IF_ERROR(db_->Write(&batch, SyncMode()));
    }
    RemoveBlobs(dead_blobs);
    return Status::OK();
  }

  // ---- Object data
  // -------------------------------------------------------------------------------

  using ObjectStore::NewBlob;
  using ObjectStore::OpenBlob;
  using ObjectStore::OpenObjectData;

  Result<std::unique_ptr<BlobWriter>> NewBlob(const BlobEncryption& encryption) override {
    return files_.NewWriter(&pending_, &keyring_, encryption);
  }

  Result<std::unique_ptr<BlobReader>> OpenBlob(std::string_view blob_id, uint64_t offset,
                                               uint64_t length,
                                               std::string_view customer_key) override {
    return files_.OpenReader(blob_id, offset, length, &keyring_, customer_key);
  }

  Result<std::unique_ptr<BlobReader>> OpenObjectData(const ObjectVersion& v, uint64_t offset,
                                                     uint64_t length,
                                                     std::string_view customer_key) override {
    if (v.is_delete_marker) return Status::InvalidArgument("a delete marker has no data");
    if (v.encryption == kSseC && !SseCustomerKeyMatches(v.sse_customer_key_hmac, customer_key)) {
      return Status::PermissionDenied("the key does not match the object's customer key (SSE-C)");
    }
    // Versions written before encryption at rest existed have no encryption and plaintext blobs.
    bool plaintext = v.encryption.empty();
    data::BlobOpener open = [this, plaintext, key = std::string(customer_key)](
                                std::string_view blob_id, uint64_t at, uint64_t n) {
      return plaintext ? files_.OpenReader(blob_id, at, n)
                       : files_.OpenReader(blob_id, at, n, &keyring_, key);
    };
    if (!v.part_blob_ids.empty()) {
      if (v.part_blob_ids.size() != v.part_sizes.size()) {
        return Status::Corruption("multipart object with " +
                                  std::to_string(v.part_blob_ids.size()) + " blobs and " +
                                  std::to_string(v.part_sizes.size()) + " part sizes");
      }
      std::vector<data::Segment> segments(v.part_blob_ids.size());
      for (size_t i = 0; i < segments.size(); ++i) {
        segments[i] = {v.part_blob_ids[i], v.part_sizes[i]};
      }
      return data::NewConcatReader(std::move(open), std::move(segments), offset, length);
    }
    if (v.blob_id.empty()) return data::NewEmptyReader();
    return open(v.blob_id, offset, length);
  }

  // ---- Key service
  // -------------------------------------------------------------------------------

  Result<KmsKey> CreateKmsKey(std::string_view account_id, std::string_view region,
                              std::string_view description) override {
    return keyring_.CreateKey(account_id, region, description, "");
  }

  Result<KmsKey> GetKmsKey(std::string_view key_id_or_arn) override {
    return keyring_.GetKey(key_id_or_arn);
  }

  Result<KmsKey> DefaultKmsKey(std::string_view account_id, std::string_view region) override {
    return keyring_.DefaultKey(account_id, region);
  }

  Result<std::vector<KmsKey>> ListKmsKeys(std::string_view account_id) override {
    return keyring_.ListKeys(account_id);
  }

  Status PutKmsKeyPolicy(std::string_view key_id_or_arn, std::string_view policy) override {
    return keyring_.SetKeyPolicy(key_id_or_arn, policy);
  }

  // ---- Objects
  // -----------------------------------------------------------------------------------

  Result<PutResult> PutObject(ObjectVersion version) override {
    if (version.key.empty()) return Status::InvalidArgument("empty object key");
    std::shared_lock bucket_lock(bucket_mu_);
    ASSIGN_OR_RETURN(Bucket bucket, LoadBucket(version.bucket));
    ClaimedBlobs claimed;
    RETURN_IF_ERROR(ClaimBlobs(BlobsOf(version), &claimed));
    if (Status agreed = AdoptBlobEncryption(claimed, &version); !agreed.ok()) {
      ReturnBlobs(claimed);
      return agreed;
    }
    std::vector<std::string> dead_blobs;
    Result<PutResult> result = Status::Internal("unset");
    {
      std::lock_guard lock(ObjectStripe(version.bucket, version.key));
      WriteBatch batch;
      result = AddVersionLocked(bucket, &version, &batch, &dead_blobs);
      if (result.ok()) {
        Status st = db_->Write(&batch, SyncMode());
        if (!st.ok()) result = st;
      }
    }
    if (!result.ok()) {
      // Not committed: the blobs are the caller's again (to Abandon or retry).
      ReturnBlobs(claimed);
      return result;
    }
    RemoveBlobs(dead_blobs);
    return result;
  }

  Result<ObjectVersion> GetObject(std::string_view bucket, std::string_view key,
                                  std::optional<std::string_view> version_id) override {
    ASSIGN_OR_RETURN(std::optional<StoredVersion> found, LocateVersion(bucket, key, version_id));
    if (!found) {
      return Status::NotFound(version_id ? "no such version" : "no such key");
    }
    ObjectVersion v;
    ASSIGN_OR_RETURN(v, Materialize(bucket, key, *found));
    if (version_id && !IsNullId(*version_id) && v.version_id != *version_id) {
      // Right sequence, wrong random part: a guessed id is indistinguishable from an absent one.
      return Status::NotFound("no such version");
    }
    return v;
  }

  Result<DeleteResult> DeleteObject(std::string_view bucket, std::string_view key,
                                    std::optional<std::string_view> version_id) override {
    std::shared_lock bucket_lock(bucket_mu_);
    ASSIGN_OR_RETURN(Bucket b, LoadBucket(bucket));
    std::vector<std::string> dead_blobs;
    DeleteResult result;
    {
      std::lock_guard lock(ObjectStripe(bucket, key));
      WriteBatch batch;
      if (version_id) {
        // Permanent removal of one version, whatever the versioning state. Removing the latest
        // (e.g. a delete marker) makes the next older version current: ordering does it.
        ASSIGN_OR_RETURN(std::optional<StoredVersion> found,
                         LocateVersion(bucket, key, version_id));
        if (!found) {
          result.version_id = NormalizeVersionId(*version_id);
          return result;  // S3 answers 204 for a version that does not exist
        }
        ASSIGN_OR_RETURN(ObjectVersion v, Materialize(bucket, key, *found));
        if (!IsNullId(*version_id) && v.version_id != *version_id) {
          result.version_id.assign(*version_id);
          return result;  // a guessed id: nothing is deleted
        }
        if (IsLockedAgainstRemoval(v, options_.clock->NowMillis())) {
          return Status::PermissionDenied("the object version is protected by Object Lock");
        }
        RemoveVersion(*found, v, &batch, &dead_blobs);
        result.delete_marker = v.is_delete_marker;
        result.version_id = v.version_id;
      } else if (b.versioning == Versioning::kUnversioned) {
        ASSIGN_OR_RETURN(std::optional<StoredVersion> found, FindNullVersion(bucket, key));
        if (!found) return result;
        ASSIGN_OR_RETURN(ObjectVersion v, Materialize(bucket, key, *found));
        RemoveVersion(*found, v, &batch, &dead_blobs);
      } else {
        // Enabled: a new delete marker with a fresh id. Suspended: a null delete marker that
        // replaces the null version (AddVersionLocked removes it).
        ObjectVersion marker;
        marker.bucket.assign(bucket);
        marker.key.assign(key);
        marker.is_delete_marker = true;
        ASSIGN_OR_RETURN(PutResult put, AddVersionLocked(b, &marker, &batch, &dead_blobs));
        result.delete_marker = true;
        result.version_id = put.version_id;
      }
      if (batch.count() > 0) RETURN_IF_ERROR(db_->Write(&batch, SyncMode()));
    }
    RemoveBlobs(dead_blobs);
    return result;
  }

  Status UpdateObjectVersion(const ObjectVersion& version) override {
    std::shared_lock bucket_lock(bucket_mu_);
    std::lock_guard lock(ObjectStripe(version.bucket, version.key));
    std::string_view id = version.version_id.empty() ? kNullVersionId : version.version_id;
    ASSIGN_OR_RETURN(std::optional<StoredVersion> found,
                     LocateVersion(version.bucket, version.key, id));
    if (!found) return Status::NotFound("no such version");
    ASSIGN_OR_RETURN(ObjectVersion stored, Materialize(version.bucket, version.key, *found));
    if (stored.version_id != version.version_id) return Status::NotFound("no such version");
    // Metadata only: what identifies the data (and the blob references) stays as stored, so a
    // caller cannot detach or share blobs through this call.
    ObjectVersion updated = version;
    updated.is_delete_marker = stored.is_delete_marker;
    updated.size = stored.size;
    updated.etag = stored.etag;
    updated.is_multipart = stored.is_multipart;
    updated.part_count = stored.part_count;
    updated.part_sizes = stored.part_sizes;
    updated.blob_id = stored.blob_id;
    updated.part_blob_ids = stored.part_blob_ids;
    KeepEncryption(stored, &updated);
    std::string record;
    meta::EncodeObjectRecord(updated, &record);
    return db_->Put(found->row_key, record, SyncMode());
  }

  Status PutReplica(ObjectVersion version) override {
    auto id = meta::ParseVersionId(version.version_id);
    if (!id || version.key.empty()) return Status::InvalidArgument("a replica needs a version id");
    std::shared_lock bucket_lock(bucket_mu_);
    ASSIGN_OR_RETURN(Bucket bucket, LoadBucket(version.bucket));
    if (bucket.versioning != Versioning::kEnabled) {
      return Status::FailedPrecondition("versioning is not enabled on the destination bucket");
    }
    ClaimedBlobs claimed;
    RETURN_IF_ERROR(ClaimBlobs(BlobsOf(version), &claimed));
    std::vector<std::string> dead_blobs;
    Status st = AdoptBlobEncryption(claimed, &version);
    if (st.ok()) {
      std::lock_guard lock(ObjectStripe(version.bucket, version.key));
      StoredVersion row;
      row.row_key = meta::ObjectRowKey(version.bucket, version.key, id->seq);
      row.seq = id->seq;
      WriteBatch batch;
      st = db_->Get(row.row_key, &row.record);
      if (st.ok()) {
        // A retried replication: the earlier copy's blobs go (the batch's later Put wins).
        Result<ObjectVersion> old = Materialize(version.bucket, version.key, row);
        st = old.status();
        if (old.ok()) RemoveVersion(row, *old, &batch, &dead_blobs);
      } else if (st.IsNotFound()) {
        st = Status::OK();
      }
      if (st.ok()) {
        std::string record;
        meta::EncodeObjectRecord(version, &record);
        batch.Put(row.row_key, record);
        for (const auto& blob : BlobsOf(version)) batch.Put(meta::BlobRefKey(blob), row.row_key);
        st = db_->Write(&batch, SyncMode());
      }
    }
    return SettleBlobs(st, claimed, dead_blobs);
  }

  Result<ObjectVersion> ModifyObjectVersion(
      std::string_view bucket, std::string_view key, std::optional<std::string_view> version_id,
      const std::function<Status(ObjectVersion*, int64_t)>& mutate) override {
    std::shared_lock bucket_lock(bucket_mu_);
    std::lock_guard lock(ObjectStripe(bucket, key));
    ASSIGN_OR_RETURN(std::optional<StoredVersion> found, LocateVersion(bucket, key, version_id));
    if (!found) return Status::NotFound(version_id ? "no such version" : "no such key");
    ASSIGN_OR_RETURN(ObjectVersion stored, Materialize(bucket, key, *found));
    if (version_id && !IsNullId(*version_id) && stored.version_id != *version_id) {
      return Status::NotFound("no such version");
    }
    int64_t now_ms = options_.clock->NowMillis();
    ObjectVersion updated = stored;
    RETURN_IF_ERROR(mutate(&updated, now_ms));
    if (ShortensCompliance(stored, updated, now_ms)) {
      return Status::PermissionDenied("a COMPLIANCE retention can only be extended");
    }
    // As UpdateObjectVersion: the data and its blob references are not the caller's to change.
    updated.bucket = stored.bucket;
    updated.key = stored.key;
    updated.version_id = stored.version_id;
    updated.is_delete_marker = stored.is_delete_marker;
    updated.size = stored.size;
    updated.etag = stored.etag;
    updated.is_multipart = stored.is_multipart;
    updated.part_count = stored.part_count;
    updated.part_sizes = stored.part_sizes;
    updated.blob_id = stored.blob_id;
    updated.part_blob_ids = stored.part_blob_ids;
    KeepEncryption(stored, &updated);
    std::string record;
    meta::EncodeObjectRecord(updated, &record);
    RETURN_IF_ERROR(db_->Put(found->row_key, record, SyncMode()));
    return updated;
  }

  Status RecordAccess(const ObjectVersion& version) override {
    // Decided on the caller's copy first: the common case (accessed today) costs no I/O.
    if (!AccessIsStale(version, options_.clock->NowMillis())) return Status::OK();
    std::string_view id = version.version_id.empty() ? kNullVersionId : version.version_id;
    auto modified =
        ModifyObjectVersion(version.bucket, version.key, id, [](ObjectVersion* v, int64_t now_ms) {
          if (AccessIsStale(*v, now_ms)) v->last_access_ms = now_ms;
          return Status::OK();
        });
    // The version may have been deleted since it was read: nothing left to record.
    if (!modified.ok() && modified.status().IsNotFound()) return Status::OK();
    return modified.status();
  }

  Result<std::vector<ObjectVersion>> ListObjects(std::string_view bucket,
                                                 const ListOptions& options,
                                                 bool* truncated) override {
    *truncated = false;
    std::vector<ObjectVersion> out;
    RETURN_IF_ERROR(ForEachLatestObject(
        bucket, options,
        [&](const std::string& key, uint64_t seq, std::string_view record) -> Result<bool> {
          return CollectVersion(bucket, key, seq, record, true, options.max_keys, &out, truncated);
        }));
    return out;
  }

  Status VisitObjects(std::string_view bucket, const ListOptions& options,
                      const ListedVersionVisitor& visit) override {
    meta::ListedRecordBuffers buffers;
    ListedVersion listed;
    return ForEachLatestObject(
        bucket, options,
        [&](const std::string& key, uint64_t seq, std::string_view record) -> Result<bool> {
          listed.key = key;
          if (!meta::DecodeListedRecord(record, seq, &buffers, &listed)) {
            return CorruptRow("object");
          }
          return visit(listed);
        });
  }

  Result<std::vector<ObjectVersion>> ListObjectVersions(std::string_view bucket,
                                                        const ListVersionsOptions& options,
                                                        bool* truncated) override {
    *truncated = false;
    std::vector<ObjectVersion> out;
    auto collect = [&](const std::string& key, uint64_t seq, std::string_view record,
                       bool is_latest) -> Result<bool> {
      return CollectVersion(bucket, key, seq, record, is_latest, options.max_keys, &out, truncated);
    };
    RETURN_IF_ERROR(ForEachVersion(bucket, options, collect));
    return out;
  }

  Status VisitObjectVersions(std::string_view bucket, const ListVersionsOptions& options,
                             const ListedVersionVisitor& visit) override {
    meta::ListedRecordBuffers buffers;
    ListedVersion listed;
    auto decode = [&](const std::string& key, uint64_t seq, std::string_view record,
                      bool is_latest) -> Result<bool> {
      listed.key = key;
      listed.is_latest = is_latest;
      if (!meta::DecodeListedRecord(record, seq, &buffers, &listed)) return CorruptRow("object");
      return visit(listed);
    };
    return ForEachVersion(bucket, options, decode);
  }

  // ---- Multipart
  // ---------------------------------------------------------------------------------

  Result<std::string> CreateMultipartUpload(const MultipartUpload& upload) override {
    if (upload.key.empty()) return Status::InvalidArgument("empty object key");
    std::shared_lock bucket_lock(bucket_mu_);
    RETURN_IF_ERROR(LoadBucket(upload.bucket).status());
    ASSIGN_OR_RETURN(uint64_t seq, AllocateSequences(1));
    MultipartUpload u = upload;
    u.upload_id = meta::MakeUploadId(seq);
    if (u.initiated_ms == 0) u.initiated_ms = options_.clock->NowMillis();
    u.object_template.version_id.clear();  // assigned at completion
    // Parts are encrypted (NewBlob), SSE-S3 unless the caller chose otherwise.
    if (u.object_template.encryption.empty()) u.object_template.encryption = kSseS3;
    std::string row = meta::UploadRowKey(u.bucket, u.key, u.upload_id);
    std::string record;
    meta::EncodeUploadRecord(u, &record);
    WriteBatch batch;
    batch.Put(row, record);
    batch.Put(meta::UploadIndexKey(u.upload_id), row);
    RETURN_IF_ERROR(db_->Write(&batch, SyncMode()));
    return u.upload_id;
  }

  Result<MultipartUpload> GetMultipartUpload(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id) override {
    std::string record;
    Status st = db_->Get(meta::UploadRowKey(bucket, key, upload_id), &record);
    if (st.IsNotFound()) return Status::NotFound("no such upload");
    RETURN_IF_ERROR(st);
    MultipartUpload u;
    if (!meta::DecodeUploadRecord(record, &u)) return CorruptRow("upload");
    u.bucket.assign(bucket);
    u.key.assign(key);
    u.upload_id.assign(upload_id);
    return u;
  }

  Status PutPart(std::string_view upload_id, const Part& part) override {
    if (part.part_number == 0) return Status::InvalidArgument("part number 0");
    std::shared_lock bucket_lock(bucket_mu_);
    ClaimedBlobs claimed;
    std::vector<std::string> dead_blobs;
    Status st;
    {
      std::lock_guard lock(UploadStripe(upload_id));
      ASSIGN_OR_RETURN(MultipartUpload upload, LoadUpload(upload_id));
      std::vector<std::string> new_blobs;
      if (!part.blob_id.empty()) new_blobs.push_back(part.blob_id);
      RETURN_IF_ERROR(ClaimBlobs(new_blobs, &claimed));
      // Parts are encrypted as their upload says: the completed object has one encryption. An
      // upload recorded before encryption at rest has plaintext parts, which new ones must not
      // join (the object could not be read back).
      if (upload.object_template.encryption.empty()) {
        ReturnBlobs(claimed);
        return Status::FailedPrecondition(
            "the upload was started before encryption at rest; abort it and start again");
      }
      ObjectVersion part_encryption = upload.object_template;
      st = AdoptBlobEncryption(claimed, &part_encryption);
      if (!st.ok()) {
        ReturnBlobs(claimed);
        return st;
      }

      std::string row = meta::PartRowKey(upload_id, part.part_number);
      WriteBatch batch;
      std::string old_record;
      st = db_->Get(row, &old_record);
      if (st.ok()) {
        Part old;
        if (!meta::DecodePartRecord(old_record, &old)) {
          st = CorruptRow("part");
        } else if (!old.blob_id.empty()) {
          batch.Delete(meta::BlobRefKey(old.blob_id));
          dead_blobs.push_back(old.blob_id);
        }
      } else if (st.IsNotFound()) {
        st = Status::OK();
      }
      if (st.ok()) {
        Part p = part;
        if (p.last_modified_ms == 0) p.last_modified_ms = options_.clock->NowMillis();
        std::string record;
        meta::EncodePartRecord(p, &record);
        batch.Put(row, record);
        if (!p.blob_id.empty()) batch.Put(meta::BlobRefKey(p.blob_id), row);
        st = db_->Write(&batch, SyncMode());
      }
    }
    return SettleBlobs(st, claimed, dead_blobs);
  }

  Result<std::vector<Part>> ListParts(std::string_view upload_id) override {
    RETURN_IF_ERROR(LoadUpload(upload_id).status());
    return LoadParts(upload_id);
  }

  Result<PutResult> CompleteMultipartUpload(std::string_view upload_id,
                                            const std::vector<uint32_t>& part_numbers,
                                            ObjectVersion version) override {
    if (part_numbers.empty()) return Status::InvalidArgument("no parts");
    std::shared_lock bucket_lock(bucket_mu_);
    std::vector<std::string> dead_blobs;
    Result<PutResult> result = Status::Internal("unset");
    {
      std::lock_guard upload_lock(UploadStripe(upload_id));
      ASSIGN_OR_RETURN(MultipartUpload upload, LoadUpload(upload_id));
      ASSIGN_OR_RETURN(Bucket bucket, LoadBucket(upload.bucket));
      ASSIGN_OR_RETURN(std::vector<Part> parts, LoadParts(upload_id));

      version.bucket = upload.bucket;
      version.key = upload.key;
      version.is_multipart = true;
      // The parts were encrypted as the upload says (PutPart checked each one).
      KeepEncryption(upload.object_template, &version);
      version.part_count = static_cast<uint32_t>(part_numbers.size());
      version.blob_id.clear();
      version.part_blob_ids.clear();
      version.part_sizes.clear();
      version.size = 0;
      std::vector<bool> used(parts.size(), false);
      size_t next = 0;  // parts are sorted by number, and so must part_numbers be
      for (size_t i = 0; i < part_numbers.size(); ++i) {
        if (i > 0 && part_numbers[i] <= part_numbers[i - 1]) {
          return Status::InvalidArgument("part numbers not in ascending order");
        }
        while (next < parts.size() && parts[next].part_number < part_numbers[i]) ++next;
        if (next == parts.size() || parts[next].part_number != part_numbers[i]) {
          return Status::InvalidArgument("no such part: " + std::to_string(part_numbers[i]));
        }
        used[next] = true;
        version.part_blob_ids.push_back(parts[next].blob_id);
        version.part_sizes.push_back(parts[next].size);
        version.size += parts[next].size;
      }

      WriteBatch batch;
      for (size_t i = 0; i < parts.size(); ++i) {
        batch.Delete(meta::PartRowKey(upload_id, parts[i].part_number));
        if (!used[i] && !parts[i].blob_id.empty()) {
          batch.Delete(meta::BlobRefKey(parts[i].blob_id));
          dead_blobs.push_back(parts[i].blob_id);
        }
      }
      batch.Delete(meta::UploadRowKey(upload.bucket, upload.key, upload_id));
      batch.Delete(meta::UploadIndexKey(upload_id));
      {
        std::lock_guard object_lock(ObjectStripe(upload.bucket, upload.key));
        // Rewrites the used parts' blob references to point at the object row.
        result = AddVersionLocked(bucket, &version, &batch, &dead_blobs);
        if (result.ok()) {
          Status st = db_->Write(&batch, SyncMode());
          if (!st.ok()) result = st;
        }
      }
    }
    if (!result.ok()) return result;
    RemoveBlobs(dead_blobs);
    return result;
  }

  Status AbortMultipartUpload(std::string_view upload_id) override {
    std::vector<std::string> dead_blobs;
    {
      std::lock_guard lock(UploadStripe(upload_id));
      ASSIGN_OR_RETURN(MultipartUpload upload, LoadUpload(upload_id));
      ASSIGN_OR_RETURN(std::vector<Part> parts, LoadParts(upload_id));
      WriteBatch batch;
      for (const Part& p : parts) {
        batch.Delete(meta::PartRowKey(upload_id, p.part_number));
        if (!p.blob_id.empty()) {
          batch.Delete(meta::BlobRefKey(p.blob_id));
          dead_blobs.push_back(p.blob_id);
        }
      }
      batch.Delete(meta::UploadRowKey(upload.bucket, upload.key, upload_id));
      batch.Delete(meta::UploadIndexKey(upload_id));
      RETURN_IF_ERROR(db_->Write(&batch, SyncMode()));
    }
    RemoveBlobs(dead_blobs);
    return Status::OK();
  }

  Result<std::vector<MultipartUpload>> ListMultipartUploads(std::string_view bucket) override {
    std::vector<MultipartUpload> out;
    std::string prefix = meta::UploadBucketPrefix(bucket);
    auto it = db_->NewIterator(RangeOf(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      MultipartUpload u;
      if (!meta::ParseUploadRowKey(it->key(), &u.bucket, &u.key, &u.upload_id) ||
          !meta::DecodeUploadRecord(it->value(), &u)) {
        return CorruptRow("upload");
      }
      out.push_back(std::move(u));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  // ---- Inventory
  // ---------------------------------------------------------------------------------

  Status PutInventoryConfig(std::string_view bucket, std::string_view id,
                            std::string_view document) override {
    if (id.empty()) return Status::InvalidArgument("empty inventory configuration id");
    std::shared_lock bucket_lock(bucket_mu_);
    RETURN_IF_ERROR(LoadBucket(bucket).status());
    return db_->Put(meta::InventoryConfigKey(bucket, id), document, SyncMode());
  }

  Result<std::string> GetInventoryConfig(std::string_view bucket, std::string_view id) override {
    std::string document;
    Status st = db_->Get(meta::InventoryConfigKey(bucket, id), &document);
    if (st.IsNotFound()) return Status::NotFound("no such inventory configuration");
    RETURN_IF_ERROR(st);
    return document;
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListInventoryConfigs(
      std::string_view bucket) override {
    std::vector<std::pair<std::string, std::string>> out;
    std::string prefix = meta::InventoryConfigPrefix(bucket);
    auto it = db_->NewIterator(RangeOf(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key().substr(prefix.size())), std::string(it->value()));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  Status DeleteInventoryConfig(std::string_view bucket, std::string_view id) override {
    std::shared_lock bucket_lock(bucket_mu_);
    std::string key = meta::InventoryConfigKey(bucket, id);
    std::string document;
    Status st = db_->Get(key, &document);
    if (st.IsNotFound()) return Status::NotFound("no such inventory configuration");
    RETURN_IF_ERROR(st);
    WriteBatch batch;
    batch.Delete(key);
    return db_->Write(&batch, SyncMode());
  }

  Status PutInventoryRun(const InventoryRunRecord& run) override {
    if (run.config_id.empty() || run.run_id.empty()) {
      return Status::InvalidArgument("empty inventory config or run id");
    }
    std::shared_lock bucket_lock(bucket_mu_);
    RETURN_IF_ERROR(LoadBucket(run.bucket).status());
    return db_->Put(meta::InventoryRunKey(run.bucket, run.config_id, run.run_id), run.record,
                    SyncMode());
  }

  Result<std::vector<InventoryRunRecord>> ListInventoryRuns(std::string_view bucket,
                                                            std::string_view config_id) override {
    std::vector<InventoryRunRecord> out;
    std::string prefix = meta::InventoryRunPrefix(bucket, config_id);
    auto it = db_->NewIterator(RangeOf(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      InventoryRunRecord r;
      r.bucket.assign(bucket);
      r.config_id.assign(config_id);
      r.run_id.assign(it->key().substr(prefix.size()));
      r.record.assign(it->value());
      out.push_back(std::move(r));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  // ---- Scans and bulk loads
  // ----------------------------------------------------------------------

  Result<std::vector<std::unique_ptr<SnapshotScan>>> NewSnapshotScans(std::string_view bucket,
                                                                      std::string_view prefix,
                                                                      int max_parts) override {
    std::shared_ptr<meta::Snapshot> snapshot = db_->NewSnapshot();
    // Read after the snapshot is taken: every version in the scan committed at or before it.
    int64_t snapshot_ms = options_.clock->NowMillis();
    std::string record;
    Status st = db_->Get(meta::BucketKey(bucket), &record, snapshot.get());
    if (st.IsNotFound()) return Status::NotFound("no such bucket");
    RETURN_IF_ERROR(st);

    const std::string begin = meta::ObjectKeyRangePrefix(bucket, prefix);
    const std::string end = meta::PrefixSuccessor(begin);
    const size_t bucket_prefix_bytes = meta::ObjectBucketPrefix(bucket).size();
    std::vector<std::string> bounds = {begin};
    auto size_of = [this](std::string_view b, std::string_view e) {
      return db_->ApproximateSize(b, e);
    };
    for (const std::string& cut : meta::SplitKeyRange(begin, end, max_parts, size_of)) {
      // Move the cut to the first row of the key it falls in or before: a key's versions must
      // stay in one part (the first row of each key is its latest version).
      IterateOptions io;
      io.snapshot = snapshot.get();
      io.upper_bound = end;
      auto it = db_->NewIterator(io);
      it->Seek(cut);
      std::string key;
      uint64_t seq;
      if (!it->Valid() ||
          !meta::ParseObjectRowSuffix(it->key().substr(bucket_prefix_bytes), &key, &seq)) {
        continue;
      }
      std::string boundary = meta::ObjectVersionsPrefix(bucket, key);
      if (boundary > bounds.back()) bounds.push_back(std::move(boundary));
    }
    bounds.push_back(end);

    std::vector<std::unique_ptr<SnapshotScan>> scans;
    for (size_t i = 0; i + 1 < bounds.size(); ++i) {
      IterateOptions io;
      io.snapshot = snapshot.get();
      io.upper_bound = bounds[i + 1];
      io.fill_cache = false;  // a full scan must not evict the serving working set
      io.readahead_bytes = kScanReadaheadBytes;
      auto it = db_->NewIterator(io);
      it->Seek(bounds[i]);
      scans.push_back(std::make_unique<SnapshotScanImpl>(
          std::string(bucket), snapshot, std::move(it), bucket_prefix_bytes, snapshot_ms));
    }
    return scans;
  }

  // store/benchmark_hooks.h
  Status BulkLoadForBenchmark(const std::vector<ObjectVersion>& versions) {
    if (versions.empty()) return Status::OK();
    ASSIGN_OR_RETURN(uint64_t seq, AllocateSequences(versions.size()));
    // Unsynced and without WAL: the data reaches disk at memtable flush (or Close). Fine for a
    // benchmark, never for acknowledged writes.
    meta::WriteMode mode{.sync = false, .disable_wal = true};
    WriteBatch batch;
    ObjectVersion v;
    std::string record;
    for (const ObjectVersion& in : versions) {
      v = in;
      if (!v.version_id.empty()) v.version_id = meta::MakeVersionId(seq);
      if (v.last_modified_ms == 0) v.last_modified_ms = options_.clock->NowMillis();
      meta::EncodeObjectRecord(v, &record);
      batch.Put(meta::ObjectRowKey(v.bucket, v.key, seq), record);
      ++seq;
      if (batch.count() >= kBulkBatchRecords) {
        RETURN_IF_ERROR(db_->Write(&batch, mode));
        batch.Clear();
      }
    }
    if (batch.count() > 0) RETURN_IF_ERROR(db_->Write(&batch, mode));
    return Status::OK();
  }

  Result<StoreStats> GetStatsForBenchmark(bool compact) {
    if (compact) RETURN_IF_ERROR(db_->CompactAll());
    StoreStats stats;
    stats.metadata_sst_bytes = db_->GetIntProperty("rocksdb.live-sst-files-size");
    stats.estimated_metadata_keys = db_->GetIntProperty("rocksdb.estimate-num-keys");
    stats.table_reader_bytes = db_->GetIntProperty("rocksdb.estimate-table-readers-mem");
    stats.block_cache_bytes = db_->GetIntProperty("rocksdb.block-cache-usage");
    stats.block_cache_pinned_bytes = db_->GetIntProperty("rocksdb.block-cache-pinned-usage");
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(options_.data_dir + "/" + std::string(kMetaDir), ec)) {
      std::error_code size_ec;
      uint64_t size = entry.is_regular_file(size_ec) ? entry.file_size(size_ec) : 0;
      if (!size_ec) stats.metadata_dir_bytes += size;
      if (entry.path().extension() == ".sst") ++stats.metadata_sst_files;
    }
    if (ec) return Status::IOError("list metadata directory: " + ec.message());
    return stats;
  }

 private:
  meta::WriteMode SyncMode() const { return {.sync = options_.sync_writes, .disable_wal = false}; }

  static std::string AccessKeyAad(std::string_view access_key_id) {
    std::string aad(kAccessKeyAad);
    aad.append(access_key_id);
    return aad;
  }

  // Object Lock (S3 User Guide, "How S3 Object Lock works"): a legal hold or an unexpired
  // COMPLIANCE retention protects a version from everyone, so the store enforces them itself.
  static bool IsLockedAgainstRemoval(const ObjectVersion& v, int64_t now_ms) {
    if (v.object_lock_legal_hold == "ON") return true;
    return v.object_lock_mode == "COMPLIANCE" && EffectiveRetainUntilMs(v, now_ms) > now_ms;
  }

  static bool ShortensCompliance(const ObjectVersion& before, const ObjectVersion& after,
                                 int64_t now_ms) {
    int64_t until = EffectiveRetainUntilMs(before, now_ms);
    if (before.object_lock_mode != "COMPLIANCE" || until <= now_ms) return false;
    return after.object_lock_mode != "COMPLIANCE" || EffectiveRetainUntilMs(after, now_ms) < until;
  }

  static bool AccessIsStale(const ObjectVersion& v, int64_t now_ms) {
    int64_t reference = std::max(v.last_access_ms, v.last_modified_ms);
    return now_ms - reference >= kAccessRecordIntervalMs;
  }

  static bool IsNullId(std::string_view version_id) {
    return version_id.empty() || version_id == kNullVersionId;
  }
  static std::string NormalizeVersionId(std::string_view version_id) {
    return IsNullId(version_id) ? std::string() : std::string(version_id);
  }

  std::mutex& ObjectStripe(std::string_view bucket, std::string_view key) {
    size_t h = std::hash<std::string_view>()(bucket) * 31 + std::hash<std::string_view>()(key);
    return object_stripes_[h % kLockStripes];
  }
  std::mutex& UploadStripe(std::string_view upload_id) {
    return upload_stripes_[std::hash<std::string_view>()(upload_id) % kLockStripes];
  }

  Result<Bucket> LoadBucket(std::string_view name) {
    std::string record;
    Status st = db_->Get(meta::BucketKey(name), &record);
    if (st.IsNotFound()) return Status::NotFound("no such bucket");
    RETURN_IF_ERROR(st);
    Bucket b;
    b.name.assign(name);
    if (!meta::DecodeBucketRecord(record, &b)) return CorruptRow("bucket");
    return b;
  }

  Result<bool> AnyRowWithPrefix(const std::string& prefix) {
    auto it = db_->NewIterator(RangeOf(prefix));
    it->Seek(prefix);
    bool any = it->Valid();
    RETURN_IF_ERROR(it->status());
    return any;
  }

  // Returns the first of `count` consecutive fresh sequence numbers.
  Result<uint64_t> AllocateSequences(uint64_t count) {
    std::lock_guard lock(seq_mu_);
    if (next_seq_ + count > reserved_seq_) {
      uint64_t reserve = next_seq_ + std::max(count, kSequenceBlock);
      std::string value;
      AppendDecimal(&value, reserve);
      // Durable before any sequence of the block is used, so none is ever handed out twice.
      RETURN_IF_ERROR(db_->Put(meta::MetaKey(meta::kMetaSequenceReserved), value,
                               {.sync = true, .disable_wal = false}));
      reserved_seq_ = reserve;
    }
    uint64_t first = next_seq_;
    next_seq_ += count;
    return first;
  }

  // Blobs claimed for a commit, with their encryption modes.
  using ClaimedBlobs = std::vector<std::pair<std::string, std::string>>;

  Status ClaimBlobs(const std::vector<std::string>& ids, ClaimedBlobs* claimed) {
    for (const auto& id : ids) {
      std::string encryption;
      if (!pending_.Claim(id, &encryption)) {
        ReturnBlobs(*claimed);
        claimed->clear();
        return Status::InvalidArgument("blob " + id +
                                       " is not a finished, uncommitted blob of this store");
      }
      claimed->emplace_back(id, std::move(encryption));
    }
    return Status::OK();
  }

  void ReturnBlobs(const ClaimedBlobs& claimed) {
    for (const auto& [id, encryption] : claimed) pending_.Add(id, encryption);
  }

  // The encryption a version records is what its blobs really are: an empty one is filled from
  // the blobs, a different one refused (the data could not be read as the record says).
  static Status AdoptBlobEncryption(const ClaimedBlobs& claimed, ObjectVersion* v) {
    for (const auto& [id, encryption] : claimed) {
      if (encryption.empty()) continue;  // a plaintext blob (tests of the file layer)
      if (v->encryption.empty()) v->encryption = encryption;
      if (v->encryption != encryption) {
        return Status::InvalidArgument("blob " + id + " is encrypted with " + encryption +
                                       ", not " + v->encryption);
      }
    }
    return Status::OK();
  }

  // Encryption belongs to the data: metadata updates and completions cannot change it.
  static void KeepEncryption(const ObjectVersion& from, ObjectVersion* to) {
    to->encryption = from.encryption;
    to->kms_key_id = from.kms_key_id;
    to->kms_context = from.kms_context;
    to->bucket_key_enabled = from.bucket_key_enabled;
    to->sse_customer_key_hmac = from.sse_customer_key_hmac;
  }

  void RemoveBlobs(const std::vector<std::string>& ids) {
    // After the commit: a failure leaves an unreferenced file, which the next start-up removes.
    for (const auto& id : ids) files_.Remove(id).IgnoreError();
  }

  // The end of a write that claimed `claimed`: committed (`st` OK), the blobs it replaced
  // (`dead`) are removed; not committed, the claimed blobs are the caller's again.
  Status SettleBlobs(const Status& st, const ClaimedBlobs& claimed,
                     const std::vector<std::string>& dead) {
    if (!st.ok()) {
      ReturnBlobs(claimed);
      return st;
    }
    RemoveBlobs(dead);
    return Status::OK();
  }

  // Adds `v` as the newest version of its key to `batch` following the bucket's versioning state,
  // and removes the null version it replaces (unversioned/suspended). Fills v->version_id and
  // v->last_modified_ms. Caller holds the key's stripe lock and commits the batch.
  Result<PutResult> AddVersionLocked(const Bucket& bucket, ObjectVersion* v, WriteBatch* batch,
                                     std::vector<std::string>* dead_blobs) {
    if (v->last_modified_ms == 0) v->last_modified_ms = options_.clock->NowMillis();
    ASSIGN_OR_RETURN(uint64_t seq, AllocateSequences(1));
    if (bucket.versioning == Versioning::kEnabled) {
      v->version_id = meta::MakeVersionId(seq);
    } else {
      v->version_id.clear();
      ASSIGN_OR_RETURN(std::optional<StoredVersion> old, FindNullVersion(v->bucket, v->key));
      if (old) {
        ASSIGN_OR_RETURN(ObjectVersion old_version, Materialize(v->bucket, v->key, *old));
        RemoveVersion(*old, old_version, batch, dead_blobs);
      }
    }
    std::string row = meta::ObjectRowKey(v->bucket, v->key, seq);
    std::string record;
    meta::EncodeObjectRecord(*v, &record);
    batch->Put(row, record);
    for (const auto& id : BlobsOf(*v)) batch->Put(meta::BlobRefKey(id), row);
    return PutResult{v->version_id};
  }

  static void RemoveVersion(const StoredVersion& row, const ObjectVersion& v, WriteBatch* batch,
                            std::vector<std::string>* dead_blobs) {
    batch->Delete(row.row_key);
    for (const auto& id : BlobsOf(v)) {
      batch->Delete(meta::BlobRefKey(id));
      dead_blobs->push_back(id);
    }
  }

  Result<ObjectVersion> Materialize(std::string_view bucket, std::string_view key,
                                    const StoredVersion& row) {
    ObjectVersion v;
    if (!meta::DecodeObjectRecord(row.record, row.seq, &v)) return CorruptRow("object");
    v.bucket.assign(bucket);
    v.key.assign(key);
    v.is_latest = row.is_latest;
    return v;
  }

  // The first row of a key (its latest version), or nullopt.
  Result<std::optional<StoredVersion>> FindLatest(std::string_view bucket, std::string_view key) {
    std::string prefix = meta::ObjectVersionsPrefix(bucket, key);
    auto it = db_->NewIterator(RangeOf(prefix));
    it->Seek(prefix);
    if (!it->Valid()) {
      RETURN_IF_ERROR(it->status());
      return std::optional<StoredVersion>();
    }
    StoredVersion s;
    s.row_key.assign(it->key());
    std::string_view suffix = std::string_view(s.row_key).substr(prefix.size());
    if (!meta::ConsumeInvertedSequence(&suffix, &s.seq)) return CorruptRow("object");
    s.record.assign(it->value());
    s.is_latest = true;
    return std::optional<StoredVersion>(std::move(s));
  }

  // The null version of a key, or nullopt. Unversioned buckets hold only null versions, so this
  // stops at the first row; in suspended/enabled buckets it walks the key's versions.
  Result<std::optional<StoredVersion>> FindNullVersion(std::string_view bucket,
                                                       std::string_view key) {
    std::string prefix = meta::ObjectVersionsPrefix(bucket, key);
    auto it = db_->NewIterator(RangeOf(prefix));
    bool first = true;
    for (it->Seek(prefix); it->Valid(); it->Next(), first = false) {
      if ((meta::PeekObjectFlags(it->value()) & meta::kObjectFlagNullVersion) == 0) continue;
      StoredVersion s;
      s.row_key.assign(it->key());
      std::string_view suffix = std::string_view(s.row_key).substr(prefix.size());
      if (!meta::ConsumeInvertedSequence(&suffix, &s.seq)) return CorruptRow("object");
      s.record.assign(it->value());
      s.is_latest = first;
      return std::optional<StoredVersion>(std::move(s));
    }
    RETURN_IF_ERROR(it->status());
    return std::optional<StoredVersion>();
  }

  // Latest (nullopt), the null version ("null" or ""), or a version id (InvalidArgument when
  // malformed). The random part of an id is not checked here (see callers).
  Result<std::optional<StoredVersion>> LocateVersion(std::string_view bucket, std::string_view key,
                                                     std::optional<std::string_view> version_id) {
    if (!version_id) return FindLatest(bucket, key);
    if (IsNullId(*version_id)) return FindNullVersion(bucket, key);
    auto parts = meta::ParseVersionId(*version_id);
    if (!parts) return Status::InvalidArgument("invalid version id");
    StoredVersion s;
    s.row_key = meta::ObjectRowKey(bucket, key, parts->seq);
    s.seq = parts->seq;
    Status st = db_->Get(s.row_key, &s.record);
    if (st.IsNotFound()) return std::optional<StoredVersion>();
    RETURN_IF_ERROR(st);
    ASSIGN_OR_RETURN(std::optional<StoredVersion> latest, FindLatest(bucket, key));
    s.is_latest = latest && latest->seq == s.seq;
    return std::optional<StoredVersion>(std::move(s));
  }

  // The rows of ListObjectVersions: every version and delete marker under options.prefix after
  // the (key_marker, version_id_marker) position, by key then newest first.
  // visit(key, seq, record, is_latest) returns false to stop; its errors end the scan.
  template <typename Visit>
  Status ForEachVersion(std::string_view bucket, const ListVersionsOptions& options,
                        Visit&& visit) {
    std::string base = meta::ObjectBucketPrefix(bucket);
    std::string range = meta::ObjectKeyRangePrefix(bucket, options.prefix);
    std::string start = range;
    // When the listing resumes in the middle of a key, its first row may or may not be the
    // key's latest version; that one row needs a lookup.
    bool resume_mid_key = false;
    if (!options.key_marker.empty()) {
      std::string after;
      if (options.version_id_marker.empty()) {
        after = meta::ObjectKeySuccessor(bucket, options.key_marker);
      } else if (IsNullId(options.version_id_marker)) {
        ASSIGN_OR_RETURN(std::optional<StoredVersion> null_version,
                         FindNullVersion(bucket, options.key_marker));
        after = null_version ? null_version->row_key + '\0'
                             : meta::ObjectKeySuccessor(bucket, options.key_marker);
        resume_mid_key = null_version.has_value();
      } else {
        auto parts = meta::ParseVersionId(options.version_id_marker);
        if (!parts) return Status::InvalidArgument("invalid version id marker");
        // A marker whose version was deleted meanwhile still has a well-defined position:
        // versions are ordered by sequence, which the id carries.
        after = meta::ObjectRowKey(bucket, options.key_marker, parts->seq) + '\0';
        resume_mid_key = true;
      }
      start = std::max(start, after);
    }

    auto it = db_->NewIterator(RangeOf(range));
    std::string key;
    std::string previous_key;
    bool first = true;
    for (it->Seek(start); it->Valid(); it->Next()) {
      uint64_t seq;
      if (!meta::ParseObjectRowSuffix(it->key().substr(base.size()), &key, &seq)) {
        return CorruptRow("object");
      }
      bool is_latest;
      if (first && resume_mid_key && key == options.key_marker) {
        ASSIGN_OR_RETURN(std::optional<StoredVersion> latest,
                         LocateVersion(bucket, key, std::nullopt));
        is_latest = latest && latest->seq == seq;
      } else {
        is_latest = first || key != previous_key;
      }
      first = false;
      ASSIGN_OR_RETURN(bool go_on, visit(key, seq, it->value(), is_latest));
      if (!go_on) break;
      previous_key.swap(key);
    }
    return it->status();
  }

  // The rows of ListObjects: the latest version of each key under options.prefix after
  // options.start_after, unless it is a delete marker, in key order. visit(key, seq, record)
  // returns false to stop; its errors end the scan.
  template <typename Visit>
  Status ForEachLatestObject(std::string_view bucket, const ListOptions& options, Visit&& visit) {
    std::string base = meta::ObjectBucketPrefix(bucket);
    std::string range = meta::ObjectKeyRangePrefix(bucket, options.prefix);
    std::string start = range;
    if (!options.start_after.empty()) {
      start = std::max(start, meta::ObjectKeySuccessor(bucket, options.start_after));
    }
    auto it = db_->NewIterator(RangeOf(range));
    std::string key;
    std::string versions_prefix;
    it->Seek(start);
    while (it->Valid()) {
      // Invariant: the iterator is at the first (newest) row of a key.
      std::string_view row = it->key();
      uint64_t seq;
      if (!meta::ParseObjectRowSuffix(row.substr(base.size()), &key, &seq)) {
        return CorruptRow("object");
      }
      if ((meta::PeekObjectFlags(it->value()) & meta::kObjectFlagDeleteMarker) == 0) {
        ASSIGN_OR_RETURN(bool go_on, visit(key, seq, it->value()));
        if (!go_on) break;
      }
      versions_prefix.assign(VersionsPrefixOf(row));
      SkipVersions(it.get(), versions_prefix);
    }
    return it->status();
  }

  // Moves `it` from the first row of a key to the first row of the next key.
  static void SkipVersions(meta::Iterator* it, std::string_view versions_prefix) {
    for (int i = 0; i < kNextsBeforeSeek; ++i) {
      it->Next();
      if (!it->Valid() || !StartsWith(it->key(), versions_prefix)) return;
    }
    // Many versions (or delete markers): jump past them all. The prefix ends in the terminator
    // 0x00 0x01; with 0x02 it sorts after every version of this key and before the next key.
    std::string next(versions_prefix);
    next.back() = static_cast<char>(meta::kTerminator + 1);
    it->Seek(next);
  }

  Result<MultipartUpload> LoadUpload(std::string_view upload_id) {
    std::string row;
    Status st = db_->Get(meta::UploadIndexKey(upload_id), &row);
    if (st.IsNotFound()) return Status::NotFound("no such upload");
    RETURN_IF_ERROR(st);
    std::string record;
    st = db_->Get(row, &record);
    if (st.IsNotFound()) return Status::Corruption("upload index points at no upload");
    RETURN_IF_ERROR(st);
    MultipartUpload u;
    if (!meta::ParseUploadRowKey(row, &u.bucket, &u.key, &u.upload_id) ||
        !meta::DecodeUploadRecord(record, &u)) {
      return CorruptRow("upload");
    }
    return u;
  }

  Result<std::vector<Part>> LoadParts(std::string_view upload_id) {
    std::vector<Part> out;
    std::string prefix = meta::PartPrefix(upload_id);
    auto it = db_->NewIterator(RangeOf(prefix));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string_view suffix = it->key().substr(prefix.size());
      if (suffix.size() != 4) return CorruptRow("part");
      Part p;
      for (char c : suffix) p.part_number = (p.part_number << 8) | static_cast<uint8_t>(c);
      if (!meta::DecodePartRecord(it->value(), &p)) return CorruptRow("part");
      out.push_back(std::move(p));
    }
    RETURN_IF_ERROR(it->status());
    return out;
  }

  // Deletes every file in blobs/ without a reference row: blobs renamed into place by a process
  // that crashed before its metadata commit, or whose unlink after a commit did not happen.
  // Both the shard listing and the 'b' rows of a shard are sorted, so this is a merge join.
  Status SweepOrphanBlobs() {
    for (int shard = 0; shard < data::kShardCount; ++shard) {
      ASSIGN_OR_RETURN(std::vector<std::string> names, files_.ListShard(shard));
      if (names.empty()) continue;
      std::string prefix = meta::BlobRefKey(data::BlobFiles::ShardName(shard));
      auto it = db_->NewIterator(RangeOf(prefix));
      it->Seek(prefix);
      for (const std::string& name : names) {
        while (it->Valid() && it->key().substr(1) < std::string_view(name)) it->Next();
        RETURN_IF_ERROR(it->status());
        if (it->Valid() && it->key().substr(1) == std::string_view(name)) continue;
        RETURN_IF_ERROR(files_.Remove(name, shard));
      }
    }
    return Status::OK();
  }

  StoreOptions options_;
  std::unique_ptr<meta::MetaDb> db_;
  data::BlobFiles files_;
  data::PendingBlobs pending_;
  meta::SecretCipher cipher_;
  Keyring keyring_;  // after db_ and cipher_, which it uses

  std::shared_mutex bucket_mu_;
  std::array<std::mutex, kLockStripes> object_stripes_;
  std::array<std::mutex, kLockStripes> upload_stripes_;

  std::mutex seq_mu_;
  uint64_t next_seq_ = 1;      // guarded by seq_mu_
  uint64_t reserved_seq_ = 1;  // sequences below this are durably reserved
};

Status ObjectStoreImpl::Init() {
  RETURN_IF_ERROR(files_.Prepare());
  RETURN_IF_ERROR(files_.ClearTmp());

  // Format check: refuse a directory written by an incompatible layout rather than misread it.
  std::string version;
  Status st = db_->Get(meta::MetaKey(meta::kMetaFormatVersion), &version);
  if (st.IsNotFound()) {
    RETURN_IF_ERROR(db_->Put(meta::MetaKey(meta::kMetaFormatVersion), meta::kFormatVersion,
                             {.sync = true, .disable_wal = false}));
  } else {
    RETURN_IF_ERROR(st);
    if (version != meta::kFormatVersion) {
      return Status::FailedPrecondition("metadata format version " + version +
                                        " is not supported (expected " +
                                        std::string(meta::kFormatVersion) + ")");
    }
  }

  std::string reserved;
  st = db_->Get(meta::MetaKey(meta::kMetaSequenceReserved), &reserved);
  if (st.ok()) {
    uint64_t value = 0;
    for (char c : reserved) {
      if (c < '0' || c > '9') return CorruptRow("sequence");
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    // Sequences below the reservation may have been used before the restart: start above it.
    next_seq_ = std::max<uint64_t>(value, 1);
    reserved_seq_ = next_seq_;
  } else if (!st.IsNotFound()) {
    return st;
  }
  return SweepOrphanBlobs();
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> ObjectStore::Open(const StoreOptions& options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("empty data directory");
  RETURN_IF_ERROR(io::CreateDirectories(options.data_dir));
  // RocksDB first: its LOCK file makes a second process fail here, before the clean-up below
  // could delete the first process's in-flight blobs.
  ASSIGN_OR_RETURN(std::unique_ptr<meta::MetaDb> db,
                   meta::MetaDb::Open(options.data_dir + "/" + std::string(kMetaDir), {}));
  ASSIGN_OR_RETURN(
      meta::SecretCipher cipher,
      meta::SecretCipher::OpenOrCreate(options.data_dir + "/" + std::string(kMasterKeyFile)));
  auto store = std::make_unique<ObjectStoreImpl>(options, std::move(db), std::move(cipher));
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<ObjectStore>(std::move(store));
}

Status BulkLoadForBenchmark(ObjectStore& store, const std::vector<ObjectVersion>& versions) {
  auto* impl = dynamic_cast<ObjectStoreImpl*>(&store);
  if (impl == nullptr) {
    return Status::InvalidArgument("BulkLoadForBenchmark: not the RocksDB store");
  }
  return impl->BulkLoadForBenchmark(versions);
}

Result<StoreStats> GetStatsForBenchmark(ObjectStore& store, bool compact) {
  auto* impl = dynamic_cast<ObjectStoreImpl*>(&store);
  if (impl == nullptr) {
    return Status::InvalidArgument("GetStatsForBenchmark: not the RocksDB store");
  }
  return impl->GetStatsForBenchmark(compact);
}

}  // namespace stocktake::store
