// `stocktake report summary`: objects and bytes of a report, as readable tables:
//   - by storage class and by encryption status (rows without a value: "(none)");
//   - top prefixes: the first `depth` path segments of the key ("photos/2024/"), keys without a
//     '/' under "(no prefix)", the `top` largest by bytes;
//   - by age at the report's creation time (creationTimestamp - LastModifiedDate): < 1 d, < 7 d,
//     < 30 d, < 90 d, < 365 d, older.
// An object is a row that is not a delete marker (with IncludedObjectVersions=All every version
// counts: the bytes stored); an All-versions report's totals separate current objects,
// noncurrent versions and delete markers. A section whose column the report lacks says so.
// Printed as tables, or as CSV (section,name,objects,bytes) or one JSON document (--output).
#pragma once

#include <ostream>
#include <string>

#include "report/report.h"
#include "report/row_format.h"

namespace stocktake::report {

struct SummaryOptions {
  std::string url;
  ReportOptions report;
  int depth = 1;
  int top = 10;
  ListOutput output = ListOutput::kTable;
};

int RunSummary(const SummaryOptions& options, std::ostream* out, std::ostream* err);

}  // namespace stocktake::report
