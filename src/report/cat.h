// `stocktake report cat`: every row of a report, file after file in files[] order, as CSV (a
// header line of column names, then RFC 4180 records) or JSON Lines (one object per row, typed
// values). Columns use the ORC/Parquet names whatever the report's format; keys are decoded.
// Streams: memory does not grow with the report.
#pragma once

#include <ostream>
#include <string>

#include "report/report.h"
#include "report/row_format.h"

namespace stocktake::report {

struct CatOptions {
  std::string url;
  ReportOptions report;
  OutputFormat format = OutputFormat::kCsv;  // kCsv or kJsonl
  bool header = true;                        // CSV header line
};

int RunCat(const CatOptions& options, std::ostream* out, std::ostream* err);

}  // namespace stocktake::report
