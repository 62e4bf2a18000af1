#include "report/typed_reader.h"

#include <charconv>
#include <string>

#include "common/encoding.h"
#include "common/time_format.h"

namespace stocktake::report {
namespace {

using format::ColumnType;
using inventory::FieldId;

// The cell kinds a file may store for a column of `type`.
bool Compatible(ColumnType type, CellKind kind) {
  switch (type) {
    case ColumnType::kString:
      return kind == CellKind::kString || kind == CellKind::kBinary;
    case ColumnType::kBoolean:
      return kind == CellKind::kBool;
    case ColumnType::kInt64:
      return kind == CellKind::kInt;
    case ColumnType::kTimestampMillis:
      return kind == CellKind::kTimestamp;
  }
  return false;
}

bool KeepsEmptyString(const ReportColumn& column) {
  if (column.field == nullptr) return false;
  FieldId id = column.field->id;
  return id == FieldId::kBucket || id == FieldId::kKey || id == FieldId::kVersionId;
}

}  // namespace

Result<std::unique_ptr<TypedFileReader>> TypedFileReader::Open(const ReportSchema& schema,
                                                               std::unique_ptr<ByteSource> source) {
  std::unique_ptr<TypedFileReader> reader(new TypedFileReader(schema, std::move(source)));
  switch (schema.format) {
    case format::FileFormat::kCsv:
      reader->rows_ = OpenCsvGz(reader->source_.get());
      break;
    case format::FileFormat::kParquet: {
      ASSIGN_OR_RETURN(reader->rows_, OpenParquet(reader->source_.get()));
      break;
    }
    case format::FileFormat::kOrc: {
      ASSIGN_OR_RETURN(reader->rows_, OpenOrc(reader->source_.get()));
      break;
    }
  }
  RETURN_IF_ERROR(reader->CheckColumns());
  return reader;
}

Status TypedFileReader::CheckColumns() const {
  const auto& file_columns = rows_->columns();
  if (schema_.format == format::FileFormat::kCsv) return Status::OK();  // checked per record
  auto mismatch = [&](const std::string& what) {
    return Status::Corruption(source_->name() +
                              ": schema differs from the manifest's fileSchema: " + what);
  };
  if (file_columns.size() != schema_.columns.size()) {
    return mismatch("the file has " + std::to_string(file_columns.size()) +
                    " columns, fileSchema declares " + std::to_string(schema_.columns.size()));
  }
  for (size_t i = 0; i < file_columns.size(); ++i) {
    const SourceColumn& actual = file_columns[i];
    const ReportColumn& declared = schema_.columns[i];
    if (actual.name != declared.declared_name) {
      return mismatch("column " + std::to_string(i + 1) + " is " + actual.name +
                      ", fileSchema says " + declared.declared_name);
    }
    if (!Compatible(declared.type, actual.kind)) {
      return mismatch("column " + actual.name + " is " + actual.type_text + " in the file, " +
                      (declared.declared_type.empty() ? "another type" : declared.declared_type) +
                      " in fileSchema");
    }
    if (schema_.format == format::FileFormat::kParquet && actual.required != declared.required) {
      return mismatch("column " + actual.name + " is " +
                      (actual.required ? "required" : "optional") + " in the file, " +
                      (declared.required ? "required" : "optional") + " in fileSchema");
    }
  }
  return Status::OK();
}

Status TypedFileReader::ConvertCsv(Row* row) const {
  auto error = [&](size_t column, const std::string& what) {
    return Status::Corruption(source_->name() + ": row " + std::to_string(rows_read_) +
                              ", column " + schema_.columns[column].declared_name + ": " + what);
  };
  if (row->size() != schema_.columns.size()) {
    return Status::Corruption(source_->name() + ": row " + std::to_string(rows_read_) + " has " +
                              std::to_string(row->size()) + " fields, fileSchema declares " +
                              std::to_string(schema_.columns.size()));
  }
  for (size_t i = 0; i < row->size(); ++i) {
    Cell& cell = (*row)[i];
    const ReportColumn& column = schema_.columns[i];
    const std::string& text = cell.string_value;
    if (text.empty() && !KeepsEmptyString(column)) {
      cell.SetNull();
      continue;
    }
    switch (column.type) {
      case ColumnType::kString:
        if (column.field != nullptr && column.field->id == FieldId::kKey) {
          // Spec §4: keys are URL-encoded in CSV, space as '+'.
          auto decoded = PercentDecode(text, /*plus_is_space=*/true);
          if (!decoded) return error(i, "bad URL encoding: " + text);
          cell.string_value = std::move(*decoded);
        }
        break;  // already a kString cell
      case ColumnType::kBoolean:
        if (text == "true" || text == "TRUE" || text == "True") {
          cell.SetBool(true);
        } else if (text == "false" || text == "FALSE" || text == "False") {
          cell.SetBool(false);
        } else {
          return error(i, "not a boolean: " + text);
        }
        break;
      case ColumnType::kInt64: {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size()) {
          return error(i, "not an integer: " + text);
        }
        cell.SetInt(v);
        break;
      }
      case ColumnType::kTimestampMillis: {
        auto ms = ParseIso8601(text);
        if (!ms) return error(i, "not an ISO-8601 timestamp: " + text);
        cell.SetEpochMillis(*ms);
        break;
      }
    }
  }
  return Status::OK();
}

Result<bool> TypedFileReader::Next(Row* row) {
  ASSIGN_OR_RETURN(bool more, rows_->Next(row));
  if (!more) {
    RETURN_IF_ERROR(source_->Close());
    return false;
  }
  ++rows_read_;
  if (schema_.format == format::FileFormat::kCsv) {
    RETURN_IF_ERROR(ConvertCsv(row));
  } else {
    for (Cell& cell : *row) {
      if (cell.kind == CellKind::kBinary) cell.kind = CellKind::kString;
    }
  }
  return true;
}

Result<std::unique_ptr<TypedFileReader>> OpenTypedFile(Report* report, size_t index) {
  ASSIGN_OR_RETURN(auto source, report->OpenFile(index));
  return TypedFileReader::Open(report->schema(), std::move(source));
}

Result<bool> ReportScanner::Next(Row* row) {
  while (true) {
    if (current_ == nullptr) {
      if (next_file_ >= report_->manifest().files.size()) return false;
      ASSIGN_OR_RETURN(current_, OpenTypedFile(report_, next_file_++));
    }
    ASSIGN_OR_RETURN(bool more, current_->Next(row));
    if (more) {
      ++rows_read_;
      return true;
    }
    current_.reset();
  }
}

}  // namespace stocktake::report
