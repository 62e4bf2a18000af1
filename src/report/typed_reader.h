// Typed report rows: the rows of data files converted to the columns of the manifest's schema,
// whatever the format, so that every command sees the same values for a CSV, ORC or Parquet
// report of the same objects:
//   - string columns are kString (keys decoded from the CSV URL-encoding: '+' is a space, %XX a
//     byte, spec §4), booleans kBool, Size kInt, timestamps kTimestamp, missing values kNull;
//   - CSV "" is a missing value, except for Bucket, Key and VersionId, where it is an empty
//     string (the null version's VersionId, DESIGN.md §6), as ORC and Parquet store it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "report/byte_source.h"
#include "report/cell.h"
#include "report/file_schema.h"
#include "report/report.h"
#include "report/row_source.h"

namespace stocktake::report {

// One data file read as rows of `schema`.
class TypedFileReader {
 public:
  // Opens the file (reads the Parquet/ORC footer) and checks that the columns it declares are
  // those of `schema`, in order and with compatible types: Corruption naming the difference
  // otherwise. `schema` must outlive the reader.
  static Result<std::unique_ptr<TypedFileReader>> Open(const ReportSchema& schema,
                                                       std::unique_ptr<ByteSource> source);

  // Reads the next row (cells in schema order); false at the end. Corruption for a CSV record
  // with the wrong number of fields or a value that does not parse as its column's type.
  Result<bool> Next(Row* row);

  uint64_t rows_read() const { return rows_read_; }
  std::optional<uint64_t> declared_rows() const { return rows_->declared_rows(); }
  const std::string& name() const { return source_->name(); }

 private:
  TypedFileReader(const ReportSchema& schema, std::unique_ptr<ByteSource> source)
      : schema_(schema), source_(std::move(source)) {}
  Status CheckColumns() const;
  Status ConvertCsv(Row* row) const;

  const ReportSchema& schema_;
  std::unique_ptr<ByteSource> source_;
  std::unique_ptr<RowSource> rows_;
  Row raw_;
  uint64_t rows_read_ = 0;
};

// Every row of a report, file after file in files[] order.
class ReportScanner {
 public:
  explicit ReportScanner(Report* report) : report_(report) {}
  // Like TypedFileReader::Next; errors name the file.
  Result<bool> Next(Row* row);
  uint64_t rows_read() const { return rows_read_; }

 private:
  Report* report_;
  size_t next_file_ = 0;
  std::unique_ptr<TypedFileReader> current_;
  uint64_t rows_read_ = 0;
};

// Opens data file `index` of a report as typed rows.
Result<std::unique_ptr<TypedFileReader>> OpenTypedFile(Report* report, size_t index);

}  // namespace stocktake::report
