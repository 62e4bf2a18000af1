// ObjectStore: Stocktake's storage engine. Metadata lives in one RocksDB instance (keys encoded to
// preserve order, see docs/formats.md); object bytes live in blob files written to a temp name,
// fsynced and renamed before the metadata commit, so an acknowledged write survives a crash and an
// unacknowledged one is never visible. S3 ops and inventory use only this API, never RocksDB.
// The value types (Account, Bucket, ObjectVersion, ...) are in store/types.h; the loading and
// measuring hooks of benchmarks and tests in store/benchmark_hooks.h.
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/types.h"

namespace stocktake::store {

// A blob being written. Write() streams bytes to a temp file; Finish() fsyncs it and moves it
// into the blob directory; only then may it be committed with PutObject/PutPart, exactly once
// (committing an unknown or already committed blob fails with InvalidArgument). A blob that is
// never committed is deleted by Abandon(), the destructor, or the next start-up; once committed,
// Abandon() and the destructor leave it alone. Must not outlive its ObjectStore.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Write(std::string_view data) = 0;
  virtual Status Finish() = 0;
  virtual void Abandon() = 0;
  virtual const std::string& blob_id() const = 0;
  virtual uint64_t size() const = 0;
  virtual std::string md5_hex() const = 0;  // valid after Finish()
};

// Reads a blob (or a byte range of it) in chunks.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  // Reads up to max_bytes at the current position; empty result = end.
  virtual Result<std::string_view> Read(size_t max_bytes) = 0;
};

struct PutResult {
  std::string version_id;  // "" when the bucket is unversioned
};

struct DeleteResult {
  bool delete_marker = false;  // a delete marker was created or removed
  std::string version_id;      // version id of the created marker / deleted version
};

struct ListOptions {
  std::string prefix;
  std::string start_after;  // exclusive; keys strictly greater
  size_t max_keys = 1000;
};

// What a listing (ListObjects, ListObjectsV2, ListObjectVersions) shows of a version, decoded
// without the rest of its record. The views point into the store's iterator and buffers: valid
// only during the visitor call that hands them out.
struct ListedVersion {
  std::string_view key;
  std::string_view version_id;  // "" = the null version
  bool is_delete_marker = false;
  bool is_latest = false;
  uint64_t size = 0;
  int64_t last_modified_ms = 0;
  std::string_view etag;  // without quotes
  std::string_view storage_class;
  std::string_view owner_account_id;
  std::string_view checksum_algorithm;
  std::string_view checksum_type;
};
// Called once per listed version; returns false to stop the listing.
using ListedVersionVisitor = std::function<bool(const ListedVersion&)>;

// Listing of versions: (key, version) position to start after, exclusive.
struct ListVersionsOptions {
  std::string prefix;
  std::string key_marker;
  std::string version_id_marker;
  size_t max_keys = 1000;
};

// Consistent scan over (part of) one bucket at one instant: every version, ordered by key then
// newest version first, restricted to a prefix. Constant memory; decoding is done into `out`.
class SnapshotScan {
 public:
  virtual ~SnapshotScan() = default;
  // Fills *out with the next version; returns false at the end (check status()).
  virtual bool Next(ObjectVersion* out) = 0;
  virtual Status status() const = 0;
  // Wall-clock time at which the snapshot was taken.
  virtual int64_t snapshot_ms() const = 0;
};

struct StoreOptions {
  std::string data_dir;
  Clock* clock = SystemClock::Default();
  // Sync RocksDB writes of acknowledged operations (off only for benchmark bulk loads).
  bool sync_writes = true;
};

// Access times are kept to this precision (ObjectStore::RecordAccess): Intelligent-Tiering moves
// objects after 30 and 90 days without access, so a day is plenty.
inline constexpr int64_t kAccessRecordIntervalMs = 24 * 3600 * 1000;

class ObjectStore {
 public:
  static Result<std::unique_ptr<ObjectStore>> Open(const StoreOptions& options);
  virtual ~ObjectStore() = default;

  // Accounts and keys.
  virtual Status PutAccount(const Account& account) = 0;
  virtual Result<Account> GetAccount(std::string_view account_id) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;
  virtual Status PutAccessKey(const AccessKey& key) = 0;
  virtual Result<AccessKey> GetAccessKey(std::string_view access_key_id) = 0;
  // The account's keys (all keys when account_id is empty), by key id, secrets left empty: a
  // listing never needs them, so they stay sealed.
  virtual Result<std::vector<AccessKey>> ListAccessKeys(std::string_view account_id) = 0;
  virtual Status DeleteAccessKey(std::string_view access_key_id) = 0;  // NotFound if absent
  // Removes the account and its access keys. NotFound if absent; FailedPrecondition while the
  // account owns a bucket (its data would be left without an owner).
  virtual Status DeleteAccount(std::string_view account_id) = 0;

  // Buckets. CreateBucket fails with AlreadyExists; DeleteBucket with FailedPrecondition when
  // any version remains, and otherwise removes the bucket's incomplete multipart uploads (with
  // their parts) and inventory configurations with it.
  virtual Status CreateBucket(const Bucket& bucket) = 0;
  virtual Result<Bucket> GetBucket(std::string_view name) = 0;
  virtual Status UpdateBucket(const Bucket& bucket) = 0;  // NotFound if absent
  virtual Result<std::vector<Bucket>> ListBuckets() = 0;  // sorted by name
  virtual Status DeleteBucket(std::string_view name) = 0;

  // Object data. Every new blob is encrypted at rest (docs/formats.md §1.1): NewBlob() with
  // SSE-S3, NewBlob(encryption) as asked (NotFound for an unknown KMS key, InvalidArgument for a
  // bad mode or customer key). The blob's mode is the encryption of the version that commits it:
  // PutObject fills an empty ObjectVersion::encryption from it and refuses a different one.
  Result<std::unique_ptr<BlobWriter>> NewBlob() { return NewBlob(BlobEncryption()); }
  virtual Result<std::unique_ptr<BlobWriter>> NewBlob(const BlobEncryption& encryption) = 0;
  // Opens [offset, offset+length) of a blob; length = UINT64_MAX reads to the end. NotFound if
  // the blob does not exist; a range past the end reads as empty. An SSE-C blob needs its
  // customer key. Corruption when the data fails authentication.
  Result<std::unique_ptr<BlobReader>> OpenBlob(std::string_view blob_id, uint64_t offset,
                                               uint64_t length) {
    return OpenBlob(blob_id, offset, length, {});
  }
  virtual Result<std::unique_ptr<BlobReader>> OpenBlob(std::string_view blob_id, uint64_t offset,
                                                       uint64_t length,
                                                       std::string_view customer_key) = 0;
  // Opens [offset, offset+length) of an object version's data, whether it is one blob, the
  // concatenation of multipart part blobs (ranges may span part boundaries) or empty. Use this,
  // not OpenBlob, to serve GET. An SSE-C version needs its customer key (PermissionDenied when
  // it does not match the version's sse_customer_key_hmac).
  Result<std::unique_ptr<BlobReader>> OpenObjectData(const ObjectVersion& version, uint64_t offset,
                                                     uint64_t length) {
    return OpenObjectData(version, offset, length, {});
  }
  virtual Result<std::unique_ptr<BlobReader>> OpenObjectData(const ObjectVersion& version,
                                                             uint64_t offset, uint64_t length,
                                                             std::string_view customer_key) = 0;

  // The built-in key service (SSE-KMS, DSSE-KMS). CreateKmsKey makes a key of `account_id`
  // whose ARN names `region`. GetKmsKey finds a key by key id or ARN; NotFound otherwise.
  // DefaultKmsKey is the account's default S3 key (alias aws/s3), created on first use.
  virtual Result<KmsKey> CreateKmsKey(std::string_view account_id, std::string_view region,
                                      std::string_view description) = 0;
  virtual Result<KmsKey> GetKmsKey(std::string_view key_id_or_arn) = 0;
  virtual Result<KmsKey> DefaultKmsKey(std::string_view account_id, std::string_view region) = 0;
  virtual Result<std::vector<KmsKey>> ListKmsKeys(std::string_view account_id) = 0;
  // Replaces the key policy of a key (by key id or ARN; NotFound otherwise). The caller checks
  // the document; the default key (alias aws/s3) keeps its policy (PermissionDenied), as AWS
  // managed keys do.
  virtual Status PutKmsKeyPolicy(std::string_view key_id_or_arn, std::string_view policy) = 0;

  // Commits a new version (its blob must be Finish()ed). Follows the bucket's versioning state:
  // unversioned/suspended replace the null version, enabled assigns a fresh version id. Sets
  // last_modified_ms from the clock when 0. The replaced blob is deleted after the commit.
  virtual Result<PutResult> PutObject(ObjectVersion version) = 0;
  // Latest version (version_id = nullopt) or a given one ("null" = the null version). NotFound
  // when absent (the bucket's existence is not checked: load the bucket first); InvalidArgument
  // for a malformed version id; a latest version that is a delete marker is returned as such.
  virtual Result<ObjectVersion> GetObject(std::string_view bucket, std::string_view key,
                                          std::optional<std::string_view> version_id) = 0;
  // Without version_id: versioned -> adds a delete marker; unversioned -> removes the object.
  // With version_id: removes that version permanently; OK (delete_marker=false) when it does not
  // exist, InvalidArgument when malformed. Null versions are reported with version_id "".
  // Object Lock guard: removing a version under an active COMPLIANCE retention or a legal hold is
  // PermissionDenied, whoever asks (GOVERNANCE can be bypassed, so the S3 layer checks it).
  virtual Result<DeleteResult> DeleteObject(std::string_view bucket, std::string_view key,
                                            std::optional<std::string_view> version_id) = 0;
  // Replaces metadata of an existing version in place (tags, ACL, retention...).
  virtual Status UpdateObjectVersion(const ObjectVersion& version) = 0;
  // Replication (issue 6): commits `version`, the copy of a version of another bucket, under its
  // own version id into a versioning-enabled bucket (FailedPrecondition otherwise), leaving every
  // other version of the key alone. The id must be one of this store (InvalidArgument otherwise):
  // its sequence orders the replica among the key's versions as on the source. A version already
  // stored under that id is replaced (a retried replication). Blobs are committed as PutObject's.
  virtual Status PutReplica(ObjectVersion version) = 0;
  // Read-modify-write of one version's metadata under the key's lock, so that concurrent updates
  // (retention, legal hold, ACL, access time, restore) never lose one another. `mutate` gets the
  // stored version (version_id as GetObject: nullopt = latest, "null" = null version) and the
  // store clock's time; a non-OK Status from it is returned and nothing is written. Fields that
  // identify the data stay as stored (as UpdateObjectVersion). Object Lock guard: an active
  // COMPLIANCE retention cannot be removed, shortened or turned into GOVERNANCE
  // (PermissionDenied). Returns the version as written.
  virtual Result<ObjectVersion> ModifyObjectVersion(
      std::string_view bucket, std::string_view key, std::optional<std::string_view> version_id,
      const std::function<Status(ObjectVersion* version, int64_t now_ms)>& mutate) = 0;
  // Records a read of `version` (as loaded) for Intelligent-Tiering: sets last_access_ms to the
  // store clock's time when the recorded access (or the creation) is kAccessRecordIntervalMs old
  // or more; otherwise returns at once without I/O, so a hot object costs one write a day.
  virtual Status RecordAccess(const ObjectVersion& version) = 0;

  // Latest non-delete-marker versions in key order, after start_after, with the prefix: at most
  // max_keys of them; *truncated tells whether more exist.
  virtual Result<std::vector<ObjectVersion>> ListObjects(std::string_view bucket,
                                                         const ListOptions& options,
                                                         bool* truncated) = 0;
  // ListObjects for listings that render each version once: calls `visit` for the same versions
  // (prefix, start_after; max_keys is not used), in key order, until it returns false or the
  // range ends. No ObjectVersion is built: per version, only the listed fields are decoded.
  virtual Status VisitObjects(std::string_view bucket, const ListOptions& options,
                              const ListedVersionVisitor& visit) = 0;
  virtual Result<std::vector<ObjectVersion>> ListObjectVersions(std::string_view bucket,
                                                                const ListVersionsOptions& options,
                                                                bool* truncated) = 0;
  // ListObjectVersions as VisitObjects is ListObjects: the same versions and delete markers
  // (max_keys is not used), streamed to `visit` until it returns false or the range ends.
  virtual Status VisitObjectVersions(std::string_view bucket, const ListVersionsOptions& options,
                                     const ListedVersionVisitor& visit) = 0;

  // Multipart uploads.
  virtual Result<std::string> CreateMultipartUpload(const MultipartUpload& upload) = 0;
  virtual Result<MultipartUpload> GetMultipartUpload(std::string_view bucket, std::string_view key,
                                                     std::string_view upload_id) = 0;
  virtual Status PutPart(std::string_view upload_id, const Part& part) = 0;     // replaces
  virtual Result<std::vector<Part>> ListParts(std::string_view upload_id) = 0;  // by number
  // Commits the object assembled from the named parts (already validated by the caller) and
  // removes the upload; unused parts' blobs are deleted.
  virtual Result<PutResult> CompleteMultipartUpload(std::string_view upload_id,
                                                    const std::vector<uint32_t>& part_numbers,
                                                    ObjectVersion version) = 0;
  virtual Status AbortMultipartUpload(std::string_view upload_id) = 0;
  virtual Result<std::vector<MultipartUpload>> ListMultipartUploads(std::string_view bucket) = 0;

  // Inventory configurations (documents owned by the inventory module), sorted by id.
  virtual Status PutInventoryConfig(std::string_view bucket, std::string_view id,
                                    std::string_view document) = 0;
  virtual Result<std::string> GetInventoryConfig(std::string_view bucket, std::string_view id) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListInventoryConfigs(
      std::string_view bucket) = 0;
  virtual Status DeleteInventoryConfig(std::string_view bucket, std::string_view id) = 0;
  virtual Status PutInventoryRun(const InventoryRunRecord& run) = 0;
  virtual Result<std::vector<InventoryRunRecord>> ListInventoryRuns(std::string_view bucket,
                                                                    std::string_view config_id) = 0;

  // One consistent scan of `bucket` under `prefix`, split into at most `max_parts` parts (one per
  // thread) that cover disjoint key ranges in key order, of about equal metadata size. All parts
  // read the same snapshot; all versions of a key fall in one part. Small ranges get one part.
  virtual Result<std::vector<std::unique_ptr<SnapshotScan>>> NewSnapshotScans(
      std::string_view bucket, std::string_view prefix, int max_parts) = 0;
  // The whole range as one scan.
  Result<std::unique_ptr<SnapshotScan>> NewSnapshotScan(std::string_view bucket,
                                                        std::string_view prefix) {
    ASSIGN_OR_RETURN(auto scans, NewSnapshotScans(bucket, prefix, 1));
    return std::move(scans.front());
  }
};

}  // namespace stocktake::store
