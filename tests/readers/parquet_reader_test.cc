// Cross-check of the Parquet writer with readers Stocktake did not write: DuckDB
// (@duckdb/node-api) and hyparquet. Writes sample files — every column type, nulls, unicode,
// empty strings, extreme values, 0 rows, many rows over several row groups and pages, a
// high-cardinality column and a dictionary that overflows mid-chunk — plus expected.json with
// every value, then runs tests/readers/parquet_check.mjs, which reads each file with both readers
// and compares values, schema, logical types, statistics and encodings.
//
// The readers come from tests/setup-readers.sh (npm packages in $STOCKTAKE_CACHE or
// ~/.cache/stocktake/node). Skipped only when `node` is not installed. Set
// STOCKTAKE_KEEP_PARQUET_SAMPLES=1 to keep the sample directory.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/report_writer.h"
#include "io/file.h"

namespace stocktake::format {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One cell of a sample, owned (RowBatch views point into these).
struct Cell {
  bool present = false;
  int64_t i = 0;
  std::string s;
};
Cell Null() { return {}; }
Cell Str(std::string s) { return {true, 0, std::move(s)}; }
Cell Int(int64_t v) { return {true, v, {}}; }
Cell Bool(bool v) { return {true, v ? 1 : 0, {}}; }

using Row = std::vector<Cell>;

struct Sample {
  std::string name;
  Schema schema;
  std::vector<Row> rows;
  WriterOptions options;
  int min_row_groups = 0;
  std::vector<std::string> dictionary_columns;  // every data page RLE_DICTIONARY
  std::vector<std::string> plain_columns;       // PLAIN data pages only, no dictionary page
  std::vector<std::string> mixed_columns;       // dictionary pages then PLAIN pages in a chunk
};

Column Col(const char* name, ColumnType type, bool required = false) {
  return {name, name, type, required, false};
}

// The 21 canonical inventory columns (spec §5.1).
Schema FullSchema() {
  using T = ColumnType;
  return {Col("bucket", T::kString, true),
          Col("key", T::kString, true),
          Col("version_id", T::kString),
          Col("is_latest", T::kBoolean),
          Col("is_delete_marker", T::kBoolean),
          Col("size", T::kInt64),
          Col("last_modified_date", T::kTimestampMillis),
          Col("e_tag", T::kString),
          Col("storage_class", T::kString),
          Col("is_multipart_uploaded", T::kBoolean),
          Col("replication_status", T::kString),
          Col("encryption_status", T::kString),
          Col("object_lock_retain_until_date", T::kTimestampMillis),
          Col("object_lock_mode", T::kString),
          Col("object_lock_legal_hold_status", T::kString),
          Col("intelligent_tiering_access_tier", T::kString),
          Col("bucket_key_status", T::kString),
          Col("checksum_algorithm", T::kString),
          Col("object_access_control_list", T::kString),
          Col("object_owner", T::kString),
          Col("lifecycle_expiration_date", T::kTimestampMillis)};
}

Schema SixColumns() {
  using T = ColumnType;
  return {Col("bucket", T::kString, true), Col("key", T::kString, true),
          Col("size", T::kInt64),          Col("last_modified_date", T::kTimestampMillis),
          Col("e_tag", T::kString),        Col("storage_class", T::kString)};
}

void SortByKey(std::vector<Row>* rows) {
  // Byte-wise unsigned order, as the scanner delivers rows (std::string compares as unsigned).
  std::stable_sort(rows->begin(), rows->end(),
                   [](const Row& a, const Row& b) { return a[1].s < b[1].s; });
}

Sample AllTypes() {
  Sample s{"all_types", FullSchema()};
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<std::string> keys = {
      "",  // an empty key is not valid S3 but must survive the file format
      "a",
      "a b+c%20d",
      "dir/",
      "dir/file.txt",
      "\x7f"
      "del",
      "caf\xc3\xa9/na\xc3\xafve.txt",  // café/naïve.txt
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e/\xe3\x83\x95\xe3\x82\xa1\xe3\x82\xa4\xe3\x83\xab",
      "emoji-\xf0\x9f\x98\x80.png",  // U+1F600
      "combining-e\xcc\x81",         // e + U+0301
      "quote\"back\\slash",
      "tab\tnewline\n",
      std::string(1024, 'k'),
      "z\xef\xbf\xbd",  // U+FFFD
  };
  const std::vector<int64_t> sizes = {0, 1, -1, kMin, kMax, 5368709120, 1000000000000};
  const std::vector<int64_t> times = {0,
                                      1,
                                      -1,
                                      1700000000123,
                                      -62135596800000,  // 0001-01-01T00:00:00Z
                                      253402300799999,  // 9999-12-31T23:59:59.999Z
                                      951782400000};    // 2000-02-29
  const char* classes[] = {"STANDARD", "GLACIER", "", "INTELLIGENT_TIERING"};
  for (size_t i = 0; i < 40; ++i) {
    Row r(21);
    r[0] = Str(i % 5 == 0 ? "bucket-\xc3\xa9" : "bucket-a");
    r[1] = Str(keys[i % keys.size()] + (i < keys.size() ? "" : "#" + std::to_string(i)));
    r[2] = i % 3 == 0 ? Null() : Str(i % 3 == 1 ? "" : "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
    r[3] = i % 4 == 3 ? Null() : Bool(i % 2 == 0);
    r[4] = Bool(i % 5 == 1);
    r[5] = i % 6 == 5 ? Null() : Int(sizes[i % sizes.size()]);
    r[6] = i % 9 == 8 ? Null() : Int(times[i % times.size()]);
    r[7] = Str(std::string("\"") + std::to_string(i * 7919) + "abcdef\"");
    r[8] = i % 7 == 6 ? Null() : Str(classes[i % 4]);
    r[9] = i % 2 == 0 ? Null() : Bool(i % 3 == 0);
    r[10] = Str(i % 2 ? "COMPLETED" : "");
    r[11] = Str("SSE-S3");
    r[12] = i % 2 == 0 ? Null() : Int(times[(i + 3) % times.size()]);
    r[13] = i % 4 == 0 ? Str("GOVERNANCE") : Null();
    r[14] = Str(i % 3 == 0 ? "On" : "Off");
    r[15] = Null();  // all null: no min/max statistics
    r[16] = Str("DISABLED");
    r[17] = Str(i % 2 ? "CRC32" : "SHA256");
    r[18] = Str("eyJncmFudHMiOltdfQ==\xe2\x9c\x93");
    r[19] = i % 8 == 0 ? Null() : Str("owner-" + std::to_string(i % 3));
    r[20] = Null();
    s.rows.push_back(std::move(r));
  }
  SortByKey(&s.rows);
  s.min_row_groups = 1;
  s.dictionary_columns = {"storage_class", "object_lock_mode", "checksum_algorithm"};
  s.plain_columns = {"is_latest", "is_delete_marker", "is_multipart_uploaded"};
  return s;
}

Sample Empty() { return {"empty", SixColumns()}; }

Sample SingleRow() {
  Sample s{"single_row", SixColumns()};
  s.rows.push_back(
      {Str("b"), Str("only-key"), Int(42), Int(1700000000000), Str("\"e\""), Str("STANDARD")});
  s.min_row_groups = 1;
  return s;
}

// Many rows across row groups and pages; unique e_tag (dictionary gives up), low-cardinality
// storage_class with nulls, repeating sizes, a version_id and is_latest pair.
Sample Many() {
  Sample s{"many", SixColumns()};
  s.schema.push_back(Col("version_id", ColumnType::kString));
  s.schema.push_back(Col("is_latest", ColumnType::kBoolean));
  s.options.row_group_bytes = 1 << 20;
  s.options.page_bytes = 32 << 10;
  const char* classes[] = {"STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE", "ONEZONE_IA"};
  uint64_t x = 0x2545F4914F6CDD1Dull;
  const size_t n = 150000;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    char key[80], etag[40];
    std::snprintf(key, sizeof(key), "logs/%03zu/obj-%08zu-\xc3\xa9.gz", i / 1000, i);
    std::snprintf(etag, sizeof(etag), "%016llx%016llx", static_cast<unsigned long long>(x),
                  static_cast<unsigned long long>(i));
    Row r(8);
    r[0] = Str("bucket-many");
    r[1] = Str(key);
    r[2] = i % 11 == 0 ? Null() : Int(static_cast<int64_t>((x % 50) * 1024));
    r[3] = Int(1600000000000 + static_cast<int64_t>(x % 100000000000));
    r[4] = Str(etag);
    r[5] = i % 13 == 0 ? Null() : Str(classes[x % 5]);
    r[6] = i % 3 == 0 ? Str("") : Str("v" + std::to_string(x % 1000));
    r[7] = i % 17 == 0 ? Null() : Bool(x % 2 == 0);
    s.rows.push_back(std::move(r));
  }
  s.min_row_groups = 3;
  s.dictionary_columns = {"bucket", "storage_class", "size"};
  s.plain_columns = {"is_latest"};
  return s;
}

// One row group in which `label` starts low-cardinality (dictionary kept after the first page)
// and then turns unique and long, so the dictionary passes its size limit mid-chunk and the rest
// of the chunk is PLAIN.
Sample DictionaryOverflow() {
  Sample s{"dictionary_overflow", SixColumns()};
  s.schema.push_back(Col("label", ColumnType::kString));
  s.options.page_bytes = 16 << 10;
  const size_t n = 30000;
  for (size_t i = 0; i < n; ++i) {
    char key[32];
    std::snprintf(key, sizeof(key), "k%08zu", i);
    Row r(7);
    r[0] = Str("b");
    r[1] = Str(key);
    r[2] = Int(static_cast<int64_t>(i));
    r[3] = Null();
    r[4] = Null();
    r[5] = Str("STANDARD");
    if (i < 10000) {
      r[6] = Str("label-" + std::to_string(i % 20));
    } else {
      r[6] = i % 50 == 0 ? Null() : Str(std::to_string(i) + std::string(200, 'x'));
    }
    s.rows.push_back(std::move(r));
  }
  s.min_row_groups = 1;
  s.mixed_columns = {"label"};
  s.dictionary_columns = {"storage_class", "bucket"};
  return s;
}

json CellJson(const Cell& c, ColumnType type) {
  if (!c.present) return nullptr;
  switch (type) {
    case ColumnType::kString:
      return c.s;
    case ColumnType::kBoolean:
      return c.i != 0;
    case ColumnType::kInt64:
    case ColumnType::kTimestampMillis:
      return std::to_string(c.i);  // exact in JSON
  }
  return nullptr;
}

const char* TypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kTimestampMillis:
      return "timestamp_millis";
  }
  return "?";
}

// Writes the sample through the ReportWriter in batches of 777 rows (not a divisor of anything).
void WriteSample(const Sample& s, const fs::path& path) {
  auto file = io::FileOutputStream::Create(path.string(), /*sync=*/false);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto writer = NewParquetWriter(s.schema, file->get(), s.options);
  RowBatch batch(s.schema.size());
  for (size_t start = 0; start < s.rows.size(); start += 777) {
    batch.Clear();
    for (size_t r = start; r < std::min(s.rows.size(), start + 777); ++r) {
      for (size_t c = 0; c < s.schema.size(); ++c) {
        const Cell& cell = s.rows[r][c];
        Value v;
        if (!cell.present) {
          v = Value::Null();
        } else if (s.schema[c].type == ColumnType::kString) {
          v = Value::String(batch.CopyString(cell.s));
        } else {
          v = Value::Int(cell.i);
        }
        batch.mutable_column(c).push_back(v);
      }
    }
    Status st = writer->Add(batch);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  Status st = writer->Finish();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(writer->rows_written(), s.rows.size());
}

json Expected(const Sample& s) {
  json f;
  f["name"] = s.name + ".parquet";
  f["num_rows"] = s.rows.size();
  f["min_row_groups"] = s.min_row_groups;
  f["dictionary_columns"] = s.dictionary_columns;
  f["plain_columns"] = s.plain_columns;
  f["mixed_columns"] = s.mixed_columns;
  json columns = json::array();
  json data = json::object();
  for (size_t c = 0; c < s.schema.size(); ++c) {
    const Column& col = s.schema[c];
    columns.push_back(
        {{"name", col.column_name}, {"type", TypeName(col.type)}, {"required", col.required}});
    json values = json::array();
    for (const Row& r : s.rows) values.push_back(CellJson(r[c], col.type));
    data[col.column_name] = std::move(values);
  }
  f["columns"] = std::move(columns);
  f["data"] = std::move(data);
  return f;
}

int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ParquetReadersTest, DuckDbAndHyparquetReadEveryValue) {
  std::string ignored;
  if (RunCommand("command -v node >/dev/null 2>&1", &ignored) != 0) {
    GTEST_SKIP() << "node is not installed";
  }
  char tmpl[] = "/tmp/stocktake-parquet-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const fs::path dir(tmpl);

  const std::vector<Sample> samples = {AllTypes(), Empty(), SingleRow(), Many(),
                                       DictionaryOverflow()};
  json expected;
  expected["created_by"] = WriterOptions().created_by;
  expected["files"] = json::array();
  for (const Sample& s : samples) {
    WriteSample(s, dir / (s.name + ".parquet"));
    expected["files"].push_back(Expected(s));
  }
  {
    std::ofstream out(dir / "expected.json");
    out << expected.dump();
    ASSERT_TRUE(out.good());
  }

  std::string output;
  const int rc =
      RunCommand("node '" STOCKTAKE_PARQUET_CHECK_SCRIPT "' '" + dir.string() + "' 2>&1", &output);
  std::printf("%s", output.c_str());
  EXPECT_EQ(rc, 0) << output;
  // The script prints one OK line per file and reader; make sure it really checked them all.
  EXPECT_NE(output.find("parquet_check: " + std::to_string(samples.size()) + " files OK"),
            std::string::npos)
      << output;
  if (std::getenv("STOCKTAKE_KEEP_PARQUET_SAMPLES") == nullptr) {
    fs::remove_all(dir);
  } else {
    std::printf("samples kept in %s\n", dir.c_str());
  }
}

}  // namespace
}  // namespace stocktake::format
