// Stocktake's ORC writer, checked with a reader Stocktake did not write: Apache ORC's own tools
// (orc-contents, orc-metadata, orc-statistics, built by shared/tools/build-orc-tools.sh) and, when
// built, orc_seek_check (Apache ORC's C++ library seeking through the row index).
//
// The tools are found through $ORC_TOOLS_BIN or ~/.cache/stocktake/orc-tools/bin; the tests skip
// only when they are absent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "format/report_writer.h"
#include "io/output_stream.h"

namespace stocktake::format {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Rows and their expected orc-contents rendering.

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

Schema S3Schema() {
  return {
      {"Bucket", "bucket", ColumnType::kString, true, false},
      {"Key", "key", ColumnType::kString, true, true},
      {"VersionId", "version_id", ColumnType::kString, false, false},
      {"IsLatest", "is_latest", ColumnType::kBoolean, false, false},
      {"Size", "size", ColumnType::kInt64, false, false},
      {"LastModifiedDate", "last_modified_date", ColumnType::kTimestampMillis, false, false},
      {"ETag", "e_tag", ColumnType::kString, false, false},
      {"StorageClass", "storage_class", ColumnType::kString, false, false},
  };
}

// "ünïcode/日本語 key.txt"
constexpr char kUnicodeKey[] =
    "\xc3\xbc"
    "n"
    "\xc3\xaf"
    "code/"
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"
    " key.txt";

constexpr char kS3Type[] =
    "struct<bucket:string,key:string,version_id:string,is_latest:boolean,size:bigint,"
    "last_modified_date:timestamp,e_tag:string,storage_class:string>";

// As Apache ORC's ColumnPrinter renders a string.
std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

// "YYYY-MM-DD HH:MM:SS.f": UTC, fraction without trailing zeros (at least one digit).
std::string TimestampText(int64_t ms) {
  int64_t secs = ms / 1000;
  int64_t frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  const time_t t = static_cast<time_t>(secs);
  struct tm tm_value;
  gmtime_r(&t, &tm_value);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm_value);
  char f[8];
  snprintf(f, sizeof(f), "%03d", static_cast<int>(frac));
  std::string fraction = f;
  while (fraction.size() > 1 && fraction.back() == '0') fraction.pop_back();
  return std::string(buf) + "." + fraction;
}

std::string ExpectedJson(const Schema& schema, const Row& row) {
  std::string out = "{";
  for (size_t c = 0; c < schema.size(); ++c) {
    if (c > 0) out += ", ";
    out += "\"" + schema[c].column_name + "\": ";
    const Cell& cell = row[c];
    if (!cell.present) {
      out += "null";
      continue;
    }
    switch (schema[c].type) {
      case ColumnType::kString:
        out += JsonString(cell.s);
        break;
      case ColumnType::kBoolean:
        out += cell.i ? "true" : "false";
        break;
      case ColumnType::kInt64:
        out += std::to_string(cell.i);
        break;
      case ColumnType::kTimestampMillis:
        out += "\"" + TimestampText(cell.i) + "\"";
        break;
    }
  }
  return out + "}";
}

uint64_t TotalLength(const std::vector<Row>& rows, size_t column) {
  uint64_t total = 0;
  for (const Row& r : rows) total += r[column].present ? r[column].s.size() : 0;
  return total;
}

// ---------------------------------------------------------------------------------------------
// Tools.

std::string ToolsBin() {
  if (const char* env = std::getenv("ORC_TOOLS_BIN"); env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.cache/stocktake/orc-tools/bin";
}

bool ToolsPresent() { return fs::exists(ToolsBin() + "/orc-contents"); }

struct RunResult {
  int exit_code;
  std::string out;
};

RunResult RunCommand(const std::string& command) {
  RunResult r{-1, {}};
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Tool(const std::string& name, const std::string& args) {
  RunResult r = RunCommand("'" + ToolsBin() + "/" + name + "' " + args);
  EXPECT_EQ(r.exit_code, 0) << name << " " << args << "\n" << r.out.substr(0, 2000);
  return r.out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The file-level section of orc-statistics for one column ("*** Column N ***" up to a blank line).
std::string StatsSection(const std::string& statistics, int column) {
  const std::string header = "*** Column " + std::to_string(column) + " ***\n";
  const size_t at = statistics.find(header);
  if (at == std::string::npos) return "";
  const size_t end = statistics.find("\n\n", at);
  return statistics.substr(at + header.size(),
                           end == std::string::npos ? end : end - at - header.size());
}

// ---------------------------------------------------------------------------------------------
// Writing.

class OrcWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ToolsPresent()) {
      GTEST_SKIP() << "Apache ORC tools not found in " << ToolsBin()
                   << " (run shared/tools/build-orc-tools.sh or set ORC_TOOLS_BIN)";
    }
    dir_ = fs::temp_directory_path() /
           ("stocktake-orc-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure() && std::getenv("ORC_TEST_KEEP") == nullptr) {
      fs::remove_all(dir_);
    }
  }

  // Writes `rows` (in batches of `batch_rows`) to <dir>/<name>.orc and returns the path.
  std::string WriteOrc(const std::string& name, const Schema& schema, const std::vector<Row>& rows,
                       WriterOptions options = {}, size_t batch_rows = 4096) {
    io::MemoryOutputStream out;
    auto writer = NewOrcWriter(schema, &out, options);
    EXPECT_NE(writer, nullptr);
    if (writer == nullptr) return "";
    RowBatch batch(schema.size());
    for (size_t start = 0; start < rows.size(); start += batch_rows) {
      batch.Clear();
      const size_t end = std::min(rows.size(), start + batch_rows);
      for (size_t r = start; r < end; ++r) {
        for (size_t c = 0; c < schema.size(); ++c) {
          const Cell& cell = rows[r][c];
          Value v;
          if (cell.present) {
            v = schema[c].type == ColumnType::kString ? Value::String(batch.CopyString(cell.s))
                                                      : Value::Int(cell.i);
          }
          batch.mutable_column(c).push_back(v);
        }
      }
      EXPECT_TRUE(writer->Add(batch).ok());
    }
    EXPECT_EQ(writer->rows_written(), rows.size());
    const Status st = writer->Finish();
    EXPECT_TRUE(st.ok()) << st.ToString();
    const std::string path = (dir_ / (name + ".orc")).string();
    std::ofstream(path, std::ios::binary) << out.contents();
    return path;
  }

  void ExpectContents(const std::string& path, const Schema& schema, const std::vector<Row>& rows) {
    const std::vector<std::string> lines = Lines(Tool("orc-contents", "'" + path + "'"));
    ASSERT_EQ(lines.size(), rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      ASSERT_EQ(lines[r], ExpectedJson(schema, rows[r])) << "row " << r;
    }
  }

  nlohmann::json Metadata(const std::string& path, bool verbose = false) {
    const std::string out =
        Tool("orc-metadata", std::string(verbose ? "-v " : "") + "'" + path + "'");
    return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  }

  fs::path dir_;
};

// A mixed, hand-picked set of rows: every type, nulls, unicode, empty strings, JSON escapes,
// int64 extremes, timestamps before/after 2015 and 1970, with and without millis.
std::vector<Row> SampleRows() {
  return {
      {Str("examplebucket"), Str("photos/2024/a.jpg"), Str("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"),
       Bool(true), Int(12345), Int(1704164645123), Str("\"d41d8cd98f00b204e9800998ecf8427e\""),
       Str("STANDARD")},
      {Str("examplebucket"), Str("photos/2024/a.jpg"), Str("Wa5xb.LGdPrUnUQSZQG8HiF5AKBxNB"),
       Bool(false), Int(12000), Int(1704067199999), Str("etag-2"), Str("GLACIER")},
      {Str("examplebucket"), Str("docs/report, final \"v2\".pdf"), Null(), Null(), Int(0),
       Int(951782400000), Null(), Str("STANDARD")},
      {Str("examplebucket"), Str(kUnicodeKey), Str("null"), Bool(true), Int(INT64_MAX),
       Int(2147483648500), Str(""), Str("")},
      {Str("examplebucket"), Str("empty-ts"), Str("abc"), Bool(false), Int(INT64_MIN), Null(),
       Str("tab\there\nnewline\\slash"), Null()},
      {Str("examplebucket"), Str(""), Str(""), Bool(true), Int(-1), Int(0), Str("x"),
       Str("STANDARD")},
      {Str("examplebucket"), Str("pre-1970"), Str("v"), Bool(false), Int(1), Int(-1500), Str("y"),
       Str("STANDARD_IA")},
      {Str("examplebucket"), Str("epoch-2015"), Str("w"), Bool(true), Int(2), Int(1420070400000),
       Str("z"), Str("STANDARD_IA")},
      {Str("examplebucket"), Str("just-before-2015"), Str("w"), Bool(true), Int(3),
       Int(1420070399999), Str("z"), Str("DEEP_ARCHIVE")},
      {Str("examplebucket"), Str("far-future"), Str("w"), Bool(true), Int(4), Int(253402300799999),
       Str("z"), Str("DEEP_ARCHIVE")},
      {Str("examplebucket"), Str("1900"), Str("w"), Bool(true), Int(5), Int(-2208988800000 + 50),
       Str("z"), Str("DEEP_ARCHIVE")},
  };
}

TEST_F(OrcWriterTest, AllTypesNullsUnicodeAndEscapes) {
  const Schema schema = S3Schema();
  const std::vector<Row> rows = SampleRows();
  const std::string path = WriteOrc("sample", schema, rows);
  ExpectContents(path, schema, rows);

  const nlohmann::json meta = Metadata(path, /*verbose=*/true);
  ASSERT_FALSE(meta.is_discarded());
  EXPECT_EQ(meta["type"], kS3Type);
  EXPECT_EQ(meta["rows"], rows.size());
  EXPECT_EQ(meta["stripe count"], 1);
  EXPECT_EQ(meta["format"], "0.12");
  EXPECT_EQ(meta["compression"], "zlib");
  EXPECT_EQ(meta["compression block"], 256 * 1024);
  EXPECT_EQ(meta["writer version"], "ORC-135");
  EXPECT_EQ(meta["row index stride"], 10000);
  EXPECT_EQ(meta["software version"], "Unknown(21332) stocktake version 0.1.0");
  EXPECT_EQ(meta["stripes"][0]["timezone"], "UTC");
  // 8 columns: every stripe stream is listed; nullable columns with nulls have PRESENT.
  bool version_id_present = false;
  bool bucket_present = false;
  for (const auto& s : meta["stripes"][0]["streams"]) {
    if (s["column"] == 3 && s["kind"] == "present") version_id_present = true;
    if (s["column"] == 1 && s["kind"] == "present") bucket_present = true;
  }
  EXPECT_TRUE(version_id_present);
  EXPECT_FALSE(bucket_present);

  const std::string stats = Tool("orc-statistics", "'" + path + "'");
  EXPECT_EQ(StatsSection(stats, 0), "Column has 11 values and has null value: no");
  EXPECT_EQ(StatsSection(stats, 2),
            "Data type: String\nValues: 11\nHas null: no\nMinimum: \nMaximum: " +
                std::string(kUnicodeKey) +
                "\nTotal length: " + std::to_string(TotalLength(rows, 1)));
  EXPECT_EQ(StatsSection(stats, 3),
            "Data type: String\nValues: 10\nHas null: yes\nMinimum: \n"
            "Maximum: w\nTotal length: " +
                std::to_string(TotalLength(rows, 2)));
  EXPECT_EQ(StatsSection(stats, 4),
            "Data type: Boolean\nValues: 10\nHas null: yes\n(true: 7; false: 3)");
  EXPECT_EQ(StatsSection(stats, 5),
            "Data type: Integer\nValues: 11\nHas null: no\nMinimum: -9223372036854775808\n"
            "Maximum: 9223372036854775807\nSum: not defined");
  const std::string ts_stats = StatsSection(stats, 6);
  EXPECT_NE(ts_stats.find("Data type: Timestamp\nValues: 10\nHas null: yes\n"), std::string::npos)
      << ts_stats;
  EXPECT_NE(ts_stats.find("Maximum: 9999-12-31 23:59:59.999\n"), std::string::npos) << ts_stats;
  EXPECT_EQ(StatsSection(stats, 8),
            "Data type: String\nValues: 10\nHas null: yes\nMinimum: \nMaximum: STANDARD_IA\n"
            "Total length: " +
                std::to_string(TotalLength(rows, 7)));
  // Exact timestamp statistics in milliseconds (orc-statistics prints negative ones oddly).
  const std::string raw = Tool("orc-metadata", "-r '" + path + "'");
  EXPECT_NE(raw.find("    timestamp_statistics {\n      minimum: -2208988799950\n"
                     "      maximum: 253402300799999\n      minimum_utc: -2208988799950\n"
                     "      maximum_utc: 253402300799999\n      maximum_nanos: 1\n    }\n"
                     "    has_null: true\n"),
            std::string::npos)
      << raw;
  EXPECT_NE(raw.find("    bucket_statistics {\n      count: 7\n    }\n    has_null: true\n"),
            std::string::npos);
}

TEST_F(OrcWriterTest, ZeroRowsIsAValidFile) {
  const Schema schema = S3Schema();
  const std::string path = WriteOrc("empty", schema, {});
  EXPECT_EQ(Tool("orc-contents", "'" + path + "'"), "");
  const nlohmann::json meta = Metadata(path);
  ASSERT_FALSE(meta.is_discarded());
  EXPECT_EQ(meta["type"], kS3Type);
  EXPECT_EQ(meta["rows"], 0);
  EXPECT_EQ(meta["stripe count"], 0);
  EXPECT_EQ(meta["format"], "0.12");
  EXPECT_EQ(meta["compression"], "zlib");
  const std::string stats = Tool("orc-statistics", "'" + path + "'");
  EXPECT_EQ(StatsSection(stats, 0), "Column has 0 values and has null value: no");
  EXPECT_EQ(StatsSection(stats, 2),
            "Data type: String\nValues: 0\nHas null: no\nMinimum is not defined\n"
            "Maximum is not defined\nTotal length: 0");
}

// Many rows: several stripes, many row groups each, high-cardinality keys and ETags (direct),
// low-cardinality buckets and storage classes (dictionary), nulls in some stripes only, a
// column that turns high-cardinality after the early dictionary check.
struct BigCase {
  Schema schema;
  std::vector<Row> rows;
};

BigCase MakeBigCase(size_t n) {
  BigCase c;
  c.schema = S3Schema();
  c.schema.push_back({"Mixed", "mixed", ColumnType::kString, false, false});
  // Null in every row of the first stripes (empty DATA streams), then values.
  c.schema.push_back({"Sparse", "sparse", ColumnType::kInt64, false, false});
  c.schema.push_back({"Nothing", "nothing", ColumnType::kString, false, false});
  std::mt19937_64 rng(2024);
  const char* classes[] = {"STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE",
                           "INTELLIGENT_TIERING"};
  for (size_t i = 0; i < n; ++i) {
    Row r;
    r.push_back(Str(i < n / 2 ? "bucket-a" : "bucket-b"));
    char key[64];
    snprintf(key, sizeof(key), "data/%08zu/object-%zu.bin", i / 7, i);
    r.push_back(Str(key));
    // Nulls only in the first 60,000 rows (the first stripes): later stripes have no PRESENT.
    r.push_back(i < 60000 && i % 3 == 0 ? Null() : Str("v" + std::to_string(rng() % 1000000)));
    r.push_back(i % 11 == 0 ? Null() : Bool(rng() % 2));
    r.push_back(Int(static_cast<int64_t>(rng() % 5000000000ull) - (i % 101 == 0 ? 1000000000 : 0)));
    const int64_t base = 1420070400000 + static_cast<int64_t>(i) * 977 - 600000000000;
    r.push_back(i % 13 == 0 ? Null() : Int(base + static_cast<int64_t>(rng() % 1000)));
    char etag[40];
    snprintf(etag, sizeof(etag), "\"%016llx%016llx\"", static_cast<unsigned long long>(rng()),
             static_cast<unsigned long long>(rng()));
    r.push_back(Str(etag));
    r.push_back(Str(classes[(i / 100) % 5]));
    // Pairs for the first 10,000 rows (passes the early dictionary check), unique after: the first
    // stripe ends above the dictionary ratio and is rewritten direct at the stripe end.
    r.push_back(Str(i < 10000 ? "dup-" + std::to_string(i / 2) : "unique-" + std::to_string(i)));
    r.push_back(i < 40000 ? Null() : Int(static_cast<int64_t>(i % 1000)));
    r.push_back(Null());
    c.rows.push_back(std::move(r));
  }
  return c;
}

TEST_F(OrcWriterTest, ManyRowsAcrossStripesAndRowGroups) {
  const size_t kRows = 230000;
  const BigCase c = MakeBigCase(kRows);
  WriterOptions options;
  options.row_group_bytes = 2 << 20;  // small stripes: several per file
  const std::string path = WriteOrc("big", c.schema, c.rows, options, 3000);
  ExpectContents(path, c.schema, c.rows);

  const nlohmann::json meta = Metadata(path, /*verbose=*/true);
  ASSERT_FALSE(meta.is_discarded());
  EXPECT_EQ(meta["rows"], kRows);
  const int stripes = meta["stripe count"];
  EXPECT_GE(stripes, 3);
  uint64_t rows_in_stripes = 0;
  bool first_has_present = false;
  bool last_has_present = false;
  for (int s = 0; s < stripes; ++s) {
    const auto& stripe = meta["stripes"][s];
    rows_in_stripes += stripe["rows"].get<uint64_t>();
    EXPECT_EQ(stripe["timezone"], "UTC");
    for (const auto& e : stripe["encodings"]) {
      if (e["column"] == 2 || e["column"] == 7 || e["column"] == 9) {
        EXPECT_EQ(e["encoding"], "direct rle2") << s;
      }
      if (e["column"] == 1 || e["column"] == 8) {
        EXPECT_EQ(e["encoding"], "dictionary rle2") << s;
      }
    }
    for (const auto& st : stripe["streams"]) {
      if (st["column"] == 3 && st["kind"] == "present") {
        if (s == 0) first_has_present = true;
        if (s == stripes - 1) last_has_present = true;
      }
    }
  }
  EXPECT_EQ(rows_in_stripes, kRows);
  EXPECT_TRUE(first_has_present);
  EXPECT_FALSE(last_has_present);

  const std::string stats = Tool("orc-statistics", "'" + path + "'");
  char min_key[64];
  char max_key[64];
  snprintf(min_key, sizeof(min_key), "data/%08d/object-%d.bin", 0, 0);
  snprintf(max_key, sizeof(max_key), "data/%08zu/object-%zu.bin", (kRows - 1) / 7, kRows - 1);
  const std::string key_stats = StatsSection(stats, 2);
  EXPECT_NE(key_stats.find("Values: " + std::to_string(kRows) + "\nHas null: no\n"),
            std::string::npos)
      << key_stats;
  EXPECT_NE(key_stats.find(std::string("Minimum: ") + min_key + "\n"), std::string::npos)
      << key_stats;
  EXPECT_NE(key_stats.find(std::string("Maximum: ") + max_key + "\n"), std::string::npos)
      << key_stats;
  EXPECT_NE(StatsSection(stats, 3).find("Has null: yes"), std::string::npos);
  EXPECT_EQ(StatsSection(stats, 0),
            "Column has " + std::to_string(kRows) + " values and has null value: no");

  // Row index statistics: orc-statistics -i lists every row group of every stripe.
  const std::string with_index = Tool("orc-statistics", "-i '" + path + "'");
  size_t row_groups = 0;
  for (size_t at = 0; (at = with_index.find("--- RowIndex ", at)) != std::string::npos; ++at)
    ++row_groups;
  // One entry per column per row group; stripes restart row groups.
  EXPECT_GE(row_groups, (kRows / 10000) * c.schema.size() + c.schema.size());
}

TEST_F(OrcWriterTest, RowIndexPositionsLetApacheOrcSeek) {
#ifndef ORC_SEEK_CHECK
  GTEST_SKIP() << "orc_seek_check not built (Apache ORC's library was absent at configure time)";
#else
  const size_t kRows = 120000;
  const BigCase c = MakeBigCase(kRows);
  WriterOptions options;
  options.row_group_bytes = 1 << 20;
  const std::string path = WriteOrc("seek", c.schema, c.rows, options, 2500);
  // Seek to row group starts, to just before/after them, across stripes, and to random rows.
  std::vector<std::pair<uint64_t, uint64_t> > probes = {
      {0, 3}, {9999, 3}, {10000, 2}, {10001, 5}, {59999, 3}, {60000, 3}, {kRows - 2, 2}};
  std::mt19937 rng(11);
  for (int i = 0; i < 60; ++i) probes.push_back({rng() % kRows, 1 + rng() % 20});
  std::string args = "seek";
  for (auto& [row, count] : probes) {
    count = std::min<uint64_t>(count, kRows - row);
    args += " " + std::to_string(row) + " " + std::to_string(count);
  }
  RunResult r = RunCommand(std::string("'") + ORC_SEEK_CHECK + "' '" + path + "' " + args);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> lines = Lines(r.out);
  size_t line = 0;
  for (const auto& [row, count] : probes) {
    for (uint64_t k = 0; k < count; ++k, ++line) {
      ASSERT_LT(line, lines.size());
      ASSERT_EQ(lines[line], ExpectedJson(c.schema, c.rows[row + k])) << "seek to " << row;
    }
  }
  EXPECT_EQ(line, lines.size());

  // Row group statistics: a key predicate reads only the row group holding the key.
  const std::string key = c.rows[77777][1].s;
  r = RunCommand(std::string("'") + ORC_SEEK_CHECK + "' '" + path + "' key-eq key '" + key + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  uint64_t read = 0;
  uint64_t equal = 0;
  std::istringstream(r.out) >> read >> equal;
  EXPECT_EQ(equal, 1u);
  EXPECT_GE(read, 1u);
  EXPECT_LE(read, 10000u);
#endif
}

// The file tail carries the same fields as a file written by Apache ORC's C++ writer
// (orc-examples/csvimport_s3_inventory_schema.orc), with Stocktake's own writer id.
TEST_F(OrcWriterTest, FileTailFieldsMatchApacheOrc) {
  const std::string path = WriteOrc("tail", S3Schema(), SampleRows());
  const std::string ours = Tool("orc-metadata", "-r '" + path + "'");
  const std::string reference_path = "/work/shared/orc-examples/csvimport_s3_inventory_schema.orc";
  const std::string field_lines[] = {
      "  compression: ZLIB\n", "  version: 0\n  version: 12\n", "  writer_version: 6\n",
      "  magic: \"ORC\"\n",    "  header_length: 3\n",          "  row_index_stride: 10000\n",
  };
  for (const std::string& f : field_lines) EXPECT_NE(ours.find(f), std::string::npos) << f << ours;
  for (const char* f : {"  footer_length: ", "  compression_block_size: 262144\n",
                        "  metadata_length: ", "  content_length: ", "  stripes {\n",
                        "    number_of_rows: 11\n", "  number_of_rows: 11\n", "  writer: 21332\n",
                        "  software_version: \"stocktake version 0.1.0\"\n", "  kind: TIMESTAMP\n",
                        "  kind: LONG\n", "  kind: BOOLEAN\n", "  kind: STRING\n",
                        "      minimum_utc: ", "      maximum_nanos: 1\n"}) {
    EXPECT_NE(ours.find(f), std::string::npos) << f << ours;
  }
  if (fs::exists(reference_path)) {
    const std::string reference = Tool("orc-metadata", "-r '" + reference_path + "'");
    for (const std::string& f : field_lines) EXPECT_NE(reference.find(f), std::string::npos) << f;
  }
}

TEST_F(OrcWriterTest, LongStringStatisticsAreBounds) {
  const Schema schema = {{"Key", "key", ColumnType::kString, true, true}};
  std::vector<Row> rows = {
      {Str(std::string(1500, 'b'))}, {Str("a")}, {Str(std::string(2000, 'c'))}};
  const std::string path = WriteOrc("long", schema, rows);
  ExpectContents(path, schema, rows);
  const std::string raw = Tool("orc-metadata", "-r '" + path + "'");
  EXPECT_NE(raw.find("minimum: \"a\""), std::string::npos);
  EXPECT_NE(raw.find("upper_bound: \"" + std::string(1023, 'c') + "d\""), std::string::npos);
}

}  // namespace
}  // namespace stocktake::format
