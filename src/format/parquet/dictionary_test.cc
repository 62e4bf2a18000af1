#include "format/parquet/dictionary.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake::format::parquet {
namespace {

TEST(DictionaryTest, ByteArraysKeepFirstSeenOrderAndPlainEncoding) {
  Dictionary d(Dictionary::Kind::kByteArray);
  EXPECT_EQ(d.GetOrInsertBytes("STANDARD"), 0u);
  EXPECT_EQ(d.GetOrInsertBytes("GLACIER"), 1u);
  EXPECT_EQ(d.GetOrInsertBytes("STANDARD"), 0u);
  EXPECT_EQ(d.GetOrInsertBytes(""), 2u);  // the empty string is a value of its own
  EXPECT_EQ(d.GetOrInsertBytes(""), 2u);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.plain_encoded(), std::string("\x08\0\0\0STANDARD\x07\0\0\0GLACIER\0\0\0\0", 27));
}

TEST(DictionaryTest, Int64sArePlainLittleEndian) {
  Dictionary d(Dictionary::Kind::kInt64);
  EXPECT_EQ(d.GetOrInsertInt64(1), 0u);
  EXPECT_EQ(d.GetOrInsertInt64(-1), 1u);
  EXPECT_EQ(d.GetOrInsertInt64(1), 0u);
  EXPECT_EQ(d.plain_encoded(),
            std::string("\x01\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff", 16));
}

TEST(DictionaryTest, GrowsClearsAndReleases) {
  Dictionary d(Dictionary::Kind::kByteArray);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 10000; ++i) {
      ASSERT_EQ(d.GetOrInsertBytes("value-" + std::to_string(i)), static_cast<uint32_t>(i));
    }
    for (int i = 0; i < 10000; i += 7) {
      ASSERT_EQ(d.GetOrInsertBytes("value-" + std::to_string(i)), static_cast<uint32_t>(i));
    }
    EXPECT_EQ(d.size(), 10000u);
    // Release() empties it as Clear() does, and the grown table starts small again.
    if (round == 0) {
      d.Clear();
    } else {
      d.Release();
    }
    EXPECT_EQ(d.size(), 0u);
    EXPECT_EQ(d.plain_bytes(), 0u);
  }
  EXPECT_EQ(d.GetOrInsertBytes("again"), 0u);
  EXPECT_EQ(d.GetOrInsertBytes("value-1"), 1u);
  EXPECT_EQ(d.GetOrInsertBytes("again"), 0u);
  Dictionary ints(Dictionary::Kind::kInt64);
  for (int64_t i = 0; i < 5000; ++i) ASSERT_EQ(ints.GetOrInsertInt64(i * 1000003), i);
  for (int64_t i = 0; i < 5000; ++i) ASSERT_EQ(ints.GetOrInsertInt64(i * 1000003), i);
}

}  // namespace
}  // namespace stocktake::format::parquet
