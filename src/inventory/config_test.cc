#include "inventory/config.h"

#include <gtest/gtest.h>

namespace stocktake::inventory {
namespace {

InventoryConfiguration Sample() {
  InventoryConfiguration c;
  c.id = "report1";
  c.is_enabled = true;
  c.destination.account_id = "123456789012";
  c.destination.bucket_arn = "arn:aws:s3:::destination-bucket";
  c.destination.format = format::FileFormat::kParquet;
  c.destination.prefix = "inv/";
  c.destination.encryption = ReportEncryption::kSseKms;
  c.destination.kms_key_id = "arn:aws:kms:us-west-2:111122223333:key/k";
  c.filter_prefix = "";
  c.included_object_versions = IncludedObjectVersions::kAll;
  c.optional_fields = {FieldId::kSize, FieldId::kETag, FieldId::kIntelligentTieringReferenceDate};
  c.frequency = ScheduleFrequency::kWeekly;
  return c;
}

TEST(ConfigTest, BucketNameFromArn) {
  InventoryDestination d;
  d.bucket_arn = "arn:aws:s3:::destination-bucket";
  EXPECT_EQ(d.BucketName(), "destination-bucket");
  d.bucket_arn = "destination-bucket";
  EXPECT_EQ(d.BucketName(), "");
}

TEST(ConfigTest, EnumSpellings) {
  EXPECT_EQ(ParseFileFormat("Parquet"), format::FileFormat::kParquet);
  EXPECT_EQ(ParseFileFormat("PARQUET"), std::nullopt);
  EXPECT_EQ(ParseFileFormat("CSV"), format::FileFormat::kCsv);
  EXPECT_EQ(ParseFileFormat("ORC"), format::FileFormat::kOrc);
  EXPECT_EQ(ParseScheduleFrequency("Weekly"), ScheduleFrequency::kWeekly);
  EXPECT_EQ(ParseScheduleFrequency("daily"), std::nullopt);
  EXPECT_EQ(ParseIncludedObjectVersions("All"), IncludedObjectVersions::kAll);
  EXPECT_EQ(IncludedObjectVersionsName(IncludedObjectVersions::kCurrent), "Current");
  EXPECT_EQ(ScheduleFrequencyName(ScheduleFrequency::kDaily), "Daily");
}

TEST(ConfigTest, CanonicalizeSortsByPosition) {
  std::vector<FieldId> f = {FieldId::kObjectOwner, FieldId::kStorageClass, FieldId::kETag,
                            FieldId::kSize};
  CanonicalizeOptionalFields(&f);
  EXPECT_EQ(f, (std::vector<FieldId>{FieldId::kSize, FieldId::kETag, FieldId::kStorageClass,
                                     FieldId::kObjectOwner}));
}

TEST(ConfigTest, StorageRoundTrip) {
  InventoryConfiguration c = Sample();
  std::string doc = EncodeInventoryConfiguration(c);
  Result<InventoryConfiguration> back = DecodeInventoryConfiguration(doc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);

  // Absent optionals stay absent, not empty.
  c.destination.account_id.reset();
  c.destination.prefix.reset();
  c.filter_prefix.reset();
  c.destination.encryption = ReportEncryption::kNone;
  c.destination.kms_key_id.clear();
  c.optional_fields.clear();
  back = DecodeInventoryConfiguration(EncodeInventoryConfiguration(c));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);

  c.destination.encryption = ReportEncryption::kSseS3;
  back = DecodeInventoryConfiguration(EncodeInventoryConfiguration(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
}

TEST(ConfigTest, StorageEncodingIsStable) {
  // On-disk form: a change here breaks existing data directories.
  EXPECT_EQ(EncodeInventoryConfiguration(Sample()),
            R"({"v":1,"id":"report1","enabled":true,"dest_account_id":"123456789012",)"
            R"("dest_bucket_arn":"arn:aws:s3:::destination-bucket","dest_format":"Parquet",)"
            R"("dest_prefix":"inv/","dest_encryption":"SSE-KMS",)"
            R"("dest_kms_key_id":"arn:aws:kms:us-west-2:111122223333:key/k","filter_prefix":"",)"
            R"("versions":"All","fields":["Size","ETag","IntelligentTieringReferenceDate"],)"
            R"("frequency":"Weekly"})");
}

TEST(ConfigTest, DecodeSortsFieldsAndIgnoresUnknownKeys) {
  Result<InventoryConfiguration> c = DecodeInventoryConfiguration(
      R"({"v":1,"id":"x","enabled":false,"dest_bucket_arn":"arn:aws:s3:::d",)"
      R"("dest_format":"CSV","versions":"Current","fields":["ETag","Size"],)"
      R"("frequency":"Daily","future":{"a":1}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->optional_fields, (std::vector<FieldId>{FieldId::kSize, FieldId::kETag}));
}

TEST(ConfigTest, DecodeRejectsCorruption) {
  for (const char* doc :
       {"", "not json", "[]", R"({"v":2,"id":"x"})", R"({"v":1})",
        R"({"v":1,"id":"x","enabled":"yes","dest_bucket_arn":"a","dest_format":"CSV",)"
        R"("versions":"All","frequency":"Daily"})",
        R"({"v":1,"id":"x","enabled":true,"dest_bucket_arn":"a","dest_format":"XML",)"
        R"("versions":"All","frequency":"Daily"})",
        R"({"v":1,"id":"x","enabled":true,"dest_bucket_arn":"a","dest_format":"CSV",)"
        R"("versions":"All","frequency":"Daily","fields":["Nope"]})",
        R"({"v":1,"id":"x","enabled":true,"dest_bucket_arn":"a","dest_format":"CSV",)"
        R"("versions":"All","frequency":"Daily","fields":["Size","Size"]})",
        R"({"v":1,"id":"x","enabled":true,"dest_bucket_arn":"a","dest_format":"CSV",)"
        R"("versions":"All","frequency":"Daily","dest_encryption":"SSE-KMS"})"}) {
    Result<InventoryConfiguration> c = DecodeInventoryConfiguration(doc);
    ASSERT_FALSE(c.ok()) << doc;
    EXPECT_EQ(c.status().code(), StatusCode::kCorruption) << doc;
  }
}

}  // namespace
}  // namespace stocktake::inventory
