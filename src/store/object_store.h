// ObjectStore: Stocktake's storage engine. Metadata lives in one RocksDB instance (keys encoded to
// preserve order, see docs/formats.md); object bytes live in blob files written to a temp name,
// fsynced and renamed before the metadata commit, so an acknowledged write survives a crash and an
// unacknowledged one is never visible. S3 ops and inventory use only this API, never RocksDB.
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

namespace stocktake::store {

// ---- Accounts -----------------------------------------------------------------------------------

struct Account {
  std::string account_id;    // 12 decimal digits
  std::string canonical_id;  // 64 lower-case hex
  std::string name;
};

struct AccessKey {
  std::string access_key_id;
  std::string secret_key;  // kept encrypted at rest by the store; plain in memory
  std::string account_id;
  bool enabled = true;
};

// ---- Buckets ------------------------------------------------------------------------------------

enum class Versioning : uint8_t { kUnversioned = 0, kEnabled = 1, kSuspended = 2 };

struct Bucket {
  std::string name;
  std::string owner_account_id;
  std::string region;
  int64_t created_ms = 0;
  Versioning versioning = Versioning::kUnversioned;
  bool object_lock_enabled = false;
  // Sub-resource documents stored verbatim by name ("policy", "encryption", "tagging", "acl",
  // "ownership", "lifecycle", "object-lock"...); the S3 layer owns their meaning.
  std::vector<std::pair<std::string, std::string>> attributes;

  const std::string* FindAttribute(std::string_view name) const;
};

// ---- Server-side encryption ---------------------------------------------------------------------

// SSE modes, spelled as ObjectVersion::encryption and the inventory's EncryptionStatus.
inline constexpr std::string_view kSseS3 = "SSE-S3";
inline constexpr std::string_view kSseKms = "SSE-KMS";
inline constexpr std::string_view kDsseKms = "DSSE-KMS";
inline constexpr std::string_view kSseC = "SSE-C";

// How the bytes of a new blob are encrypted at rest. The store encrypts every blob it writes
// (AES-256-GCM in 64 KiB chunks with a per-blob data key, docs/formats.md §1.1); SSE-S3 is the
// default, as on AWS since 2023-01-05.
struct BlobEncryption {
  std::string mode = std::string(kSseS3);  // one of the kSse* modes
  std::string kms_key_id;                  // KMS modes: key id or ARN of a key of the store
  std::string kms_context;                 // KMS modes: encryption context, bound to the data key
  std::string customer_key;                // SSE-C: the customer's 32-byte key; never stored
};

// A key of the built-in key service (SSE-KMS, DSSE-KMS). Its material never leaves the store,
// which keeps it sealed by the master key.
struct KmsKey {
  std::string key_id;  // a UUID
  std::string arn;     // arn:aws:kms:<region>:<account>:key/<key_id>
  std::string account_id;
  std::string description;
  std::string alias;  // "aws/s3" for an account's default S3 key, else ""
  int64_t created_ms = 0;
  // The key policy (JSON, verbatim as put); "" = none set, which means AWS's default key policy
  // (the key's account may do kms:*). The store keeps it; s3/kms_policy.h interprets it.
  std::string policy;
};

// ---- Objects ------------------------------------------------------------------------------------

// One version of one object (or a delete marker). Field order here is not the on-disk order;
// the record codec (store/meta/record_codec.h) owns the encoding.
struct ObjectVersion {
  std::string bucket;
  std::string key;
  std::string version_id;  // "" = the null version
  bool is_delete_marker = false;
  bool is_latest = false;  // filled by reads, not stored
  uint64_t size = 0;
  int64_t last_modified_ms = 0;
  std::string etag;  // without quotes: hex MD5, or hex-N for multipart
  std::string storage_class = "STANDARD";
  bool is_multipart = false;
  uint32_t part_count = 0;
  std::string owner_account_id;
  // Standard content headers, stored as sent.
  std::string content_type;
  std::string content_encoding;
  std::string content_disposition;
  std::string content_language;
  std::string cache_control;
  std::string expires;
  std::vector<std::pair<std::string, std::string>> user_metadata;  // x-amz-meta-*, lower-cased
  std::vector<std::pair<std::string, std::string>> tags;
  // Flexible checksum (x-amz-checksum-*): algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256),
  // base64 value, and type (FULL_OBJECT or COMPOSITE).
  std::string checksum_algorithm;
  std::string checksum_value;
  std::string checksum_type;
  // Per-part sizes of a multipart object (for partNumber reads); empty otherwise.
  std::vector<uint64_t> part_sizes;
  // Server-side encryption: the mode of the data's blobs ("" only for versions written before
  // encryption at rest existed, whose blobs are plaintext), the KMS key ARN (KMS modes) and
  // whether an S3 Bucket Key was asked for (SSE-KMS).
  std::string encryption;  // "", "SSE-S3", "SSE-KMS", "DSSE-KMS", "SSE-C"
  std::string kms_key_id;
  bool bucket_key_enabled = false;
  // Features of later issues, stored and reported once their S3 APIs exist.
  std::string replication_status;
  std::string object_lock_mode;             // "", "GOVERNANCE", "COMPLIANCE"
  int64_t object_lock_retain_until_ms = 0;  // 0 = none
  std::string object_lock_legal_hold;       // "", "ON", "OFF"
  std::string acl;      // serialized ACL document, "" = private (owner FULL_CONTROL)
  // SSE-KMS/DSSE-KMS: the encryption context given at creation (JSON), "" = none.
  std::string kms_context;
  // SSE-C: a salted HMAC of the customer's key (store/sse.h), to check the key given on reads.
  // The key itself is never stored.
  std::string sse_customer_key_hmac;
  // Intelligent-Tiering: when the data was last read (0 = never since creation; then the
  // creation time counts). Refreshed at most once a day (ObjectStore::RecordAccess).
  int64_t last_access_ms = 0;
  // Archived storage classes (GLACIER, DEEP_ARCHIVE): a RestoreObject makes a temporary copy
  // readable from restore_ready_ms until restore_expiry_ms (both 0 = never restored).
  int64_t restore_ready_ms = 0;
  int64_t restore_expiry_ms = 0;
  // Object Lock event hold (2026): "", "ON", "OFF", with its duration in days or in years (one
  // of them non-zero). While ON the version is retained until now + duration; releasing the hold
  // sets object_lock_retain_until_ms to the release time + duration.
  std::string object_lock_event_hold;
  uint32_t object_lock_event_hold_days = 0;
  uint32_t object_lock_event_hold_years = 0;
  std::string blob_id;  // data file; "" for delete markers, empty and multipart objects
  // Multipart objects: the data is the concatenation of these blobs (one per part, in order,
  // sizes in part_sizes; "" for an empty part). Read it with ObjectStore::OpenObjectData.
  std::vector<std::string> part_blob_ids;
};

// Object Lock event holds: the duration of `v`'s hold in ms (a year counts 365 days, as S3),
// and the retain-until date in force at now_ms: while the hold is ON, now + duration (never
// earlier than a date set before); otherwise the stored date.
int64_t EventHoldDurationMs(const ObjectVersion& v);
int64_t EffectiveRetainUntilMs(const ObjectVersion& v, int64_t now_ms);

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

// ---- Multipart ----------------------------------------------------------------------------------

struct MultipartUpload {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int64_t initiated_ms = 0;
  ObjectVersion object_template;  // metadata given at CreateMultipartUpload
};

struct Part {
  uint32_t part_number = 0;
  uint64_t size = 0;
  std::string etag;  // hex MD5, no quotes
  int64_t last_modified_ms = 0;
  std::string checksum_value;  // base64, of the algorithm of the upload
  std::string blob_id;
};

// ---- Inventory ----------------------------------------------------------------------------------

// A run of an inventory configuration; `record` is owned by the inventory module (serialized).
struct InventoryRunRecord {
  std::string bucket;
  std::string config_id;
  std::string run_id;  // sortable: runs list oldest first
  std::string record;
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

// Figures for benchmarks and operators.
struct StoreStats {
  uint64_t metadata_sst_bytes = 0;       // live RocksDB table files
  uint64_t metadata_dir_bytes = 0;       // everything in the metadata directory (+WAL, manifest)
  uint64_t estimated_metadata_keys = 0;  // RocksDB's estimate
  uint64_t metadata_sst_files = 0;       // table files (each live one has an open reader)
  uint64_t table_reader_bytes = 0;       // memory of the open table readers, outside the cache
  uint64_t block_cache_bytes = 0;        // block cache in use (index/filter blocks, data blocks)
  uint64_t block_cache_pinned_bytes = 0;  // of which pinned (top-level index/filter partitions)
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

  // Benchmark loader: commits synthetic versions (no blobs) in large unsynced batches, without
  // replacing existing versions (give distinct keys). A non-empty version_id asks for a fresh
  // version id; "" loads a null version. Durable only after the store is closed.
  virtual Status BulkLoadForBenchmark(const std::vector<ObjectVersion>& versions) = 0;
  // Metadata size on disk; `compact` first flushes and fully compacts (steady-state figure).
  virtual Result<StoreStats> GetStatsForBenchmark(bool compact) = 0;
};

}  // namespace stocktake::store
