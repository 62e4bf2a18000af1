// Stocktake's writers -> Stocktake's readers, for the three formats: every inventory column, many
// rows over several Parquet row groups and pages / ORC stripes, nulls, unicode and URL-hostile
// keys, extreme sizes. The manifest's fileSchema string (format::FileSchemaString) is parsed back
// too, and the typed rows must equal what was written.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "report/byte_source.h"
#include "report/file_schema.h"
#include "report/testing/test_util.h"
#include "report/typed_reader.h"

namespace stocktake::report {
namespace {

using format::ColumnType;
using format::FileFormat;
using inventory::FieldId;
using testing::Bool;
using testing::Int;
using testing::Null;
using testing::SampleRow;
using testing::Str;

std::vector<FieldId> AllFieldIds() {
  std::vector<FieldId> ids;
  for (const auto& f : inventory::AllFields()) ids.push_back(f.id);
  return ids;
}

// Rows for the full schema. CSV cannot tell "" from a missing value, so only Bucket, Key and
// VersionId use "" (which readers keep as ""), and VersionId is never missing.
std::vector<SampleRow> Rows(const format::Schema& schema, size_t n) {
  const std::vector<std::string> keys = {"a",
                                         "a b+c%20d",
                                         "dir/",
                                         "dir/file.txt",
                                         "caf\xc3\xa9/na\xc3\xafve.txt",
                                         "emoji-\xf0\x9f\x98\x80",
                                         "quote\"comma,",
                                         "tab\tnewline\n",
                                         std::string(700, 'k'),
                                         "=&?#~*!'()"};
  const std::vector<int64_t> sizes = {0, 1, 5368709120, std::numeric_limits<int64_t>::max()};
  const std::vector<int64_t> times = {0, 1, 1700000000123, 951782400000, 4102444799999};
  std::vector<SampleRow> rows;
  for (size_t i = 0; i < n; ++i) {
    SampleRow row;
    for (size_t c = 0; c < schema.size(); ++c) {
      const auto& field = inventory::AllFields()[c];
      switch (field.id) {
        case FieldId::kBucket:
          row.push_back(Str(i % 7 == 0 ? "bucket-\xc3\xa9" : "src"));
          break;
        case FieldId::kKey: {
          char suffix[32];
          std::snprintf(suffix, sizeof(suffix), "%06zu", i);
          row.push_back(Str(std::string(suffix) + "/" + keys[i % keys.size()]));
          break;
        }
        case FieldId::kVersionId:
          row.push_back(Str(i % 4 == 0 ? "" : "v" + std::to_string(i)));
          break;
        default:
          if ((i + c) % 5 == 0) {
            row.push_back(Null());
            break;
          }
          switch (field.type) {
            case ColumnType::kString:
              // High cardinality in one column, low in the others (dictionary vs plain pages).
              row.push_back(Str(field.id == FieldId::kETag ? "etag-" + std::to_string(i * 7919)
                                                           : "value-" + std::to_string(i % 3)));
              break;
            case ColumnType::kBoolean:
              row.push_back(Bool(i % 3 == 1));
              break;
            case ColumnType::kInt64:
              row.push_back(Int(sizes[i % sizes.size()] - (i % 2)));
              break;
            case ColumnType::kTimestampMillis:
              row.push_back(Int(times[i % times.size()] + static_cast<int64_t>(i)));
              break;
          }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class RoundTripTest : public ::testing::TestWithParam<FileFormat> {};

TEST_P(RoundTripTest, EveryValueComesBack) {
  FileFormat file_format = GetParam();
  auto ids = AllFieldIds();
  format::Schema schema = inventory::BuildSchema(ids);
  std::vector<SampleRow> rows = Rows(schema, 5000);
  format::WriterOptions options;
  options.row_group_bytes = 200 << 10;  // several row groups / stripes
  options.page_bytes = 16 << 10;        // several pages per chunk
  std::string bytes = testing::WriteFile(file_format, schema, rows, options);

  auto report_schema = ParseFileSchema(file_format, format::FileSchemaString(file_format, schema));
  ASSERT_TRUE(report_schema.ok()) << report_schema.status().ToString();
  EXPECT_TRUE(report_schema->notes.empty());
  ASSERT_EQ(report_schema->columns.size(), schema.size());
  for (size_t c = 0; c < schema.size(); ++c) {
    EXPECT_EQ(report_schema->columns[c].name, schema[c].column_name);
    EXPECT_EQ(report_schema->columns[c].type, schema[c].type);
  }

  auto reader = TypedFileReader::Open(*report_schema, OpenMemory("sample", bytes));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  if (file_format != FileFormat::kCsv) {
    EXPECT_EQ((*reader)->declared_rows(), rows.size());
  }
  Row row;
  for (size_t r = 0; r < rows.size(); ++r) {
    auto more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    ASSERT_TRUE(*more) << "ends at row " << r;
    for (size_t c = 0; c < schema.size(); ++c) {
      ASSERT_TRUE(testing::SameValue(rows[r][c], row[c], schema[c].type))
          << "row " << r << " column " << schema[c].column_name;
    }
  }
  auto more = (*reader)->Next(&row);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST_P(RoundTripTest, EmptyFile) {
  FileFormat file_format = GetParam();
  std::vector<FieldId> ids = {FieldId::kBucket, FieldId::kKey, FieldId::kSize};
  format::Schema schema = inventory::BuildSchema(ids);
  std::string bytes = testing::WriteFile(file_format, schema, {});
  auto report_schema = ParseFileSchema(file_format, format::FileSchemaString(file_format, schema));
  ASSERT_TRUE(report_schema.ok());
  auto reader = TypedFileReader::Open(*report_schema, OpenMemory("empty", bytes));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Row row;
  auto more = (*reader)->Next(&row);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);
}

TEST_P(RoundTripTest, SchemaMismatchIsReported) {
  FileFormat file_format = GetParam();
  std::vector<FieldId> written = {FieldId::kBucket, FieldId::kKey, FieldId::kSize};
  std::vector<FieldId> declared = {FieldId::kBucket, FieldId::kKey, FieldId::kETag};
  format::Schema schema = inventory::BuildSchema(written);
  std::string bytes = testing::WriteFile(file_format, schema, {{Str("b"), Str("k"), Int(3)}});
  auto report_schema = ParseFileSchema(
      file_format, format::FileSchemaString(file_format, inventory::BuildSchema(declared)));
  ASSERT_TRUE(report_schema.ok());
  auto reader = TypedFileReader::Open(*report_schema, OpenMemory("mismatch", bytes));
  Status status = reader.ok() ? Status::OK() : reader.status();
  if (reader.ok()) {  // CSV: detected on the value ("3" is a fine string), so check the count
    report_schema->columns.pop_back();
    auto csv = TypedFileReader::Open(*report_schema, OpenMemory("mismatch", bytes));
    ASSERT_TRUE(csv.ok());
    Row row;
    auto more = (*csv)->Next(&row);
    ASSERT_FALSE(more.ok());
    status = more.status();
    EXPECT_NE(status.message().find("3 fields, fileSchema declares 2"), std::string::npos)
        << status.message();
    return;
  }
  EXPECT_NE(status.message().find("schema differs"), std::string::npos) << status.message();
}

TEST_P(RoundTripTest, TruncatedFileIsAnError) {
  FileFormat file_format = GetParam();
  std::vector<FieldId> ids = {FieldId::kBucket, FieldId::kKey, FieldId::kSize};
  format::Schema schema = inventory::BuildSchema(ids);
  std::vector<SampleRow> rows;
  for (int i = 0; i < 2000; ++i) rows.push_back({Str("b"), Str("key" + std::to_string(i)), Int(i)});
  std::string bytes = testing::WriteFile(file_format, schema, rows);
  auto report_schema = ParseFileSchema(file_format, format::FileSchemaString(file_format, schema));
  ASSERT_TRUE(report_schema.ok());
  for (size_t cut : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    std::string broken = bytes.substr(0, cut);
    auto reader = TypedFileReader::Open(*report_schema, OpenMemory("cut", broken));
    if (!reader.ok()) continue;  // footer gone: detected at open
    Row row;
    Status status;
    while (true) {
      auto more = (*reader)->Next(&row);
      if (!more.ok()) {
        status = more.status();
        break;
      }
      if (!*more) break;
    }
    EXPECT_FALSE(status.ok()) << "cut at " << cut;
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTripTest,
                         ::testing::Values(FileFormat::kCsv, FileFormat::kParquet,
                                           FileFormat::kOrc),
                         [](const auto& info) {
                           return std::string(format::FileFormatName(info.param));
                         });

}  // namespace
}  // namespace stocktake::report
