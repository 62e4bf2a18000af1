#include "format/orc/protobuf_encoder.h"

#include <gtest/gtest.h>

#include <limits>

namespace stocktake::format::orc {
namespace {

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Varint(uint64_t v) {
  std::string out;
  ProtoEncoder::AppendVarint(&out, v);
  return Hex(out);
}

TEST(ProtoEncoderTest, Varints) {
  EXPECT_EQ(Varint(0), "00");
  EXPECT_EQ(Varint(1), "01");
  EXPECT_EQ(Varint(127), "7f");
  EXPECT_EQ(Varint(128), "8001");
  EXPECT_EQ(Varint(150), "9601");  // protobuf encoding guide
  EXPECT_EQ(Varint(300), "ac02");
  EXPECT_EQ(Varint(std::numeric_limits<uint64_t>::max()), "ffffffffffffffffff01");
  for (uint64_t v : {0ull, 127ull, 128ull, 16383ull, 16384ull, ~0ull}) {
    std::string s;
    ProtoEncoder::AppendVarint(&s, v);
    EXPECT_EQ(ProtoEncoder::VarintSize(v), s.size()) << v;
  }
}

TEST(ProtoEncoderTest, ZigZag) {
  EXPECT_EQ(ProtoEncoder::ZigZag(0), 0u);
  EXPECT_EQ(ProtoEncoder::ZigZag(-1), 1u);
  EXPECT_EQ(ProtoEncoder::ZigZag(1), 2u);
  EXPECT_EQ(ProtoEncoder::ZigZag(-2), 3u);
  EXPECT_EQ(ProtoEncoder::ZigZag(2147483647), 4294967294u);
  EXPECT_EQ(ProtoEncoder::ZigZag(std::numeric_limits<int64_t>::max()), ~0ull - 1);
  EXPECT_EQ(ProtoEncoder::ZigZag(std::numeric_limits<int64_t>::min()), ~0ull);
}

TEST(ProtoEncoderTest, FieldsAsInTheProtobufEncodingGuide) {
  std::string out;
  ProtoEncoder e(&out);
  e.Uint(1, 150);         // message Test1 { optional int32 a = 1; } a = 150
  e.Bytes(2, "testing");  // message Test2 { optional string b = 2; }
  const uint64_t packed[] = {3, 270, 86942};
  e.PackedUint(4, std::span<const uint64_t>(packed));  // repeated int32 f = 4 [packed]
  EXPECT_EQ(Hex(out),
            "089601"
            "120774657374696e67"
            "2206038e029ea705");
}

TEST(ProtoEncoderTest, SignedBoolNegativeIntAndLargeFieldNumbers) {
  std::string out;
  ProtoEncoder e(&out);
  e.Sint(3, -1);
  e.Bool(10, true);
  e.Int(6, -1);  // int64 -1: ten bytes
  e.Bytes(8000, "ORC");
  EXPECT_EQ(Hex(out),
            "1801"
            "5001"
            "30ffffffffffffffffff01"
            "82f40303"
            "4f5243");
}

TEST(ProtoEncoderTest, EmptyPackedFieldIsOmitted) {
  std::string out;
  ProtoEncoder(&out).PackedUint(1, std::span<const uint64_t>());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace stocktake::format::orc
