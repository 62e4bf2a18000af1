// The field table and its extractors. The value rules are listed in fields.h; this file explains
// only the non-obvious parts.
#include "inventory/fields.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>

#include "inventory/config.h"
#include "store/acl.h"

namespace stocktake::inventory {
namespace {

using format::ColumnType;
using format::Value;

// ---- Value helpers --------------------------------------------------------------------------

Value Str(const ExtractInput& in, std::string_view s) {
  return Value::String(in.batch->CopyString(s));
}

// A string column that is empty when the stored value is "".
Value StrOrNull(const ExtractInput& in, std::string_view s) {
  return s.empty() ? Value::Null() : Str(in, s);
}

bool IsMarker(const ExtractInput& in) { return in.version.is_delete_marker; }

constexpr std::string_view kIntelligentTiering = "INTELLIGENT_TIERING";

// Standard base64 (spec §7: standard alphabet, '=' padding), appended to *out without a
// temporary string.
void AppendBase64(std::string_view in, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out->push_back(kAlphabet[n >> 18 & 63]);
    out->push_back(kAlphabet[n >> 12 & 63]);
    out->push_back(kAlphabet[n >> 6 & 63]);
    out->push_back(kAlphabet[n & 63]);
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t n = byte(i) << 16;
    out->push_back(kAlphabet[n >> 18 & 63]);
    out->push_back(kAlphabet[n >> 12 & 63]);
    out->append("==");
  } else if (rest == 2) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out->push_back(kAlphabet[n >> 18 & 63]);
    out->push_back(kAlphabet[n >> 12 & 63]);
    out->push_back(kAlphabet[n >> 6 & 63]);
    out->push_back('=');
  }
}

// Appends s as a JSON string body (canonical IDs and URIs are ASCII; escaping is for safety).
void AppendJsonEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
}

std::string_view OwnerCanonicalId(const ExtractInput& in) {
  if (!in.context.canonical_id_for_account || in.version.owner_account_id.empty()) return {};
  return in.context.canonical_id_for_account(in.version.owner_account_id);
}

// ---- Extractors, one per field ------------------------------------------------------------

Value ExtractBucket(const ExtractInput& in) { return Str(in, in.context.source_bucket); }
Value ExtractKey(const ExtractInput& in) { return Str(in, in.version.key); }
// The null version is present with an empty string (DESIGN.md §6), never null.
Value ExtractVersionId(const ExtractInput& in) { return Str(in, in.version.version_id); }
Value ExtractIsLatest(const ExtractInput& in) { return Value::Bool(in.version.is_latest); }
Value ExtractIsDeleteMarker(const ExtractInput& in) {
  return Value::Bool(in.version.is_delete_marker);
}

Value ExtractSize(const ExtractInput& in) {
  if (IsMarker(in)) return Value::Null();
  return Value::Int(static_cast<int64_t>(in.version.size));
}

Value ExtractLastModifiedDate(const ExtractInput& in) {
  return Value::Int(in.version.last_modified_ms);
}

Value ExtractETag(const ExtractInput& in) {
  return IsMarker(in) ? Value::Null() : StrOrNull(in, in.version.etag);
}

Value ExtractStorageClass(const ExtractInput& in) {
  return IsMarker(in) ? Value::Null() : StrOrNull(in, in.version.storage_class);
}

Value ExtractIsMultipartUploaded(const ExtractInput& in) {
  return IsMarker(in) ? Value::Null() : Value::Bool(in.version.is_multipart);
}

Value ExtractReplicationStatus(const ExtractInput& in) {
  return IsMarker(in) ? Value::Null() : StrOrNull(in, in.version.replication_status);
}

Value ExtractEncryptionStatus(const ExtractInput& in) {
  if (IsMarker(in)) return Value::Null();
  if (in.version.encryption.empty()) return Value::String("NOT-SSE");
  return Str(in, in.version.encryption);
}

Value ExtractObjectLockRetainUntilDate(const ExtractInput& in) {
  if (IsMarker(in)) return Value::Null();
  int64_t until = store::EffectiveRetainUntilMs(in.version, in.context.now_ms);
  return until == 0 ? Value::Null() : Value::Int(until);
}

Value ExtractObjectLockMode(const ExtractInput& in) {
  return IsMarker(in) ? Value::Null() : StrOrNull(in, in.version.object_lock_mode);
}

Value ExtractObjectLockLegalHoldStatus(const ExtractInput& in) {
  if (IsMarker(in) || !in.context.bucket_object_lock_enabled) return Value::Null();
  // Docs sample row spelling (DESIGN.md §6); the store keeps the API spelling ON/OFF.
  return Value::String(in.version.object_lock_legal_hold == "ON" ? "On" : "Off");
}

Value ExtractObjectLockEventHoldStatus(const ExtractInput& in) {
  if (IsMarker(in) || !in.context.bucket_object_lock_enabled) return Value::Null();
  // Spelled as the legal hold column (DESIGN.md §6).
  return Value::String(in.version.object_lock_event_hold == "ON" ? "On" : "Off");
}

Value ExtractObjectLockEventHoldDuration(const ExtractInput& in) {
  const store::ObjectVersion& v = in.version;
  if (IsMarker(in) || v.object_lock_event_hold.empty()) return Value::Null();
  bool years = v.object_lock_event_hold_years != 0;
  char digits[16];
  auto [end, ec] =
      std::to_chars(std::begin(digits), std::end(digits),
                    years ? v.object_lock_event_hold_years : v.object_lock_event_hold_days);
  std::string& text = *in.scratch;
  text.assign(digits, end);
  text.append(years ? " Years" : " Days");
  return Str(in, text);
}

Value ExtractLifecycleExpirationDate(const ExtractInput& in) {
  if (IsMarker(in) || in.context.lifecycle_rules.empty()) return Value::Null();
  // Spec §7: objects whose replication FAILED have no lifecycle expiration date.
  if (in.version.replication_status == "FAILED") return Value::Null();
  auto due = store::ExpirationMs(in.context.lifecycle_rules, in.version, in.position);
  return due ? Value::Int(*due) : Value::Null();
}

int64_t TieringReferenceMs(const store::ObjectVersion& v) {
  return std::max(v.last_access_ms, v.last_modified_ms);
}

Value ExtractIntelligentTieringAccessTier(const ExtractInput& in) {
  if (IsMarker(in) || in.version.storage_class != kIntelligentTiering) return Value::Null();
  // The tier names are static storage: no copy into the arena.
  return Value::String(IntelligentTieringTier(TieringReferenceMs(in.version), in.context.now_ms));
}

Value ExtractBucketKeyStatus(const ExtractInput& in) {
  if (IsMarker(in)) return Value::Null();
  return Value::String(in.version.bucket_key_enabled ? "ENABLED" : "DISABLED");
}

Value ExtractChecksumAlgorithm(const ExtractInput& in) {
  return IsMarker(in) ? Value::Null() : StrOrNull(in, in.version.checksum_algorithm);
}

// {"version":"2022-11-10","status":"AVAILABLE","grants":[...]} base64-encoded (spec §7). A
// private object (acl == "") has the one grant the owner always has; the key order inside the
// grant follows the docs' report sample.
Value ExtractObjectAccessControlList(const ExtractInput& in) {
  if (IsMarker(in)) return Value::Null();
  std::string& grants = *in.scratch;
  std::string& json = *in.scratch2;
  grants.clear();
  bool available = false;
  if (in.version.acl.empty()) {
    std::string_view owner = OwnerCanonicalId(in);
    available = !owner.empty();
    if (available) {
      grants.append(R"({"permission":"FULL_CONTROL","type":"CanonicalUser","canonicalId":")");
      AppendJsonEscaped(owner, &grants);
      grants.append("\"}");
    }
  } else {
    available =
        in.context.append_acl_grants && in.context.append_acl_grants(in.version.acl, &grants);
    if (!available) grants.clear();
  }
  json.clear();
  json.append(R"({"version":"2022-11-10","status":")");
  json.append(available ? "AVAILABLE" : "UNAVAILABLE");
  json.append(R"(","grants":[)");
  json.append(grants);
  json.append("]}");
  grants.clear();  // reused for the encoded form
  AppendBase64(json, &grants);
  return Str(in, grants);
}

Value ExtractObjectOwner(const ExtractInput& in) { return StrOrNull(in, OwnerCanonicalId(in)); }

Value ExtractIntelligentTieringReferenceDate(const ExtractInput& in) {
  if (IsMarker(in) || in.version.storage_class != kIntelligentTiering) return Value::Null();
  return Value::Int(TieringReferenceMs(in.version));
}

// ---- The table --------------------------------------------------------------------------------

constexpr FieldPresence kAlways = FieldPresence::kAlways;
constexpr FieldPresence kAllOnly = FieldPresence::kAllVersionsOnly;
constexpr FieldPresence kOpt = FieldPresence::kOptional;

// Names: spec §1.2 (XML), §5.1 (CSV, ORC/Parquet); 2026 fields per DESIGN.md §6 (column names
// follow the snake_case rule of the others). DO NOT CHANGE names: they are the report contract.
constexpr std::array<FieldInfo, kNumFields> kFields = {{
    {FieldId::kBucket, "", "Bucket", "bucket", ColumnType::kString, kAlways, ExtractBucket},
    {FieldId::kKey, "", "Key", "key", ColumnType::kString, kAlways, ExtractKey},
    {FieldId::kVersionId, "", "VersionId", "version_id", ColumnType::kString, kAllOnly,
     ExtractVersionId},
    {FieldId::kIsLatest, "", "IsLatest", "is_latest", ColumnType::kBoolean, kAllOnly,
     ExtractIsLatest},
    {FieldId::kIsDeleteMarker, "", "IsDeleteMarker", "is_delete_marker", ColumnType::kBoolean,
     kAllOnly, ExtractIsDeleteMarker},
    {FieldId::kSize, "Size", "Size", "size", ColumnType::kInt64, kOpt, ExtractSize},
    {FieldId::kLastModifiedDate, "LastModifiedDate", "LastModifiedDate", "last_modified_date",
     ColumnType::kTimestampMillis, kOpt, ExtractLastModifiedDate},
    {FieldId::kETag, "ETag", "ETag", "e_tag", ColumnType::kString, kOpt, ExtractETag},
    {FieldId::kStorageClass, "StorageClass", "StorageClass", "storage_class", ColumnType::kString,
     kOpt, ExtractStorageClass},
    {FieldId::kIsMultipartUploaded, "IsMultipartUploaded", "IsMultipartUploaded",
     "is_multipart_uploaded", ColumnType::kBoolean, kOpt, ExtractIsMultipartUploaded},
    {FieldId::kReplicationStatus, "ReplicationStatus", "ReplicationStatus", "replication_status",
     ColumnType::kString, kOpt, ExtractReplicationStatus},
    {FieldId::kEncryptionStatus, "EncryptionStatus", "EncryptionStatus", "encryption_status",
     ColumnType::kString, kOpt, ExtractEncryptionStatus},
    {FieldId::kObjectLockRetainUntilDate, "ObjectLockRetainUntilDate", "ObjectLockRetainUntilDate",
     "object_lock_retain_until_date", ColumnType::kTimestampMillis, kOpt,
     ExtractObjectLockRetainUntilDate},
    {FieldId::kObjectLockMode, "ObjectLockMode", "ObjectLockMode", "object_lock_mode",
     ColumnType::kString, kOpt, ExtractObjectLockMode},
    {FieldId::kObjectLockLegalHoldStatus, "ObjectLockLegalHoldStatus", "ObjectLockLegalHoldStatus",
     "object_lock_legal_hold_status", ColumnType::kString, kOpt, ExtractObjectLockLegalHoldStatus},
    {FieldId::kObjectLockEventHoldStatus, "ObjectLockEventHoldStatus", "ObjectLockEventHoldStatus",
     "object_lock_event_hold_status", ColumnType::kString, kOpt, ExtractObjectLockEventHoldStatus},
    {FieldId::kObjectLockEventHoldDuration, "ObjectLockEventHoldDuration",
     "ObjectLockEventHoldDuration", "object_lock_event_hold_duration", ColumnType::kString, kOpt,
     ExtractObjectLockEventHoldDuration},
    {FieldId::kIntelligentTieringAccessTier, "IntelligentTieringAccessTier",
     "IntelligentTieringAccessTier", "intelligent_tiering_access_tier", ColumnType::kString, kOpt,
     ExtractIntelligentTieringAccessTier},
    {FieldId::kBucketKeyStatus, "BucketKeyStatus", "BucketKeyStatus", "bucket_key_status",
     ColumnType::kString, kOpt, ExtractBucketKeyStatus},
    {FieldId::kChecksumAlgorithm, "ChecksumAlgorithm", "ChecksumAlgorithm", "checksum_algorithm",
     ColumnType::kString, kOpt, ExtractChecksumAlgorithm},
    {FieldId::kObjectAccessControlList, "ObjectAccessControlList", "ObjectAccessControlList",
     "object_access_control_list", ColumnType::kString, kOpt, ExtractObjectAccessControlList},
    {FieldId::kObjectOwner, "ObjectOwner", "ObjectOwner", "object_owner", ColumnType::kString, kOpt,
     ExtractObjectOwner},
    {FieldId::kLifecycleExpirationDate, "LifecycleExpirationDate", "LifecycleExpirationDate",
     "lifecycle_expiration_date", ColumnType::kTimestampMillis, kOpt,
     ExtractLifecycleExpirationDate},
    {FieldId::kIntelligentTieringReferenceDate, "IntelligentTieringReferenceDate",
     "IntelligentTieringReferenceDate", "intelligent_tiering_reference_date",
     ColumnType::kTimestampMillis, kOpt, ExtractIntelligentTieringReferenceDate},
}};

constexpr bool TableIsInCanonicalOrder() {
  for (size_t i = 0; i < kFields.size(); ++i) {
    if (static_cast<size_t>(kFields[i].id) != i) return false;
  }
  return true;
}
static_assert(TableIsInCanonicalOrder(), "kFields must be indexed by FieldId");
static_assert(static_cast<size_t>(FieldId::kIntelligentTieringReferenceDate) + 1 == kNumFields);

}  // namespace

std::string_view IntelligentTieringTier(int64_t reference_ms, int64_t now_ms) {
  // S3 User Guide, "How S3 Intelligent-Tiering works": objects not accessed for 30 consecutive
  // days move to Infrequent Access, after 90 days to Archive Instant Access.
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  int64_t idle_ms = now_ms - reference_ms;
  if (idle_ms >= 90 * kDayMs) return "ARCHIVE_INSTANT_ACCESS";
  if (idle_ms >= 30 * kDayMs) return "INFREQUENT";
  return "FREQUENT";
}

bool AppendAclGrantsJson(std::string_view document, std::string* out) {
  // Parsed in place (store/acl.h grammar) rather than through store::DecodeAcl, which would
  // allocate per row. On a corrupt document *out may hold a partial list: the caller discards it.
  size_t newline = document.find('\n');
  if (document.substr(0, newline) != "1") return false;
  bool first = true;
  while (newline != std::string_view::npos) {
    document.remove_prefix(newline + 1);
    newline = document.find('\n');
    std::string_view line = document.substr(0, newline);
    size_t s1 = line.find(' ');
    size_t s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
    if (s2 == std::string_view::npos || s2 + 1 == line.size()) return false;
    std::string_view kind = line.substr(0, s1);
    std::string_view permission = line.substr(s1 + 1, s2 - s1 - 1);
    std::string_view grantee = line.substr(s2 + 1);
    if (!store::IsAclPermission(permission) || (kind != "id" && kind != "uri")) return false;
    if (!first) out->push_back(',');
    first = false;
    out->append(R"({"permission":")");
    out->append(permission);
    out->append(kind == "id" ? R"(","type":"CanonicalUser","canonicalId":")"
                             : R"(","type":"Group","uri":")");
    AppendJsonEscaped(grantee, out);
    out->append("\"}");
  }
  return true;
}

std::span<const FieldInfo> AllFields() { return kFields; }

const FieldInfo& GetField(FieldId id) { return kFields[static_cast<size_t>(id)]; }

std::optional<FieldId> OptionalFieldFromXmlName(std::string_view xml_name) {
  if (xml_name.empty()) return std::nullopt;
  for (const FieldInfo& f : kFields) {
    if (f.presence == FieldPresence::kOptional && f.xml_name == xml_name) return f.id;
  }
  return std::nullopt;
}

std::vector<FieldId> ReportFields(const InventoryConfiguration& config) {
  std::vector<FieldId> out;
  for (const FieldInfo& f : kFields) {
    switch (f.presence) {
      case FieldPresence::kAlways:
        out.push_back(f.id);
        break;
      case FieldPresence::kAllVersionsOnly:
        if (config.included_object_versions == IncludedObjectVersions::kAll) out.push_back(f.id);
        break;
      case FieldPresence::kOptional:
        if (config.HasField(f.id)) out.push_back(f.id);
        break;
    }
  }
  return out;
}

format::Schema BuildSchema(std::span<const FieldId> fields) {
  format::Schema schema;
  schema.reserve(fields.size());
  for (FieldId id : fields) {
    const FieldInfo& f = GetField(id);
    schema.push_back(format::Column{
        .csv_name = std::string(f.csv_name),
        .column_name = std::string(f.column_name),
        .type = f.type,
        .required = f.presence == FieldPresence::kAlways,
        .url_encode_in_csv = id == FieldId::kKey,
    });
  }
  return schema;
}

format::Schema BuildSchema(const InventoryConfiguration& config) {
  std::vector<FieldId> fields = ReportFields(config);
  return BuildSchema(fields);
}

RowExtractor::RowExtractor(const InventoryConfiguration& config, ExtractContext context)
    : fields_(ReportFields(config)),
      schema_(BuildSchema(fields_)),
      context_(std::move(context)),
      current_only_(config.included_object_versions == IncludedObjectVersions::kCurrent),
      filter_prefix_(config.filter_prefix.value_or("")) {
  extractors_.reserve(fields_.size());
  for (FieldId id : fields_) extractors_.push_back(GetField(id).extract);
}

bool RowExtractor::Includes(const store::ObjectVersion& version) const {
  if (!version.key.starts_with(filter_prefix_)) return false;
  if (current_only_) return version.is_latest && !version.is_delete_marker;
  return true;
}

void RowExtractor::Append(const store::ObjectVersion& version, format::RowBatch* batch) {
  const ExtractInput input{version, context_, position_, batch, &scratch_, &scratch2_};
  for (size_t i = 0; i < extractors_.size(); ++i) {
    batch->mutable_column(i).push_back(extractors_[i](input));
  }
}

}  // namespace stocktake::inventory
