// parquet.thrift enum values (apache/parquet-format src/main/thrift/parquet.thrift), shared by the
// writer (parquet_metadata.h) and the report tools' reader (report/parquet/parquet_footer.h). The
// writer uses a subset; the reader must know every value a file may carry.
// On-disk constants: do not change.
#pragma once

#include <cstdint>

namespace stocktake::format::parquet {

// `Type`: the physical type of a column.
enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// `ConvertedType` (the legacy logical annotation), the values Stocktake writes or reads.
enum class ConvertedType : int32_t { kUtf8 = 0, kTimestampMillis = 9, kTimestampMicros = 10 };

// `FieldRepetitionType`.
enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// `Encoding`.
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

// `CompressionCodec`, the codecs Stocktake writes (Snappy) or reads.
enum class CompressionCodec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2 };

// `PageType`.
enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

}  // namespace stocktake::format::parquet
