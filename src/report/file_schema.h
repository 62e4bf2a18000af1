// The columns of a report as its manifest's `fileSchema` declares them (spec §6.1): CSV
// "Bucket, Key, Size", ORC "struct<bucket:string,key:string,size:bigint>", Parquet
// "message s3.inventory {  required binary bucket (STRING); ...}" (spec §5.2, §5.3), matched to the
// field table (inventory/fields.h) by name. Columns the field table does not know (a newer AWS
// field) are kept, typed from the declaration, and reported as notes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/report_writer.h"
#include "format/schema.h"
#include "inventory/fields.h"

namespace stocktake::report {

struct ReportColumn {
  std::string name;           // ORC/Parquet column name ("last_modified_date"), for every format
  std::string declared_name;  // as fileSchema spells it ("LastModifiedDate" in CSV)
  std::string declared_type;  // ORC "bigint", Parquet "optional int64 size", CSV ""
  format::ColumnType type = format::ColumnType::kString;
  bool required = false;                        // Parquet `required`
  const inventory::FieldInfo* field = nullptr;  // nullptr: not in the field table
};

struct ReportSchema {
  format::FileFormat format = format::FileFormat::kCsv;
  std::vector<ReportColumn> columns;
  // Differences from the field table (unknown columns, other types), for `verify`.
  std::vector<std::string> notes;

  // Index of the column of a field; nullopt when the report does not have it.
  std::optional<size_t> IndexOf(inventory::FieldId id) const;
};

// Parses a fileSchema string. InvalidArgument when it cannot be parsed, has no columns, or lacks
// the Key column (every report has Bucket and Key, spec §5.1).
Result<ReportSchema> ParseFileSchema(format::FileFormat format, std::string_view file_schema);

}  // namespace stocktake::report
