// The Parquet reader on files a reader we did not write produced: DuckDB (npm @duckdb/node-api,
// installed by tests/setup-readers.sh) writes a file with COPY ... TO (FORMAT parquet), then reads
// it back itself; Stocktake's reader must return the same values. Variants cover the codecs
// (SNAPPY, GZIP, UNCOMPRESSED), the delta encodings and BYTE_STREAM_SPLIT (PARQUET_VERSION V2),
// dictionary and plain pages, nulls, several row groups, INT32, DOUBLE and TIMESTAMP (MICROS).
// Skipped only when node or DuckDB is not installed. Data pages v2, which DuckDB does not write,
// come from fixtures written by arrow-rs (testdata/).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "report/byte_source.h"
#include "report/parquet/parquet_footer.h"
#include "report/row_source.h"

namespace stocktake::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Runs argv, returning (exit status, stdout).
std::pair<int, std::string> Run(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) return {-1, ""};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) out.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::optional<json> DuckDb(const std::string& sql) {
  auto [code, out] =
      Run({"node", std::string(STOCKTAKE_SOURCE_DIR) + "/tests/readers/duckdb_query.mjs", sql});
  if (code != 0) return std::nullopt;
  return json::parse(out);
}

// The page types and value encodings in a file, from its page headers (to check that a variant
// exercises what it is meant to).
void PagesOf(const std::string& path, std::set<int>* page_types, std::set<int>* encodings) {
  auto source = OpenLocalFile(path);
  ASSERT_TRUE(source.ok());
  std::string bytes;
  ASSERT_TRUE(source->get()->ReadAt(0, *source->get()->Size(), &bytes).ok());
  uint32_t footer_size;
  std::memcpy(&footer_size, bytes.data() + bytes.size() - 8, 4);
  auto meta = parquet::DecodeFileMetaData(
      std::string_view(bytes).substr(bytes.size() - 8 - footer_size, footer_size));
  ASSERT_TRUE(meta.ok());
  for (const auto& group : meta->row_groups) {
    for (const auto& chunk : group.columns) {
      int64_t pos = chunk.dictionary_page_offset.value_or(chunk.data_page_offset);
      if (pos == 0) pos = chunk.data_page_offset;
      int64_t end = pos + chunk.total_compressed_size;
      while (pos < end) {
        size_t header_size = 0;
        auto header = parquet::DecodePageHeader(std::string_view(bytes).substr(pos), &header_size);
        ASSERT_TRUE(header.ok());
        page_types->insert(header->type_value);
        if (header->type() == parquet::PageType::kDataPage) {
          encodings->insert(static_cast<int>(header->data_page.encoding));
        }
        if (header->type() == parquet::PageType::kDataPageV2) {
          encodings->insert(static_cast<int>(header->data_page_v2.encoding));
        }
        pos += static_cast<int64_t>(header_size) + header->compressed_page_size;
      }
    }
  }
}

constexpr char kSelect[] =
    "SELECT 'bucket-' || (i % 3) AS bucket, 'key/' || lpad(i::VARCHAR, 6, '0') AS key, "
    "CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1000 END::BIGINT AS size, "
    "CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01 00:00:00' + "
    "to_milliseconds(i * 1234567) END AS last_modified_date, "
    "CASE WHEN i % 4 = 0 THEN NULL ELSE md5(i::VARCHAR) END AS e_tag, "
    "CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 = 0 END AS is_latest, "
    "(i - 5000)::INTEGER AS small, i / 8.0 AS ratio, "
    "CASE WHEN i % 2 = 0 THEN 'STANDARD' ELSE 'GLACIER' END AS storage_class "
    "FROM range(0, 12000) t(i)";

struct Variant {
  const char* name;
  const char* options;
};

class DuckDbParquetTest : public ::testing::TestWithParam<Variant> {};

TEST_P(DuckDbParquetTest, SameValuesAsDuckDb) {
  fs::path dir = fs::temp_directory_path() / ("stocktake-duckdb-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string path = (dir / (std::string(GetParam().name) + ".parquet")).string();
  if (!DuckDb(std::string("COPY (") + kSelect + ") TO '" + path + "' (FORMAT parquet, " +
              GetParam().options + ")")) {
    fs::remove_all(dir);
    GTEST_SKIP() << "DuckDB (node @duckdb/node-api) is not available";
  }
  auto want = DuckDb(
      "SELECT bucket, key, CAST(size AS VARCHAR) AS size, "
      "CAST(epoch_ms(last_modified_date) AS VARCHAR) AS lm, e_tag, is_latest, "
      "small, ratio, storage_class FROM read_parquet('" +
      path + "')");
  ASSERT_TRUE(want.has_value());
  ASSERT_EQ(want->size(), 12000u);
  std::set<int> page_types, encodings;
  PagesOf(path, &page_types, &encodings);
  // DuckDB writes data pages v1: PLAIN_DICTIONARY / PLAIN with PARQUET_VERSION V1, and the
  // delta encodings, RLE_DICTIONARY and BYTE_STREAM_SPLIT with V2.
  EXPECT_TRUE(page_types.count(0)) << "no DATA_PAGE";
  EXPECT_TRUE(page_types.count(2)) << "no DICTIONARY_PAGE";
  if (std::string(GetParam().name).starts_with("v2")) {
    for (int encoding : {5, 6, 8, 9}) EXPECT_TRUE(encodings.count(encoding)) << encoding;
  } else {
    for (int encoding : {0, 2}) EXPECT_TRUE(encodings.count(encoding)) << encoding;
  }

  auto source = OpenLocalFile(path);
  ASSERT_TRUE(source.ok());
  auto reader = OpenParquet(source->get());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& columns = (*reader)->columns();
  ASSERT_EQ(columns.size(), 9u);
  EXPECT_EQ(columns[0].type_text, "optional binary bucket (STRING)");
  EXPECT_EQ(columns[2].type_text, "optional int64 size");
  EXPECT_EQ(columns[3].type_text, "optional int64 last_modified_date (TIMESTAMP(MICROS,false))");
  EXPECT_EQ(columns[3].kind, CellKind::kTimestamp);
  EXPECT_EQ(columns[5].kind, CellKind::kBool);
  EXPECT_EQ(columns[6].type_text, "optional int32 small");
  EXPECT_EQ(columns[7].kind, CellKind::kDouble);
  EXPECT_EQ((*reader)->declared_rows(), 12000u);

  Row row;
  for (size_t r = 0; r < want->size(); ++r) {
    auto more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    ASSERT_TRUE(*more);
    const json& w = (*want)[r];
    SCOPED_TRACE("row " + std::to_string(r));
    ASSERT_EQ(row[0].string_value, w["bucket"]);
    ASSERT_EQ(row[1].string_value, w["key"]);
    if (w["size"].is_null()) {
      ASSERT_TRUE(row[2].is_null());
    } else {
      ASSERT_EQ(std::to_string(row[2].int_value), w["size"]);
    }
    if (w["lm"].is_null()) {
      ASSERT_TRUE(row[3].is_null());
    } else {
      ASSERT_EQ(std::to_string(row[3].EpochMillis()), w["lm"]);
    }
    if (w["e_tag"].is_null()) {
      ASSERT_TRUE(row[4].is_null());
    } else {
      ASSERT_EQ(row[4].string_value, w["e_tag"]);
    }
    if (w["is_latest"].is_null()) {
      ASSERT_TRUE(row[5].is_null());
    } else {
      ASSERT_EQ(row[5].kind, CellKind::kBool);
      ASSERT_EQ(row[5].int_value != 0, w["is_latest"].get<bool>());
    }
    ASSERT_EQ(row[6].int_value, w["small"].get<int64_t>());
    ASSERT_NEAR(
        row[7].double_value,
        std::stod(w["ratio"].is_string() ? w["ratio"].get<std::string>() : w["ratio"].dump()),
        1e-9);
    ASSERT_EQ(row[8].string_value, w["storage_class"]);
  }
  auto more = (*reader)->Next(&row);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Writers, DuckDbParquetTest,
    ::testing::Values(Variant{"snappy", "COMPRESSION snappy, ROW_GROUP_SIZE 4096"},
                      Variant{"gzip", "COMPRESSION gzip, ROW_GROUP_SIZE 5000"},
                      Variant{"uncompressed", "COMPRESSION uncompressed"},
                      Variant{"v2", "PARQUET_VERSION V2, ROW_GROUP_SIZE 3000"},
                      Variant{"v2_gzip", "PARQUET_VERSION V2, COMPRESSION gzip"}),
    [](const auto& info) { return std::string(info.param.name); });

// Fixtures written by arrow-rs (testdata/make_arrow_rs_files.mjs): the only writer at hand that
// writes data pages v2. Values follow the formulas of that script.
class ArrowRsParquetTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ArrowRsParquetTest, DecodesTheFixture) {
  std::string path =
      std::string(STOCKTAKE_SOURCE_DIR) + "/src/report/parquet/testdata/" + GetParam() + ".parquet";
  std::set<int> page_types, encodings;
  PagesOf(path, &page_types, &encodings);
  if (std::string(GetParam()).find("_v2_") != std::string::npos) {
    EXPECT_TRUE(page_types.count(3)) << "no DATA_PAGE_V2";
  }
  auto source = OpenLocalFile(path);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  auto reader = OpenParquet(source->get());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::string> declared;
  for (const auto& c : (*reader)->columns()) declared.push_back(c.type_text);
  EXPECT_EQ(declared, (std::vector<std::string>{
                          "optional binary bucket (STRING)", "optional binary key (STRING)",
                          "optional binary version_id (STRING)", "optional int64 size",
                          "optional int64 last_modified_date (TIMESTAMP(MILLIS,true))",
                          "optional boolean is_latest", "optional binary e_tag (STRING)"}));
  Row row;
  char key[32];
  for (int i = 0; i < 2000; ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    auto more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    ASSERT_TRUE(*more);
    std::snprintf(key, sizeof(key), "k/%06d", i);
    ASSERT_EQ(row[0].string_value, "src");
    ASSERT_EQ(row[1].string_value, key);
    if (i % 4 == 0) {
      ASSERT_TRUE(row[2].is_null());
    } else {
      ASSERT_EQ(row[2].string_value, "v" + std::to_string(i));
    }
    if (i % 5 == 0) {
      ASSERT_TRUE(row[3].is_null());
    } else {
      ASSERT_EQ(row[3].int_value, i * 1000 - 7);
    }
    if (i % 7 == 0) {
      ASSERT_TRUE(row[4].is_null());
    } else {
      ASSERT_EQ(row[4].kind, CellKind::kTimestamp);
      ASSERT_EQ(row[4].EpochMillis(), 1700000000000 + int64_t{i} * 61001);
    }
    if (i % 3 == 0) {
      ASSERT_TRUE(row[5].is_null());
    } else {
      ASSERT_EQ(row[5].int_value, i % 2 == 0 ? 1 : 0);
    }
    if (i % 6 == 0) {
      ASSERT_TRUE(row[6].is_null());
    } else {
      ASSERT_EQ(row[6].string_value, "etag-" + std::to_string(i % 50));
    }
  }
  auto more = (*reader)->Next(&row);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ArrowRsParquetTest,
                         ::testing::Values("arrow_rs_v2_snappy", "arrow_rs_v2_plain",
                                           "arrow_rs_v1_gzip"));

TEST(DuckDbParquet, UnsupportedCodecIsAClearError) {
  fs::path dir = fs::temp_directory_path() / ("stocktake-duckdb-z-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "zstd.parquet").string();
  if (!DuckDb(std::string("COPY (") + kSelect + ") TO '" + path +
              "' (FORMAT parquet, COMPRESSION zstd)")) {
    fs::remove_all(dir);
    GTEST_SKIP() << "DuckDB (node @duckdb/node-api) is not available";
  }
  auto source = OpenLocalFile(path);
  ASSERT_TRUE(source.ok());
  auto reader = OpenParquet(source->get());
  ASSERT_TRUE(reader.ok());
  Row row;
  auto more = (*reader)->Next(&row);
  ASSERT_FALSE(more.ok());
  EXPECT_NE(more.status().message().find("unsupported compression codec 6"), std::string::npos)
      << more.status().message();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace stocktake::report
