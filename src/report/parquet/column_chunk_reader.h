// ColumnChunkReader: the values of one flat column chunk of a Parquet row group, one at a time,
// decoding one page at a time (apache/parquet-format README "Column chunks", "Data Pages",
// Encodings.md, Compression.md). Supported: data pages v1 and v2, a dictionary page, PLAIN,
// PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (booleans), the delta encodings and BYTE_STREAM_SPLIT,
// RLE definition levels for optional columns, UNCOMPRESSED / SNAPPY / GZIP pages. Anything else
// is an error naming the column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "report/cell.h"
#include "report/parquet/parquet_footer.h"

namespace stocktake::report::parquet {

// A flat leaf column of the schema, as the reader decodes it.
struct LeafColumn {
  std::string name;
  PhysicalType type = PhysicalType::kByteArray;
  int32_t type_length = 0;       // FIXED_LEN_BYTE_ARRAY
  int max_definition_level = 0;  // 1 for optional, 0 for required
  CellKind kind = CellKind::kNull;
  TimeUnit timestamp_unit = TimeUnit::kNone;  // INT64 timestamps
};

class ColumnChunkReader {
 public:
  // `chunk` holds the chunk's pages (dictionary page first, if any).
  ColumnChunkReader(const LeafColumn* column, Codec codec, int32_t codec_value, std::string chunk);

  // Decodes the next value of the column into *cell (null for an undefined value).
  Status Next(Cell* cell);

 private:
  Status LoadPage();
  Status Decompress(std::string_view in, size_t uncompressed_size, std::string* out);
  Status ReadDictionary(const PageHeader& header, std::string_view body);
  Status DecodeLevels(std::string_view data, int32_t num_values);
  Status DecodeValues(Encoding encoding, std::string_view data, size_t count);
  Status DecodePlain(std::string_view data, size_t count, std::vector<int64_t>* ints,
                     std::vector<double>* doubles, std::vector<std::string_view>* bytes) const;
  Status Error(std::string_view what) const;

  const LeafColumn* column_;
  Codec codec_;
  int32_t codec_value_;
  std::string chunk_;
  size_t pos_ = 0;

  // The dictionary of the chunk: values in dict_buffer_.
  bool has_dictionary_ = false;
  std::string dict_buffer_;
  std::vector<int64_t> dict_ints_;
  std::vector<double> dict_doubles_;
  std::vector<std::string_view> dict_bytes_;

  // The current data page: definition levels (empty when the column is required) and the
  // defined values, which may point into page_buffer_ or dict_buffer_.
  std::string page_buffer_;
  std::string delta_storage_;  // DELTA_BYTE_ARRAY values, BYTE_STREAM_SPLIT gathered bytes
  std::vector<uint8_t> defined_;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<std::string_view> bytes_;
  size_t page_values_ = 0;  // values in the page, nulls included
  size_t page_index_ = 0;
  size_t value_index_ = 0;  // next defined value
};

// Converts a physical INT64 timestamp of `unit` to a cell.
void SetTimestampCell(int64_t value, TimeUnit unit, Cell* cell);

}  // namespace stocktake::report::parquet
