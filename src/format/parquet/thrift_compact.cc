// Thrift compact protocol encoding, from apache/thrift doc/specs/thrift-compact-protocol.md.
#include "format/parquet/thrift_compact.h"

#include <cassert>

namespace stocktake::format::parquet {

void AppendUleb128(std::string* out, uint64_t value) {
  // Unsigned LEB128: 7 bits per byte, least significant group first, high bit = "more follows".
  char buf[10];
  size_t n = 0;
  while (value >= 0x80) {
    buf[n++] = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  buf[n++] = static_cast<char>(value);
  out->append(buf, n);
}

void ThriftCompactWriter::BeginStruct() { last_field_ids_.push_back(0); }

void ThriftCompactWriter::EndStruct() {
  assert(!last_field_ids_.empty());
  out_->push_back(static_cast<char>(CompactType::kStop));
  last_field_ids_.pop_back();
}

void ThriftCompactWriter::FieldHeader(int16_t id, CompactType type) {
  assert(!last_field_ids_.empty());
  int16_t& last = last_field_ids_.back();
  assert(id > last && "fields must be written in increasing id order");
  const int delta = id - last;
  if (delta > 0 && delta <= 15) {
    // Short form: ddddtttt.
    out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    // Long form: 0000tttt, then the field id as a zigzag varint (i16 is encoded like i32).
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag32(id));
  }
  last = id;
}

void ThriftCompactWriter::I16Field(int16_t id, int16_t value) {
  // i16 is zigzag-encoded as an i32.
  FieldHeader(id, CompactType::kI16);
  Varint(ZigZag32(value));
}

void ThriftCompactWriter::I32Field(int16_t id, int32_t value) {
  FieldHeader(id, CompactType::kI32);
  Varint(ZigZag32(value));
}

void ThriftCompactWriter::I64Field(int16_t id, int64_t value) {
  FieldHeader(id, CompactType::kI64);
  Varint(ZigZag64(value));
}

void ThriftCompactWriter::BoolField(int16_t id, bool value) {
  // A boolean field's value lives in the header's type nibble; no value bytes follow.
  FieldHeader(id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void ThriftCompactWriter::BinaryField(int16_t id, std::string_view value) {
  FieldHeader(id, CompactType::kBinary);
  BinaryElement(value);
}

void ThriftCompactWriter::StructField(int16_t id) {
  FieldHeader(id, CompactType::kStruct);
  last_field_ids_.push_back(0);
}

void ThriftCompactWriter::ListField(int16_t id, CompactType element_type, int32_t size) {
  assert(size >= 0);
  FieldHeader(id, CompactType::kList);
  if (size < 15) {
    // Short form: sssstttt with the size in the high nibble.
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint8_t>(element_type)));
  } else {
    // Long form: 1111tttt, then the size as a varint.
    out_->push_back(static_cast<char>(0xf0 | static_cast<uint8_t>(element_type)));
    Varint(static_cast<uint32_t>(size));
  }
}

void ThriftCompactWriter::I32Element(int32_t value) { Varint(ZigZag32(value)); }

void ThriftCompactWriter::I64Element(int64_t value) { Varint(ZigZag64(value)); }

void ThriftCompactWriter::BinaryElement(std::string_view value) {
  // Binary: varint byte length, then the bytes.
  Varint(value.size());
  out_->append(value);
}

}  // namespace stocktake::format::parquet
