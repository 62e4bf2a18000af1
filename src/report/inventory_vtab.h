// The SQLite virtual table module `inventory` over a report (https://sqlite.org/vtab.html): an
// eponymous-only table (no CREATE VIRTUAL TABLE needed) whose scans stream the report's rows with
// ReportScanner. Columns and types: see query.h. The only adapter to SQLite's vtab C API.
#pragma once

#include <sqlite3.h>

#include "common/status.h"
#include "report/report.h"

namespace stocktake::report {

// Registers module `inventory` on `db`, reading `report`. A scan that fails (a corrupt file, a
// checksum mismatch) fails the statement with its message, and the first such Status is stored
// in *scan_error, so that the caller can tell why. `report` and `scan_error` must outlive the
// connection's use of the table.
Status RegisterInventoryModule(sqlite3* db, Report* report, Status* scan_error);

}  // namespace stocktake::report
