#include "inventory/manifest.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::inventory {
namespace {

constexpr char kNixSchema[] =
    "message s3.inventory {  required binary bucket (STRING);  required binary key (STRING);  "
    "optional int64 size;  optional int64 last_modified_date (TIMESTAMP(MILLIS,true));  "
    "optional binary e_tag (STRING);  optional binary storage_class (STRING);}";

Manifest NixManifest() {
  Manifest m;
  m.source_bucket = "nix-cache";
  m.destination_bucket_arn = "arn:aws:s3:::nix-cache-inventory";
  m.creation_timestamp_ms = 1748826000000;
  m.file_format = format::FileFormat::kParquet;
  m.file_schema = kNixSchema;
  m.files = {
      {"nix-cache/nix-cache-inventory/data/ed88423e-6457-4a45-ad18-6e13b66d076f.parquet", 176058964,
       "55bf7c536ac7b6de3c79ff4520a0fa7d"},
      {"nix-cache/nix-cache-inventory/data/858aa1a6-0b23-4f6d-9d9f-b6414b38f7c4.parquet", 58644614,
       "dadc5596c0efc4863ac2eec86cbab1f0"},
  };
  return m;
}

// spec §6.2, byte for byte (the real NIX manifest, cut to its first two entries).
constexpr char kNixManifestJson[] = R"({
  "sourceBucket" : "nix-cache",
  "destinationBucket" : "arn:aws:s3:::nix-cache-inventory",
  "version" : "2016-11-30",
  "creationTimestamp" : "1748826000000",
  "fileFormat" : "Parquet",
  "fileSchema" : "message s3.inventory {  required binary bucket (STRING);  required binary key (STRING);  optional int64 size;  optional int64 last_modified_date (TIMESTAMP(MILLIS,true));  optional binary e_tag (STRING);  optional binary storage_class (STRING);}",
  "files" : [ {
    "key" : "nix-cache/nix-cache-inventory/data/ed88423e-6457-4a45-ad18-6e13b66d076f.parquet",
    "size" : 176058964,
    "MD5checksum" : "55bf7c536ac7b6de3c79ff4520a0fa7d"
  }, {
    "key" : "nix-cache/nix-cache-inventory/data/858aa1a6-0b23-4f6d-9d9f-b6414b38f7c4.parquet",
    "size" : 58644614,
    "MD5checksum" : "dadc5596c0efc4863ac2eec86cbab1f0"
  } ]
})";

TEST(ManifestTest, MatchesRealAwsManifestByteForByte) {
  EXPECT_EQ(BuildManifestJson(NixManifest()), kNixManifestJson);
}

TEST(ManifestTest, OneFileAndNoFiles) {
  Manifest m = NixManifest();
  m.files.resize(1);
  std::string json = BuildManifestJson(m);
  EXPECT_NE(json.find(R"(  "files" : [ {
    "key" : "nix-cache/nix-cache-inventory/data/ed88423e-6457-4a45-ad18-6e13b66d076f.parquet",
    "size" : 176058964,
    "MD5checksum" : "55bf7c536ac7b6de3c79ff4520a0fa7d"
  } ]
})"),
            std::string::npos)
      << json;
  m.files.clear();
  json = BuildManifestJson(m);
  EXPECT_TRUE(json.ends_with(",\n  \"files\" : [ ]\n}")) << json;
}

TEST(ManifestTest, EscapesLikeJackson) {
  Manifest m = NixManifest();
  m.files.clear();
  m.source_bucket = "a\"b\\c/d\x01\x1f\b\t\n\f\r\xC3\xA9\x7f";
  std::string json = BuildManifestJson(m);
  EXPECT_NE(json.find(R"("sourceBucket" : "a\"b\\c/d\u0001\u001F\b\t\n\f\r)"
                      "\xC3\xA9\x7f\""),
            std::string::npos)
      << json;
}

TEST(ManifestTest, Checksum) {
  // md5 of the spec §6.2 bytes, computed independently (Python hashlib).
  EXPECT_EQ(BuildManifestChecksum(kNixManifestJson), "25ca601827ad0f5a890d820c933f1715\n");
  EXPECT_EQ(BuildManifestChecksum(""), "d41d8cd98f00b204e9800998ecf8427e\n");
  EXPECT_EQ(BuildManifestChecksum(kNixManifestJson).size(), 33u);  // the [NIX] object size
}

TEST(ManifestTest, Symlink) {
  Manifest m = NixManifest();
  EXPECT_EQ(BuildSymlinkTxt("nix-cache-inventory", m.files),
            "s3://nix-cache-inventory/nix-cache/nix-cache-inventory/data/"
            "ed88423e-6457-4a45-ad18-6e13b66d076f.parquet\n"
            "s3://nix-cache-inventory/nix-cache/nix-cache-inventory/data/"
            "858aa1a6-0b23-4f6d-9d9f-b6414b38f7c4.parquet\n");
  EXPECT_EQ(BuildSymlinkTxt("b", {}), "");
}

TEST(ManifestTest, ParseRoundTrip) {
  Manifest m = NixManifest();
  Result<Manifest> back = ParseManifestJson(BuildManifestJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  m.files.clear();
  m.file_format = format::FileFormat::kOrc;
  m.source_bucket = "we\"ird\n";
  back = ParseManifestJson(BuildManifestJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

TEST(ManifestTest, ParsesAwsDocsLayout) {
  // The docs' CSV example (spec §6.2), with its own spacing.
  Result<Manifest> m = ParseManifestJson(R"({
    "sourceBucket": "amzn-s3-demo-source-bucket",
    "destinationBucket": "arn:aws:s3:::example-inventory-destination-bucket",
    "version": "2016-11-30",
    "creationTimestamp" : "1514944800000",
    "fileFormat": "CSV",
    "fileSchema": "Bucket, Key, VersionId",
    "files": [ { "key": "Inventory/amzn-s3-demo-source-bucket/2016-11-06T21-32Z/files/939c6d46-85a9-4ba8-87bd-9db705a579ce.csv.gz",
                 "size": 2147483647, "MD5checksum": "f11166069f1990abeb9c97ace9cdfabc" } ]
})");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->creation_timestamp_ms, 1514944800000);
  EXPECT_EQ(m->file_format, format::FileFormat::kCsv);
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files[0].size, 2147483647u);
}

TEST(ManifestTest, ParseRejects) {
  for (const char* bad :
       {"", "{", "[]", R"({"sourceBucket":"a"})",
        R"({"sourceBucket":"a","destinationBucket":"b","version":"2020-01-01",)"
        R"("creationTimestamp":"1","fileFormat":"CSV","fileSchema":"","files":[]})",
        R"({"sourceBucket":"a","destinationBucket":"b","version":"2016-11-30",)"
        R"("creationTimestamp":1,"fileFormat":"CSV","fileSchema":"","files":[]})",
        R"({"sourceBucket":"a","destinationBucket":"b","version":"2016-11-30",)"
        R"("creationTimestamp":"x1","fileFormat":"CSV","fileSchema":"","files":[]})",
        R"({"sourceBucket":"a","destinationBucket":"b","version":"2016-11-30",)"
        R"("creationTimestamp":"1","fileFormat":"JSON","fileSchema":"","files":[]})",
        R"({"sourceBucket":"a","destinationBucket":"b","version":"2016-11-30",)"
        R"("creationTimestamp":"1","fileFormat":"CSV","fileSchema":"","files":[{"key":"k"}]})"}) {
    Result<Manifest> m = ParseManifestJson(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace stocktake::inventory
