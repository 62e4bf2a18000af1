// ThriftCompactWriter: a small encoder for the Thrift compact protocol (apache/thrift
// doc/specs/thrift-compact-protocol.md), enough for the Parquet footer and page headers: structs
// with delta-encoded field headers, zigzag varint integers, binary/strings, lists, and booleans
// folded into the field header. Only the Parquet metadata code uses it.
//
// Usage: fields must be written in strictly increasing id order within a struct (the short form
// of a field header carries the positive delta to the previous id; the long form is used when the
// delta is not in 1..15). Every BeginStruct/BeginStructField needs a matching EndStruct. Lists are
// written as a header followed by exactly `size` elements of the declared element type.
//
// Not thread-safe. Appends to a caller-owned string; never fails (the caller checks sizes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet/thrift_wire.h"

namespace stocktake::format::parquet {

// Varint and zigzag primitives (exposed for the RLE encoder and tests).
void AppendUleb128(std::string* out, uint64_t value);
inline uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}

class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  // A struct that is not a field: the top-level message or a list element.
  void BeginStruct();
  // Writes the stop byte of the innermost open struct.
  void EndStruct();

  void I16Field(int16_t id, int16_t value);
  void I32Field(int16_t id, int32_t value);
  void I64Field(int16_t id, int64_t value);
  // Thrift enums travel as i32.
  void EnumField(int16_t id, int32_t value) { I32Field(id, value); }
  void BoolField(int16_t id, bool value);
  void BinaryField(int16_t id, std::string_view value);
  void StructField(int16_t id);  // opens a nested struct; close with EndStruct()
  // A list field header; follow with `size` elements.
  void ListField(int16_t id, CompactType element_type, int32_t size);

  // List elements.
  void I32Element(int32_t value);
  void I64Element(int64_t value);
  void BinaryElement(std::string_view value);
  // Struct elements use BeginStruct()/EndStruct().

  // Open structs (0 once everything is closed); for tests and debug checks.
  size_t depth() const { return last_field_ids_.size(); }

 private:
  void FieldHeader(int16_t id, CompactType type);
  void Varint(uint64_t value) { AppendUleb128(out_, value); }

  std::string* out_;
  // Last field id written in each open struct, innermost last.
  std::vector<int16_t> last_field_ids_;
};

}  // namespace stocktake::format::parquet
