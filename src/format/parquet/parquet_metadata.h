// The Parquet footer and page-header structures Stocktake writes, as a subset of
// apache/parquet-format src/main/thrift/parquet.thrift, and their Thrift compact serialization.
// Field comments name the parquet.thrift field they fill. Plain data: no invariants are checked
// here; the column and file writers fill them consistently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "format/parquet/parquet_wire.h"

namespace stocktake::format::parquet {

// The parquet.thrift enums (Type, ConvertedType, Repetition, Encoding, CompressionCodec,
// PageType) are in parquet_wire.h, shared with the reader.

// Which LogicalType union member a SchemaElement carries (parquet.thrift `LogicalType`).
enum class LogicalType { kNone, kString, kTimestampMillisUtc };

// parquet.thrift `Statistics`. Values are PLAIN-encoded, byte arrays without a length prefix.
struct Statistics {
  int64_t null_count = 0;    // 3: null_count (always written, as the spec asks writers to)
  bool has_min_max = false;  // false when every value is null
  std::string min_value;     // 6: min_value, ordered by the column's ColumnOrder
  std::string max_value;     // 5: max_value
  // Also fill the deprecated 1: max / 2: min (signed order). Only right where the type order is
  // the signed order (INT64, BOOLEAN); never for byte arrays.
  bool write_deprecated_min_max = false;
};

// parquet.thrift `DataPageHeader` (data page v1).
struct DataPageHeader {
  int32_t num_values = 0;                               // 1: values including nulls
  Encoding encoding = Encoding::kPlain;                 // 2
  Encoding definition_level_encoding = Encoding::kRle;  // 3
  Encoding repetition_level_encoding = Encoding::kRle;  // 4
  const Statistics* statistics = nullptr;               // 5: optional, not owned
};

// parquet.thrift `DictionaryPageHeader`.
struct DictionaryPageHeader {
  int32_t num_values = 0;                // 1
  Encoding encoding = Encoding::kPlain;  // 2: PLAIN for new files (Encodings.md)
  bool is_sorted = false;                // 3
};

// parquet.thrift `PageHeader`; `data` or `dictionary` is written according to `type`.
struct PageHeader {
  PageType type = PageType::kDataPage;  // 1
  int32_t uncompressed_page_size = 0;   // 2: excluding this header
  int32_t compressed_page_size = 0;     // 3: excluding this header
  DataPageHeader data;                  // 5: data_page_header
  DictionaryPageHeader dictionary;      // 7: dictionary_page_header
};

// parquet.thrift `SchemaElement`. The root has no type and no repetition; leaves have no
// num_children.
struct SchemaElement {
  std::optional<Type> type;                       // 1
  std::optional<Repetition> repetition;           // 3: repetition_type
  std::string name;                               // 4
  std::optional<int32_t> num_children;            // 5
  std::optional<ConvertedType> converted_type;    // 6 (kept beside 10 for older readers)
  LogicalType logical_type = LogicalType::kNone;  // 10: logicalType
};

// parquet.thrift `PageEncodingStats`.
struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;  // 1
  Encoding encoding = Encoding::kPlain;      // 2
  int32_t count = 0;                         // 3
};

// parquet.thrift `ColumnMetaData`.
struct ColumnMetaData {
  Type type = Type::kByteArray;                        // 1
  std::vector<Encoding> encodings;                     // 2: every encoding used in the chunk
  std::string path_in_schema;                          // 3: one element: flat schema
  CompressionCodec codec = CompressionCodec::kSnappy;  // 4
  int64_t num_values = 0;                              // 5: including nulls
  int64_t total_uncompressed_size = 0;                 // 6: all pages incl. headers
  int64_t total_compressed_size = 0;                   // 7: all pages incl. headers
  int64_t data_page_offset = 0;                        // 9: first data page
  std::optional<int64_t> dictionary_page_offset;       // 11
  Statistics statistics;                               // 12
  std::vector<PageEncodingStats> encoding_stats;       // 13
};

// parquet.thrift `ColumnChunk`.
struct ColumnChunk {
  // 2: file_offset is deprecated; "Writers should set this field to 0 if no ColumnMetaData has
  // been written outside the footer."
  int64_t file_offset = 0;
  ColumnMetaData meta_data;  // 3
};

// parquet.thrift `RowGroup`.
struct RowGroup {
  std::vector<ColumnChunk> columns;   // 1: in schema order
  int64_t total_byte_size = 0;        // 2: uncompressed column data
  int64_t num_rows = 0;               // 3
  int64_t file_offset = 0;            // 5: first page of the row group
  int64_t total_compressed_size = 0;  // 6
  int16_t ordinal = -1;               // 7: written when >= 0 (i16 holds 32767 row groups)
};

// parquet.thrift `FileMetaData`.
struct FileMetaData {
  int32_t version = 1;                // 1: "writers should always populate 1"
  std::vector<SchemaElement> schema;  // 2: root first, then the leaves (depth first)
  int64_t num_rows = 0;               // 3
  std::vector<RowGroup> row_groups;   // 4
  std::string created_by;             // 6
  // 7: column_orders: TypeDefinedOrder for each of this many leaf columns, so readers may use
  // min_value/max_value.
  size_t type_defined_order_columns = 0;
};

// Appends the Thrift compact serialization.
void SerializePageHeader(const PageHeader& header, std::string* out);
void SerializeFileMetaData(const FileMetaData& metadata, std::string* out);

}  // namespace stocktake::format::parquet
