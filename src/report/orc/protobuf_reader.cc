#include "report/orc/protobuf_reader.h"

#include <string>

#include "report/varint.h"

namespace stocktake::report::orc {

void ProtobufReader::Fail(std::string_view what) {
  if (status_.ok()) {
    status_ =
        Status::Corruption("protobuf: " + std::string(what) + " at byte " + std::to_string(pos_));
  }
  pos_ = data_.size();
}

uint64_t ProtobufReader::RawVarint() {
  uint64_t value;
  if (const char* error = ReadUleb128(data_, &pos_, &value)) {
    Fail(error);
    return 0;
  }
  return value;
}

bool ProtobufReader::NextField() {
  if (!ok() || pos_ >= data_.size()) return false;
  uint64_t tag = RawVarint();  // (field_number << 3) | wire_type
  if (!ok()) return false;
  field_ = static_cast<uint32_t>(tag >> 3);
  uint8_t type = tag & 7;
  if (field_ == 0 || type > 5) {
    Fail("bad tag " + std::to_string(tag));
    return false;
  }
  wire_type_ = static_cast<WireType>(type);
  return true;
}

uint64_t ProtobufReader::ReadVarint() {
  if (wire_type_ != WireType::kVarint) {
    Fail("field " + std::to_string(field_) + " is not a varint");
    return 0;
  }
  return RawVarint();
}

std::string_view ProtobufReader::ReadBytes() {
  if (wire_type_ != WireType::kLengthDelimited) {
    Fail("field " + std::to_string(field_) + " is not length-delimited");
    return {};
  }
  uint64_t length = RawVarint();
  if (!ok()) return {};
  if (length > data_.size() - pos_) {
    Fail("field " + std::to_string(field_) + " runs past the end");
    return {};
  }
  std::string_view out = data_.substr(pos_, length);
  pos_ += length;
  return out;
}

void ProtobufReader::ReadRepeatedVarint(std::vector<uint64_t>* out) {
  if (wire_type_ == WireType::kVarint) {
    out->push_back(RawVarint());
    return;
  }
  ProtobufReader packed(ReadBytes());  // [packed = true]: the varints back to back
  while (ok() && packed.pos_ < packed.data_.size()) {
    out->push_back(packed.RawVarint());
    if (!packed.ok()) {
      Fail("bad packed varints");
      return;
    }
  }
}

void ProtobufReader::SkipField() {
  switch (wire_type_) {
    case WireType::kVarint:
      RawVarint();
      return;
    case WireType::kFixed64:
      if (data_.size() - pos_ < 8) return Fail("truncated fixed64");
      pos_ += 8;
      return;
    case WireType::kLengthDelimited:
      ReadBytes();
      return;
    case WireType::kFixed32:
      if (data_.size() - pos_ < 4) return Fail("truncated fixed32");
      pos_ += 4;
      return;
    case WireType::kStartGroup:
    case WireType::kEndGroup:
      return Fail("groups are not used by ORC");
  }
}

}  // namespace stocktake::report::orc
