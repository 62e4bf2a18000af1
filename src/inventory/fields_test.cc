#include "inventory/fields.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <set>

#include "common/encoding.h"
#include "format/report_writer.h"
#include "inventory/config.h"
#include "store/acl.h"

// Counts heap allocations while g_count_allocations is set (the no-per-row-allocation test).
namespace {
std::atomic<bool> g_count_allocations{false};
std::atomic<int64_t> g_allocations{0};
}  // namespace

// Every non-aligned form is replaced so that new/delete pairs stay matched under ASan.
namespace {
void* CountedAlloc(size_t size) noexcept {
  if (g_count_allocations.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(size_t size) {
  void* p = CountedAlloc(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](size_t size) {
  void* p = CountedAlloc(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new(size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
// These replacements pair malloc with free on purpose; GCC at -O3 cannot see that and warns.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace stocktake::inventory {
namespace {

using format::FileFormat;
using format::Value;

constexpr char kOwnerCanonical[] =
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

std::vector<FieldId> AllOptionalFields() {
  std::vector<FieldId> out;
  for (const FieldInfo& f : AllFields()) {
    if (f.presence == FieldPresence::kOptional) out.push_back(f.id);
  }
  return out;
}

InventoryConfiguration Config(IncludedObjectVersions versions, std::vector<FieldId> fields) {
  InventoryConfiguration c;
  c.id = "cfg";
  c.destination.bucket_arn = "arn:aws:s3:::dest";
  c.included_object_versions = versions;
  c.optional_fields = std::move(fields);
  CanonicalizeOptionalFields(&c.optional_fields);
  return c;
}

ExtractContext Context(bool object_lock = false) {
  ExtractContext ctx;
  ctx.source_bucket = "src-bucket";
  ctx.bucket_object_lock_enabled = object_lock;
  ctx.canonical_id_for_account = [](std::string_view account) -> std::string_view {
    return account == "111122223333" ? kOwnerCanonical : "";
  };
  return ctx;
}

store::ObjectVersion Object() {
  store::ObjectVersion v;
  v.bucket = "src-bucket";
  v.key = "dir/a b=c.txt";
  v.version_id = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY";
  v.is_latest = true;
  v.size = 1511723;
  v.last_modified_ms = 1670851239000;  // 2022-12-12T13:20:39.000Z
  v.etag = "627c47efe292876b91978324485cd2ec";
  v.storage_class = "STANDARD";
  v.owner_account_id = "111122223333";
  return v;
}

// The row of `v` as (csv_name -> value) for readable assertions.
struct Row {
  std::vector<std::string> names;
  std::vector<Value> values;
  const Value& operator[](std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return values[i];
    }
    ADD_FAILURE() << "no column " << name;
    static Value none;
    return none;
  }
};

Row Extract(const InventoryConfiguration& config, const store::ObjectVersion& v,
            format::RowBatch* batch, ExtractContext ctx = Context()) {
  RowExtractor extractor(config, std::move(ctx));
  extractor.Append(v, batch);
  Row row;
  for (size_t i = 0; i < extractor.schema().size(); ++i) {
    row.names.push_back(extractor.schema()[i].csv_name);
    row.values.push_back(batch->column(i).back());
  }
  return row;
}

void ExpectString(const Value& v, std::string_view s) {
  EXPECT_TRUE(v.present);
  EXPECT_EQ(v.string_value, s);
}

TEST(FieldsTest, TableIsCanonical) {
  std::span<const FieldInfo> fields = AllFields();
  ASSERT_EQ(fields.size(), kNumFields);
  // spec §5.1 rows 1-21 with the 2026 fields placed per DESIGN.md §6.
  const std::vector<std::string_view> csv = {"Bucket",
                                             "Key",
                                             "VersionId",
                                             "IsLatest",
                                             "IsDeleteMarker",
                                             "Size",
                                             "LastModifiedDate",
                                             "ETag",
                                             "StorageClass",
                                             "IsMultipartUploaded",
                                             "ReplicationStatus",
                                             "EncryptionStatus",
                                             "ObjectLockRetainUntilDate",
                                             "ObjectLockMode",
                                             "ObjectLockLegalHoldStatus",
                                             "ObjectLockEventHoldStatus",
                                             "ObjectLockEventHoldDuration",
                                             "IntelligentTieringAccessTier",
                                             "BucketKeyStatus",
                                             "ChecksumAlgorithm",
                                             "ObjectAccessControlList",
                                             "ObjectOwner",
                                             "LifecycleExpirationDate",
                                             "IntelligentTieringReferenceDate"};
  std::set<std::string_view> xml_names, columns;
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(fields[i].id), i);
    EXPECT_EQ(&GetField(fields[i].id), &fields[i]);
    EXPECT_EQ(fields[i].csv_name, csv[i]);
    EXPECT_NE(fields[i].extract, nullptr);
    EXPECT_TRUE(columns.insert(fields[i].column_name).second);
    if (fields[i].presence == FieldPresence::kOptional) {
      EXPECT_EQ(fields[i].xml_name, fields[i].csv_name);
      EXPECT_TRUE(xml_names.insert(fields[i].xml_name).second);
      EXPECT_EQ(OptionalFieldFromXmlName(fields[i].xml_name), fields[i].id);
    } else {
      EXPECT_TRUE(fields[i].xml_name.empty());
      EXPECT_EQ(OptionalFieldFromXmlName(fields[i].csv_name), std::nullopt);
    }
  }
  EXPECT_EQ(xml_names.size(), 19u);  // the InventoryOptionalField enum of spec §1.2
  EXPECT_EQ(OptionalFieldFromXmlName(""), std::nullopt);
  EXPECT_EQ(OptionalFieldFromXmlName("size"), std::nullopt);
}

TEST(FieldsTest, ReportFieldsFollowVersionsAndOptionalFields) {
  EXPECT_EQ(ReportFields(Config(IncludedObjectVersions::kCurrent, {})),
            (std::vector<FieldId>{FieldId::kBucket, FieldId::kKey}));
  EXPECT_EQ(ReportFields(Config(IncludedObjectVersions::kAll, {FieldId::kETag, FieldId::kSize})),
            (std::vector<FieldId>{FieldId::kBucket, FieldId::kKey, FieldId::kVersionId,
                                  FieldId::kIsLatest, FieldId::kIsDeleteMarker, FieldId::kSize,
                                  FieldId::kETag}));
  format::Schema schema = BuildSchema(Config(IncludedObjectVersions::kAll, {}));
  ASSERT_EQ(schema.size(), 5u);
  EXPECT_TRUE(schema[0].required);
  EXPECT_TRUE(schema[1].required);
  EXPECT_FALSE(schema[2].required);
  EXPECT_FALSE(schema[0].url_encode_in_csv);
  EXPECT_TRUE(schema[1].url_encode_in_csv);
  EXPECT_FALSE(schema[2].url_encode_in_csv);
  EXPECT_EQ(schema[3].type, format::ColumnType::kBoolean);
}

// The 20 columns of the documented ORC and CSV examples (spec §5.3, §6.2): All + every field up
// to ObjectOwner.
InventoryConfiguration DocumentedConfig() {
  return Config(
      IncludedObjectVersions::kAll,
      {FieldId::kSize, FieldId::kLastModifiedDate, FieldId::kETag, FieldId::kStorageClass,
       FieldId::kIsMultipartUploaded, FieldId::kReplicationStatus, FieldId::kEncryptionStatus,
       FieldId::kObjectLockRetainUntilDate, FieldId::kObjectLockMode,
       FieldId::kObjectLockLegalHoldStatus, FieldId::kIntelligentTieringAccessTier,
       FieldId::kBucketKeyStatus, FieldId::kChecksumAlgorithm, FieldId::kObjectAccessControlList,
       FieldId::kObjectOwner});
}

TEST(FieldsTest, OrcSchemaStringMatchesSpec) {
  EXPECT_EQ(format::FileSchemaString(FileFormat::kOrc, BuildSchema(DocumentedConfig())),
            "struct<bucket:string,key:string,version_id:string,is_latest:boolean,is_delete_marker:"
            "boolean,size:bigint,last_modified_date:timestamp,e_tag:string,storage_class:string,"
            "is_multipart_uploaded:boolean,replication_status:string,encryption_status:string,"
            "object_lock_retain_until_date:timestamp,object_lock_mode:string,"
            "object_lock_legal_hold_status:string,intelligent_tiering_access_tier:string,"
            "bucket_key_status:string,checksum_algorithm:string,object_access_control_list:string,"
            "object_owner:string>");
}

TEST(FieldsTest, CsvSchemaStringMatchesSpec) {
  EXPECT_EQ(format::FileSchemaString(FileFormat::kCsv, BuildSchema(DocumentedConfig())),
            "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, "
            "StorageClass, IsMultipartUploaded, ReplicationStatus, EncryptionStatus, "
            "ObjectLockRetainUntilDate, ObjectLockMode, ObjectLockLegalHoldStatus, "
            "IntelligentTieringAccessTier, BucketKeyStatus, ChecksumAlgorithm, "
            "ObjectAccessControlList, ObjectOwner");
  EXPECT_EQ(
      format::FileSchemaString(FileFormat::kCsv,
                               BuildSchema(Config(IncludedObjectVersions::kCurrent,
                                                  {FieldId::kLastModifiedDate, FieldId::kSize}))),
      "Bucket, Key, Size, LastModifiedDate");  // [SFN]
}

TEST(FieldsTest, ParquetSchemaStringMatchesNixManifest) {
  InventoryConfiguration c =
      Config(IncludedObjectVersions::kCurrent,
             {FieldId::kStorageClass, FieldId::kETag, FieldId::kLastModifiedDate, FieldId::kSize});
  EXPECT_EQ(format::FileSchemaString(FileFormat::kParquet, BuildSchema(c)),
            "message s3.inventory {  required binary bucket (STRING);  required binary key "
            "(STRING);  optional int64 size;  optional int64 last_modified_date "
            "(TIMESTAMP(MILLIS,true));  optional binary e_tag (STRING);  optional binary "
            "storage_class (STRING);}");
}

TEST(FieldsTest, NewFieldsSchema) {
  InventoryConfiguration c = Config(IncludedObjectVersions::kCurrent, AllOptionalFields());
  std::string orc = format::FileSchemaString(FileFormat::kOrc, BuildSchema(c));
  EXPECT_NE(orc.find("object_lock_legal_hold_status:string,object_lock_event_hold_status:string,"
                     "object_lock_event_hold_duration:string,intelligent_tiering_access_tier:"),
            std::string::npos)
      << orc;
  EXPECT_NE(orc.find("object_owner:string,lifecycle_expiration_date:timestamp,"
                     "intelligent_tiering_reference_date:timestamp>"),
            std::string::npos)
      << orc;
}

TEST(FieldsTest, ExtractsObject) {
  InventoryConfiguration c = Config(IncludedObjectVersions::kAll, AllOptionalFields());
  format::RowBatch batch(BuildSchema(c).size());
  Row row = Extract(c, Object(), &batch);
  ExpectString(row["Bucket"], "src-bucket");
  ExpectString(row["Key"], "dir/a b=c.txt");  // raw: the CSV writer URL-encodes
  ExpectString(row["VersionId"], "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
  EXPECT_EQ(row["IsLatest"].int_value, 1);
  EXPECT_TRUE(row["IsDeleteMarker"].present);
  EXPECT_EQ(row["IsDeleteMarker"].int_value, 0);
  EXPECT_TRUE(row["Size"].present);
  EXPECT_EQ(row["Size"].int_value, 1511723);
  EXPECT_EQ(row["LastModifiedDate"].int_value, 1670851239000);
  ExpectString(row["ETag"], "627c47efe292876b91978324485cd2ec");
  ExpectString(row["StorageClass"], "STANDARD");
  EXPECT_TRUE(row["IsMultipartUploaded"].present);
  EXPECT_EQ(row["IsMultipartUploaded"].int_value, 0);
  EXPECT_FALSE(row["ReplicationStatus"].present);
  ExpectString(row["EncryptionStatus"], "NOT-SSE");
  EXPECT_FALSE(row["ObjectLockRetainUntilDate"].present);
  EXPECT_FALSE(row["ObjectLockMode"].present);
  EXPECT_FALSE(row["ObjectLockLegalHoldStatus"].present);  // bucket without Object Lock
  EXPECT_FALSE(row["ObjectLockEventHoldStatus"].present);
  EXPECT_FALSE(row["ObjectLockEventHoldDuration"].present);
  EXPECT_FALSE(row["IntelligentTieringAccessTier"].present);
  ExpectString(row["BucketKeyStatus"], "DISABLED");
  EXPECT_FALSE(row["ChecksumAlgorithm"].present);
  ExpectString(row["ObjectOwner"], kOwnerCanonical);
  EXPECT_FALSE(row["LifecycleExpirationDate"].present);
  EXPECT_FALSE(row["IntelligentTieringReferenceDate"].present);

  std::optional<std::string> acl = Base64Decode(row["ObjectAccessControlList"].string_value);
  ASSERT_TRUE(acl.has_value());
  EXPECT_EQ(*acl, std::string(R"({"version":"2022-11-10","status":"AVAILABLE","grants":[)") +
                      R"({"permission":"FULL_CONTROL","type":"CanonicalUser","canonicalId":")" +
                      kOwnerCanonical + R"("}]})");
}

TEST(FieldsTest, ExtractsObjectProperties) {
  InventoryConfiguration c = Config(IncludedObjectVersions::kCurrent, AllOptionalFields());
  format::RowBatch batch(BuildSchema(c).size());
  store::ObjectVersion v = Object();
  v.is_multipart = true;
  v.etag = "d41d8cd98f00b204e9800998ecf8427e-3";
  v.storage_class = "INTELLIGENT_TIERING";
  v.encryption = "SSE-KMS";
  v.bucket_key_enabled = true;
  v.replication_status = "COMPLETED";
  v.object_lock_mode = "COMPLIANCE";
  v.object_lock_retain_until_ms = 1735689600000;
  v.object_lock_legal_hold = "ON";
  v.checksum_algorithm = "SHA256";
  Row row = Extract(c, v, &batch, Context(/*object_lock=*/true));
  EXPECT_EQ(row["IsMultipartUploaded"].int_value, 1);
  ExpectString(row["ETag"], "d41d8cd98f00b204e9800998ecf8427e-3");
  ExpectString(row["StorageClass"], "INTELLIGENT_TIERING");
  ExpectString(row["IntelligentTieringAccessTier"], "FREQUENT");
  EXPECT_TRUE(row["IntelligentTieringReferenceDate"].present);
  EXPECT_EQ(row["IntelligentTieringReferenceDate"].int_value, v.last_modified_ms);
  ExpectString(row["EncryptionStatus"], "SSE-KMS");
  ExpectString(row["BucketKeyStatus"], "ENABLED");
  ExpectString(row["ReplicationStatus"], "COMPLETED");
  ExpectString(row["ObjectLockMode"], "COMPLIANCE");
  EXPECT_EQ(row["ObjectLockRetainUntilDate"].int_value, 1735689600000);
  ExpectString(row["ObjectLockLegalHoldStatus"], "On");
  ExpectString(row["ChecksumAlgorithm"], "SHA256");

  v.object_lock_legal_hold = "OFF";
  ExpectString(Extract(c, v, &batch, Context(true))["ObjectLockLegalHoldStatus"], "Off");
  v.object_lock_legal_hold = "";
  ExpectString(Extract(c, v, &batch, Context(true))["ObjectLockLegalHoldStatus"], "Off");
  v.encryption = "SSE-S3";
  v.bucket_key_enabled = false;
  Row sse_s3 = Extract(c, v, &batch);
  ExpectString(sse_s3["EncryptionStatus"], "SSE-S3");
  ExpectString(sse_s3["BucketKeyStatus"], "DISABLED");
}

TEST(FieldsTest, DeleteMarkerRow) {
  InventoryConfiguration c = Config(IncludedObjectVersions::kAll, AllOptionalFields());
  format::RowBatch batch(BuildSchema(c).size());
  store::ObjectVersion v = Object();
  v.is_delete_marker = true;
  v.is_latest = false;
  v.size = 0;
  v.etag.clear();
  Row row = Extract(c, v, &batch, Context(true));
  ExpectString(row["Bucket"], "src-bucket");
  ExpectString(row["Key"], "dir/a b=c.txt");
  ExpectString(row["VersionId"], "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
  EXPECT_EQ(row["IsLatest"].int_value, 0);
  EXPECT_EQ(row["IsDeleteMarker"].int_value, 1);
  EXPECT_EQ(row["LastModifiedDate"].int_value, 1670851239000);
  ExpectString(row["ObjectOwner"], kOwnerCanonical);
  for (const char* empty :
       {"Size", "ETag", "StorageClass", "IsMultipartUploaded", "ReplicationStatus",
        "EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode",
        "ObjectLockLegalHoldStatus", "ObjectLockEventHoldStatus", "ObjectLockEventHoldDuration",
        "IntelligentTieringAccessTier", "BucketKeyStatus", "ChecksumAlgorithm",
        "ObjectAccessControlList", "LifecycleExpirationDate", "IntelligentTieringReferenceDate"}) {
    EXPECT_FALSE(row[empty].present) << empty;
  }
}

TEST(FieldsTest, NullVersionIsPresentAndEmpty) {
  InventoryConfiguration c = Config(IncludedObjectVersions::kAll, {});
  format::RowBatch batch(BuildSchema(c).size());
  store::ObjectVersion v = Object();
  v.version_id.clear();
  Row row = Extract(c, v, &batch);
  EXPECT_TRUE(row["VersionId"].present);
  EXPECT_TRUE(row["VersionId"].string_value.empty());
}

TEST(FieldsTest, AclVariants) {
  InventoryConfiguration c = Config(IncludedObjectVersions::kCurrent,
                                    {FieldId::kObjectAccessControlList, FieldId::kObjectOwner});
  format::RowBatch batch(BuildSchema(c).size());
  auto decoded = [](const Value& v) { return Base64Decode(v.string_value).value_or("?"); };

  // Unknown owner: ACL unavailable, owner empty.
  store::ObjectVersion v = Object();
  v.owner_account_id = "999999999999";
  Row row = Extract(c, v, &batch);
  EXPECT_EQ(decoded(row["ObjectAccessControlList"]),
            R"({"version":"2022-11-10","status":"UNAVAILABLE","grants":[]})");
  EXPECT_FALSE(row["ObjectOwner"].present);

  // A stored ACL without a reader callback: unavailable.
  v = Object();
  v.acl = "<AccessControlPolicy/>";
  EXPECT_EQ(decoded(Extract(c, v, &batch)["ObjectAccessControlList"]),
            R"({"version":"2022-11-10","status":"UNAVAILABLE","grants":[]})");

  // With a callback.
  ExtractContext ctx = Context();
  ctx.append_acl_grants = [](std::string_view doc, std::string* out) {
    if (doc != "public-read") return false;
    out->append(R"({"permission":"READ","type":"Group","uri":"x"})");
    return true;
  };
  v.acl = "public-read";
  EXPECT_EQ(decoded(Extract(c, v, &batch, ctx)["ObjectAccessControlList"]),
            R"({"version":"2022-11-10","status":"AVAILABLE","grants":[)"
            R"({"permission":"READ","type":"Group","uri":"x"}]})");
  v.acl = "garbage";
  EXPECT_EQ(decoded(Extract(c, v, &batch, ctx)["ObjectAccessControlList"]),
            R"({"version":"2022-11-10","status":"UNAVAILABLE","grants":[]})");
}

TEST(FieldsTest, Base64MatchesCommonEncoder) {
  InventoryConfiguration c =
      Config(IncludedObjectVersions::kCurrent, {FieldId::kObjectAccessControlList});
  format::RowBatch batch(BuildSchema(c).size());
  // Grants of lengths 0..5 cover every padding case.
  for (int n = 0; n < 6; ++n) {
    ExtractContext ctx = Context();
    ctx.append_acl_grants = [n](std::string_view, std::string* out) {
      out->append(static_cast<size_t>(n), 'x');
      return true;
    };
    store::ObjectVersion v = Object();
    v.acl = "custom";
    Row row = Extract(c, v, &batch, ctx);
    std::string json = R"({"version":"2022-11-10","status":"AVAILABLE","grants":[)" +
                       std::string(static_cast<size_t>(n), 'x') + "]}";
    EXPECT_EQ(row["ObjectAccessControlList"].string_value, Base64Encode(json));
  }
}

TEST(FieldsTest, Includes) {
  store::ObjectVersion latest = Object();
  store::ObjectVersion old = Object();
  old.is_latest = false;
  store::ObjectVersion marker = Object();
  marker.is_delete_marker = true;
  InventoryConfiguration current = Config(IncludedObjectVersions::kCurrent, {});
  InventoryConfiguration all = Config(IncludedObjectVersions::kAll, {});
  RowExtractor cur(current, Context());
  RowExtractor every(all, Context());
  EXPECT_TRUE(cur.Includes(latest));
  EXPECT_FALSE(cur.Includes(old));
  EXPECT_FALSE(cur.Includes(marker));
  EXPECT_TRUE(every.Includes(latest));
  EXPECT_TRUE(every.Includes(old));
  EXPECT_TRUE(every.Includes(marker));
  all.filter_prefix = "dir/";
  EXPECT_TRUE(RowExtractor(all, Context()).Includes(latest));
  all.filter_prefix = "other/";
  EXPECT_FALSE(RowExtractor(all, Context()).Includes(latest));
}

TEST(FieldsTest, NoHeapAllocationPerRowOnceWarm) {
  InventoryConfiguration c = Config(IncludedObjectVersions::kAll, AllOptionalFields());
  RowExtractor extractor(c, Context(true));
  format::RowBatch batch(extractor.schema().size());
  store::ObjectVersion v = Object();
  v.storage_class = "INTELLIGENT_TIERING";
  v.encryption = "SSE-KMS";
  v.checksum_algorithm = "CRC32";
  constexpr int kRows = 1000;
  for (int i = 0; i < kRows; ++i) extractor.Append(v, &batch);
  batch.Clear();
  g_allocations = 0;
  g_count_allocations = true;
  for (int i = 0; i < kRows; ++i) extractor.Append(v, &batch);
  g_count_allocations = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(batch.num_rows(), static_cast<size_t>(kRows));

  // Control: the counter does see allocations.
  g_count_allocations = true;
  auto* probe = new std::string(100, 'x');
  g_count_allocations = false;
  delete probe;
  EXPECT_GE(g_allocations.load(), 1);
}

TEST(FieldsTest, IntelligentTieringTierFollowsIdleDays) {
  constexpr int64_t kDay = 24 * 3600 * 1000;
  constexpr int64_t kT0 = 1700000000000;
  EXPECT_EQ(IntelligentTieringTier(kT0, kT0), "FREQUENT");
  EXPECT_EQ(IntelligentTieringTier(kT0, kT0 + 30 * kDay - 1), "FREQUENT");
  EXPECT_EQ(IntelligentTieringTier(kT0, kT0 + 30 * kDay), "INFREQUENT");
  EXPECT_EQ(IntelligentTieringTier(kT0, kT0 + 90 * kDay - 1), "INFREQUENT");
  EXPECT_EQ(IntelligentTieringTier(kT0, kT0 + 90 * kDay), "ARCHIVE_INSTANT_ACCESS");
  // A report time before the reference (clock skew) is simply "recent".
  EXPECT_EQ(IntelligentTieringTier(kT0, kT0 - kDay), "FREQUENT");

  // In a row: the reference is the last access when there is one, else the creation.
  InventoryConfiguration c =
      Config(IncludedObjectVersions::kCurrent,
             {FieldId::kIntelligentTieringAccessTier, FieldId::kIntelligentTieringReferenceDate});
  format::RowBatch batch(BuildSchema(c).size());
  store::ObjectVersion v = Object();
  v.storage_class = "INTELLIGENT_TIERING";
  ExtractContext ctx = Context();
  ctx.now_ms = v.last_modified_ms + 100 * kDay;
  Row row = Extract(c, v, &batch, ctx);
  ExpectString(row["IntelligentTieringAccessTier"], "ARCHIVE_INSTANT_ACCESS");
  EXPECT_EQ(row["IntelligentTieringReferenceDate"].int_value, v.last_modified_ms);
  v.last_access_ms = v.last_modified_ms + 60 * kDay;
  row = Extract(c, v, &batch, ctx);
  ExpectString(row["IntelligentTieringAccessTier"], "INFREQUENT");
  EXPECT_EQ(row["IntelligentTieringReferenceDate"].int_value, v.last_access_ms);
  v.storage_class = "GLACIER";
  row = Extract(c, v, &batch, ctx);
  EXPECT_FALSE(row["IntelligentTieringAccessTier"].present);
  EXPECT_FALSE(row["IntelligentTieringReferenceDate"].present);
}

TEST(FieldsTest, AclGrantsJsonFromStoredDocuments) {
  constexpr std::string_view kOther =
      "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
  store::Acl acl = store::DefaultAcl(kOwnerCanonical);
  acl.grants.push_back({store::AclGrant::Kind::kGroup, std::string(store::kAllUsersGroup), "READ"});
  acl.grants.push_back({store::AclGrant::Kind::kCanonicalUser, std::string(kOther), "READ_ACP"});
  std::string out;
  ASSERT_TRUE(AppendAclGrantsJson(store::EncodeAcl(acl, kOwnerCanonical), &out));
  EXPECT_EQ(out, R"({"permission":"FULL_CONTROL","type":"CanonicalUser","canonicalId":")" +
                     std::string(kOwnerCanonical) +
                     R"("},{"permission":"READ","type":"Group","uri":")"
                     R"(http://acs.amazonaws.com/groups/global/AllUsers"},)"
                     R"({"permission":"READ_ACP","type":"CanonicalUser","canonicalId":")" +
                     std::string(kOther) + R"("})");
  out.clear();
  EXPECT_TRUE(AppendAclGrantsJson("1", &out));  // an ACL without grants
  EXPECT_EQ(out, "");
  for (std::string_view bad : {"", "2\nid READ x", "1\nid READ", "1\nfoo READ x", "garbage"}) {
    out.clear();
    EXPECT_FALSE(AppendAclGrantsJson(bad, &out)) << bad;
  }

  // Through the extractor, as the report job wires it.
  InventoryConfiguration c =
      Config(IncludedObjectVersions::kCurrent, {FieldId::kObjectAccessControlList});
  format::RowBatch batch(BuildSchema(c).size());
  ExtractContext ctx = Context();
  ctx.append_acl_grants = AppendAclGrantsJson;
  store::ObjectVersion v = Object();
  v.acl = store::EncodeAcl(acl, kOwnerCanonical);
  std::optional<std::string> json =
      Base64Decode(Extract(c, v, &batch, ctx)["ObjectAccessControlList"].string_value);
  ASSERT_TRUE(json.has_value());
  EXPECT_TRUE(json->starts_with(R"({"version":"2022-11-10","status":"AVAILABLE","grants":[{)"))
      << *json;
  EXPECT_NE(json->find(R"("uri":"http://acs.amazonaws.com/groups/global/AllUsers")"),
            std::string::npos);
}

TEST(FieldsTest, EventHoldColumnsAndMovingRetainUntilDate) {
  constexpr int64_t kDay = 24 * 3600 * 1000;
  InventoryConfiguration c =
      Config(IncludedObjectVersions::kCurrent,
             {FieldId::kObjectLockRetainUntilDate, FieldId::kObjectLockEventHoldStatus,
              FieldId::kObjectLockEventHoldDuration});
  format::RowBatch batch(BuildSchema(c).size());
  store::ObjectVersion v = Object();
  ExtractContext ctx = Context(/*object_lock=*/true);
  ctx.now_ms = v.last_modified_ms + 50 * kDay;
  Row row = Extract(c, v, &batch, ctx);
  ExpectString(row["ObjectLockEventHoldStatus"], "Off");
  EXPECT_FALSE(row["ObjectLockEventHoldDuration"].present);
  EXPECT_FALSE(row["ObjectLockRetainUntilDate"].present);

  v.object_lock_mode = "GOVERNANCE";
  v.object_lock_event_hold = "ON";
  v.object_lock_event_hold_days = 10;
  v.object_lock_retain_until_ms = v.last_modified_ms + 10 * kDay;
  row = Extract(c, v, &batch, ctx);
  ExpectString(row["ObjectLockEventHoldStatus"], "On");
  ExpectString(row["ObjectLockEventHoldDuration"], "10 Days");
  // While ON, the date is the report time + the duration.
  EXPECT_EQ(row["ObjectLockRetainUntilDate"].int_value, ctx.now_ms + 10 * kDay);

  v.object_lock_event_hold = "OFF";
  v.object_lock_event_hold_days = 0;
  v.object_lock_event_hold_years = 2;
  row = Extract(c, v, &batch, ctx);
  ExpectString(row["ObjectLockEventHoldStatus"], "Off");
  ExpectString(row["ObjectLockEventHoldDuration"], "2 Years");
  EXPECT_EQ(row["ObjectLockRetainUntilDate"].int_value, v.object_lock_retain_until_ms);

  // Without Object Lock on the bucket, the status column is empty.
  row = Extract(c, Object(), &batch, Context(/*object_lock=*/false));
  EXPECT_FALSE(row["ObjectLockEventHoldStatus"].present);
}

TEST(FieldsTest, LifecycleExpirationDate) {
  InventoryConfiguration c =
      Config(IncludedObjectVersions::kAll, {FieldId::kLifecycleExpirationDate});
  ExtractContext ctx = Context();
  store::LifecycleRule current;
  current.filter.prefix = "dir/";
  current.expiration_days = 3;
  store::LifecycleRule noncurrent;
  noncurrent.noncurrent_days = 1;
  ctx.lifecycle_rules = {current, noncurrent};
  RowExtractor extractor(c, std::move(ctx));
  format::RowBatch batch(extractor.schema().size());
  // Newest first: the current version, then one written a day earlier, then a delete marker.
  store::ObjectVersion newest = Object();
  store::ObjectVersion older = Object();
  older.is_latest = false;
  older.last_modified_ms -= store::kDayMs;
  store::ObjectVersion marker = older;
  marker.is_delete_marker = true;
  for (const store::ObjectVersion* v : {&newest, &older, &marker}) {
    extractor.Observe(*v);
    extractor.Append(*v, &batch);
  }
  const size_t last = extractor.schema().size() - 1;
  ASSERT_EQ(extractor.schema()[last].csv_name, "LifecycleExpirationDate");
  const auto& cells = batch.column(last);
  // 2022-12-12T13:20:39Z + 3 days -> 2022-12-16T00:00Z; noncurrent since then + 1 day.
  EXPECT_EQ(cells[0].int_value, 1671148800000);
  EXPECT_EQ(cells[1].int_value, 1670976000000);  // 2022-12-14T00:00Z
  EXPECT_FALSE(cells[2].present);                // delete-marker rows: empty
}

}  // namespace
}  // namespace stocktake::inventory
