// ThriftCompactReader: a decoder for the Thrift compact protocol (apache/thrift
// doc/specs/thrift-compact-protocol.md), enough to read the Parquet footer and page headers:
// structs with delta-encoded field headers, zigzag varints, binary, lists, and skipping of every
// type a newer writer may add. Input is untrusted: every read is bounds-checked, nesting is
// limited, and the first error is sticky (later reads return zero values; check status()).
//
// Usage, for a struct:
//   reader.BeginStruct();
//   int16_t id; CompactType type;
//   while (reader.NextField(&id, &type)) {
//     switch (id) { case 1: x = reader.ReadI32(); break; default: reader.Skip(type); }
//   }
//   reader.EndStruct();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/parquet/thrift_wire.h"

namespace stocktake::report::parquet {

// Compact protocol type ids: one definition for the writer and this reader.
using format::parquet::CompactType;

class ThriftCompactReader {
 public:
  explicit ThriftCompactReader(std::string_view data) : data_(data) {}

  void BeginStruct();
  void EndStruct();
  // Reads the next field header of the innermost struct; false at its stop byte (or on error).
  bool NextField(int16_t* id, CompactType* type);

  // Field values. A bool field's value is in its header type (kBoolTrue / kBoolFalse).
  bool ReadBool(CompactType field_type) { return field_type == CompactType::kBoolTrue; }
  int8_t ReadI8();
  int16_t ReadI16() { return static_cast<int16_t>(ReadZigZag()); }
  int32_t ReadI32() { return static_cast<int32_t>(ReadZigZag()); }
  int64_t ReadI64() { return ReadZigZag(); }
  std::string_view ReadBinary();
  // A list or set header; the elements follow. The size is checked against the bytes left.
  void ReadListHeader(CompactType* element_type, uint32_t* size);
  // A bool list element is one byte (1 = true).
  bool ReadBoolElement() { return ReadI8() == 1; }

  // Skips a value of `type` (structs, lists, sets and maps included).
  void Skip(CompactType type);

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  size_t position() const { return pos_; }

 private:
  static constexpr int kMaxDepth = 64;
  uint64_t ReadVarint();
  int64_t ReadZigZag() {
    uint64_t v = ReadVarint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  void Fail(std::string_view what);
  void SkipDepth(CompactType type, int depth);

  std::string_view data_;
  size_t pos_ = 0;
  std::vector<int16_t> last_field_ids_;
  Status status_;
};

}  // namespace stocktake::report::parquet
