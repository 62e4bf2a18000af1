#include "format/orc/byte_rle.h"

#include <gtest/gtest.h>

#include <random>

#include "format/orc/testing/orc_test_util.h"

namespace stocktake::format::orc {
namespace {

using testing::ByteReader;
using testing::DecodeByteRle;
using testing::Decompress;

std::vector<uint8_t> EncodeBytes(const std::vector<uint8_t>& values) {
  DeflateCompressor zlib(1);
  CompressedStream stream(&zlib, 256 * 1024);
  ByteRleEncoder rle(&stream);
  for (uint8_t v : values) rle.Add(v);
  rle.Flush();
  stream.Flush();
  const std::string d = Decompress(testing::Contents(stream)).data;
  return {d.begin(), d.end()};
}

// Examples from the ORC v1 specification, "Byte Run Length Encoding".
TEST(ByteRleTest, SpecExamples) {
  EXPECT_EQ(EncodeBytes(std::vector<uint8_t>(100, 0)), (std::vector<uint8_t>{0x61, 0x00}));
  EXPECT_EQ(EncodeBytes({0x44, 0x45}), (std::vector<uint8_t>{0xfe, 0x44, 0x45}));
}

TEST(ByteRleTest, RunsAndLiteralsRoundTrip) {
  std::mt19937 rng(1);
  for (int round = 0; round < 100; ++round) {
    std::vector<uint8_t> v;
    const size_t n = rng() % 2000;
    while (v.size() < n) {
      if (rng() % 3 == 0) {
        v.insert(v.end(), rng() % 300, static_cast<uint8_t>(rng()));
      } else {
        v.push_back(static_cast<uint8_t>(rng() % 4));
      }
    }
    const std::vector<uint8_t> bytes = EncodeBytes(v);
    const std::string s(bytes.begin(), bytes.end());
    ByteReader r(s);
    ASSERT_EQ(DecodeByteRle(&r, v.size()), v) << round;
    ASSERT_TRUE(r.done());
  }
}

TEST(ByteRleTest, AddRepeatedMatchesAdd) {
  for (uint64_t count : {0, 1, 2, 3, 129, 130, 131, 260, 1000}) {
    DeflateCompressor zlib(1);
    CompressedStream a(&zlib, 4096);
    CompressedStream b(&zlib, 4096);
    ByteRleEncoder ra(&a);
    ByteRleEncoder rb(&b);
    ra.Add(7);
    rb.Add(7);
    ra.AddRepeated(9, count);
    for (uint64_t i = 0; i < count; ++i) rb.Add(9);
    ra.Add(1);
    rb.Add(1);
    ra.Flush();
    rb.Flush();
    a.Flush();
    b.Flush();
    EXPECT_EQ(testing::Contents(a), testing::Contents(b)) << count;
  }
}

TEST(BooleanEncoderTest, BitsAreMostSignificantFirst) {
  DeflateCompressor zlib(1);
  CompressedStream stream(&zlib, 4096);
  BooleanEncoder bools(&stream);
  // 1000 0001, then 1 padded: 1000 0000.
  for (bool b : {true, false, false, false, false, false, false, true, true}) bools.Add(b);
  bools.Flush();
  stream.Flush();
  const std::string d = Decompress(testing::Contents(stream)).data;
  EXPECT_EQ(std::vector<uint8_t>(d.begin(), d.end()), (std::vector<uint8_t>{0xfe, 0x81, 0x80}));
}

TEST(BooleanEncoderTest, PositionsLetAReaderSeek) {
  std::mt19937 rng(3);
  std::vector<bool> v;
  for (int i = 0; i < 100000; ++i) v.push_back(i % 5000 < 2000 ? true : (rng() % 3 == 0));
  DeflateCompressor zlib(1);
  CompressedStream stream(&zlib, 500);
  BooleanEncoder bools(&stream);
  std::vector<std::vector<uint64_t>> positions;
  std::vector<size_t> at;
  for (size_t i = 0; i < v.size();) {
    positions.emplace_back();
    bools.RecordPosition(&positions.back());
    at.push_back(i);
    const size_t n = 1 + rng() % 3000;
    if (rng() % 2) {
      for (size_t k = 0; k < n && i < v.size(); ++k) bools.Add(v[i++]);
    } else {
      // Runs through AddRepeated, as PRESENT streams do.
      size_t k = 0;
      while (k < n && i < v.size()) {
        size_t run = 1;
        while (k + run < n && i + run < v.size() && v[i + run] == v[i]) ++run;
        bools.AddRepeated(v[i], run);
        i += run;
        k += run;
      }
    }
  }
  bools.Flush();
  stream.Flush();
  const auto d = Decompress(testing::Contents(stream));
  for (size_t k = 0; k < positions.size(); ++k) {
    const auto& p = positions[k];
    ASSERT_EQ(p.size(), 4u);
    ASSERT_LT(p[3], 8u);
    ByteReader r(d.data, d.Seek(p[0], p[1]));
    const size_t want = std::min<size_t>(500, v.size() - at[k]);
    std::vector<uint8_t> bytes = DecodeByteRle(&r, p[2] + (p[3] + want + 7) / 8);
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<long>(p[2]));
    for (size_t j = 0; j < want; ++j) {
      const size_t bit = p[3] + j;
      ASSERT_LT(bit / 8, bytes.size());
      ASSERT_EQ(((bytes[bit / 8] >> (7 - bit % 8)) & 1) != 0, v[at[k] + j]) << k << " " << j;
    }
  }
}

}  // namespace
}  // namespace stocktake::format::orc
