// Byte-exact tests of the Thrift compact encoder against thrift-compact-protocol.md, and of the
// Parquet page header / footer serialization (decoded with the test-only CompactReader).
#include "format/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "format/parquet/parquet_metadata.h"
#include "format/parquet/testing/thrift_compact_test_util.h"

namespace stocktake::format::parquet {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(ThriftCompactTest, VarintMatchesSpecExample) {
  std::string out;
  AppendUleb128(&out, 50399);  // spec: 0xDF 0x89 0x03
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0xdf, 0x89, 0x03}));
  out.clear();
  AppendUleb128(&out, 0);
  AppendUleb128(&out, 127);
  AppendUleb128(&out, 128);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x00, 0x7f, 0x80, 0x01}));
  out.clear();
  AppendUleb128(&out, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(out.size(), 10u);
  EXPECT_EQ(static_cast<uint8_t>(out.back()), 0x01);
}

TEST(ThriftCompactTest, ZigZag) {
  // Spec: 0, -1, 1, -2, 2 <-> 0, 1, 2, 3, 4.
  EXPECT_EQ(ZigZag32(0), 0u);
  EXPECT_EQ(ZigZag32(-1), 1u);
  EXPECT_EQ(ZigZag32(1), 2u);
  EXPECT_EQ(ZigZag32(-2), 3u);
  EXPECT_EQ(ZigZag32(2), 4u);
  EXPECT_EQ(ZigZag32(std::numeric_limits<int32_t>::min()), 0xffffffffu);
  EXPECT_EQ(ZigZag64(std::numeric_limits<int64_t>::max()), 0xfffffffffffffffeull);
  EXPECT_EQ(ZigZag64(std::numeric_limits<int64_t>::min()), 0xffffffffffffffffull);
}

TEST(ThriftCompactTest, ShortAndLongFieldHeaders) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.I32Field(1, 1);   // delta 1, type 5: 0x15, zigzag(1) = 2
  w.I64Field(3, -1);  // delta 2, type 6: 0x26, zigzag(-1) = 1
  w.I32Field(20, 0);  // delta 17 > 15: long form 0x05, zigzag(20) = 40 = 0x28, value 0
  w.I16Field(21, 3);  // delta 1, type 4: 0x14, zigzag(3) = 6
  w.EndStruct();
  EXPECT_EQ(Bytes(out),
            (std::vector<uint8_t>{0x15, 0x02, 0x26, 0x01, 0x05, 0x28, 0x00, 0x14, 0x06, 0x00}));
  EXPECT_EQ(w.depth(), 0u);
}

TEST(ThriftCompactTest, BoolsLiveInTheFieldHeader) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.BoolField(1, true);   // 0x11
  w.BoolField(2, false);  // 0x12
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x11, 0x12, 0x00}));
}

TEST(ThriftCompactTest, BinaryAndNestedStructs) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.BinaryField(4, "abc");  // 0x48, length 3, bytes
  w.StructField(5);         // 0x1c
  w.I32Field(1, 7);         // inner ids restart: 0x15 0x0e
  w.EndStruct();            // 0x00
  w.I32Field(6, 0);         // outer delta from 5: 0x15 0x00
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x48, 0x03, 'a', 'b', 'c', 0x1c, 0x15, 0x0e, 0x00,
                                              0x15, 0x00, 0x00}));
}

TEST(ThriftCompactTest, ListHeaders) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.ListField(1, CompactType::kI32, 3);  // 0x19, short list header 0x35
  w.I32Element(0);
  w.I32Element(-1);
  w.I32Element(64);                          // zigzag 128 = 0x80 0x01
  w.ListField(2, CompactType::kStruct, 15);  // 0x19, long header 0xfc then size 15
  for (int i = 0; i < 15; ++i) {
    w.BeginStruct();
    w.EndStruct();
  }
  w.ListField(3, CompactType::kBinary, 0);  // 0x19, 0x08
  w.EndStruct();
  std::vector<uint8_t> expected = {0x19, 0x35, 0x00, 0x01, 0x80, 0x01, 0x19, 0xfc, 0x0f};
  expected.insert(expected.end(), 15, 0x00);
  expected.insert(expected.end(), {0x19, 0x08, 0x00});
  EXPECT_EQ(Bytes(out), expected);
}

TEST(ParquetMetadataTest, DictionaryPageHeaderBytes) {
  PageHeader h;
  h.type = PageType::kDictionaryPage;
  h.uncompressed_page_size = 10;
  h.compressed_page_size = 12;
  h.dictionary.num_values = 3;
  std::string out;
  SerializePageHeader(h, &out);
  // 1: type=2, 2: 10, 3: 12, 7 (delta 4): {1: 3, 2: PLAIN, 3: false}.
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x15, 0x04, 0x15, 0x14, 0x15, 0x18, 0x4c, 0x15, 0x06,
                                              0x15, 0x00, 0x12, 0x00, 0x00}));
}

TEST(ParquetMetadataTest, DataPageHeaderWithStatistics) {
  Statistics stats;
  stats.null_count = 2;
  stats.has_min_max = true;
  stats.min_value = "a";
  stats.max_value = "z";
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 100;
  h.compressed_page_size = 50;
  h.data.num_values = 9;
  h.data.encoding = Encoding::kRleDictionary;
  h.data.statistics = &stats;
  std::string out;
  SerializePageHeader(h, &out);
  testing::CompactReader reader(out);
  testing::TValue v = reader.ReadStruct();
  EXPECT_EQ(reader.position(), out.size());
  EXPECT_EQ(v.at(1).i, 0);
  EXPECT_EQ(v.at(2).i, 100);
  EXPECT_EQ(v.at(3).i, 50);
  const testing::TValue& d = v.at(5);
  EXPECT_EQ(d.at(1).i, 9);
  EXPECT_EQ(d.at(2).i, 8);  // RLE_DICTIONARY
  EXPECT_EQ(d.at(3).i, 3);  // RLE levels
  EXPECT_EQ(d.at(4).i, 3);
  const testing::TValue& s = d.at(5);
  EXPECT_EQ(s.at(3).i, 2);
  EXPECT_EQ(s.at(5).bin, "z");
  EXPECT_EQ(s.at(6).bin, "a");
  EXPECT_FALSE(s.has(1));  // no deprecated signed min/max for byte arrays
  EXPECT_FALSE(s.has(2));
}

TEST(ParquetMetadataTest, FileMetaDataRoundTrip) {
  FileMetaData f;
  f.created_by = "stocktake version 0.1.0";
  SchemaElement root;
  root.name = "s3.inventory";
  root.num_children = 2;
  f.schema.push_back(root);
  SchemaElement key;
  key.name = "key";
  key.type = Type::kByteArray;
  key.repetition = Repetition::kRequired;
  key.converted_type = ConvertedType::kUtf8;
  key.logical_type = LogicalType::kString;
  f.schema.push_back(key);
  SchemaElement ts;
  ts.name = "last_modified_date";
  ts.type = Type::kInt64;
  ts.repetition = Repetition::kOptional;
  ts.converted_type = ConvertedType::kTimestampMillis;
  ts.logical_type = LogicalType::kTimestampMillisUtc;
  f.schema.push_back(ts);
  f.num_rows = 0;
  f.type_defined_order_columns = 2;
  std::string out;
  SerializeFileMetaData(f, &out);

  testing::CompactReader reader(out);
  testing::TValue v = reader.ReadStruct();
  EXPECT_EQ(reader.position(), out.size());
  EXPECT_EQ(v.at(1).i, 1);
  ASSERT_EQ(v.at(2).list.size(), 3u);
  EXPECT_EQ(v.at(2).list[0].at(4).bin, "s3.inventory");
  EXPECT_EQ(v.at(2).list[0].at(5).i, 2);
  EXPECT_FALSE(v.at(2).list[0].has(3));  // the root has no repetition
  const testing::TValue& k = v.at(2).list[1];
  EXPECT_EQ(k.at(1).i, 6);
  EXPECT_EQ(k.at(3).i, 0);
  EXPECT_EQ(k.at(6).i, 0);                     // UTF8
  EXPECT_TRUE(k.at(10).at(1).fields.empty());  // LogicalType.STRING
  const testing::TValue& t = v.at(2).list[2];
  EXPECT_EQ(t.at(6).i, 9);                     // TIMESTAMP_MILLIS
  const testing::TValue& tt = t.at(10).at(8);  // LogicalType.TIMESTAMP
  EXPECT_EQ(tt.at(1).i, 1);                    // isAdjustedToUTC
  EXPECT_TRUE(tt.at(2).has(1));                // unit MILLIS
  EXPECT_EQ(v.at(3).i, 0);
  EXPECT_TRUE(v.at(4).list.empty());
  EXPECT_EQ(v.at(6).bin, "stocktake version 0.1.0");
  ASSERT_EQ(v.at(7).list.size(), 2u);
  EXPECT_TRUE(v.at(7).list[0].has(1));  // TYPE_ORDER
}

}  // namespace
}  // namespace stocktake::format::parquet
