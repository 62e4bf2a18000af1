// The shape of a report: its columns, in file order. Built by inventory/fields.h from the field
// table; format/ itself knows no S3 field names.
#pragma once

#include <string>
#include <vector>

namespace stocktake::format {

enum class ColumnType {
  kString,           // UTF-8; ORC string, Parquet BYTE_ARRAY (STRING)
  kBoolean,          // CSV true/false; ORC boolean; Parquet BOOLEAN
  kInt64,            // ORC bigint; Parquet INT64
  kTimestampMillis,  // epoch ms UTC; CSV ISO-8601 with millis; ORC timestamp; Parquet INT64
                     // TIMESTAMP(MILLIS, isAdjustedToUTC=true)
};

struct Column {
  std::string csv_name;     // name in the CSV fileSchema, e.g. "LastModifiedDate"
  std::string column_name;  // ORC/Parquet column, e.g. "last_modified_date"
  ColumnType type;
  bool required;           // Parquet `required` (bucket, key); never null
  bool url_encode_in_csv;  // the object key: URL-encoded in CSV only (spec §4)
};

using Schema = std::vector<Column>;

}  // namespace stocktake::format
