// ProtoEncoder: a minimal Protocol Buffers (proto2) wire-format writer, enough for ORC's file tail,
// stripe footers and row indexes. It appends fields to a caller-owned std::string; nested messages
// are encoded into their own string first and then written as a length-delimited field.
//
// Wire format (https://protobuf.dev/programming-guides/encoding/):
//   tag      = varint(field_number << 3 | wire_type)
//   varint   = little-endian base-128, high bit set on every byte but the last (wire type 0)
//   sint64   = varint of the zigzag mapping (n << 1) ^ (n >> 63)
//   len      = varint(length) followed by the bytes (wire type 2): strings, bytes, messages and
//              packed repeated scalars
//
// Not thread-safe; cheap to construct (holds one pointer).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace stocktake::format::orc {

class ProtoEncoder {
 public:
  enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

  explicit ProtoEncoder(std::string* out) : out_(out) {}

  // uint32/uint64/enum/bool fields (wire type 0).
  void Uint(uint32_t field, uint64_t value) {
    Tag(field, kVarint);
    AppendVarint(out_, value);
  }
  void Bool(uint32_t field, bool value) { Uint(field, value ? 1 : 0); }
  // int32/int64 fields: negative values are sign-extended to ten bytes, as protobuf does.
  void Int(uint32_t field, int64_t value) { Uint(field, static_cast<uint64_t>(value)); }
  // sint32/sint64 fields: zigzag, so small negative numbers stay short.
  void Sint(uint32_t field, int64_t value) { Uint(field, ZigZag(value)); }
  // string/bytes fields and embedded messages (already encoded).
  void Bytes(uint32_t field, std::string_view value) {
    Tag(field, kLengthDelimited);
    AppendVarint(out_, value.size());
    out_->append(value);
  }
  // `repeated uint32/uint64 ... [packed=true]`: one length-delimited field holding the varints.
  // Writes nothing for an empty list (an absent packed field is the empty list).
  void PackedUint(uint32_t field, std::span<const uint64_t> values);
  void PackedUint(uint32_t field, std::span<const uint32_t> values);

  static void AppendVarint(std::string* out, uint64_t value) {
    char buf[10];
    size_t n = 0;
    while (value >= 0x80) {
      buf[n++] = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    buf[n++] = static_cast<char>(value);
    out->append(buf, n);
  }
  static size_t VarintSize(uint64_t value) {
    size_t n = 1;
    while (value >= 0x80) {
      value >>= 7;
      ++n;
    }
    return n;
  }
  static constexpr uint64_t ZigZag(int64_t value) {
    return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  }

 private:
  void Tag(uint32_t field, WireType type) {
    AppendVarint(out_, (static_cast<uint64_t>(field) << 3) | type);
  }
  template <typename T>
  void Packed(uint32_t field, std::span<const T> values);

  std::string* out_;
};

}  // namespace stocktake::format::orc
