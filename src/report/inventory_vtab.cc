#include "report/inventory_vtab.h"

#include <memory>
#include <string>
#include <vector>

#include "report/row_format.h"
#include "report/typed_reader.h"

namespace stocktake::report {
namespace {

// What the module is registered with (its client data).
struct Source {
  Report* report;
  Status* scan_error;
};

struct Table {
  sqlite3_vtab base;  // first member: SQLite casts between the two
  Source source;
  // Column i >= the report's column count is a hidden alias of column aliased[i - count].
  std::vector<size_t> aliased;
};

struct Cursor {
  sqlite3_vtab_cursor base;  // first member
  std::unique_ptr<ReportScanner> scanner;
  Row row;
  bool eof = true;
  sqlite3_int64 rowid = 0;
};

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

const char* SqlType(format::ColumnType type) {
  switch (type) {
    case format::ColumnType::kBoolean:
    case format::ColumnType::kInt64:
      return "INTEGER";
    case format::ColumnType::kString:
    case format::ColumnType::kTimestampMillis:
      return "TEXT";
  }
  return "TEXT";
}

int SetError(sqlite3_vtab* vtab, const Status& status) {
  Status* scan_error = reinterpret_cast<Table*>(vtab)->source.scan_error;
  if (scan_error->ok()) *scan_error = status;
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%s", status.message().c_str());
  return SQLITE_ERROR;
}

// xConnect: declares the columns of the report (xCreate is null: eponymous-only).
int Connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char** error) {
  const auto* source = static_cast<const Source*>(aux);
  Report* report = source->report;
  std::string ddl = "CREATE TABLE x(";
  const auto& columns = report->schema().columns;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) ddl += ", ";
    ddl += QuoteIdentifier(columns[i].name) + " " + SqlType(columns[i].type);
  }
  // AWS's names (the CSV fileSchema's: ETag, StorageClass, LastModifiedDate) as HIDDEN columns:
  // usable by name, left out of SELECT *. Not where they differ only in case (SQLite's names
  // are case-insensitive: Size is size already).
  std::vector<size_t> aliased;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].field == nullptr) continue;
    std::string alias(columns[i].field->csv_name);
    if (sqlite3_stricmp(alias.c_str(), columns[i].name.c_str()) == 0) continue;
    ddl += ", " + QuoteIdentifier(alias) + " " + SqlType(columns[i].type) + " HIDDEN";
    aliased.push_back(i);
  }
  ddl += ")";
  int rc = sqlite3_declare_vtab(db, ddl.c_str());
  if (rc != SQLITE_OK) {
    *error = sqlite3_mprintf("cannot declare the inventory table: %s", sqlite3_errmsg(db));
    return rc;
  }
  auto* table = new Table{};
  table->source = *source;
  table->aliased = std::move(aliased);
  *out = &table->base;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  delete reinterpret_cast<Table*>(vtab);
  return SQLITE_OK;
}

// Every plan is a full scan of the report.
int BestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  info->estimatedCost = 1e9;
  info->estimatedRows = 1'000'000;
  return SQLITE_OK;
}

int Open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* cursor = new Cursor{};
  *out = &cursor->base;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* c) {
  delete reinterpret_cast<Cursor*>(c);
  return SQLITE_OK;
}

int Advance(Cursor* cursor) {
  auto more = cursor->scanner->Next(&cursor->row);
  if (!more.ok()) return SetError(cursor->base.pVtab, more.status());
  cursor->eof = !*more;
  ++cursor->rowid;
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* c, int, const char*, int, sqlite3_value**) {
  auto* cursor = reinterpret_cast<Cursor*>(c);
  auto* table = reinterpret_cast<Table*>(c->pVtab);
  cursor->scanner = std::make_unique<ReportScanner>(table->source.report);
  cursor->rowid = 0;
  return Advance(cursor);
}

int Next(sqlite3_vtab_cursor* c) { return Advance(reinterpret_cast<Cursor*>(c)); }

int Eof(sqlite3_vtab_cursor* c) { return reinterpret_cast<Cursor*>(c)->eof; }

int Column(sqlite3_vtab_cursor* c, sqlite3_context* context, int index) {
  auto* cursor = reinterpret_cast<Cursor*>(c);
  const auto& aliased = reinterpret_cast<Table*>(c->pVtab)->aliased;
  if (index >= 0 && static_cast<size_t>(index) >= cursor->row.size() &&
      static_cast<size_t>(index) - cursor->row.size() < aliased.size()) {
    index = static_cast<int>(aliased[static_cast<size_t>(index) - cursor->row.size()]);
  }
  if (index < 0 || static_cast<size_t>(index) >= cursor->row.size()) {
    sqlite3_result_null(context);
    return SQLITE_OK;
  }
  const Cell& cell = cursor->row[static_cast<size_t>(index)];
  switch (cell.kind) {
    case CellKind::kNull:
      sqlite3_result_null(context);
      break;
    case CellKind::kBool:
    case CellKind::kInt:
      sqlite3_result_int64(context, cell.int_value);
      break;
    case CellKind::kDouble:
      sqlite3_result_double(context, cell.double_value);
      break;
    case CellKind::kString:
    case CellKind::kBinary:
      sqlite3_result_text64(context, cell.string_value.data(), cell.string_value.size(),
                            SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    case CellKind::kTimestamp: {
      std::string text = CellText(cell);
      sqlite3_result_text64(context, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    }
  }
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* c, sqlite3_int64* rowid) {
  *rowid = reinterpret_cast<Cursor*>(c)->rowid;
  return SQLITE_OK;
}

sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous-only
  m.xConnect = Connect;
  m.xBestIndex = BestIndex;
  m.xDisconnect = Disconnect;
  m.xDestroy = Disconnect;
  m.xOpen = Open;
  m.xClose = Close;
  m.xFilter = Filter;
  m.xNext = Next;
  m.xEof = Eof;
  m.xColumn = Column;
  m.xRowid = Rowid;
  return m;
}

const sqlite3_module kModule = MakeModule();

}  // namespace

Status RegisterInventoryModule(sqlite3* db, Report* report, Status* scan_error) {
  auto* source = new Source{report, scan_error};
  // SQLite owns the client data from here on, even when registration fails.
  int rc = sqlite3_create_module_v2(db, "inventory", &kModule, source,
                                    [](void* p) { delete static_cast<Source*>(p); });
  if (rc != SQLITE_OK) {
    return Status::Internal(std::string("sqlite3_create_module_v2: ") + sqlite3_errstr(rc));
  }
  return Status::OK();
}

}  // namespace stocktake::report
