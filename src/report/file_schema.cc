#include "report/file_schema.h"

#include <string>

namespace stocktake::report {
namespace {

using format::ColumnType;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

const char* TypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kTimestampMillis:
      return "timestamp";
  }
  return "string";
}

const inventory::FieldInfo* FieldByName(std::string_view name, bool csv) {
  for (const inventory::FieldInfo& field : inventory::AllFields()) {
    if ((csv ? field.csv_name : field.column_name) == name) return &field;
  }
  return nullptr;
}

// Fills name/type/field of a column from the field table, noting any disagreement with the
// type the file schema declares (`declared`, nullopt for CSV, which declares none).
void Resolve(ReportColumn* column, std::optional<ColumnType> declared, bool csv,
             std::vector<std::string>* notes) {
  column->field = FieldByName(column->declared_name, csv);
  if (column->field == nullptr) {
    column->name = column->declared_name;
    column->type = declared.value_or(ColumnType::kString);
    notes->push_back("column " + column->declared_name + " is not an S3 Inventory field");
    return;
  }
  column->name = std::string(column->field->column_name);
  column->type = column->field->type;
  if (declared && *declared != column->field->type) {
    notes->push_back("column " + column->declared_name + " is declared " + TypeName(*declared) +
                     ", the inventory field is " + TypeName(column->field->type));
    column->type = *declared;  // read the data as the file says it is
  }
}

// ORC type names (spec §5.3; Hive type names otherwise).
std::optional<ColumnType> OrcType(std::string_view name) {
  if (name == "string" || name.starts_with("varchar") || name.starts_with("char")) {
    return ColumnType::kString;
  }
  if (name == "boolean") return ColumnType::kBoolean;
  if (name == "bigint" || name == "int" || name == "smallint" || name == "tinyint") {
    return ColumnType::kInt64;
  }
  if (name == "timestamp" || name == "timestamp with local time zone") {
    return ColumnType::kTimestampMillis;
  }
  return std::nullopt;
}

Status ParseOrc(std::string_view schema, ReportSchema* out) {
  schema = Trim(schema);
  if (!schema.starts_with("struct<") || !schema.ends_with(">")) {
    return Status::InvalidArgument("ORC fileSchema is not struct<...>");
  }
  std::string_view body = schema.substr(7, schema.size() - 8);
  // Fields are name:type separated by commas outside nested <> and () (e.g. decimal(10,2)).
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i <= body.size(); ++i) {
    char c = i < body.size() ? body[i] : ',';
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (c != ',' || depth != 0) continue;
    std::string_view field = Trim(body.substr(start, i - start));
    start = i + 1;
    if (field.empty()) continue;
    size_t colon = field.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("ORC fileSchema field without a type: " + std::string(field));
    }
    ReportColumn column;
    column.declared_name = std::string(Trim(field.substr(0, colon)));
    column.declared_type = std::string(Trim(field.substr(colon + 1)));
    auto type = OrcType(column.declared_type);
    if (!type) {
      out->notes.push_back("column " + column.declared_name + " has ORC type " +
                           column.declared_type + ", read as text");
    }
    Resolve(&column, type.value_or(ColumnType::kString), false, &out->notes);
    out->columns.push_back(std::move(column));
  }
  if (depth != 0) return Status::InvalidArgument("ORC fileSchema has unbalanced brackets");
  return Status::OK();
}

// One Parquet declaration, "optional int64 last_modified_date (TIMESTAMP(MILLIS,true))".
Status ParseParquetField(std::string_view declaration, ReportSchema* out) {
  ReportColumn column;
  column.declared_type = std::string(declaration);
  std::string_view rest = declaration;
  auto word = [&rest]() {
    rest = Trim(rest);
    size_t end = rest.find_first_of(" \t(");
    std::string_view w = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    return w;
  };
  std::string_view repetition = word();
  std::string_view physical = word();
  column.declared_name = std::string(word());
  std::string_view annotation = Trim(rest);
  if (annotation.starts_with("(") && annotation.ends_with(")")) {
    annotation = annotation.substr(1, annotation.size() - 2);
  }
  if ((repetition != "required" && repetition != "optional") || physical.empty() ||
      column.declared_name.empty()) {
    return Status::InvalidArgument("Parquet fileSchema field not understood: " +
                                   std::string(declaration));
  }
  column.required = repetition == "required";
  std::optional<ColumnType> type;
  if (physical == "boolean") type = ColumnType::kBoolean;
  if (physical == "binary") type = ColumnType::kString;
  if (physical == "int32" || physical == "int64") {
    // TIMESTAMP(MILLIS,true) as parquet-mr prints it today; TIMESTAMP_MILLIS in the docs' older
    // spelling (spec §5.2).
    type = annotation.starts_with("TIMESTAMP") ? ColumnType::kTimestampMillis : ColumnType::kInt64;
  }
  if (!type) {
    out->notes.push_back("column " + column.declared_name + " has Parquet type " +
                         std::string(physical) + ", read as text");
  }
  Resolve(&column, type.value_or(ColumnType::kString), false, &out->notes);
  out->columns.push_back(std::move(column));
  return Status::OK();
}

Status ParseParquet(std::string_view schema, ReportSchema* out) {
  size_t open = schema.find('{');
  size_t close = schema.rfind('}');
  if (!Trim(schema).starts_with("message") || open == std::string_view::npos ||
      close == std::string_view::npos || close < open) {
    return Status::InvalidArgument("Parquet fileSchema is not message ... {...}");
  }
  std::string_view body = schema.substr(open + 1, close - open - 1);
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find(';', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view declaration = Trim(body.substr(start, end - start));
    start = end + 1;
    if (declaration.empty()) continue;
    if (declaration.find('{') != std::string_view::npos) {
      return Status::InvalidArgument("nested Parquet fileSchema");
    }
    RETURN_IF_ERROR(ParseParquetField(declaration, out));
  }
  return Status::OK();
}

Status ParseCsv(std::string_view schema, ReportSchema* out) {
  // Column names joined by ", " (spec §6.1); any spacing is accepted.
  size_t start = 0;
  while (start <= schema.size()) {
    size_t end = schema.find(',', start);
    if (end == std::string_view::npos) end = schema.size();
    std::string_view name = Trim(schema.substr(start, end - start));
    start = end + 1;
    if (name.empty()) {
      if (end == schema.size()) break;
      return Status::InvalidArgument("CSV fileSchema has an empty column name");
    }
    ReportColumn column;
    column.declared_name = std::string(name);
    Resolve(&column, std::nullopt, true, &out->notes);
    out->columns.push_back(std::move(column));
  }
  return Status::OK();
}

}  // namespace

std::optional<size_t> ReportSchema::IndexOf(inventory::FieldId id) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].field != nullptr && columns[i].field->id == id) return i;
  }
  return std::nullopt;
}

Result<ReportSchema> ParseFileSchema(format::FileFormat format, std::string_view file_schema) {
  ReportSchema schema;
  schema.format = format;
  switch (format) {
    case format::FileFormat::kCsv:
      RETURN_IF_ERROR(ParseCsv(file_schema, &schema));
      break;
    case format::FileFormat::kOrc:
      RETURN_IF_ERROR(ParseOrc(file_schema, &schema));
      break;
    case format::FileFormat::kParquet:
      RETURN_IF_ERROR(ParseParquet(file_schema, &schema));
      break;
  }
  if (schema.columns.empty()) return Status::InvalidArgument("fileSchema declares no columns");
  if (!schema.IndexOf(inventory::FieldId::kKey)) {
    return Status::InvalidArgument("fileSchema has no Key column");
  }
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (schema.columns[i].name == schema.columns[j].name) {
        return Status::InvalidArgument("fileSchema declares " + schema.columns[i].name + " twice");
      }
    }
  }
  return schema;
}

}  // namespace stocktake::report
