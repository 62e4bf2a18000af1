#include "report/parquet/thrift_reader.h"

#include <cstring>
#include <string>

#include "report/varint.h"

namespace stocktake::report::parquet {

void ThriftCompactReader::Fail(std::string_view what) {
  if (status_.ok()) {
    status_ =
        Status::Corruption("thrift: " + std::string(what) + " at byte " + std::to_string(pos_));
  }
  pos_ = data_.size();
}

uint64_t ThriftCompactReader::ReadVarint() {
  // thrift-compact-protocol.md, "Integer encoding".
  uint64_t value;
  if (const char* error = ReadUleb128(data_, &pos_, &value)) {
    Fail(error);
    return 0;
  }
  return value;
}

int8_t ThriftCompactReader::ReadI8() {
  if (pos_ >= data_.size()) {
    Fail("truncated byte");
    return 0;
  }
  return static_cast<int8_t>(data_[pos_++]);
}

std::string_view ThriftCompactReader::ReadBinary() {
  uint64_t length = ReadVarint();
  if (!ok()) return {};
  if (length > data_.size() - pos_) {
    Fail("binary of " + std::to_string(length) + " bytes past the end");
    return {};
  }
  std::string_view out = data_.substr(pos_, length);
  pos_ += length;
  return out;
}

void ThriftCompactReader::BeginStruct() {
  if (last_field_ids_.size() >= kMaxDepth) {
    Fail("structs nested too deeply");
    return;
  }
  last_field_ids_.push_back(0);
}

void ThriftCompactReader::EndStruct() {
  if (!last_field_ids_.empty()) last_field_ids_.pop_back();
}

bool ThriftCompactReader::NextField(int16_t* id, CompactType* type) {
  if (!ok() || last_field_ids_.empty()) return false;
  if (pos_ >= data_.size()) {
    Fail("struct without a stop byte");
    return false;
  }
  uint8_t header = static_cast<uint8_t>(data_[pos_++]);
  uint8_t type_id = header & 0x0f;
  if (type_id == 0) return false;  // stop
  if (type_id > static_cast<uint8_t>(CompactType::kStruct)) {
    Fail("unknown field type " + std::to_string(type_id));
    return false;
  }
  uint8_t delta = header >> 4;
  // Short form: the id is a delta from the previous field; long form: a zigzag i16 follows.
  *id = delta != 0 ? static_cast<int16_t>(last_field_ids_.back() + delta) : ReadI16();
  last_field_ids_.back() = *id;
  *type = static_cast<CompactType>(type_id);
  return ok();
}

void ThriftCompactReader::ReadListHeader(CompactType* element_type, uint32_t* size) {
  *size = 0;
  *element_type = CompactType::kStop;
  uint8_t header = static_cast<uint8_t>(ReadI8());
  if (!ok()) return;
  uint64_t n = header >> 4;
  if (n == 15) n = ReadVarint();  // long form: the size follows as a varint
  uint8_t type_id = header & 0x0f;
  if (type_id > static_cast<uint8_t>(CompactType::kStruct)) {
    Fail("unknown list element type " + std::to_string(type_id));
    return;
  }
  // Every element takes at least one byte, which bounds the size by the bytes left.
  if (n > data_.size() - pos_) {
    Fail("list of " + std::to_string(n) + " elements past the end");
    return;
  }
  *size = static_cast<uint32_t>(n);
  *element_type = static_cast<CompactType>(type_id);
}

void ThriftCompactReader::Skip(CompactType type) { SkipDepth(type, 0); }

void ThriftCompactReader::SkipDepth(CompactType type, int depth) {
  if (!ok()) return;
  if (depth > kMaxDepth) {
    Fail("values nested too deeply");
    return;
  }
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      return;  // a bool field's value is its header; callers skip list elements as kI8
    case CompactType::kI8:
      ReadI8();
      return;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      ReadVarint();
      return;
    case CompactType::kDouble:
      if (data_.size() - pos_ < 8) return Fail("truncated double");
      pos_ += 8;
      return;
    case CompactType::kBinary:
      ReadBinary();
      return;
    case CompactType::kList:
    case CompactType::kSet: {
      CompactType element;
      uint32_t size;
      ReadListHeader(&element, &size);
      bool bools = element == CompactType::kBoolTrue || element == CompactType::kBoolFalse;
      for (uint32_t i = 0; i < size && ok(); ++i) {
        SkipDepth(bools ? CompactType::kI8 : element, depth + 1);
      }
      return;
    }
    case CompactType::kMap: {
      uint64_t size = ReadVarint();
      if (size == 0 || !ok()) return;
      uint8_t kinds = static_cast<uint8_t>(ReadI8());
      auto key = static_cast<CompactType>(kinds >> 4);
      auto value = static_cast<CompactType>(kinds & 0x0f);
      if ((kinds >> 4) > 12 || (kinds & 0x0f) > 12) return Fail("unknown map types");
      if (size > data_.size() - pos_) return Fail("map past the end");
      auto fix = [](CompactType t) {
        return t == CompactType::kBoolTrue || t == CompactType::kBoolFalse ? CompactType::kI8 : t;
      };
      for (uint64_t i = 0; i < size && ok(); ++i) {
        SkipDepth(fix(key), depth + 1);
        SkipDepth(fix(value), depth + 1);
      }
      return;
    }
    case CompactType::kStruct: {
      BeginStruct();
      int16_t id;
      CompactType field_type;
      while (NextField(&id, &field_type)) SkipDepth(field_type, depth + 1);
      EndStruct();
      return;
    }
    case CompactType::kStop:
      return Fail("unexpected stop type");
  }
}

}  // namespace stocktake::report::parquet
