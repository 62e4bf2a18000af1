#include "format/orc/string_dictionary.h"

#include <gtest/gtest.h>

namespace stocktake::format::orc {
namespace {

TEST(StringDictionaryTest, InsertFindsExistingIds) {
  StringDictionary d;
  EXPECT_EQ(d.Insert("b"), 0u);
  EXPECT_EQ(d.Insert("a"), 1u);
  EXPECT_EQ(d.Insert(""), 2u);
  EXPECT_EQ(d.Insert("b"), 0u);
  EXPECT_EQ(d.Insert(""), 2u);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.Get(1), "a");
  EXPECT_EQ(d.bytes(), 2u);
  std::vector<uint32_t> sorted;
  d.SortedIds(&sorted);
  EXPECT_EQ(sorted, (std::vector<uint32_t>{2, 1, 0}));
}

TEST(StringDictionaryTest, GrowsAndClears) {
  StringDictionary d;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20000; ++i) {
      ASSERT_EQ(d.Insert("value-" + std::to_string(i)), static_cast<uint32_t>(i));
    }
    for (int i = 0; i < 20000; i += 7) {
      ASSERT_EQ(d.Insert("value-" + std::to_string(i)), static_cast<uint32_t>(i));
    }
    EXPECT_EQ(d.size(), 20000u);
    d.Clear();
    EXPECT_EQ(d.size(), 0u);
  }
}

TEST(StringDictionaryTest, SortIsUnsignedBytewise) {
  StringDictionary d;
  d.Insert("\xc3\xa9");  // é sorts after ASCII
  d.Insert("z");
  d.Insert("Z");
  std::vector<uint32_t> sorted;
  d.SortedIds(&sorted);
  EXPECT_EQ(sorted, (std::vector<uint32_t>{2, 1, 0}));
}

}  // namespace
}  // namespace stocktake::format::orc
