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
  // Features of later issues, stored and reported once their S3 APIs exist.
  std::string encryption;  // "", "SSE-S3", "SSE-KMS", "DSSE-KMS", "SSE-C"
  std::string kms_key_id;
  bool bucket_key_enabled = false;
  std::string replication_status;
  std::string object_lock_mode;             // "", "GOVERNANCE", "COMPLIANCE"
  int64_t object_lock_retain_until_ms = 0;  // 0 = none
  std::string object_lock_legal_hold;       // "", "ON", "OFF"
  std::string acl;      // serialized ACL document, "" = private (owner FULL_CONTROL)
  std::string blob_id;  // data file; "" for delete markers, empty and multipart objects
  // Multipart objects: the data is the concatenation of these blobs (one per part, in order,
  // sizes in part_sizes; "" for an empty part). Read it with ObjectStore::OpenObjectData.
  std::vector<std::string> part_blob_ids;
};

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

// Consistent scan over one bucket at one instant: every version, ordered by key then newest
// version first, restricted to a prefix. Constant memory; decoding is done into `out`.
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
};

struct StoreOptions {
  std::string data_dir;
  Clock* clock = SystemClock::Default();
  // Sync RocksDB writes of acknowledged operations (off only for benchmark bulk loads).
  bool sync_writes = true;
};

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

  // Buckets. CreateBucket fails with AlreadyExists; DeleteBucket with FailedPrecondition when
  // any version or multipart upload remains (and removes the bucket's inventory configurations).
  virtual Status CreateBucket(const Bucket& bucket) = 0;
  virtual Result<Bucket> GetBucket(std::string_view name) = 0;
  virtual Status UpdateBucket(const Bucket& bucket) = 0;  // NotFound if absent
  virtual Result<std::vector<Bucket>> ListBuckets() = 0;  // sorted by name
  virtual Status DeleteBucket(std::string_view name) = 0;

  // Object data.
  virtual Result<std::unique_ptr<BlobWriter>> NewBlob() = 0;
  // Opens [offset, offset+length) of a blob; length = UINT64_MAX reads to the end. NotFound if
  // the blob does not exist; a range past the end reads as empty.
  virtual Result<std::unique_ptr<BlobReader>> OpenBlob(std::string_view blob_id, uint64_t offset,
                                                       uint64_t length) = 0;
  // Opens [offset, offset+length) of an object version's data, whether it is one blob, the
  // concatenation of multipart part blobs (ranges may span part boundaries) or empty. Use this,
  // not OpenBlob, to serve GET.
  virtual Result<std::unique_ptr<BlobReader>> OpenObjectData(const ObjectVersion& version,
                                                             uint64_t offset, uint64_t length) = 0;

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
  virtual Result<DeleteResult> DeleteObject(std::string_view bucket, std::string_view key,
                                            std::optional<std::string_view> version_id) = 0;
  // Replaces metadata of an existing version in place (tags, ACL, retention...).
  virtual Status UpdateObjectVersion(const ObjectVersion& version) = 0;

  // Latest non-delete-marker versions in key order, after start_after, with the prefix: at most
  // max_keys of them; *truncated tells whether more exist.
  virtual Result<std::vector<ObjectVersion>> ListObjects(std::string_view bucket,
                                                         const ListOptions& options,
                                                         bool* truncated) = 0;
  virtual Result<std::vector<ObjectVersion>> ListObjectVersions(std::string_view bucket,
                                                                const ListVersionsOptions& options,
                                                                bool* truncated) = 0;

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

  virtual Result<std::unique_ptr<SnapshotScan>> NewSnapshotScan(std::string_view bucket,
                                                                std::string_view prefix) = 0;

  // Benchmark loader: commits synthetic versions (no blobs) in large unsynced batches, without
  // replacing existing versions (give distinct keys). A non-empty version_id asks for a fresh
  // version id; "" loads a null version. Durable only after the store is closed.
  virtual Status BulkLoadForBenchmark(const std::vector<ObjectVersion>& versions) = 0;
  // Metadata size on disk; `compact` first flushes and fully compacts (steady-state figure).
  virtual Result<StoreStats> GetStatsForBenchmark(bool compact) = 0;
};

}  // namespace stocktake::store
