#include "scan/listing_xml.h"

#include <gtest/gtest.h>

namespace stocktake::scan {
namespace {

TEST(ListingXmlTest, ListObjectsV2WithUrlEncodingOwnerAndChecksum) {
  auto page = ParseListObjectsV2(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>
<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
<Contents><Key>a+b%2Bc%25/%C3%BC</Key><LastModified>2024-05-07T01:02:03.456Z</LastModified>
<ETag>&quot;0123456789abcdef0123456789abcdef-3&quot;</ETag>
<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>
<Size>42</Size><Owner><ID>abc</ID><DisplayName>x</DisplayName></Owner>
<StorageClass>GLACIER</StorageClass></Contents>
<Contents><Key>z</Key><LastModified>2024-05-07T01:02:03Z</LastModified><ETag>"e"</ETag>
<Size>0</Size></Contents>
<CommonPrefixes><Prefix>dir%20x/</Prefix></CommonPrefixes>
<NextContinuationToken>tok==</NextContinuationToken></ListBucketResult>)");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 2u);
  const store::ObjectVersion& a = page->entries[0].version;
  EXPECT_EQ(a.key, "a b+c%/\xC3\xBC");
  EXPECT_EQ(a.etag, "0123456789abcdef0123456789abcdef-3");
  EXPECT_TRUE(a.is_multipart);
  EXPECT_EQ(a.part_count, 3u);
  EXPECT_EQ(a.size, 42u);
  EXPECT_EQ(a.last_modified_ms, 1715043723456);
  EXPECT_EQ(a.storage_class, "GLACIER");
  EXPECT_EQ(a.checksum_algorithm, "CRC32");
  EXPECT_EQ(a.owner_account_id, "abc");
  EXPECT_TRUE(a.is_latest);
  EXPECT_TRUE(page->entries[0].has_owner);
  EXPECT_TRUE(page->entries[0].has_checksum_algorithm);
  const ListedEntry& z = page->entries[1];
  EXPECT_FALSE(z.has_owner);
  EXPECT_FALSE(z.version.is_multipart);
  EXPECT_EQ(z.version.storage_class, "STANDARD");
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"dir x/"});
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "tok==");
}

TEST(ListingXmlTest, KeysAreLiteralWithoutEncodingType) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><Contents><Key>a+b%41</Key><LastModified>2024-05-07T01:02:03.000Z"
      "</LastModified><ETag>\"e\"</ETag><Size>1</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries[0].version.key, "a+b%41");
}

TEST(ListingXmlTest, VersionsInterleavedOrGroupedComeOutInReportOrder) {
  // Delete markers grouped after versions: the marker of k1 is its newest version.
  auto page = ParseListObjectVersions(
      R"(<ListVersionsResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>
<Version><Key>k1</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest>
<LastModified>2024-01-01T00:00:01.000Z</LastModified><ETag>"a"</ETag><Size>1</Size>
<StorageClass>STANDARD</StorageClass></Version>
<Version><Key>k2</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>
<LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>"b"</ETag><Size>2</Size>
<Owner><ID>o</ID></Owner></Version>
<DeleteMarker><Key>k1</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest>
<LastModified>2024-01-01T00:00:02.000Z</LastModified><Owner><ID>o</ID></Owner></DeleteMarker>
</ListVersionsResult>)");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 3u);
  EXPECT_EQ(page->entries[0].version.version_id, "v2");
  EXPECT_TRUE(page->entries[0].version.is_delete_marker);
  EXPECT_TRUE(page->entries[0].version.storage_class.empty());
  EXPECT_EQ(page->entries[1].version.version_id, "v1");
  EXPECT_EQ(page->entries[2].version.key, "k2");
  EXPECT_EQ(page->entries[2].version.version_id, "");  // null version
}

TEST(ListingXmlTest, RejectsOtherDocuments) {
  EXPECT_FALSE(ParseListObjectsV2("<Error><Code>NoSuchBucket</Code></Error>").ok());
  EXPECT_FALSE(ParseListObjectVersions("not xml").ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key><LastModified>x"
                                  "</LastModified><Size>1</Size></Contents></ListBucketResult>")
                   .ok());
}

}  // namespace
}  // namespace stocktake::scan
