// The parts of the Parquet footer and page headers a reader needs, decoded from the Thrift compact
// bytes (apache/parquet-format src/main/thrift/parquet.thrift; field ids in the comments). Fields
// this reader does not use are skipped, so files from newer writers still parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/parquet/parquet_wire.h"

namespace stocktake::report::parquet {

// parquet.thrift enum values: one definition for the writer and this reader
// (format/parquet/parquet_wire.h).
using PhysicalType = format::parquet::Type;
using format::parquet::Encoding;
using format::parquet::PageType;
using format::parquet::Repetition;
using Codec = format::parquet::CompressionCodec;
// ConvertedType values this reader interprets.
inline constexpr int32_t kConvertedUtf8 =
    static_cast<int32_t>(format::parquet::ConvertedType::kUtf8);
inline constexpr int32_t kConvertedTimestampMillis =
    static_cast<int32_t>(format::parquet::ConvertedType::kTimestampMillis);
inline constexpr int32_t kConvertedTimestampMicros =
    static_cast<int32_t>(format::parquet::ConvertedType::kTimestampMicros);

enum class TimeUnit { kNone, kMillis, kMicros, kNanos };

// SchemaElement (parquet.thrift `SchemaElement`).
struct SchemaElement {
  std::optional<PhysicalType> type;       // 1
  int32_t type_length = 0;                // 2
  std::optional<Repetition> repetition;   // 3
  std::string name;                       // 4
  int32_t num_children = 0;               // 5
  std::optional<int32_t> converted_type;  // 6
  // 10: logicalType, reduced to what the reader uses.
  bool logical_string = false;                // LogicalType 1: STRING (also 4: ENUM, 12: JSON)
  TimeUnit timestamp_unit = TimeUnit::kNone;  // LogicalType 8: TIMESTAMP
  bool timestamp_utc = false;                 // TimestampType 1: isAdjustedToUTC
};

// ColumnMetaData (parquet.thrift `ColumnMetaData`).
struct ColumnMetaData {
  PhysicalType type = PhysicalType::kByteArray;  // 1
  std::vector<std::string> path_in_schema;       // 3
  Codec codec = Codec::kUncompressed;            // 4 (other values kept as read)
  int32_t codec_value = 0;
  int64_t num_values = 0;                         // 5
  int64_t total_compressed_size = 0;              // 7
  int64_t data_page_offset = 0;                   // 9
  std::optional<int64_t> dictionary_page_offset;  // 11
};

struct RowGroup {
  std::vector<ColumnMetaData> columns;  // 1: ColumnChunk.meta_data (3)
  int64_t num_rows = 0;                 // 3
};

struct FileMetaData {
  int32_t version = 0;                // 1
  std::vector<SchemaElement> schema;  // 2
  int64_t num_rows = 0;               // 3
  std::vector<RowGroup> row_groups;   // 4
  std::string created_by;             // 6
};

struct DataPageHeader {                                 // v1: parquet.thrift `DataPageHeader`
  int32_t num_values = 0;                               // 1
  Encoding encoding = Encoding::kPlain;                 // 2
  Encoding definition_level_encoding = Encoding::kRle;  // 3
  Encoding repetition_level_encoding = Encoding::kRle;  // 4
};

struct DataPageHeaderV2 {                     // parquet.thrift `DataPageHeaderV2`
  int32_t num_values = 0;                     // 1
  int32_t num_nulls = 0;                      // 2
  int32_t num_rows = 0;                       // 3
  Encoding encoding = Encoding::kPlain;       // 4
  int32_t definition_levels_byte_length = 0;  // 5
  int32_t repetition_levels_byte_length = 0;  // 6
  bool is_compressed = true;                  // 7 (default true)
};

struct DictionaryPageHeader {            // parquet.thrift `DictionaryPageHeader`
  int32_t num_values = 0;                // 1
  Encoding encoding = Encoding::kPlain;  // 2
};

struct PageHeader {
  int32_t type_value = 0;                // 1 (PageType)
  int32_t uncompressed_page_size = 0;    // 2
  int32_t compressed_page_size = 0;      // 3
  DataPageHeader data_page;              // 5
  DictionaryPageHeader dictionary_page;  // 7
  DataPageHeaderV2 data_page_v2;         // 8
  PageType type() const { return static_cast<PageType>(type_value); }
};

Result<FileMetaData> DecodeFileMetaData(std::string_view bytes);
// Decodes the page header at the start of `bytes`; *header_size is its length in bytes.
Result<PageHeader> DecodePageHeader(std::string_view bytes, size_t* header_size);

}  // namespace stocktake::report::parquet
