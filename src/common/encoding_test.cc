#include "common/encoding.h"

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace stocktake {
namespace {

TEST(EncodingTest, HexRoundTrip) {
  EXPECT_EQ(HexLower(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*HexDecode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("0g").has_value());
  EXPECT_FALSE(HexDecode("abc").has_value());
}

TEST(EncodingTest, Base64RoundTrip) {
  EXPECT_EQ(Base64Encode("{}\n"), "e30K");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(*Base64Decode("YWI="), "ab");
  EXPECT_EQ(*Base64Decode("YQ=="), "a");
  EXPECT_EQ(*Base64Decode(""), "");
  EXPECT_FALSE(Base64Decode("YWI").has_value());
}

TEST(EncodingTest, UriEncodeAsSigV4Wants) {
  EXPECT_EQ(UriEncode("a b/c~d*", true), "a%20b/c~d%2A");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
}

// DESIGN.md §6: the key encoding of inventory CSV; observed values from spec §4.
TEST(EncodingTest, InventoryKeyEncoding) {
  EXPECT_EQ(FormEncodeKeepSlash("hive/dt=2024-05-07-01-00/symlink.txt"),
            "hive/dt%3D2024-05-07-01-00/symlink.txt");
  EXPECT_EQ(FormEncodeKeepSlash("a b+c%d"), "a+b%2Bc%25d");
  EXPECT_EQ(FormEncodeKeepSlash("caf\xc3\xa9*~"), "caf%C3%A9*%7E");
}

TEST(EncodingTest, PercentDecode) {
  EXPECT_EQ(*PercentDecode("a+b%2Bc%25d", true), "a b+c%d");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("%4", false).has_value());
  EXPECT_FALSE(PercentDecode("%zz", false).has_value());
}

TEST(CryptoTest, KnownDigests) {
  EXPECT_EQ(HexLower(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexLower(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Digest d(Digest::Algorithm::kMd5);
  d.Update("a");
  d.Update("bc");
  EXPECT_EQ(HexLower(d.Finish()), "900150983cd24fb0d6963f7d28e17f72");
  std::string uuid = RandomUuid();
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
}

}  // namespace
TEST(PrintableUtf8Test, KeepsValidTextAndEscapesEverythingElse) {
  EXPECT_EQ(PrintableUtf8("plain text: ok"), "plain text: ok");
  EXPECT_EQ(PrintableUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(PrintableUtf8("line\nnext\tcol"), "line\nnext\tcol");
  EXPECT_EQ(PrintableUtf8(std::string("a\0b\x1b\x7f", 5)), "a\\x00b\\x1b\\x7f");
  EXPECT_EQ(PrintableUtf8("bad \x96 lead"), "bad \\x96 lead");
  EXPECT_EQ(PrintableUtf8("cut \xc3"), "cut \\xc3");                     // truncated sequence
  EXPECT_EQ(PrintableUtf8("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(PrintableUtf8("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // surrogate
  EXPECT_EQ(PrintableUtf8("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

}  // namespace stocktake
