// `stocktake report diff OLD NEW`: the objects added, removed and changed between two reports.
//
// Identity: (key, version id) when both reports have VersionId (IncludedObjectVersions=All);
// the key otherwise — and when only one report lists versions, only its current, non-delete-
// marker rows take part. Compared: size, ETag, last-modified date, storage class, and with
// versions also IsLatest and IsDeleteMarker — those of them both reports have.
//
// Streaming merge: each data file is sorted by key and files cover disjoint key ranges (DESIGN.md
// §6; what lakeFS requires of AWS reports, spec §3.2), so files are ordered by their first key and
// merged in one pass, in constant memory. When a report turns out not to be sorted that way, the
// diff starts over with the old report in memory (at most max_rows_in_memory rows, else an error
// saying so) and sorts the changes before printing.
//
// Exit status as diff(1): 0 when the reports list the same objects, 1 when they differ, 2 on
// error.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "report/report.h"

namespace stocktake::report {

struct DiffOptions {
  std::string old_url;
  std::string new_url;
  ReportOptions report;
  bool jsonl = false;         // one JSON object per change instead of text lines
  bool summary_only = false;  // only the counts
  uint64_t max_rows_in_memory = 10'000'000;
};

int RunDiff(const DiffOptions& options, std::ostream* out, std::ostream* err);

}  // namespace stocktake::report
