#include "format/report_writer.h"

namespace stocktake::format {

std::unique_ptr<ReportWriter> NewReportWriter(FileFormat format, const Schema& schema,
                                              io::OutputStream* out, const WriterOptions& options) {
  switch (format) {
    case FileFormat::kCsv:
      return NewCsvGzipWriter(schema, out, options);
    case FileFormat::kOrc:
      return NewOrcWriter(schema, out, options);
    case FileFormat::kParquet:
      return NewParquetWriter(schema, out, options);
  }
  return NewCsvGzipWriter(schema, out, options);  // unreachable: every format is handled above
}

const char* FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kCsv:
      return "CSV";
    case FileFormat::kOrc:
      return "ORC";
    case FileFormat::kParquet:
      return "Parquet";
  }
  return "CSV";
}

const char* FileExtension(FileFormat format) {
  switch (format) {
    case FileFormat::kCsv:
      return "csv.gz";
    case FileFormat::kOrc:
      return "orc";
    case FileFormat::kParquet:
      return "parquet";
  }
  return "csv.gz";
}

}  // namespace stocktake::format
