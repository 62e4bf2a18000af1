// PLAIN encoding primitives (apache/parquet-format Encodings.md, "Plain: (PLAIN = 0)"):
// INT64 as 8 bytes little endian, BYTE_ARRAY as a 4-byte little-endian length then the bytes,
// BOOLEAN bit-packed LSB first. Also used for statistics values and length prefixes.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace stocktake::format::parquet {

inline void StoreInt64LE(int64_t value, char* out) {
  auto v = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

inline void AppendUint32LE(uint32_t value, std::string* out) {
  char b[4] = {static_cast<char>(value & 0xff), static_cast<char>((value >> 8) & 0xff),
               static_cast<char>((value >> 16) & 0xff), static_cast<char>((value >> 24) & 0xff)};
  out->append(b, 4);
}

inline void AppendInt64LE(int64_t value, std::string* out) {
  char b[8];
  StoreInt64LE(value, b);
  out->append(b, 8);
}

inline void AppendByteArray(std::string_view value, std::string* out) {
  AppendUint32LE(static_cast<uint32_t>(value.size()), out);
  out->append(value);
}

// PLAIN BOOLEAN: one bit per value, filling each byte from its least significant bit.
class BooleanPacker {
 public:
  void Put(bool value, std::string* out) {
    if (value) byte_ |= static_cast<uint8_t>(1u << bits_);
    if (++bits_ == 8) {
      out->push_back(static_cast<char>(byte_));
      byte_ = 0;
      bits_ = 0;
    }
  }
  // Writes the last partial byte (zero-padded).
  void Flush(std::string* out) {
    if (bits_ > 0) out->push_back(static_cast<char>(byte_));
    byte_ = 0;
    bits_ = 0;
  }
  int pending_bits() const { return bits_; }

 private:
  uint8_t byte_ = 0;
  int bits_ = 0;
};

}  // namespace stocktake::format::parquet
