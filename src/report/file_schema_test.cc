// fileSchema strings as AWS writes them (spec §5.2, §5.3, §6.1), as the docs spell them, and as
// Stocktake writes them.
#include "report/file_schema.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stocktake::report {
namespace {

using format::ColumnType;
using format::FileFormat;

std::vector<std::string> Names(const ReportSchema& schema) {
  std::vector<std::string> names;
  for (const auto& c : schema.columns) names.push_back(c.name);
  return names;
}

TEST(FileSchema, RealAwsParquet) {
  // The real manifest of spec §6.2 ([NIX]).
  auto schema = ParseFileSchema(
      FileFormat::kParquet,
      "message s3.inventory {  required binary bucket (STRING);  required binary key (STRING);  "
      "optional int64 size;  optional int64 last_modified_date (TIMESTAMP(MILLIS,true));  "
      "optional binary e_tag (STRING);  optional binary storage_class (STRING);}");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(Names(*schema), (std::vector<std::string>{"bucket", "key", "size", "last_modified_date",
                                                      "e_tag", "storage_class"}));
  EXPECT_TRUE(schema->columns[0].required);
  EXPECT_FALSE(schema->columns[2].required);
  EXPECT_EQ(schema->columns[3].type, ColumnType::kTimestampMillis);
  EXPECT_EQ(schema->columns[3].declared_type,
            "optional int64 last_modified_date (TIMESTAMP(MILLIS,true))");
  EXPECT_TRUE(schema->notes.empty());
  EXPECT_EQ(schema->IndexOf(inventory::FieldId::kSize), 2u);
  EXPECT_FALSE(schema->IndexOf(inventory::FieldId::kVersionId).has_value());
}

TEST(FileSchema, DocsParquetOldSpelling) {
  // The docs' parquet-mr spelling (spec §5.2): UTF8 and TIMESTAMP_MILLIS, no trailing space.
  auto schema = ParseFileSchema(
      FileFormat::kParquet,
      "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); "
      "optional boolean is_latest; optional int64 last_modified_date (TIMESTAMP_MILLIS);}");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->columns[2].type, ColumnType::kBoolean);
  EXPECT_EQ(schema->columns[3].type, ColumnType::kTimestampMillis);
  EXPECT_TRUE(schema->notes.empty());
}

TEST(FileSchema, DocsOrc) {
  auto schema = ParseFileSchema(
      FileFormat::kOrc,
      "struct<bucket:string,key:string,version_id:string,is_latest:boolean,is_delete_marker:"
      "boolean,size:bigint,last_modified_date:timestamp,e_tag:string,storage_class:string,"
      "is_multipart_uploaded:boolean,replication_status:string,encryption_status:string,"
      "object_lock_retain_until_date:timestamp,object_lock_mode:string,"
      "object_lock_legal_hold_status:string,intelligent_tiering_access_tier:string,"
      "bucket_key_status:string,checksum_algorithm:string,object_access_control_list:string,"
      "object_owner:string>");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->columns.size(), 20u);
  EXPECT_EQ(schema->columns[5].type, ColumnType::kInt64);
  EXPECT_EQ(schema->columns[12].type, ColumnType::kTimestampMillis);
  EXPECT_TRUE(schema->notes.empty());
}

TEST(FileSchema, DocsCsv) {
  auto schema = ParseFileSchema(
      FileFormat::kCsv,
      "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, "
      "StorageClass, IsMultipartUploaded, ReplicationStatus, EncryptionStatus, "
      "ObjectLockRetainUntilDate, ObjectLockMode, ObjectLockLegalHoldStatus, "
      "IntelligentTieringAccessTier, BucketKeyStatus, ChecksumAlgorithm, ObjectAccessControlList, "
      "ObjectOwner");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  ASSERT_EQ(schema->columns.size(), 20u);
  EXPECT_EQ(schema->columns[6].name, "last_modified_date");
  EXPECT_EQ(schema->columns[6].declared_name, "LastModifiedDate");
  EXPECT_EQ(schema->columns[6].type, ColumnType::kTimestampMillis);
  EXPECT_TRUE(schema->notes.empty());
}

TEST(FileSchema, WhatStocktakeWrites) {
  std::vector<inventory::FieldId> ids;
  for (const auto& f : inventory::AllFields()) ids.push_back(f.id);
  format::Schema written = inventory::BuildSchema(ids);
  for (FileFormat f : {FileFormat::kCsv, FileFormat::kOrc, FileFormat::kParquet}) {
    auto schema = ParseFileSchema(f, format::FileSchemaString(f, written));
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    ASSERT_EQ(schema->columns.size(), written.size());
    for (size_t i = 0; i < written.size(); ++i) {
      EXPECT_EQ(schema->columns[i].name, written[i].column_name);
      EXPECT_EQ(schema->columns[i].type, written[i].type);
      EXPECT_EQ(schema->columns[i].field->id, ids[i]);
    }
    EXPECT_TRUE(schema->notes.empty());
  }
}

TEST(FileSchema, UnknownColumnsAreKeptWithANote) {
  auto schema = ParseFileSchema(FileFormat::kOrc,
                                "struct<bucket:string,key:string,new_field:string,"
                                "size:string,score:decimal(10,2)>");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(Names(*schema),
            (std::vector<std::string>{"bucket", "key", "new_field", "size", "score"}));
  EXPECT_EQ(schema->columns[2].field, nullptr);
  EXPECT_EQ(schema->columns[3].type, ColumnType::kString);  // read as the file declares it
  ASSERT_GE(schema->notes.size(), 3u);
  EXPECT_EQ(schema->notes[0], "column new_field is not an S3 Inventory field");
  EXPECT_EQ(schema->notes[1], "column size is declared string, the inventory field is int64");
}

TEST(FileSchema, Errors) {
  EXPECT_FALSE(ParseFileSchema(FileFormat::kCsv, "").ok());
  EXPECT_FALSE(ParseFileSchema(FileFormat::kCsv, "Bucket, Size").ok());  // no Key
  EXPECT_FALSE(ParseFileSchema(FileFormat::kCsv, "Bucket, Key, Key").ok());
  EXPECT_FALSE(ParseFileSchema(FileFormat::kCsv, "Bucket, , Key").ok());
  EXPECT_FALSE(ParseFileSchema(FileFormat::kOrc, "bucket:string,key:string").ok());
  EXPECT_FALSE(ParseFileSchema(FileFormat::kOrc, "struct<bucket:string,key>").ok());
  EXPECT_FALSE(ParseFileSchema(FileFormat::kOrc, "struct<bucket:string,key:map<string>").ok());
  EXPECT_FALSE(ParseFileSchema(FileFormat::kParquet, "message x { required binary key").ok());
  EXPECT_FALSE(ParseFileSchema(FileFormat::kParquet, "message x { repeated binary key; }").ok());
  EXPECT_FALSE(
      ParseFileSchema(FileFormat::kParquet, "message x { optional group g { int32 a; } }").ok());
}

}  // namespace
}  // namespace stocktake::report
