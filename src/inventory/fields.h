// The one field table of S3 Inventory (DESIGN.md §4): every column a report can have, with its
// OptionalFields value (XML), its CSV fileSchema name, its ORC/Parquet column name and type, its
// canonical position and how its value is taken from a store::ObjectVersion. Schemas, fileSchema
// strings, the scanner and every writer iterate this table; nothing else lists fields.
//
// Canonical order = spec §5.1 rows 1-21, with the 2026 fields placed as DESIGN.md §6 says:
// ObjectLockEventHoldStatus and ObjectLockEventHoldDuration right after ObjectLockLegalHoldStatus,
// IntelligentTieringReferenceDate last.
//
// Value rules (spec §4, §7, §8 and DESIGN.md §6; the choices marked "Stocktake" are documented
// in docs/differences-from-aws.md):
//   - Booleans and integers are format::Value ints; timestamps are epoch milliseconds (the writers
//     format them: ISO-8601 with millis in CSV).
//   - VersionId of the null version: present, empty string (CSV "", ORC/Parquet "").
//   - Delete-marker rows (Stocktake): Bucket, Key, VersionId, IsLatest, IsDeleteMarker,
//     LastModifiedDate and ObjectOwner are set; every other column is empty. Spec §8 confirms
//     Size/ETag/IsMultipartUploaded empty; a delete marker has no storage class, encryption,
//     lock, checksum or ACL of its own (ListObjectVersions gives it only key, version, latest,
//     date and owner), so those are empty too.
//   - EncryptionStatus: the store's value (SSE-S3, SSE-KMS, DSSE-KMS, SSE-C), "NOT-SSE" if none.
//   - BucketKeyStatus (Stocktake): "ENABLED" when the object uses a bucket key, else "DISABLED"
//     (also for NOT-SSE objects: AWS prints DISABLED for SSE-S3 objects, for which bucket keys do
//     not apply either).
//   - ObjectLockMode: GOVERNANCE / COMPLIANCE; empty when none. RetainUntilDate: the date in force
//     at the report time (an event hold that is ON keeps moving it, store::EffectiveRetainUntilMs);
//     empty when none.
//   - ObjectLockLegalHoldStatus: "On"/"Off" (docs sample row); "Off" when the bucket has Object
//     Lock but the object has no hold recorded; empty when the bucket has no Object Lock.
//   - ObjectLockEventHoldStatus (Stocktake): "On"/"Off" as the legal hold column ("Off" when the
//     bucket has Object Lock and the version no hold; empty without Object Lock).
//     ObjectLockEventHoldDuration (Stocktake): "<N> Days" or "<N> Years", as the API's
//     EventHoldDuration element names it; empty without an event hold.
//   - IntelligentTieringAccessTier (INTELLIGENT_TIERING objects only, else empty): from the days
//     between the reference date and the report time (ExtractContext::now_ms): FREQUENT, then
//     INFREQUENT after 30 days without access, ARCHIVE_INSTANT_ACCESS after 90 (the automatic
//     tiers; the opt-in ARCHIVE/DEEP_ARCHIVE tiers are not modelled).
//     IntelligentTieringReferenceDate: the last access (recorded at most daily), or the creation
//     time when the object was never read; empty outside INTELLIGENT_TIERING.
//   - ChecksumAlgorithm: the API enum spelling stored with the object (CRC32, SHA256, ...).
//   - ObjectOwner: the owner's canonical user ID; empty when the owner is unknown.
//   - ObjectAccessControlList: base64 of compact JSON (spec §7), see ExtractContext.
//   - ReplicationStatus: the stored value or empty.
//   - LifecycleExpirationDate: when the source bucket's lifecycle rules expire the version
//     (store::ExpirationMs: current versions by Expiration Days/Date, noncurrent ones by
//     NoncurrentVersionExpiration counted from when the next newer version was written), a
//     timestamp like LastModifiedDate; empty when no enabled rule expires it, for delete-marker
//     rows and for FAILED replication (spec §7).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/row_batch.h"
#include "format/schema.h"
#include "store/lifecycle_rules.h"
#include "store/types.h"

namespace stocktake::inventory {

struct InventoryConfiguration;

// Every inventory column, in canonical report order. The numeric values are positions in memory
// only: never persist them (storage uses the XML names).
enum class FieldId : uint8_t {
  kBucket,
  kKey,
  kVersionId,
  kIsLatest,
  kIsDeleteMarker,
  kSize,
  kLastModifiedDate,
  kETag,
  kStorageClass,
  kIsMultipartUploaded,
  kReplicationStatus,
  kEncryptionStatus,
  kObjectLockRetainUntilDate,
  kObjectLockMode,
  kObjectLockLegalHoldStatus,
  kObjectLockEventHoldStatus,
  kObjectLockEventHoldDuration,
  kIntelligentTieringAccessTier,
  kBucketKeyStatus,
  kChecksumAlgorithm,
  kObjectAccessControlList,
  kObjectOwner,
  kLifecycleExpirationDate,
  kIntelligentTieringReferenceDate,
};

inline constexpr size_t kNumFields = 24;

enum class FieldPresence : uint8_t {
  kAlways,           // Bucket, Key
  kAllVersionsOnly,  // VersionId, IsLatest, IsDeleteMarker: IncludedObjectVersions=All
  kOptional,         // requested through OptionalFields/Field
};

// What the extractors need besides the version itself. Callbacks are called once per row and
// must not block; they may be empty.
struct ExtractContext {
  // Name of the source bucket (the Bucket column).
  std::string source_bucket;
  // Whether the source bucket has Object Lock enabled (legal hold "Off" vs empty).
  bool bucket_object_lock_enabled = false;
  // Canonical user ID of an account (ObjectOwner, default ACL grant); "" when unknown. The
  // returned view must stay valid until the next call.
  std::function<std::string_view(std::string_view account_id)> canonical_id_for_account;
  // Report time (the snapshot instant), for the Intelligent-Tiering access tier.
  int64_t now_ms = 0;
  // Appends the grants of a non-default stored ACL document (ObjectVersion::acl, format of
  // store/acl.h) to *out as comma-separated compact JSON objects, e.g.
  // {"permission":"READ","type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"}
  // Returns false when the document cannot be read; the row's ACL then has status UNAVAILABLE.
  // When unset, non-default ACLs are reported UNAVAILABLE.
  std::function<bool(std::string_view acl_document, std::string* out)> append_acl_grants;
  // The source bucket's lifecycle rules (LifecycleExpirationDate); empty when it has none.
  std::vector<store::LifecycleRule> lifecycle_rules;
};

// Per-row input of an extractor. `scratch` is a buffer reused across rows (no per-row heap
// allocation once warmed up).
struct ExtractInput {
  const store::ObjectVersion& version;
  const ExtractContext& context;
  // The version's place among its key's versions (RowExtractor::Observe).
  const store::VersionPosition& position;
  format::RowBatch* batch;
  std::string* scratch;
  std::string* scratch2;
};

// Returns the cell of one field for one version. Strings are copied into the batch's arena or
// point to static storage.
using ExtractFn = format::Value (*)(const ExtractInput& input);

struct FieldInfo {
  FieldId id;
  std::string_view xml_name;     // OptionalFields/Field value; "" for non-optional columns
  std::string_view csv_name;     // CSV fileSchema name, e.g. "LastModifiedDate"
  std::string_view column_name;  // ORC/Parquet column, e.g. "last_modified_date"
  format::ColumnType type;
  FieldPresence presence;
  ExtractFn extract;
};

// The append_acl_grants of reports: renders a store/acl.h document's grants as spec §7 JSON,
// {"permission":…,"type":"CanonicalUser","canonicalId":…} or {"permission":…,"type":"Group",
// "uri":…} (the key order of the docs' report sample). Allocates nothing once *out is warm.
bool AppendAclGrantsJson(std::string_view acl_document, std::string* out);

// The Intelligent-Tiering access tier of an object last accessed at reference_ms, at now_ms.
std::string_view IntelligentTieringTier(int64_t reference_ms, int64_t now_ms);

// The table, in canonical order (AllFields()[i].id == FieldId(i)).
std::span<const FieldInfo> AllFields();
const FieldInfo& GetField(FieldId id);
// The optional field whose OptionalFields value is `xml_name` (exact case); nullopt otherwise.
std::optional<FieldId> OptionalFieldFromXmlName(std::string_view xml_name);

// The columns of a report for `config`, in canonical order: Bucket, Key, the All-versions
// columns when IncludedObjectVersions=All, then the requested optional fields.
std::vector<FieldId> ReportFields(const InventoryConfiguration& config);
format::Schema BuildSchema(const InventoryConfiguration& config);
format::Schema BuildSchema(std::span<const FieldId> fields);

// Turns store versions into report rows for one configuration. Not thread-safe (one per scan);
// Append allocates nothing per row once the batch arena and scratch buffers are warm.
class RowExtractor {
 public:
  RowExtractor(const InventoryConfiguration& config, ExtractContext context);

  const std::vector<FieldId>& fields() const { return fields_; }
  const format::Schema& schema() const { return schema_; }

  // Whether `version` is a row of the report: it matches the filter prefix, and for Current
  // reports it is the latest version and not a delete marker (DESIGN.md §6). Requires
  // version.is_latest to be filled (the snapshot scan does).
  bool Includes(const store::ObjectVersion& version) const;

  // Call for every scanned version, in scan order, before Includes/Append: tracks each key's
  // newer versions (LifecycleExpirationDate of noncurrent versions). Without it every version
  // counts as the current one.
  void Observe(const store::ObjectVersion& version) { position_ = history_.Next(version); }

  // Appends one row. Precondition: batch->num_columns() == schema().size().
  void Append(const store::ObjectVersion& version, format::RowBatch* batch);

 private:
  std::vector<FieldId> fields_;
  std::vector<ExtractFn> extractors_;
  format::Schema schema_;
  ExtractContext context_;
  store::VersionHistory history_;
  store::VersionPosition position_;
  bool current_only_;
  std::string filter_prefix_;
  std::string scratch_;
  std::string scratch2_;
};

}  // namespace stocktake::inventory
