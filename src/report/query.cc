#include "report/query.h"

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "common/exit_code.h"
#include "inventory/fields.h"
#include "report/inventory_vtab.h"

namespace stocktake::report {
namespace {

void ToCell(sqlite3_stmt* statement, int i, Cell* cell) {
  switch (sqlite3_column_type(statement, i)) {
    case SQLITE_INTEGER:
      cell->SetInt(sqlite3_column_int64(statement, i));
      break;
    case SQLITE_FLOAT:
      cell->SetDouble(sqlite3_column_double(statement, i));
      break;
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
      cell->SetString(
          std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(statement, i))));
      break;
    }
    case SQLITE_BLOB: {
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(statement, i));
      cell->SetBinary(
          std::string_view(blob, static_cast<size_t>(sqlite3_column_bytes(statement, i))));
      break;
    }
    default:
      cell->SetNull();
  }
}

}  // namespace

std::string QueryColumnsHelp() {
  std::string text =
      "Columns of the table `inventory` (those the report has; by name or by AWS's name):\n";
  for (const inventory::FieldInfo& f : inventory::AllFields()) {
    bool text_type =
        f.type == format::ColumnType::kString || f.type == format::ColumnType::kTimestampMillis;
    text += "  " + std::string(f.column_name) + " (" + std::string(f.csv_name) + ")  " +
            (text_type ? "TEXT" : "INTEGER") +
            (f.type == format::ColumnType::kTimestampMillis ? ", ISO-8601 UTC" : "") +
            (f.type == format::ColumnType::kBoolean ? ", 0/1" : "") + "\n";
  }
  return text;
}

int RunQuery(const QueryOptions& options, std::ostream* out, std::ostream* err) {
  auto report = Report::Open(options.url, options.report);
  if (!report.ok()) {
    *err << "stocktake report query: " << report.status().message() << "\n";
    return ExitCodeFor(report.status());
  }
  sqlite3* raw_db = nullptr;
  if (sqlite3_open(":memory:", &raw_db) != SQLITE_OK) {
    *err << "stocktake report query: cannot open SQLite\n";
    sqlite3_close(raw_db);
    return kExitFailure;
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw_db, &sqlite3_close);
  Status scan_error;
  Status st = RegisterInventoryModule(db.get(), report->get(), &scan_error);
  if (!st.ok()) {
    *err << "stocktake report query: " << st.message() << "\n";
    return kExitFailure;
  }
  // An SQL error is a usage error, unless reading the report failed under it.
  auto sql_failed = [&]() {
    *err << "stocktake report query: " << sqlite3_errmsg(db.get()) << "\n";
    return scan_error.ok() ? kExitUsage : ExitCodeFor(scan_error);
  };
  // Runs each statement of the text in turn; those returning columns print a result.
  const char* sql = options.sql.c_str();
  while (*sql != '\0') {
    sqlite3_stmt* raw_statement = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &raw_statement, &tail) != SQLITE_OK) {
      return sql_failed();
    }
    sql = tail;
    if (raw_statement == nullptr) continue;  // whitespace or a comment
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw_statement,
                                                                    &sqlite3_finalize);
    int columns = sqlite3_column_count(statement.get());
    std::unique_ptr<RowPrinter> printer;
    if (columns > 0) {
      printer = NewRowPrinter(options.format, out);
      std::vector<std::string> names;
      for (int i = 0; i < columns; ++i) names.emplace_back(sqlite3_column_name(statement.get(), i));
      printer->Header(names);
    }
    Row row(static_cast<size_t>(columns));
    int rc;
    while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
      for (int i = 0; i < columns; ++i) ToCell(statement.get(), i, &row[static_cast<size_t>(i)]);
      printer->Print(row);
    }
    if (printer) printer->Finish();
    if (rc != SQLITE_DONE) return sql_failed();
  }
  return out->good() ? kExitOk : kExitFailure;
}

}  // namespace stocktake::report
