// Value types of the store: accounts, keys, buckets, encryption settings, KMS keys, object
// versions, multipart uploads and inventory run records. Plain structs with no storage behind
// them, so that modules that only read or write these values (inventory's field table, remote
// scans, the report tools) need neither the ObjectStore API (store/object_store.h) nor RocksDB.
// Library stocktake_store_types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  std::string acl;  // serialized ACL document, "" = private (owner FULL_CONTROL)
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

}  // namespace stocktake::store
