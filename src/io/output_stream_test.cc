#include "io/output_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>

#include "io/file.h"

namespace stocktake::io {
namespace {

std::string Gunzip(const std::string& gz) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 16, '\0');
  std::string result;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << rc;
    result.append(out.data(), out.size() - zs.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&zs);
  return result;
}

TEST(GzipOutputStreamTest, ZlibReadsWhatIgzipWrites) {
  MemoryOutputStream sink;
  HashingOutputStream hashing(&sink);
  GzipOutputStream gzip(&hashing);
  std::string expected;
  for (int i = 0; i < 100000; ++i) {
    std::string line =
        "\"bucket\",\"dir/" + std::to_string(i) + "\",\"" + std::to_string(i * 7) + "\"\n";
    expected += line;
    ASSERT_TRUE(gzip.Write(line).ok());
  }
  ASSERT_TRUE(gzip.Close().ok());
  EXPECT_EQ(gzip.bytes_written(), expected.size());
  EXPECT_LT(sink.contents().size(), expected.size() / 3);
  EXPECT_EQ(Gunzip(sink.contents()), expected);
  EXPECT_EQ(hashing.md5_hex().size(), 32u);
  EXPECT_EQ(hashing.bytes_written(), sink.contents().size());
}

TEST(GzipOutputStreamTest, EmptyInputIsValidGzip) {
  MemoryOutputStream sink;
  GzipOutputStream gzip(&sink);
  ASSERT_TRUE(gzip.Close().ok());
  EXPECT_EQ(Gunzip(sink.contents()), "");
}

TEST(FileTest, AtomicWriteAndRead) {
  std::string dir = testing::TempDir() + "/io_test_" + std::to_string(::getpid());
  ASSERT_TRUE(CreateDirectories(dir).ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/f", "hello", 0600).ok());
  auto read = ReadFile(dir + "/f");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "hello");
  EXPECT_EQ(std::filesystem::status(dir + "/f").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_TRUE(ReadFile(dir + "/missing").status().IsNotFound());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stocktake::io
