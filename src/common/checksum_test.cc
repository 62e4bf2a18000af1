#include "common/checksum.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "common/encoding.h"

namespace stocktake {
namespace {

using Alg = ChecksumAlgorithm;
constexpr Alg kAll[] = {Alg::kCrc32, Alg::kCrc32c, Alg::kCrc64Nvme, Alg::kSha1, Alg::kSha256};
constexpr Alg kCrcs[] = {Alg::kCrc32, Alg::kCrc32c, Alg::kCrc64Nvme};

// Bit-at-a-time reflected CRC, independent of the table/ISA-L code under test.
uint64_t SlowReflectedCrc(std::string_view data, int width, uint64_t reflected_poly) {
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  uint64_t c = mask;
  for (unsigned char b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ reflected_poly : c >> 1;
  }
  return c ^ mask;
}

std::string BigEndian(uint64_t v, size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i, v >>= 8) out[n - 1 - i] = static_cast<char>(v & 0xff);
  return out;
}

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

struct Vector {
  Alg alg;
  std::string input;
  std::string base64;
};

// Expected values: python3 zlib.crc32 / hashlib, and a bitwise CRC-32C / CRC-64/NVME model;
// "123456789" rows are the catalogue check values (CRC-64/NVME: 0xAE8B14860A799888).
const Vector kVectors[] = {
    {Alg::kCrc32, "hello world", "DUoRhQ=="},
    {Alg::kCrc32c, "hello world", "yZRlqg=="},
    {Alg::kCrc64Nvme, "hello world", "jSnVw/bqjr4="},
    {Alg::kSha1, "hello world", "Kq5sNclPz7QV2+lfQIuc6R7oRu0="},
    {Alg::kSha256, "hello world", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="},
    {Alg::kCrc32, "123456789", "y/Q5Jg=="},
    {Alg::kCrc32c, "123456789", "4waSgw=="},
    {Alg::kCrc64Nvme, "123456789", "rosUhgp5mIg="},
    {Alg::kCrc32, "", "AAAAAA=="},
    {Alg::kCrc32c, "", "AAAAAA=="},
    {Alg::kCrc64Nvme, "", "AAAAAAAAAAA="},
    {Alg::kSha1, "", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
    {Alg::kSha256, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
    {Alg::kCrc32, std::string(1000, 'a'), "mjjaAw=="},
    {Alg::kCrc32c, std::string(1000, 'a'), "nxnvag=="},
    {Alg::kCrc64Nvme, std::string(1000, 'a'), "6rMjKymX9eU="},
    // The AWS trailing-checksum example body (sigv4-streaming-trailers): 66560 bytes of 'a'.
    {Alg::kCrc32c, std::string(66560, 'a'), "sOO8/Q=="},
};

TEST(ChecksumTest, KnownVectors) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(std::string(ChecksumAlgorithmName(v.alg)) + " of " + v.input.substr(0, 16));
    EXPECT_EQ(ComputeChecksumBase64(v.alg, v.input), v.base64);
    Checksummer c(v.alg);
    c.Update(v.input);
    std::string raw = c.Finish();
    EXPECT_EQ(raw.size(), ChecksumSize(v.alg));
    EXPECT_EQ(Base64Encode(raw), v.base64);
  }
}

TEST(ChecksumTest, Crc64NvmeCheckValue) {
  EXPECT_EQ(HexLower(ComputeChecksum(Alg::kCrc64Nvme, "123456789")), "ae8b14860a799888");
}

TEST(ChecksumTest, IncrementalEqualsOneShotAtEverySplit) {
  std::mt19937_64 rng(42);
  const std::string data = RandomBytes(rng, 300);
  for (Alg alg : kAll) {
    const std::string expected = ComputeChecksum(alg, data);
    for (size_t split = 0; split <= data.size(); split += 7) {
      Checksummer c(alg);
      c.Update(std::string_view(data).substr(0, split));
      c.Update(std::string_view(data).substr(split));
      ASSERT_EQ(c.Finish(), expected) << ChecksumAlgorithmName(alg) << " split " << split;
    }
    Checksummer bytewise(alg);
    for (char ch : data) bytewise.Update(std::string_view(&ch, 1));
    EXPECT_EQ(bytewise.Finish(), expected) << ChecksumAlgorithmName(alg);
  }
}

TEST(ChecksumTest, CrcsMatchIndependentModelsOnRandomData) {
  std::mt19937_64 rng(7);
  for (size_t len : {1u, 3u, 8u, 15u, 16u, 63u, 64u, 65u, 255u, 1024u, 4099u, 70000u}) {
    // Unaligned start: slice from offset 1 of a larger buffer.
    std::string buf = RandomBytes(rng, len + 1);
    std::string_view data = std::string_view(buf).substr(1);
    uLong z = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(len));
    EXPECT_EQ(ComputeChecksum(Alg::kCrc32, data), BigEndian(z, 4)) << len;
    EXPECT_EQ(ComputeChecksum(Alg::kCrc32c, data),
              BigEndian(SlowReflectedCrc(data, 32, 0x82f63b78), 4))
        << len;
    EXPECT_EQ(ComputeChecksum(Alg::kCrc64Nvme, data),
              BigEndian(SlowReflectedCrc(data, 64, 0x9a6c9329ac4bc9b5ULL), 8))
        << len;
  }
}

TEST(ChecksumTest, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(ParseChecksumAlgorithm("CRC32"), Alg::kCrc32);
  EXPECT_EQ(ParseChecksumAlgorithm("crc32"), Alg::kCrc32);
  EXPECT_EQ(ParseChecksumAlgorithm("Crc32C"), Alg::kCrc32c);
  EXPECT_EQ(ParseChecksumAlgorithm("crc64nvme"), Alg::kCrc64Nvme);
  EXPECT_EQ(ParseChecksumAlgorithm("CRC64NVME"), Alg::kCrc64Nvme);
  EXPECT_EQ(ParseChecksumAlgorithm("sha1"), Alg::kSha1);
  EXPECT_EQ(ParseChecksumAlgorithm("SHA256"), Alg::kSha256);
  EXPECT_EQ(ParseChecksumAlgorithm(""), std::nullopt);
  EXPECT_EQ(ParseChecksumAlgorithm("MD5"), std::nullopt);
  EXPECT_EQ(ParseChecksumAlgorithm("CRC32 "), std::nullopt);
  EXPECT_EQ(ParseChecksumAlgorithm("SHA-256"), std::nullopt);
  for (Alg alg : kAll) {
    EXPECT_EQ(ParseChecksumAlgorithm(ChecksumAlgorithmName(alg)), alg);
    EXPECT_EQ(ChecksumAlgorithmFromHeader(ChecksumHeaderName(alg)), alg);
  }
  EXPECT_EQ(ChecksumHeaderName(Alg::kCrc64Nvme), "x-amz-checksum-crc64nvme");
  EXPECT_EQ(ChecksumAlgorithmFromHeader("X-Amz-Checksum-CRC32C"), Alg::kCrc32c);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-md5"), std::nullopt);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-type"), std::nullopt);
}

TEST(ChecksumTest, DecodeChecksumValueChecksLengthAndCanonicalForm) {
  auto raw = DecodeChecksumValue(Alg::kCrc32, "DUoRhQ==");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(HexLower(*raw), "0d4a1185");
  EXPECT_FALSE(DecodeChecksumValue(Alg::kCrc32, "jSnVw/bqjr4=").has_value());  // 8 bytes
  EXPECT_FALSE(DecodeChecksumValue(Alg::kCrc64Nvme, "DUoRhQ==").has_value());  // 4 bytes
  EXPECT_FALSE(DecodeChecksumValue(Alg::kCrc32, "DUoRhQ").has_value());        // unpadded
  EXPECT_FALSE(DecodeChecksumValue(Alg::kCrc32, "DUoRhR==").has_value());      // stray bits
  EXPECT_FALSE(DecodeChecksumValue(Alg::kCrc32, "DUo*hQ==").has_value());
  EXPECT_FALSE(DecodeChecksumValue(Alg::kCrc32, "").has_value());
  EXPECT_TRUE(DecodeChecksumValue(Alg::kSha256, "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
                  .has_value());
}

TEST(ChecksumTest, CompositeOfParts) {
  // Expected: python3, algorithm(raw("hello") || raw(" world")) in base64, then "-2".
  const struct {
    Alg alg;
    const char* expected;
  } cases[] = {
      {Alg::kCrc32, "otMqCw==-2"},
      {Alg::kCrc32c, "6AGPLw==-2"},
      {Alg::kCrc64Nvme, "pPiVXA87NM4=-2"},
      {Alg::kSha1, "jsvOn+i3nJqAKKUv8T48WB0YvMs=-2"},
      {Alg::kSha256, "wpQQjqgKlhF49FQdoVTheIiiSjfvtKR+G5kBEF28Vf0=-2"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> parts = {ComputeChecksum(c.alg, "hello"),
                                      ComputeChecksum(c.alg, " world")};
    EXPECT_EQ(CompositeChecksum(c.alg, parts), c.expected) << ChecksumAlgorithmName(c.alg);
    CompositeChecksummer incremental(c.alg);
    incremental.AddPart(parts[0]);
    incremental.AddPart(parts[1]);
    EXPECT_EQ(incremental.part_count(), 2u);
    EXPECT_EQ(incremental.Finish(), c.expected);
  }
}

TEST(ChecksumTest, CombineCrcEqualsCrcOfConcatenation) {
  std::mt19937_64 rng(99);
  for (Alg alg : kCrcs) {
    for (size_t len_a : {0u, 1u, 17u, 4096u}) {
      for (size_t len_b : {0u, 1u, 8u, 1000u, 65537u}) {
        std::string a = RandomBytes(rng, len_a), b = RandomBytes(rng, len_b);
        auto combined = CombineCrc(alg, ComputeChecksum(alg, a), ComputeChecksum(alg, b), b.size());
        ASSERT_TRUE(combined.has_value());
        EXPECT_EQ(*combined, ComputeChecksum(alg, a + b))
            << ChecksumAlgorithmName(alg) << " " << len_a << "+" << len_b;
      }
    }
    // Folding many parts left to right gives the whole-object CRC.
    std::string whole, acc = ComputeChecksum(alg, "");
    for (int i = 0; i < 5; ++i) {
      std::string part = RandomBytes(rng, 1000 + 333 * static_cast<size_t>(i));
      acc = *CombineCrc(alg, acc, ComputeChecksum(alg, part), part.size());
      whole += part;
    }
    EXPECT_EQ(acc, ComputeChecksum(alg, whole));
  }
  EXPECT_FALSE(CombineCrc(Alg::kSha256, std::string(32, 'x'), std::string(32, 'y'), 1));
  EXPECT_FALSE(CombineCrc(Alg::kCrc32, "abc", "abcd", 1));
}

TEST(ChecksumTest, MovedChecksummerKeepsState) {
  for (Alg alg : kAll) {
    Checksummer a(alg);
    a.Update("hello ");
    Checksummer b = std::move(a);
    b.Update("world");
    EXPECT_EQ(b.Finish(), ComputeChecksum(alg, "hello world"));
  }
}

}  // namespace
}  // namespace stocktake
