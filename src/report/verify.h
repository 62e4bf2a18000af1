// `stocktake report verify`: checks a delivered report end to end.
//   1. manifest.checksum == lower-case hex MD5 of manifest.json + "\n" (spec §6.3);
//   2. each files[] entry exists, has its `size` and its `MD5checksum` (spec §6.1);
//   3. the fileSchema parses, and every data file agrees with it: the columns of the Parquet
//      footer schema / ORC footer types (names, order, types), the field count of every CSV
//      record, and every value decodes as its column's type;
//   4. the number of rows (Parquet/ORC: also the count their footers declare).
// Every problem is listed; the exit status is non-zero when there is any.
#pragma once

#include <ostream>
#include <string>

#include "report/report.h"
#include "report/row_format.h"

namespace stocktake::report {

struct VerifyOptions {
  std::string url;
  ReportOptions report;
  // table: the findings as text lines; csv: one line per data file (key, size, rows, status);
  // json: {"manifest", "ok", "files": [...], "rows", "bytes", "problems": [...]}.
  ListOutput output = ListOutput::kTable;
};

// Prints the findings to *out and the problems to *err; returns the exit status (0: all good).
int RunVerify(const VerifyOptions& options, std::ostream* out, std::ostream* err);

}  // namespace stocktake::report
