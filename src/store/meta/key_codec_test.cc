#include "store/meta/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace stocktake::store::meta {
namespace {

using namespace std::string_literals;

int Sign(int v) { return (v > 0) - (v < 0); }

int Compare(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }

// Keys chosen to stress the escaping: NUL and 0x01 (the escape and terminator bytes), 0xFF (the
// escaped-zero marker), and proper-prefix relationships among all of them.
std::vector<std::string> TrickyKeys() {
  return {
      ""s,          "\x00"s,        "\x00\x00"s,  "\x00\x01"s,  "\x00\xff"s, "\x01"s,
      "\x01\x00"s,  "\xff"s,        "\xff\x00"s,  "\xff\xff"s,  "a"s,        "a\x00"s,
      "a\x00\x00"s, "a\x00\x01"s,   "a\x00\x02"s, "a\x00\xff"s, "a\x01"s,    "a\xff"s,
      "ab"s,        "ab\x00"s,      "abc"s,       "b"s,         "photos/"s,  "photos/2024/a.jpg"s,
      "photos0"s,   "photos/\x00x"s};
}

TEST(KeyCodecTest, EscapedStringsPreserveOrder) {
  auto keys = TrickyKeys();
  for (const auto& a : keys) {
    for (const auto& b : keys) {
      std::string ea, eb;
      AppendEscaped(&ea, a);
      AppendEscaped(&eb, b);
      EXPECT_EQ(Compare(a, b), Compare(ea, eb))
          << "a=" << testing::PrintToString(a) << " b=" << testing::PrintToString(b);
    }
  }
}

TEST(KeyCodecTest, RowKeysOrderByKeyThenNewestFirst) {
  auto keys = TrickyKeys();
  std::vector<uint64_t> seqs = {0, 1, 2, 255, 256, 1ull << 40, UINT64_MAX - 1, UINT64_MAX};
  for (const auto& a : keys) {
    for (const auto& b : keys) {
      for (uint64_t sa : seqs) {
        for (uint64_t sb : seqs) {
          std::string ra = ObjectRowKey("bkt", a, sa);
          std::string rb = ObjectRowKey("bkt", b, sb);
          int expected = a != b ? Compare(a, b) : Sign(sa < sb) - Sign(sa > sb);
          ASSERT_EQ(expected, Compare(ra, rb)) << testing::PrintToString(a) << "@" << sa << " vs "
                                               << testing::PrintToString(b) << "@" << sb;
        }
      }
    }
  }
}

TEST(KeyCodecTest, RandomKeysWithZeroAndFfBytesPreserveOrder) {
  std::mt19937 rng(42);
  const char alphabet[] = {'\x00', '\x01', '\x02', 'a', '\xfe', '\xff'};
  std::vector<std::string> keys;
  for (int i = 0; i < 2000; ++i) {
    std::string k(rng() % 6, '\0');
    for (char& c : k) c = alphabet[rng() % sizeof(alphabet)];
    keys.push_back(k);
  }
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& k : keys) encoded.emplace_back(ObjectRowKey("b", k, 7), k);
  std::sort(encoded.begin(), encoded.end());
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i], encoded[i].second);
}

TEST(KeyCodecTest, KeySuccessorBoundsAKeysVersions) {
  auto keys = TrickyKeys();
  for (const auto& k : keys) {
    std::string next = ObjectKeySuccessor("bkt", k);
    EXPECT_LT(ObjectRowKey("bkt", k, 0), next);  // the oldest possible version
    for (const auto& other : keys) {
      if (other > k) {
        EXPECT_LT(next, ObjectRowKey("bkt", other, UINT64_MAX))  // the newest possible
            << testing::PrintToString(k) << " then " << testing::PrintToString(other);
      }
    }
  }
}

TEST(KeyCodecTest, RangePrefixMatchesExactlyTheKeysWithThatPrefix) {
  auto keys = TrickyKeys();
  for (const auto& prefix : keys) {
    std::string range = ObjectKeyRangePrefix("bkt", prefix);
    std::string end = PrefixSuccessor(range);
    for (const auto& k : keys) {
      std::string row = ObjectRowKey("bkt", k, 5);
      bool has_prefix = k.compare(0, prefix.size(), prefix) == 0 && k.size() >= prefix.size();
      bool in_range = row.compare(0, range.size(), range) == 0;
      EXPECT_EQ(has_prefix, in_range)
          << "prefix=" << testing::PrintToString(prefix) << " key=" << testing::PrintToString(k);
      EXPECT_EQ(in_range, row >= range && row < end);
    }
  }
}

TEST(KeyCodecTest, BucketsDoNotInterleave) {
  // Bucket "a"'s rows never fall into bucket "ab"'s range or the reverse, even with keys that
  // look like a continuation of the bucket name.
  std::string a = ObjectBucketPrefix("a");
  std::string ab = ObjectBucketPrefix("ab");
  for (const auto& k : TrickyKeys()) {
    std::string row_a = ObjectRowKey("a", k, 1);
    std::string row_ab = ObjectRowKey("ab", k, 1);
    EXPECT_EQ(row_a.compare(0, a.size(), a), 0);
    EXPECT_NE(row_a.compare(0, ab.size(), ab), 0);
    EXPECT_NE(row_ab.compare(0, a.size(), a), 0);
    EXPECT_LT(row_a, row_ab);
  }
}

TEST(KeyCodecTest, RowKeyRoundTrip) {
  for (const auto& k : TrickyKeys()) {
    for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{123456789}, UINT64_MAX}) {
      ParsedObjectKey parsed;
      ASSERT_TRUE(ParseObjectRowKey(ObjectRowKey("my-bucket", k, seq), &parsed));
      EXPECT_EQ(parsed.bucket, "my-bucket");
      EXPECT_EQ(parsed.key, k);
      EXPECT_EQ(parsed.seq, seq);
    }
  }
}

TEST(KeyCodecTest, MalformedRowKeysAreRejected) {
  ParsedObjectKey parsed;
  EXPECT_FALSE(ParseObjectRowKey("", &parsed));
  EXPECT_FALSE(ParseObjectRowKey("Xabc", &parsed));
  std::string row = ObjectRowKey("b", "k", 9);
  EXPECT_FALSE(ParseObjectRowKey(row.substr(0, row.size() - 1), &parsed));  // short sequence
  EXPECT_FALSE(ParseObjectRowKey(row + "x", &parsed));                      // trailing bytes
  EXPECT_FALSE(ParseObjectRowKey("Ob\x00\x05k"s, &parsed));                 // bad escape
  EXPECT_FALSE(ParseObjectRowKey("Obucket-without-terminator", &parsed));
}

TEST(KeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("abc"), "abd");
  EXPECT_EQ(PrefixSuccessor("ab\xff"s), "ac");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"s), "");
  EXPECT_EQ(PrefixSuccessor(""), "");
  EXPECT_EQ(PrefixSuccessor("a\x00\x01"s), "a\x00\x02"s);
}

TEST(KeyCodecTest, VersionIdsDecodeToTheirSequenceAndAreUnguessable) {
  std::set<std::string> seen;
  for (uint64_t seq : {uint64_t{1}, uint64_t{77}, uint64_t{1} << 50, UINT64_MAX}) {
    for (int i = 0; i < 50; ++i) {
      std::string id = MakeVersionId(seq);
      ASSERT_EQ(id.size(), kVersionIdChars);
      auto parts = ParseVersionId(id);
      ASSERT_TRUE(parts.has_value()) << id;
      EXPECT_EQ(parts->seq, seq);
      EXPECT_EQ(VersionIdFromParts(seq, parts->random_part), id);
      EXPECT_TRUE(seen.insert(id).second) << "duplicate version id " << id;
      for (char c : id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
    }
  }
}

TEST(KeyCodecTest, MalformedVersionIdsAreRejected) {
  std::string good = MakeVersionId(5);
  EXPECT_FALSE(ParseVersionId("").has_value());
  EXPECT_FALSE(ParseVersionId("null").has_value());
  EXPECT_FALSE(ParseVersionId(good.substr(1)).has_value());
  EXPECT_FALSE(ParseVersionId(good + "a").has_value());
  std::string upper = good;
  upper[15] = 'A';  // the sequence part is canonical lower-case hex
  EXPECT_FALSE(ParseVersionId(upper).has_value());
  std::string bad_random = good;
  bad_random[20] = '/';
  EXPECT_FALSE(ParseVersionId(bad_random).has_value());
}

TEST(KeyCodecTest, OtherFamiliesRoundTripAndStayApart) {
  std::string bucket, key, upload_id;
  ASSERT_TRUE(
      ParseUploadRowKey(UploadRowKey("bkt", "a\x00z"s, "UPLOAD1"), &bucket, &key, &upload_id));
  EXPECT_EQ(bucket, "bkt");
  EXPECT_EQ(key, "a\x00z"s);
  EXPECT_EQ(upload_id, "UPLOAD1");

  // Parts list in part-number order (big-endian), not lexicographic decimal order.
  EXPECT_LT(PartRowKey("u", 2), PartRowKey("u", 10));
  EXPECT_LT(PartRowKey("u", 255), PartRowKey("u", 256));
  EXPECT_EQ(PartRowKey("u", 3).compare(0, PartPrefix("u").size(), PartPrefix("u")), 0);
  // Inventory runs of config "a" do not fall into config "ab"'s range.
  std::string runs_a = InventoryRunPrefix("bkt", "a");
  EXPECT_NE(InventoryRunKey("bkt", "ab", "r1").compare(0, runs_a.size(), runs_a), 0);
  EXPECT_LT(InventoryRunKey("bkt", "c", "2024-01-01"), InventoryRunKey("bkt", "c", "2024-01-02"));

  // Family prefixes are distinct single bytes.
  std::set<char> prefixes = {MetaKey("x")[0],
                             AccountKey("x")[0],
                             AccessKeyKey("x")[0],
                             BucketKey("x")[0],
                             ObjectBucketPrefix("x")[0],
                             BlobRefKey("x")[0],
                             UploadBucketPrefix("x")[0],
                             UploadIndexKey("x")[0],
                             PartPrefix("x")[0],
                             InventoryConfigPrefix("x")[0],
                             InventoryRunBucketPrefix("x")[0]};
  EXPECT_EQ(prefixes.size(), 11u);
}

}  // namespace
}  // namespace stocktake::store::meta
