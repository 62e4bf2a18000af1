// ProtobufReader: a decoder for the protocol buffers wire format (protobuf.dev "Encoding"), enough
// to read ORC's PostScript, Footer and StripeFooter (orc-format orc_proto.proto, proto2). Input is
// untrusted: reads are bounds-checked and the first error is sticky.
//
// Usage:
//   ProtobufReader r(bytes);
//   while (r.NextField()) {
//     switch (r.field()) { case 1: x = r.ReadVarint(); break; default: r.SkipField(); }
//   }
//   if (!r.ok()) ...
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace stocktake::report::orc {

// Wire types (protobuf encoding, "Message Structure"). On-wire constants.
enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

class ProtobufReader {
 public:
  explicit ProtobufReader(std::string_view data) : data_(data) {}

  // Reads the next tag; false at the end of the message (or on error).
  bool NextField();
  uint32_t field() const { return field_; }
  WireType wire_type() const { return wire_type_; }

  // Values of the current field; each checks the wire type.
  uint64_t ReadVarint();
  int64_t ReadSint64() {  // zigzag
    uint64_t v = ReadVarint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::string_view ReadBytes();  // strings, bytes and embedded messages
  // A repeated scalar varint field, packed (length-delimited) or not: appends its values.
  void ReadRepeatedVarint(std::vector<uint64_t>* out);
  void SkipField();

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }

 private:
  uint64_t RawVarint();
  void Fail(std::string_view what);

  std::string_view data_;
  size_t pos_ = 0;
  uint32_t field_ = 0;
  WireType wire_type_ = WireType::kVarint;
  Status status_;
};

}  // namespace stocktake::report::orc
