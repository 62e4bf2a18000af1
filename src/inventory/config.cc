// Configuration model helpers and the storage encoding. nlohmann::json throws on malformed input
// and on type mismatches; this file is its only user here and catches everything it throws.
#include "inventory/config.h"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>

namespace stocktake::inventory {

std::string InventoryDestination::BucketName() const {
  // arn:partition:service:region:account:resource
  size_t pos = 0;
  for (int colons = 0; colons < 5; ++colons) {
    pos = bucket_arn.find(':', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  return bucket_arn.substr(pos);
}

bool InventoryConfiguration::HasField(FieldId id) const {
  return std::find(optional_fields.begin(), optional_fields.end(), id) != optional_fields.end();
}

std::string_view IncludedObjectVersionsName(IncludedObjectVersions v) {
  return v == IncludedObjectVersions::kAll ? "All" : "Current";
}

std::string_view ScheduleFrequencyName(ScheduleFrequency f) {
  return f == ScheduleFrequency::kWeekly ? "Weekly" : "Daily";
}

std::optional<IncludedObjectVersions> ParseIncludedObjectVersions(std::string_view text) {
  if (text == "All") return IncludedObjectVersions::kAll;
  if (text == "Current") return IncludedObjectVersions::kCurrent;
  return std::nullopt;
}

std::optional<ScheduleFrequency> ParseScheduleFrequency(std::string_view text) {
  if (text == "Daily") return ScheduleFrequency::kDaily;
  if (text == "Weekly") return ScheduleFrequency::kWeekly;
  return std::nullopt;
}

std::optional<format::FileFormat> ParseFileFormat(std::string_view text) {
  if (text == "CSV") return format::FileFormat::kCsv;
  if (text == "ORC") return format::FileFormat::kOrc;
  if (text == "Parquet") return format::FileFormat::kParquet;
  return std::nullopt;
}

void CanonicalizeOptionalFields(std::vector<FieldId>* fields) {
  std::sort(fields->begin(), fields->end());
}

namespace {

// On-disk key names and values. DO NOT CHANGE.
constexpr const char* kKeyVersion = "v";
constexpr int kEncodingVersion = 1;
constexpr const char* kKeyId = "id";
constexpr const char* kKeyEnabled = "enabled";
constexpr const char* kKeyAccountId = "dest_account_id";
constexpr const char* kKeyBucketArn = "dest_bucket_arn";
constexpr const char* kKeyFormat = "dest_format";
constexpr const char* kKeyPrefix = "dest_prefix";
constexpr const char* kKeyEncryption = "dest_encryption";  // "SSE-S3" | "SSE-KMS"; absent = none
constexpr const char* kKeyKmsKeyId = "dest_kms_key_id";
constexpr const char* kKeyFilterPrefix = "filter_prefix";
constexpr const char* kKeyVersions = "versions";
constexpr const char* kKeyFields = "fields";
constexpr const char* kKeyFrequency = "frequency";

Status Corrupt(std::string_view what) {
  return Status::Corruption("inventory configuration record: " + std::string(what));
}

// Typed lookups that never throw.
const nlohmann::json* Find(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

Result<std::string> RequiredString(const nlohmann::json& obj, const char* key) {
  const nlohmann::json* v = Find(obj, key);
  if (v == nullptr || !v->is_string()) return Corrupt(std::string("missing string ") + key);
  return v->get_ref<const std::string&>();
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& obj, const char* key) {
  const nlohmann::json* v = Find(obj, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return Corrupt(std::string("bad string ") + key);
  return std::optional<std::string>(v->get_ref<const std::string&>());
}

Result<InventoryConfiguration> DecodeJson(const nlohmann::json& doc) {
  if (!doc.is_object()) return Corrupt("not an object");
  const nlohmann::json* version = Find(doc, kKeyVersion);
  if (version == nullptr || !version->is_number_integer() ||
      version->get<int64_t>() != kEncodingVersion) {
    return Corrupt("unknown encoding version");
  }
  InventoryConfiguration config;
  ASSIGN_OR_RETURN(config.id, RequiredString(doc, kKeyId));
  const nlohmann::json* enabled = Find(doc, kKeyEnabled);
  if (enabled == nullptr || !enabled->is_boolean()) return Corrupt("missing enabled");
  config.is_enabled = enabled->get<bool>();

  InventoryDestination& dest = config.destination;
  ASSIGN_OR_RETURN(dest.account_id, OptionalString(doc, kKeyAccountId));
  ASSIGN_OR_RETURN(dest.bucket_arn, RequiredString(doc, kKeyBucketArn));
  ASSIGN_OR_RETURN(std::string format_name, RequiredString(doc, kKeyFormat));
  std::optional<format::FileFormat> format = ParseFileFormat(format_name);
  if (!format) return Corrupt("bad format");
  dest.format = *format;
  ASSIGN_OR_RETURN(dest.prefix, OptionalString(doc, kKeyPrefix));
  ASSIGN_OR_RETURN(std::optional<std::string> encryption, OptionalString(doc, kKeyEncryption));
  if (!encryption) {
    dest.encryption = ReportEncryption::kNone;
  } else if (*encryption == "SSE-S3") {
    dest.encryption = ReportEncryption::kSseS3;
  } else if (*encryption == "SSE-KMS") {
    dest.encryption = ReportEncryption::kSseKms;
    ASSIGN_OR_RETURN(dest.kms_key_id, RequiredString(doc, kKeyKmsKeyId));
  } else {
    return Corrupt("bad encryption");
  }

  ASSIGN_OR_RETURN(config.filter_prefix, OptionalString(doc, kKeyFilterPrefix));
  ASSIGN_OR_RETURN(std::string versions_name, RequiredString(doc, kKeyVersions));
  std::optional<IncludedObjectVersions> versions = ParseIncludedObjectVersions(versions_name);
  if (!versions) return Corrupt("bad versions");
  config.included_object_versions = *versions;

  const nlohmann::json* fields = Find(doc, kKeyFields);
  if (fields != nullptr) {
    if (!fields->is_array()) return Corrupt("bad fields");
    for (const nlohmann::json& f : *fields) {
      if (!f.is_string()) return Corrupt("bad field");
      std::optional<FieldId> id = OptionalFieldFromXmlName(f.get_ref<const std::string&>());
      if (!id) return Corrupt("unknown field " + f.get<std::string>());
      if (config.HasField(*id)) return Corrupt("duplicate field");
      config.optional_fields.push_back(*id);
    }
    CanonicalizeOptionalFields(&config.optional_fields);
  }

  ASSIGN_OR_RETURN(std::string frequency_name, RequiredString(doc, kKeyFrequency));
  std::optional<ScheduleFrequency> frequency = ParseScheduleFrequency(frequency_name);
  if (!frequency) return Corrupt("bad frequency");
  config.frequency = *frequency;
  return config;
}

}  // namespace

std::string EncodeInventoryConfiguration(const InventoryConfiguration& config) {
  // Insertion order is kept for readability of `ldb` dumps; decoding does not depend on it.
  nlohmann::ordered_json doc;
  doc[kKeyVersion] = kEncodingVersion;
  doc[kKeyId] = config.id;
  doc[kKeyEnabled] = config.is_enabled;
  const InventoryDestination& dest = config.destination;
  if (dest.account_id) doc[kKeyAccountId] = *dest.account_id;
  doc[kKeyBucketArn] = dest.bucket_arn;
  doc[kKeyFormat] = format::FileFormatName(dest.format);
  if (dest.prefix) doc[kKeyPrefix] = *dest.prefix;
  if (dest.encryption == ReportEncryption::kSseS3) doc[kKeyEncryption] = "SSE-S3";
  if (dest.encryption == ReportEncryption::kSseKms) {
    doc[kKeyEncryption] = "SSE-KMS";
    doc[kKeyKmsKeyId] = dest.kms_key_id;
  }
  if (config.filter_prefix) doc[kKeyFilterPrefix] = *config.filter_prefix;
  doc[kKeyVersions] = IncludedObjectVersionsName(config.included_object_versions);
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (FieldId id : config.optional_fields) fields.push_back(GetField(id).xml_name);
  doc[kKeyFields] = std::move(fields);
  doc[kKeyFrequency] = ScheduleFrequencyName(config.frequency);
  // `replace` keeps dump() from throwing on invalid UTF-8 (values come from XML and may hold any
  // bytes); such bytes become U+FFFD, which cannot happen for documents the XML parser accepted
  // unless the client sent invalid UTF-8.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<InventoryConfiguration> DecodeInventoryConfiguration(std::string_view document) {
  try {
    nlohmann::json doc = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Corrupt("not JSON");
    return DecodeJson(doc);
  } catch (const std::exception& e) {
    return Corrupt(e.what());
  }
}

}  // namespace stocktake::inventory
