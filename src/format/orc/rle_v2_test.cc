#include "format/orc/rle_v2.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "format/orc/testing/orc_test_util.h"

namespace stocktake::format::orc {
namespace {

using testing::ByteReader;
using testing::DecodeRleV2;
using testing::Decompress;

// Encodes `values` and returns the decompressed stream bytes.
std::string Encode(const std::vector<int64_t>& values, bool is_signed) {
  DeflateCompressor zlib(1);
  CompressedStream stream(&zlib, 256 * 1024);
  RleV2Encoder rle(&stream, is_signed);
  for (int64_t v : values) rle.Add(v);
  rle.Flush();
  stream.Flush();
  return Decompress(testing::Contents(stream)).data;
}

std::vector<int64_t> Decode(const std::string& bytes, size_t count, bool is_signed) {
  ByteReader r(bytes);
  auto out = DecodeRleV2(&r, count, is_signed);
  EXPECT_TRUE(r.done()) << "trailing bytes";
  return out;
}

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

// Examples from the ORC v1 specification, "Integer Run Length Encoding, version 2".
TEST(RleV2Test, SpecShortRepeatExample) {
  EXPECT_EQ(Bytes(Encode({10000, 10000, 10000, 10000, 10000}, false)),
            (std::vector<uint8_t>{0x0a, 0x27, 0x10}));
}

TEST(RleV2Test, SpecDirectExample) {
  EXPECT_EQ(Bytes(Encode({23713, 43806, 57005, 48879}, false)),
            (std::vector<uint8_t>{0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef}));
}

TEST(RleV2Test, SpecDeltaExample) {
  const std::vector<int64_t> primes = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29};
  // The spec's bytes pack the deltas at 4 bits; the test decoder must read them...
  const std::string spec("\xc6\x09\x02\x02\x22\x42\x42\x46", 8);
  EXPECT_EQ(Decode(spec, primes.size(), false), primes);
  // ...and the encoder picks the narrowest valid width, 3 bits (max delta 6).
  const std::string ours = Encode(primes, false);
  EXPECT_EQ(Bytes(ours), (std::vector<uint8_t>{0xc4, 0x09, 0x02, 0x02, 0x4a, 0x28, 0xa6}));
  EXPECT_EQ(Decode(ours, primes.size(), false), primes);
}

TEST(RleV2Test, SpecPatchedBaseExampleDecodes) {
  // Checks the test decoder against the spec's PATCHED_BASE example (the encoder never writes it).
  const std::string spec(
      "\x8e\x13\x2b\x21\x07\xd0\x1e\x00\x14\x70\x28\x32\x3c\x46\x50\x5a\x64\x6e\x78\x82\x8c\x96"
      "\xa0\xaa\xb4\xbe\xfc\xe8",
      28);
  const std::vector<int64_t> expected = {2030, 2000, 2020, 1000000, 2040, 2050, 2060,
                                         2070, 2080, 2090, 2100,    2110, 2120, 2130,
                                         2140, 2150, 2160, 2170,    2180, 2190};
  EXPECT_EQ(Decode(spec, expected.size(), false), expected);
}

TEST(RleV2Test, LongRunUsesFixedDelta) {
  std::vector<int64_t> v(1000, -7);
  const std::string bytes = Encode(v, true);
  // 512 + 488 values: two DELTA runs with a zero fixed delta, 4 bytes each.
  EXPECT_EQ(bytes.size(), 8u);
  EXPECT_EQ(Decode(bytes, v.size(), true), v);
}

TEST(RleV2Test, ArithmeticSequenceIsTiny) {
  std::vector<int64_t> v;
  for (int i = 0; i < 512; ++i) v.push_back(1000 + 3 * i);
  const std::string bytes = Encode(v, false);
  EXPECT_LE(bytes.size(), 6u);
  EXPECT_EQ(Decode(bytes, v.size(), false), v);
}

TEST(RleV2Test, ExtremesRoundTrip) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<std::vector<int64_t>> cases = {
      {kMin, kMax, 0, -1, 1},
      {kMax, kMax, kMax, kMax},
      {kMin, kMin, kMin},
      {kMin, 0, kMax},  // deltas overflow int64: must not use DELTA
      {kMax, 0, kMin},
      {0},
      {-1, -2, -3, -4, -1000, -1000000},
      {5, 5, 6, 6, 7, 7},
      {1, 1, 2, 2, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Decode(Encode(c, true), c.size(), true), c);
  }
  const std::vector<int64_t> unsigned_case = {0, kMax, 1, kMax - 1, kMax, kMax, kMax};
  EXPECT_EQ(Decode(Encode(unsigned_case, false), unsigned_case.size(), false), unsigned_case);
}

TEST(RleV2Test, RandomShapesRoundTrip) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    const bool is_signed = round % 2 == 0;
    std::vector<int64_t> v;
    const int n = static_cast<int>(rng() % 3000);
    int64_t x = static_cast<int64_t>(rng() % 1000);
    while (static_cast<int>(v.size()) < n) {
      switch (rng() % 6) {
        case 0: {  // run
          const int len = static_cast<int>(rng() % 700);
          v.insert(v.end(), static_cast<size_t>(len), x);
          break;
        }
        case 1:  // random width
          x = static_cast<int64_t>(rng() >> (rng() % 64));
          if (is_signed && rng() % 2) x = -x;
          if (!is_signed && x < 0) x = -(x + 1);
          v.push_back(x);
          break;
        case 2: {  // increasing
          const int len = static_cast<int>(rng() % 100);
          for (int i = 0; i < len; ++i) v.push_back(x += static_cast<int64_t>(rng() % 50));
          break;
        }
        case 3: {  // decreasing
          const int len = static_cast<int>(rng() % 100);
          for (int i = 0; i < len && (is_signed || x > 50); ++i) {
            v.push_back(x -= static_cast<int64_t>(rng() % 50));
          }
          break;
        }
        default:
          v.push_back(static_cast<int64_t>(rng() % 16));
      }
      if (!is_signed) {
        for (auto& y : v) y = y < 0 ? 0 : y;
      }
    }
    ASSERT_EQ(Decode(Encode(v, is_signed), v.size(), is_signed), v) << "round " << round;
  }
}

TEST(RleV2Test, PositionsLetAReaderSeek) {
  std::mt19937_64 rng(7);
  std::vector<int64_t> v;
  for (int i = 0; i < 50000; ++i) {
    v.push_back(i % 1000 < 300 ? 42 : static_cast<int64_t>(rng() % 100000) - 50000);
  }
  DeflateCompressor zlib(1);
  CompressedStream stream(&zlib, 1000);  // small chunks: positions cross many of them
  RleV2Encoder rle(&stream, true);
  std::vector<std::vector<uint64_t>> positions;
  std::vector<size_t> at;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i % 777 == 0 || i == 12345) {
      positions.emplace_back();
      rle.RecordPosition(&positions.back());
      at.push_back(i);
    }
    rle.Add(v[i]);
  }
  rle.Flush();
  stream.Flush();
  const auto d = Decompress(testing::Contents(stream));
  ASSERT_LE(d.max_chunk, 1000u);
  for (size_t k = 0; k < positions.size(); ++k) {
    ASSERT_EQ(positions[k].size(), 3u);
    ByteReader r(d.data, d.Seek(positions[k][0], positions[k][1]));
    const size_t want = std::min<size_t>(600, v.size() - at[k]);
    auto got = DecodeRleV2(&r, want + positions[k][2], true);
    ASSERT_GE(got.size(), want + positions[k][2]);
    got.erase(got.begin(), got.begin() + static_cast<long>(positions[k][2]));
    got.resize(want);
    ASSERT_EQ(got, std::vector<int64_t>(v.begin() + static_cast<long>(at[k]),
                                        v.begin() + static_cast<long>(at[k] + want)))
        << "position " << k;
  }
}

TEST(RleV2Test, BitWidths) {
  EXPECT_EQ(rle_v2::ClosestFixedBits(0), 1);
  EXPECT_EQ(rle_v2::ClosestFixedBits(24), 24);
  EXPECT_EQ(rle_v2::ClosestFixedBits(25), 26);
  EXPECT_EQ(rle_v2::ClosestFixedBits(33), 40);
  EXPECT_EQ(rle_v2::ClosestFixedBits(57), 64);
  EXPECT_EQ(rle_v2::EncodeBitWidth(1), 0u);
  EXPECT_EQ(rle_v2::EncodeBitWidth(24), 23u);
  EXPECT_EQ(rle_v2::EncodeBitWidth(26), 24u);
  EXPECT_EQ(rle_v2::EncodeBitWidth(64), 31u);
}

}  // namespace
}  // namespace stocktake::format::orc
