// Data files are untrusted input: the readers must answer a corrupt file with an error, never a
// crash, a hang or undefined behaviour (this test runs in the ASan + UBSan build). Deterministic
// mutations — flipped bytes, truncations, overwritten length fields — of files written by
// Stocktake's writers and of Apache ORC's sample files, each read to the end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "report/byte_source.h"
#include "report/file_schema.h"
#include "report/row_source.h"
#include "report/testing/test_util.h"
#include "report/typed_reader.h"

namespace stocktake::report {
namespace {

using format::FileFormat;
using inventory::FieldId;

std::string Sample(FileFormat file_format) {
  std::vector<FieldId> ids;
  for (const auto& f : inventory::AllFields()) ids.push_back(f.id);
  format::Schema schema = inventory::BuildSchema(ids);
  std::vector<testing::SampleRow> rows;
  for (int i = 0; i < 300; ++i) {
    testing::SampleRow row;
    for (size_t c = 0; c < schema.size(); ++c) {
      if (c > 2 && (i + static_cast<int>(c)) % 4 == 0) {
        row.push_back(testing::Null());
      } else if (schema[c].type == format::ColumnType::kString) {
        row.push_back(testing::Str("v" + std::to_string(i % (c + 2)) + "/" + std::to_string(i)));
      } else {
        row.push_back(testing::Int(int64_t{i} * 1'000'003 % 4'000'000'000'000));
      }
    }
    rows.push_back(std::move(row));
  }
  format::WriterOptions options;
  options.row_group_bytes = 16 << 10;
  options.page_bytes = 2 << 10;
  return testing::WriteFile(file_format, schema, rows, options);
}

// Reads every row; returns the status at the end (OK or the first error).
Status ReadAllRows(FileFormat file_format, const std::string& bytes, const ReportSchema* schema) {
  auto source = OpenMemory("mutant", bytes);
  Row row;
  if (schema != nullptr) {
    ASSIGN_OR_RETURN(auto reader, TypedFileReader::Open(*schema, std::move(source)));
    for (int i = 0; i < 1'000'000; ++i) {
      ASSIGN_OR_RETURN(bool more, reader->Next(&row));
      if (!more) return Status::OK();
    }
    return Status::OK();
  }
  std::unique_ptr<RowSource> reader;
  switch (file_format) {
    case FileFormat::kCsv:
      reader = OpenCsvGz(source.get());
      break;
    case FileFormat::kParquet: {
      ASSIGN_OR_RETURN(reader, OpenParquet(source.get()));
      break;
    }
    case FileFormat::kOrc: {
      ASSIGN_OR_RETURN(reader, OpenOrc(source.get()));
      break;
    }
  }
  for (int i = 0; i < 1'000'000; ++i) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) return Status::OK();
  }
  return Status::OK();
}

std::vector<std::string> Mutants(const std::string& bytes, uint32_t seed, int count) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::string m = bytes;
    switch (i % 4) {
      case 0: {  // a few flipped bytes anywhere
        int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) m[rng() % m.size()] ^= static_cast<char>(1 + rng() % 255);
        break;
      }
      case 1: {  // flipped bytes in the tail (footers, postscript, lengths)
        size_t tail = std::min<size_t>(m.size(), 200);
        int flips = 1 + static_cast<int>(rng() % 3);
        for (int f = 0; f < flips; ++f) {
          m[m.size() - 1 - rng() % tail] ^= static_cast<char>(1 + rng() % 255);
        }
        break;
      }
      case 2:  // truncated
        m.resize(rng() % m.size());
        break;
      case 3: {  // a run of 0xff (huge lengths and varints)
        size_t at = rng() % m.size();
        for (size_t k = at; k < std::min(m.size(), at + 1 + rng() % 9); ++k) m[k] = '\xff';
        break;
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

class CorruptionTest : public ::testing::TestWithParam<FileFormat> {};

TEST_P(CorruptionTest, MutantsFailCleanly) {
  FileFormat file_format = GetParam();
  std::string bytes = Sample(file_format);
  std::vector<FieldId> ids;
  for (const auto& f : inventory::AllFields()) ids.push_back(f.id);
  auto schema = ParseFileSchema(file_format,
                                format::FileSchemaString(file_format, inventory::BuildSchema(ids)));
  ASSERT_TRUE(schema.ok());
  ASSERT_TRUE(ReadAllRows(file_format, bytes, &*schema).ok());
  int errors = 0;
  for (const std::string& mutant : Mutants(bytes, 20240607, 400)) {
    Status typed = ReadAllRows(file_format, mutant, &*schema);
    ReadAllRows(file_format, mutant, nullptr).IgnoreError();
    errors += !typed.ok();
  }
  // Most mutants are caught (some flips land in values and make other valid values).
  EXPECT_GT(errors, 100);
}

INSTANTIATE_TEST_SUITE_P(Formats, CorruptionTest,
                         ::testing::Values(FileFormat::kCsv, FileFormat::kParquet,
                                           FileFormat::kOrc),
                         [](const auto& info) {
                           return std::string(format::FileFormatName(info.param));
                         });

TEST(CorruptionTest, OrcExamplesMutants) {
  std::filesystem::path dir(STOCKTAKE_ORC_EXAMPLES);
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "shared/orc-examples not found";
  for (const char* name : {"csvimport_s3_inventory_schema.orc", "TestOrcFile.testTimestamp.orc",
                           "TestOrcFile.testStringAndBinaryStatistics.orc"}) {
    std::ifstream in(dir / name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    for (const std::string& mutant : Mutants(bytes.str(), 7, 300)) {
      ReadAllRows(FileFormat::kOrc, mutant, nullptr).IgnoreError();
    }
  }
}

}  // namespace
}  // namespace stocktake::report
