// `stocktake report query URL "SQL"`: SQL over the rows of a report through SQLite.
//
// The report is the eponymous virtual table `inventory` (module `inventory`; SQLite "The Virtual
// Table Mechanism", https://sqlite.org/vtab.html): one column per report column, named as the
// ORC/Parquet columns (bucket, key, version_id, size, last_modified_date, ...) — or by AWS's
// names (ETag, StorageClass, LastModifiedDate: hidden columns, not in SELECT *), typed TEXT
// (strings; timestamps as ISO-8601 UTC "2024-01-02T03:04:05.123Z", which sorts in time order and
// which SQLite's date functions read), INTEGER (size; booleans as 0/1) or NULL when missing.
// Every scan streams the data files from the start (a full scan: no index), so memory does not
// grow with the report; SQLite itself may buffer for ORDER BY / GROUP BY.
//
//   stocktake report query s3://dst/.../manifest.json
//       "SELECT storage_class, count(*), sum(size) FROM inventory GROUP BY 1"
#pragma once

#include <ostream>
#include <string>

#include "report/report.h"
#include "report/row_format.h"

namespace stocktake::report {

struct QueryOptions {
  std::string url;
  std::string sql;
  ReportOptions report;
  OutputFormat format = OutputFormat::kTable;
};

int RunQuery(const QueryOptions& options, std::ostream* out, std::ostream* err);

// For `report query --help`: every column a report may have, one a line, with its AWS name and
// SQL type ("  e_tag (ETag)  TEXT").
std::string QueryColumnsHelp();

}  // namespace stocktake::report
