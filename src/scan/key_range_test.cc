#include "scan/key_range.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

namespace stocktake::scan {
namespace {

KeyAlphabet Alphabet(std::initializer_list<std::string_view> keys) {
  KeyAlphabet a;
  for (std::string_view k : keys) a.Add(k);
  return a;
}

TEST(KeyRangeTest, ListPrefixIsTheCommonPrefixOfTheBounds) {
  EXPECT_EQ(ListPrefix({std::nullopt, "a/b"}, "a"), "a");
  EXPECT_EQ(ListPrefix({"photos/2021/x", "photos/2023"}, ""), "photos/202");
  EXPECT_EQ(ListPrefix({"photos/2021/x", std::nullopt}, "ph"), "ph");
  EXPECT_EQ(ListPrefix({"ab", "b"}, "a"), "a");
}

TEST(KeyRangeTest, RangeBounds) {
  KeyRange r{"b", "d"};
  EXPECT_FALSE(r.AboveLo("b"));
  EXPECT_TRUE(r.AboveLo("b0"));
  EXPECT_FALSE(r.AboveHi("d"));
  EXPECT_TRUE(r.AboveHi("d0"));
  KeyRange all;
  EXPECT_TRUE(all.AboveLo(""));
  EXPECT_FALSE(all.AboveHi("\xf4\x8f\xbf\xbf"));
}

TEST(KeyRangeTest, SplitsHexKeysAtThePagesGranularity) {
  KeyAlphabet hex;
  for (std::string_view c :
       {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"}) {
    hex.Add(std::string(c) + std::string(c) + std::string(c));
  }
  // A page spread over the third character: split there, in the middle of what is above.
  auto m = SplitPoint("003f1e", "0001aa", std::nullopt, "", hex);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, "00a");
  // Bounded: between the last key and hi.
  m = SplitPoint("0801", "0800", std::string("09"), "", hex);
  ASSERT_TRUE(m);
  EXPECT_GT(*m, "0801");
  EXPECT_LT(*m, "09");
}

TEST(KeyRangeTest, CoarsensWhenThePositionIsExhausted) {
  // Sequential numbers: only '0' seen so far at the high digits, but digits are assumed there.
  KeyAlphabet digits;
  for (int i = 0; i < 10000; i += 37) {
    char key[16];
    std::snprintf(key, sizeof(key), "obj-%06d", i);
    digits.Add(key);
  }
  auto m = SplitPoint("obj-009999", "obj-009000", std::nullopt, "obj-", digits);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, "obj-05");
}

TEST(KeyRangeTest, NoRoomGivesNothing) {
  KeyAlphabet a = Alphabet({"ab"});
  EXPECT_FALSE(SplitPoint("b", "a", std::string("b"), "", a));  // last == hi
  EXPECT_FALSE(SplitPoint("x", "x", std::nullopt, "y", a));     // outside the prefix
}

TEST(KeyRangeTest, NeverCutsInsideAMultiByteCharacter) {
  KeyAlphabet a = Alphabet({"abc"});
  // Last key and hi part inside U+00E9 / U+00EA: the split must extend the last key.
  auto m = SplitPoint("\xC3\xA9", "\xC3\xA9", std::string("\xC3\xAA"), "", a);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->substr(0, 2), "\xC3\xA9");
  EXPECT_LT(*m, "\xC3\xAA");
  for (size_t i = 2; i < m->size(); ++i) EXPECT_LT(static_cast<unsigned char>((*m)[i]), 0x80);
}

// Whatever the keys, a split point lies strictly inside the rest of the range, keeps the scan
// prefix, and is valid UTF-8 (a key prefix plus ASCII).
TEST(KeyRangeTest, RandomSplitsKeepTheInvariants) {
  std::mt19937 rng(7);
  const std::string pieces[] = {"a", "z", "0", "9", "/", "-", "~", " ", "\xC3\xBC", "\xE6\x9D\xB1"};
  auto random_key = [&](std::string prefix) {
    int n = std::uniform_int_distribution<int>(0, 6)(rng);
    for (int i = 0; i < n; ++i) prefix += pieces[rng() % std::size(pieces)];
    return prefix;
  };
  KeyAlphabet alphabet = Alphabet({"az09/-~ ", "p/a", "p/90"});
  for (int i = 0; i < 20000; ++i) {
    std::string prefix = i % 3 == 0 ? "p/" : "";
    std::string first = random_key(prefix), last = random_key(prefix);
    if (last < first) std::swap(first, last);
    std::optional<std::string> hi;
    if (i % 2 == 0) hi = random_key(prefix);
    if (hi && *hi <= last) continue;
    auto m = SplitPoint(last, first, hi, prefix, alphabet);
    if (!m) continue;
    EXPECT_GT(*m, last);
    if (hi) {
      EXPECT_LT(*m, *hi);
    }
    EXPECT_TRUE(m->starts_with(prefix));
    EXPECT_LT(static_cast<unsigned char>(m->back()), 0x80);
  }
}

}  // namespace
}  // namespace stocktake::scan
