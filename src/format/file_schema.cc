// fileSchema strings of manifest.json (spec §5.2, §5.3, §6.1) and format names.
#include "format/report_writer.h"

namespace stocktake::format {
namespace {

const char* OrcTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kInt64:
      return "bigint";
    case ColumnType::kTimestampMillis:
      return "timestamp";
  }
  return "string";
}

// parquet-mr MessageType.toString() with the newlines removed, as real AWS manifests carry it.
std::string ParquetDeclaration(const Column& column) {
  std::string out = column.required ? "required " : "optional ";
  switch (column.type) {
    case ColumnType::kString:
      return out + "binary " + column.column_name + " (STRING)";
    case ColumnType::kBoolean:
      return out + "boolean " + column.column_name;
    case ColumnType::kInt64:
      return out + "int64 " + column.column_name;
    case ColumnType::kTimestampMillis:
      return out + "int64 " + column.column_name + " (TIMESTAMP(MILLIS,true))";
  }
  return out;
}

}  // namespace

std::string FileSchemaString(FileFormat format, const Schema& schema) {
  std::string out;
  switch (format) {
    case FileFormat::kCsv:
      for (size_t i = 0; i < schema.size(); ++i) {
        if (i > 0) out += ", ";
        out += schema[i].csv_name;
      }
      return out;
    case FileFormat::kOrc:
      out = "struct<";
      for (size_t i = 0; i < schema.size(); ++i) {
        if (i > 0) out += ",";
        out += schema[i].column_name + ":" + OrcTypeName(schema[i].type);
      }
      return out + ">";
    case FileFormat::kParquet:
      out = "message s3.inventory {";
      for (const Column& column : schema) out += "  " + ParquetDeclaration(column) + ";";
      return out + "}";
  }
  return out;
}

}  // namespace stocktake::format
