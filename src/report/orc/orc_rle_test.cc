// The ORC run-length decoders against the worked examples of the ORC v1 specification ("Run
// Length Encoding"), plus truncated and malformed input.
#include "report/orc/orc_rle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stocktake::report::orc {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::vector<int64_t> DecodeInts(const std::string& data, bool v2, bool is_signed, size_t n,
                                Status* status = nullptr) {
  InputStream in(data, CompressionKind::kNone, 256 << 10, "test");
  auto decoder = NewIntDecoder(&in, v2, is_signed);
  std::vector<int64_t> out;
  for (size_t i = 0; i < n; ++i) {
    int64_t v;
    Status st = decoder->Next(&v);
    if (!st.ok()) {
      if (status) *status = st;
      break;
    }
    out.push_back(v);
  }
  return out;
}

TEST(ByteRle, SpecExamples) {
  // "a hundred 0's is encoded as [0x61, 0x00] and the sequence 0x44, 0x45 would be encoded as
  // [0xfe, 0x44, 0x45]"
  std::string data = Bytes({0x61, 0x00, 0xfe, 0x44, 0x45});
  InputStream in(data, CompressionKind::kNone, 1024, "test");
  ByteRleDecoder decoder(&in);
  uint8_t v;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(decoder.Next(&v).ok());
    ASSERT_EQ(v, 0);
  }
  ASSERT_TRUE(decoder.Next(&v).ok());
  EXPECT_EQ(v, 0x44);
  ASSERT_TRUE(decoder.Next(&v).ok());
  EXPECT_EQ(v, 0x45);
  EXPECT_FALSE(decoder.Next(&v).ok());
}

TEST(BooleanRle, SpecExample) {
  // "the byte sequence [0xff, 0x80] would be one true followed by seven false values"
  std::string data = Bytes({0xff, 0x80});
  InputStream in(data, CompressionKind::kNone, 1024, "test");
  BooleanDecoder decoder(&in);
  std::vector<bool> got;
  for (int i = 0; i < 8; ++i) {
    bool b;
    ASSERT_TRUE(decoder.Next(&b).ok());
    got.push_back(b);
  }
  EXPECT_EQ(got, (std::vector<bool>{true, false, false, false, false, false, false, false}));
}

TEST(IntRleV1, SpecExamples) {
  std::vector<int64_t> sevens(100, 7);
  EXPECT_EQ(DecodeInts(Bytes({0x61, 0x00, 0x07}), false, false, 100), sevens);
  std::vector<int64_t> down;
  for (int i = 100; i >= 1; --i) down.push_back(i);
  EXPECT_EQ(DecodeInts(Bytes({0x61, 0xff, 0x64}), false, false, 100), down);
  EXPECT_EQ(DecodeInts(Bytes({0xfb, 0x02, 0x03, 0x04, 0x07, 0x0b}), false, false, 5),
            (std::vector<int64_t>{2, 3, 4, 7, 11}));
  // Signed literals are zigzag: 1 -> -1, 4 -> 2.
  EXPECT_EQ(DecodeInts(Bytes({0xfe, 0x01, 0x04}), false, true, 2), (std::vector<int64_t>{-1, 2}));
}

TEST(IntRleV2, ShortRepeat) {
  EXPECT_EQ(DecodeInts(Bytes({0x0a, 0x27, 0x10}), true, false, 5), std::vector<int64_t>(5, 10000));
}

TEST(IntRleV2, Direct) {
  EXPECT_EQ(DecodeInts(Bytes({0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef}), true,
                       false, 4),
            (std::vector<int64_t>{23713, 43806, 57005, 48879}));
}

TEST(IntRleV2, PatchedBase) {
  std::vector<int64_t> want = {2030, 2000, 2020, 1000000, 2040, 2050, 2060, 2070, 2080, 2090,
                               2100, 2110, 2120, 2130,    2140, 2150, 2160, 2170, 2180, 2190};
  EXPECT_EQ(DecodeInts(Bytes({0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70,
                              0x28, 0x32, 0x3c, 0x46, 0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82,
                              0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8}),
                       true, false, 20),
            want);
}

TEST(IntRleV2, Delta) {
  EXPECT_EQ(DecodeInts(Bytes({0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46}), true, false, 10),
            (std::vector<int64_t>{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}));
  // Fixed delta (width 0): base 10 (zigzag 20), delta -2 (zigzag 3), 5 values.
  EXPECT_EQ(DecodeInts(Bytes({0xc0, 0x04, 0x14, 0x03}), true, true, 5),
            (std::vector<int64_t>{10, 8, 6, 4, 2}));
}

TEST(IntRleV2, TruncatedRunIsAnError) {
  Status status;
  auto got = DecodeInts(Bytes({0x5e, 0x03, 0x5c, 0xa1}), true, false, 4, &status);
  EXPECT_TRUE(got.empty());
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("test"), std::string::npos) << status.message();
}

TEST(IntRleV2, PatchPastTheRunIsAnError) {
  // The spec's patched-base run with an 8-bit patch gap width: its patch entry, now 20 bits
  // (0xfce80), has a gap of 252, past the 20 values of the run.
  Status status;
  DecodeInts(Bytes({0x8e, 0x13, 0x2b, 0xe1, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70,
                    0x28, 0x32, 0x3c, 0x46, 0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82,
                    0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8, 0x00}),
             true, false, 20, &status);
  EXPECT_NE(status.message().find("patch past the end"), std::string::npos) << status.message();
}

TEST(InputStream, CompressedChunksAndOriginals) {
  // Two chunks: an original chunk "abc" (header 3*2+1 = 7) and another original "de".
  std::string data = Bytes({0x07, 0x00, 0x00}) + "abc" + Bytes({0x05, 0x00, 0x00}) + "de";
  InputStream in(data, CompressionKind::kZlib, 1024, "test");
  std::string out;
  ASSERT_TRUE(in.ReadToEnd(&out).ok());
  EXPECT_EQ(out, "abcde");
  std::string bad = Bytes({0x09, 0x00, 0x00}) + "ab";  // says 4 bytes, has 2
  InputStream truncated(bad, CompressionKind::kZlib, 1024, "test");
  out.clear();
  EXPECT_FALSE(truncated.ReadToEnd(&out).ok());
}

}  // namespace
}  // namespace stocktake::report::orc
