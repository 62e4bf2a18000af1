#include "report/byte_source.h"

#include <gtest/gtest.h>

#include <string>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::report {
namespace {

std::string Bytes() {
  std::string bytes;
  for (int i = 0; i < 3000; ++i) bytes.push_back(static_cast<char>(i * 7));
  return bytes;
}

// Reads as a Parquet reader does: the footer first, then the pages after the leading magic.
Status ReadLikeAReader(ByteSource* source) {
  std::string out;
  RETURN_IF_ERROR(source->ReadAt(2900, 100, &out));
  RETURN_IF_ERROR(source->ReadAt(4, 1000, &out));
  RETURN_IF_ERROR(source->ReadAt(1004, 1896, &out));
  return source->Close();
}

TEST(VerifyingSourceTest, ChecksSizeAndMd5InMemoryAndStreamed) {
  const std::string bytes = Bytes();
  const std::string md5 = HexLower(Md5(bytes));
  for (uint64_t in_memory_bytes : {uint64_t{1} << 20, uint64_t{100}}) {
    SCOPED_TRACE(in_memory_bytes);
    auto good = NewVerifyingSource(OpenMemory("f", bytes), bytes.size(), md5, in_memory_bytes);
    EXPECT_TRUE(ReadLikeAReader(good.get()).ok());

    std::string flipped = bytes;
    flipped[1500] ^= 1;
    auto bad = NewVerifyingSource(OpenMemory("f", flipped), bytes.size(), md5, in_memory_bytes);
    Status st = ReadLikeAReader(bad.get());
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(
        st.message().find("f: MD5 is " + HexLower(Md5(flipped)) + ", manifest.json says " + md5),
        std::string::npos)
        << st.message();

    auto short_file =
        NewVerifyingSource(OpenMemory("f", bytes.substr(1)), bytes.size(), md5, in_memory_bytes);
    EXPECT_EQ(short_file->Size().status().code(), StatusCode::kCorruption);
  }
}

TEST(VerifyingSourceTest, ASmallFileIsRefusedBeforeItsFirstByte) {
  std::string flipped = Bytes();
  flipped[10] ^= 1;
  auto bad = NewVerifyingSource(OpenMemory("f", flipped), flipped.size(), HexLower(Md5(Bytes())));
  std::string out;
  EXPECT_EQ(bad->ReadAt(0, 4, &out).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace stocktake::report
