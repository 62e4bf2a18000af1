// RowSource: the rows of one data file, in file order, as the file itself declares them. One
// implementation per format (csv_reader.h, parquet/parquet_reader.h, orc/orc_reader.h); the report
// layer (typed_reader.h) maps their columns to the field table.
//
// Memory is bounded by one Parquet row group / ORC stripe (compressed) plus one page or chunk per
// column; CSV reads in fixed-size chunks. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "report/byte_source.h"
#include "report/cell.h"

namespace stocktake::report {

// A column as the data file declares it.
struct SourceColumn {
  std::string name;       // Parquet leaf / ORC struct field name; "" for CSV
  CellKind kind;          // the kind of the cells Next() returns for it (kNull: unsupported)
  std::string type_text;  // the file's own spelling, for messages: "int64 (TIMESTAMP(MILLIS,true))"
  bool required = false;  // Parquet `required`
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // The file's columns. Empty for CSV, whose rows carry no schema (spec §4: no header row).
  virtual const std::vector<SourceColumn>& columns() const = 0;
  // Row count from the file footer (Parquet, ORC); nullopt for CSV.
  virtual std::optional<uint64_t> declared_rows() const = 0;
  // Reads the next row into *row (resized to the number of columns; CSV: fields in the record).
  // Returns false at the end of the file.
  virtual Result<bool> Next(Row* row) = 0;
};

// Opens a CSV.gz data file (csv_reader.cc).
std::unique_ptr<RowSource> OpenCsvGz(ByteSource* source);
// Reads the footer of a Parquet file (parquet/parquet_reader.cc).
Result<std::unique_ptr<RowSource>> OpenParquet(ByteSource* source);
// Reads the tail of an ORC file (orc/orc_reader.cc).
Result<std::unique_ptr<RowSource>> OpenOrc(ByteSource* source);

}  // namespace stocktake::report
