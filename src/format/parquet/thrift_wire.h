// Wire constants of the Thrift compact protocol (apache/thrift
// doc/specs/thrift-compact-protocol.md), shared by the writer (thrift_compact.h, Parquet footers
// and page headers) and the report tools' reader (report/parquet/thrift_reader.h).
#pragma once

#include <cstdint>

namespace stocktake::format::parquet {

// Compact protocol type ids ("Struct encoding" and "List and Set").
// On-wire constants: do not change.
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,  // field header only; list elements of type bool use kBoolFalse (2)
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

}  // namespace stocktake::format::parquet
