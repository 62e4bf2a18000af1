// Test helpers for the report readers: owned sample rows, writing them with Stocktake's own
// writers (format::NewReportWriter) into memory, and comparing typed cells.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "format/report_writer.h"
#include "inventory/fields.h"
#include "io/output_stream.h"
#include "report/cell.h"

namespace stocktake::report::testing {

// One owned sample cell (format::Value only holds views).
struct Sample {
  bool present = false;
  int64_t i = 0;
  std::string s;
};
inline Sample Null() { return {}; }
inline Sample Str(std::string s) { return {true, 0, std::move(s)}; }
inline Sample Int(int64_t v) { return {true, v, {}}; }
inline Sample Bool(bool v) { return {true, v ? 1 : 0, {}}; }
using SampleRow = std::vector<Sample>;

// Writes `rows` with the writer for `format` and returns the file bytes.
inline std::string WriteFile(format::FileFormat file_format, const format::Schema& schema,
                             const std::vector<SampleRow>& rows,
                             format::WriterOptions options = {}) {
  io::MemoryOutputStream out;
  std::unique_ptr<format::ReportWriter> writer =
      format::NewReportWriter(file_format, schema, &out, options);
  format::RowBatch batch(schema.size());
  for (size_t start = 0; start < rows.size(); start += 1000) {
    batch.Clear();
    for (size_t r = start; r < std::min(rows.size(), start + 1000); ++r) {
      for (size_t c = 0; c < schema.size(); ++c) {
        const Sample& v = rows[r][c];
        format::Value value;
        if (v.present) {
          value = schema[c].type == format::ColumnType::kString
                      ? format::Value::String(batch.CopyString(v.s))
                      : format::Value::Int(v.i);
        }
        batch.mutable_column(c).push_back(value);
      }
    }
    EXPECT_TRUE(writer->Add(batch).ok());
  }
  EXPECT_TRUE(writer->Finish().ok());
  return out.contents();
}

// Whether a typed cell read back equals the sample written for a column of `type`.
inline ::testing::AssertionResult SameValue(const Sample& want, const Cell& got,
                                            format::ColumnType type) {
  if (!want.present) {
    if (got.is_null()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "want null, got kind " << CellKindName(got.kind);
  }
  switch (type) {
    case format::ColumnType::kString:
      if (got.kind == CellKind::kString && got.string_value == want.s) {
        return ::testing::AssertionSuccess();
      }
      return ::testing::AssertionFailure()
             << "want \"" << want.s << "\", got " << CellKindName(got.kind) << " \""
             << got.string_value << "\"";
    case format::ColumnType::kBoolean:
      if (got.kind == CellKind::kBool && got.int_value == want.i) {
        return ::testing::AssertionSuccess();
      }
      break;
    case format::ColumnType::kInt64:
      if (got.kind == CellKind::kInt && got.int_value == want.i) {
        return ::testing::AssertionSuccess();
      }
      break;
    case format::ColumnType::kTimestampMillis:
      if (got.kind == CellKind::kTimestamp && got.EpochMillis() == want.i) {
        return ::testing::AssertionSuccess();
      }
      break;
  }
  return ::testing::AssertionFailure()
         << "want " << want.i << ", got kind " << CellKindName(got.kind) << " value "
         << got.int_value
         << (got.kind == CellKind::kTimestamp ? " ms " + std::to_string(got.EpochMillis()) : "");
}

}  // namespace stocktake::report::testing
