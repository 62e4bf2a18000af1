// The inventory configuration model (spec §1.1) and its storage encoding for the metadata store.
// The XML wire forms live in config_xml.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/report_writer.h"
#include "inventory/fields.h"

namespace stocktake::inventory {

enum class IncludedObjectVersions { kAll, kCurrent };
enum class ScheduleFrequency { kDaily, kWeekly };

// Encryption of the report objects (Destination/S3BucketDestination/Encryption).
enum class ReportEncryption {
  kNone,    // no <Encryption> (or an empty one): the destination's default applies
  kSseS3,   // <SSE-S3/>
  kSseKms,  // <SSE-KMS><KeyId>…</KeyId></SSE-KMS>
};

struct InventoryDestination {
  std::optional<std::string> account_id;  // <AccountId>, absent when not given
  std::string bucket_arn;                 // <Bucket>, e.g. arn:aws:s3:::destination-bucket
  format::FileFormat format = format::FileFormat::kCsv;
  std::optional<std::string> prefix;  // <Prefix>, absent when not given (present may be "")
  ReportEncryption encryption = ReportEncryption::kNone;
  std::string kms_key_id;  // set iff encryption == kSseKms

  // The bucket name of bucket_arn (the text after the fifth ':'), "" if it is not an ARN.
  std::string BucketName() const;
  friend bool operator==(const InventoryDestination&, const InventoryDestination&) = default;
};

struct InventoryConfiguration {
  std::string id;
  bool is_enabled = true;
  InventoryDestination destination;
  // <Filter><Prefix>: nullopt when there is no <Filter>; "" when the prefix is empty.
  std::optional<std::string> filter_prefix;
  IncludedObjectVersions included_object_versions = IncludedObjectVersions::kCurrent;
  // Optional fields only (never Bucket/Key/version columns), unique, in canonical order.
  std::vector<FieldId> optional_fields;
  ScheduleFrequency frequency = ScheduleFrequency::kDaily;

  bool HasField(FieldId id) const;
  friend bool operator==(const InventoryConfiguration&, const InventoryConfiguration&) = default;
};

// Wire spellings (spec §1.2).
std::string_view IncludedObjectVersionsName(IncludedObjectVersions v);  // "All" / "Current"
std::string_view ScheduleFrequencyName(ScheduleFrequency f);            // "Daily" / "Weekly"
std::optional<IncludedObjectVersions> ParseIncludedObjectVersions(std::string_view text);
std::optional<ScheduleFrequency> ParseScheduleFrequency(std::string_view text);
std::optional<format::FileFormat> ParseFileFormat(std::string_view text);  // CSV | ORC | Parquet

// Sorts optional fields into canonical order. Duplicates are kept (the XML parser rejects them).
void CanonicalizeOptionalFields(std::vector<FieldId>* fields);

// Storage encoding for store::ObjectStore::PutInventoryConfig: compact JSON, enum values spelled
// as on the wire. DO NOT CHANGE the key names or spellings: they are on disk. Unknown keys are
// ignored when decoding (newer writers may add some). Decode fails with Corruption.
std::string EncodeInventoryConfiguration(const InventoryConfiguration& config);
Result<InventoryConfiguration> DecodeInventoryConfiguration(std::string_view document);

}  // namespace stocktake::inventory
