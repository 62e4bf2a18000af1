// The ORC reader against files Stocktake did not write: Apache ORC's sample files and a file with
// the S3 Inventory schema written by Apache ORC's csv-import (shared/orc-examples). Each must
// decode to exactly the rows of its .jsonl (Apache ORC's orc-contents output), compared as JSON
// values; files with types the reader does not support must fail with a clear message.
#include <gtest/gtest.h>
#include <lz4.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/byte_source.h"
#include "report/orc/orc_stream.h"
#include "report/row_source.h"

namespace stocktake::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path ExamplesDir() {
  if (const char* env = std::getenv("STOCKTAKE_ORC_EXAMPLES")) return env;
  for (fs::path p : {fs::path(STOCKTAKE_ORC_EXAMPLES), fs::path("/work/shared/orc-examples")}) {
    if (fs::exists(p / "README.md")) return p;
  }
  return {};
}

// orc-contents' timestamp form: "2024-01-02 03:04:05.123", nanoseconds without trailing zeros
// (at least one digit).
std::string OrcContentsTimestamp(const Cell& cell) {
  time_t seconds = static_cast<time_t>(cell.int_value);
  struct tm tm;
  gmtime_r(&seconds, &tm);
  char text[32];
  strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
  std::string nanos = std::to_string(cell.nanos);
  nanos.insert(0, 9 - nanos.size(), '0');
  while (nanos.size() > 1 && nanos.back() == '0') nanos.pop_back();
  return std::string(text) + "." + nanos;
}

json ToJson(const Cell& cell) {
  switch (cell.kind) {
    case CellKind::kNull:
      return nullptr;
    case CellKind::kBool:
      return cell.int_value != 0;
    case CellKind::kInt:
      return cell.int_value;
    case CellKind::kDouble:
      return cell.double_value;
    case CellKind::kString:
      return cell.string_value;
    case CellKind::kBinary: {
      json bytes = json::array();
      for (char c : cell.string_value) bytes.push_back(static_cast<uint8_t>(c));
      return bytes;
    }
    case CellKind::kTimestamp:
      return OrcContentsTimestamp(cell);
  }
  return nullptr;
}

std::vector<json> ReadOrc(const fs::path& path, std::string* error = nullptr) {
  auto source = OpenLocalFile(path.string());
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  auto reader = OpenOrc(source->get());
  if (!reader.ok()) {
    if (error) *error = reader.status().message();
    return {};
  }
  std::vector<json> rows;
  Row row;
  while (true) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) {
      if (error) *error = more.status().message();
      return rows;
    }
    if (!*more) break;
    const auto& columns = (*reader)->columns();
    if (columns.size() == 1 && columns[0].name.empty()) {  // a non-struct root
      rows.push_back(ToJson(row[0]));
      continue;
    }
    json object = json::object();
    for (size_t i = 0; i < columns.size(); ++i) object[columns[i].name] = ToJson(row[i]);
    rows.push_back(object);
  }
  EXPECT_EQ((*reader)->declared_rows().value_or(0), rows.size());
  return rows;
}

std::vector<json> ReadJsonl(const fs::path& path) {
  std::ifstream in(path);
  std::vector<json> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(json::parse(line));
  }
  return rows;
}

class OrcExamplesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OrcExamplesTest, DecodesExactlyTheJsonl) {
  fs::path dir = ExamplesDir();
  if (dir.empty()) GTEST_SKIP() << "shared/orc-examples not found";
  std::string error;
  std::vector<json> got = ReadOrc(dir / (GetParam() + ".orc"), &error);
  ASSERT_EQ(error, "");
  std::vector<json> want = ReadJsonl(dir / (GetParam() + ".jsonl"));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "row " << i;
}

INSTANTIATE_TEST_SUITE_P(SupportedTypes, OrcExamplesTest,
                         ::testing::Values("csvimport_s3_inventory_schema",
                                           "TestOrcFile.testTimestamp", "TestOrcFile.testSnappy",
                                           "TestOrcFile.testStringAndBinaryStatistics",
                                           "TestVectorOrcFile.testLz4",
                                           "TestVectorOrcFile.testZstd.0.12"));

TEST(OrcExamples, InventorySchemaColumns) {
  fs::path dir = ExamplesDir();
  if (dir.empty()) GTEST_SKIP() << "shared/orc-examples not found";
  auto source = OpenLocalFile((dir / "csvimport_s3_inventory_schema.orc").string());
  ASSERT_TRUE(source.ok());
  auto reader = OpenOrc(source->get());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::string> names, types;
  for (const SourceColumn& c : (*reader)->columns()) {
    names.push_back(c.name);
    types.push_back(c.type_text);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"bucket", "key", "version_id", "is_latest", "size",
                                             "last_modified_date"}));
  EXPECT_EQ(types, (std::vector<std::string>{"string", "string", "string", "boolean", "bigint",
                                             "timestamp"}));
}

TEST(OrcExamples, UnsupportedTypesFailClearly) {
  fs::path dir = ExamplesDir();
  if (dir.empty()) GTEST_SKIP() << "shared/orc-examples not found";
  std::string error;
  ReadOrc(dir / "TestOrcFile.test1.orc", &error);
  EXPECT_NE(error.find("middle has type struct (not supported)"), std::string::npos) << error;
}

// One ORC compression chunk: 3-byte little-endian header (length << 1, bit 0 = original).
std::string Chunk(std::string_view compressed) {
  uint32_t header = static_cast<uint32_t>(compressed.size()) << 1;
  std::string out = {static_cast<char>(header & 0xff), static_cast<char>((header >> 8) & 0xff),
                     static_cast<char>((header >> 16) & 0xff)};
  return out + std::string(compressed);
}

TEST(OrcStream, ZstdAndLz4ChunksDecodeWithinTheBlockSize) {
  const std::string data(5000, 'a');
  std::string zstd(ZSTD_compressBound(data.size()), '\0');
  zstd.resize(ZSTD_compress(zstd.data(), zstd.size(), data.data(), data.size(), 3));
  std::string lz4(LZ4_compressBound(static_cast<int>(data.size())), '\0');
  lz4.resize(LZ4_compress_default(data.data(), lz4.data(), static_cast<int>(data.size()),
                                  static_cast<int>(lz4.size())));
  for (auto [kind, chunk] : {std::pair{orc::CompressionKind::kZstd, Chunk(zstd)},
                             std::pair{orc::CompressionKind::kLz4, Chunk(lz4)}}) {
    std::string out;
    ASSERT_TRUE(orc::DecompressAll(chunk + chunk, kind, 8192, "col", &out).ok());
    EXPECT_EQ(out, data + data);
    // A chunk that expands past the file's compression block size is corrupt.
    Status st = orc::DecompressAll(chunk, kind, 4096, "col", &out);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
    EXPECT_FALSE(orc::DecompressAll(Chunk("garbage!"), kind, 8192, "col", &out).ok());
  }
}

TEST(OrcStream, UnsupportedCodecFailsClearly) {
  std::string out;
  Status st = orc::DecompressAll(Chunk("x"), orc::CompressionKind::kLzo, 8192, "col", &out);
  EXPECT_NE(st.message().find("unsupported compression kind 3"), std::string::npos)
      << st.ToString();
}

TEST(OrcReader, CorruptTailIsAnError) {
  auto source = OpenMemory("junk.orc", std::string(100, 'x'));
  auto reader = OpenOrc(source.get());
  EXPECT_FALSE(reader.ok());
}

}  // namespace
}  // namespace stocktake::report
