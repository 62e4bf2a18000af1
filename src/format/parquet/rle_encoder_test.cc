// RLE / bit-packing hybrid: exact bytes for small cases (Encodings.md examples) and a round trip
// through a straightforward decoder written from the grammar.
#include "format/parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace stocktake::format::parquet {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::string Encode(int width, const std::vector<uint32_t>& values) {
  RleEncoder e(width);
  for (uint32_t v : values) e.Put(v);
  return e.Finish();
}

// Decodes `count` values of `width` bits from hybrid-encoded `data` (no length prefix).
std::vector<uint32_t> Decode(const std::string& data, int width, size_t count) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  auto byte = [&]() -> uint8_t {
    if (pos >= data.size()) throw std::runtime_error("past end");
    return static_cast<uint8_t>(data[pos++]);
  };
  while (out.size() < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b = byte();
      header |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    if (header & 1) {
      const size_t n = (header >> 1) * 8;
      uint64_t acc = 0;
      int bits = 0;
      for (size_t i = 0; i < n; ++i) {
        while (bits < width) {
          acc |= static_cast<uint64_t>(byte()) << bits;
          bits += 8;
        }
        const uint64_t mask = width == 32 ? 0xffffffffull : ((1ull << width) - 1);
        out.push_back(static_cast<uint32_t>(acc & mask));
        acc >>= width;
        bits -= width;
      }
    } else {
      const size_t n = header >> 1;
      uint32_t v = 0;
      for (int i = 0; i < (width + 7) / 8; ++i) v |= static_cast<uint32_t>(byte()) << (8 * i);
      out.insert(out.end(), n, v);
    }
  }
  EXPECT_EQ(pos, data.size()) << "trailing bytes";
  out.resize(count);  // drop the padding of the last bit-packed group
  return out;
}

TEST(RleEncoderTest, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(3), 2);
  EXPECT_EQ(BitWidth(4), 3);
  EXPECT_EQ(BitWidth(0xffffffffu), 32);
}

TEST(RleEncoderTest, SpecBitPackingExample) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  EXPECT_EQ(Bytes(Encode(3, {0, 1, 2, 3, 4, 5, 6, 7})),
            (std::vector<uint8_t>{0x03, 0x88, 0xc6, 0xfa}));
}

TEST(RleEncoderTest, RunsBecomeRle) {
  // 8 ones, width 1: rle-header varint(8 << 1) = 0x10, value in one byte.
  EXPECT_EQ(Bytes(Encode(1, std::vector<uint32_t>(8, 1))), (std::vector<uint8_t>{0x10, 0x01}));
  // 100 ones: varint(200) = 0xc8 0x01.
  EXPECT_EQ(Bytes(Encode(1, std::vector<uint32_t>(100, 1))),
            (std::vector<uint8_t>{0xc8, 0x01, 0x01}));
  // A short tail of one value is an RLE run too (no padding needed).
  EXPECT_EQ(Bytes(Encode(2, {2, 2, 2})), (std::vector<uint8_t>{0x06, 0x02}));
  // Width 32: the repeated value takes 4 bytes.
  EXPECT_EQ(Bytes(Encode(32, std::vector<uint32_t>(9, 0xdeadbeef))),
            (std::vector<uint8_t>{0x12, 0xef, 0xbe, 0xad, 0xde}));
  // Width 9: two bytes.
  EXPECT_EQ(Bytes(Encode(9, std::vector<uint32_t>(10, 0x1ff))),
            (std::vector<uint8_t>{0x14, 0xff, 0x01}));
}

TEST(RleEncoderTest, ShortMixedTailIsPaddedLiteral) {
  // [1, 0, 1]: one bit-packed group, padded with zeros: 0b00000101.
  EXPECT_EQ(Bytes(Encode(1, {1, 0, 1})), (std::vector<uint8_t>{0x03, 0x05}));
}

TEST(RleEncoderTest, EmptyEncodesNothing) { EXPECT_TRUE(Encode(1, {}).empty()); }

TEST(RleEncoderTest, LiteralThenRunThenLiteral) {
  std::vector<uint32_t> v = {1, 0, 1, 0, 1, 0, 1, 0};
  v.insert(v.end(), 16, 1);
  v.insert(v.end(), {0, 1, 1});
  const std::string enc = Encode(1, v);
  // literal group (0x03 0x55), RLE 16 of 1 (0x20 0x01), literal padded (0x03 0b110 = 0x06).
  EXPECT_EQ(Bytes(enc), (std::vector<uint8_t>{0x03, 0x55, 0x20, 0x01, 0x03, 0x06}));
  EXPECT_EQ(Decode(enc, 1, v.size()), v);
}

TEST(RleEncoderTest, RoundTripRandom) {
  std::mt19937 rng(42);
  for (int width : {1, 2, 3, 5, 7, 8, 12, 16, 17, 24, 31, 32}) {
    for (int trial = 0; trial < 20; ++trial) {
      const uint32_t max = width == 32 ? 0xffffffffu : (1u << width) - 1;
      std::vector<uint32_t> values;
      const size_t n = rng() % 3000;
      while (values.size() < n) {
        uint32_t v = static_cast<uint32_t>(rng()) & max;
        // Mix runs of all lengths with noise.
        size_t run = (rng() % 4 == 0) ? rng() % 40 : 1;
        values.insert(values.end(), run, v);
      }
      values.resize(n);
      RleEncoder e(width);
      for (uint32_t v : values) e.Put(v);
      const std::string enc = e.Finish();
      EXPECT_LE(enc.size(), values.size() * width / 8 + values.size() / 8 + 16);
      EXPECT_EQ(Decode(enc, width, values.size()), values) << "width " << width;
    }
  }
}

TEST(RleEncoderTest, LongLiteralRunsSplitUnderOneByteHeaders) {
  std::vector<uint32_t> v;
  for (int i = 0; i < 2000; ++i) v.push_back(i % 2);
  const std::string enc = Encode(1, v);
  EXPECT_EQ(static_cast<uint8_t>(enc[0]), (63 << 1) | 1);
  EXPECT_EQ(Decode(enc, 1, v.size()), v);
}

TEST(RleEncoderTest, ResetReuses) {
  RleEncoder e(1);
  for (int i = 0; i < 50; ++i) e.Put(i % 3 == 0);
  (void)e.Finish();
  e.Reset(2);
  e.Put(3);
  EXPECT_EQ(Bytes(e.Finish()), (std::vector<uint8_t>{0x02, 0x03}));
}

}  // namespace
}  // namespace stocktake::format::parquet
