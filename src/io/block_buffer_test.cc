#include "io/block_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake::io {
namespace {

constexpr size_t kBlock = BlockPool::kBlockBytes;

std::string Pattern(size_t size, char seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>(seed + i * 7);
  return s;
}

std::string Contents(const BlockBuffer& buffer) {
  MemoryOutputStream out;
  EXPECT_TRUE(buffer.WriteTo(&out).ok());
  return out.contents();
}

TEST(BlockBufferTest, AppendsAcrossBlockBoundaries) {
  BlockPool pool;
  BlockBuffer buffer(&pool);
  EXPECT_EQ(Contents(buffer), "");
  const std::string a = Pattern(kBlock - 3, 'a');
  const std::string b = Pattern(2 * kBlock + 10, 'b');
  buffer.Append(a);
  buffer.Append("");
  buffer.Append(b);
  buffer.Append("xyz");
  EXPECT_EQ(buffer.size(), a.size() + b.size() + 3);
  EXPECT_EQ(Contents(buffer), a + b + "xyz");
}

TEST(BlockBufferTest, ExactlyFullBlocks) {
  BlockPool pool;
  BlockBuffer buffer(&pool);
  const std::string a = Pattern(kBlock, 'a');
  buffer.Append(a);
  buffer.Append(a);
  EXPECT_EQ(Contents(buffer), a + a);
}

TEST(BlockBufferTest, ClearReturnsBlocksToThePool) {
  BlockPool pool;
  {
    BlockBuffer first(&pool);
    first.Append(Pattern(2 * kBlock + 1, 'a'));
    first.Clear();
    EXPECT_EQ(first.size(), 0u);
    EXPECT_EQ(Contents(first), "");
    EXPECT_EQ(pool.free_blocks(), 3u);
    first.Append("again");
    EXPECT_EQ(Contents(first), "again");
    EXPECT_EQ(pool.free_blocks(), 2u);
  }
  // The destructor gives back the block still in use; a second buffer reuses them all.
  EXPECT_EQ(pool.free_blocks(), 3u);
  BlockBuffer second(&pool);
  second.Append(Pattern(3 * kBlock, 'c'));
  EXPECT_EQ(pool.free_blocks(), 0u);
  EXPECT_EQ(Contents(second), Pattern(3 * kBlock, 'c'));
}

}  // namespace
}  // namespace stocktake::io
