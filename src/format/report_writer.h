// ReportWriter: writes one data file of a report (CSV.gz, ORC or Parquet). Life cycle as LevelDB's
// TableBuilder: Add() buffers and flushes at size thresholds; the first error is sticky and every
// later call returns it; Finish() writes the tail in a fixed order and closes the stream;
// Abandon() is the error exit. The destructor never does I/O.
//
// Rows arrive sorted (key, then newest version first). The writer does not own `out`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "format/row_batch.h"
#include "format/schema.h"
#include "io/output_stream.h"

namespace stocktake::format {

enum class FileFormat { kCsv, kOrc, kParquet };

struct WriterOptions {
  // Parquet row group / ORC stripe target (uncompressed bytes buffered before a flush).
  uint64_t row_group_bytes = 64ull << 20;
  // Parquet data page target.
  uint64_t page_bytes = 1ull << 20;
  // Written into Parquet `created_by` and the ORC footer's writer field.
  std::string created_by = "stocktake version 0.1.0";
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  // Appends every row of `batch` (columns in schema order).
  virtual Status Add(const RowBatch& batch) = 0;
  // Writes the remaining data and the file tail, then closes `out`.
  virtual Status Finish() = 0;
  // Gives up; `out` is left unfinished and the caller deletes what it wrote.
  virtual void Abandon() = 0;
  virtual uint64_t rows_written() const = 0;
  // Bytes handed to `out` so far plus an estimate of what is buffered (for file splitting).
  virtual uint64_t EstimatedFileBytes() const = 0;
};

// The writer of `format`: the one place that picks a writer by format.
std::unique_ptr<ReportWriter> NewReportWriter(FileFormat format, const Schema& schema,
                                              io::OutputStream* out, const WriterOptions& options);

std::unique_ptr<ReportWriter> NewCsvGzipWriter(const Schema& schema, io::OutputStream* out,
                                               const WriterOptions& options);
std::unique_ptr<ReportWriter> NewOrcWriter(const Schema& schema, io::OutputStream* out,
                                           const WriterOptions& options);
std::unique_ptr<ReportWriter> NewParquetWriter(const Schema& schema, io::OutputStream* out,
                                               const WriterOptions& options);

// The manifest's `fileSchema` string for a format (spec §6.1, §5.2, §5.3).
std::string FileSchemaString(FileFormat format, const Schema& schema);
// "CSV", "ORC", "Parquet" and the data file extension ("csv.gz", "orc", "parquet").
const char* FileFormatName(FileFormat format);
const char* FileExtension(FileFormat format);

}  // namespace stocktake::format
