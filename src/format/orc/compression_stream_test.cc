#include "format/orc/compression_stream.h"

#include <gtest/gtest.h>

#include <random>

#include "format/orc/testing/orc_test_util.h"

namespace stocktake::format::orc {
namespace {

uint32_t HeaderAt(const std::string& s, size_t pos) {
  return static_cast<uint8_t>(s[pos]) | (static_cast<uint8_t>(s[pos + 1]) << 8) |
         (static_cast<uint8_t>(s[pos + 2]) << 16);
}

TEST(CompressedStreamTest, SmallDataIsStoredAsOriginal) {
  // Spec "Compression": 5 bytes stored uncompressed -> header [0x0b, 0x00, 0x00].
  DeflateCompressor zlib(1);
  CompressedStream s(&zlib, 256 * 1024);
  s.Write("hello", 5);
  s.Flush();
  EXPECT_EQ(testing::Contents(s), std::string("\x0b\x00\x00hello", 8));
}

TEST(CompressedStreamTest, CompressibleDataIsDeflatedInBlockSizedChunks) {
  DeflateCompressor zlib(6);
  CompressedStream s(&zlib, 10000);
  std::string data;
  for (int i = 0; i < 5000; ++i) data += "row " + std::to_string(i % 100) + ",";
  s.Write(data.data(), data.size());
  s.Flush();
  EXPECT_LT(testing::Contents(s).size(), data.size() / 4);
  const auto d = testing::Decompress(testing::Contents(s));
  EXPECT_EQ(d.data, data);
  EXPECT_EQ(d.chunk_starts.size(), (data.size() + 9999) / 10000);
  EXPECT_EQ(HeaderAt(testing::Contents(s), 0) & 1, 0u);  // compressed, not original
  EXPECT_EQ(s.uncompressed_bytes(), data.size());
}

TEST(CompressedStreamTest, IncompressibleChunksAreOriginal) {
  DeflateCompressor zlib(1);
  CompressedStream s(&zlib, 4096);
  std::mt19937 rng(5);
  std::string data(10000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  s.Write(data.data(), data.size());
  s.Flush();
  EXPECT_EQ(testing::Contents(s).size(), data.size() + 3 * 3);
  EXPECT_EQ(HeaderAt(testing::Contents(s), 0), (4096u << 1) | 1);
  EXPECT_EQ(testing::Decompress(testing::Contents(s)).data, data);
}

TEST(CompressedStreamTest, PositionsPointIntoChunks) {
  DeflateCompressor zlib(1);
  CompressedStream s(&zlib, 1000);
  std::string data;
  std::vector<std::pair<std::vector<uint64_t>, size_t>> marks;
  for (int i = 0; i < 3000; ++i) {
    if (i % 97 == 0) {
      marks.emplace_back();
      s.RecordPosition(&marks.back().first);
      marks.back().second = data.size();
    }
    const std::string piece = std::to_string(i * 7919) + ";";
    s.Write(piece.data(), piece.size());
    data += piece;
  }
  s.Flush();
  const auto d = testing::Decompress(testing::Contents(s));
  ASSERT_EQ(d.data, data);
  for (const auto& [pos, offset] : marks) {
    ASSERT_EQ(pos.size(), 2u);
    EXPECT_LT(pos[1], 1000u);
    EXPECT_EQ(d.Seek(pos[0], pos[1]), offset);
  }
}

TEST(CompressedStreamTest, ResetKeepsWorking) {
  DeflateCompressor zlib(1);
  CompressedStream s(&zlib, 100);
  s.Write("abc", 3);
  s.Flush();
  s.Reset();
  EXPECT_EQ(s.EstimatedBytes(), 0u);
  s.Write("xyz", 3);
  s.Flush();
  EXPECT_EQ(testing::Contents(s), std::string("\x07\x00\x00xyz", 6));
}

}  // namespace
}  // namespace stocktake::format::orc
