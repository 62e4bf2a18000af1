// ULEB128, the base-128 varint (least significant group first) that both Protocol Buffers (ORC
// metadata) and Thrift's compact protocol (Parquet footers) use for integers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace stocktake::report {

// Reads the varint at data[*pos] (at most 10 bytes for 64 bits) into *value and advances *pos.
// Returns nullptr, or what is wrong with the bytes.
inline const char* ReadUleb128(std::string_view data, size_t* pos, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= data.size()) return "truncated varint";
    auto byte = static_cast<uint8_t>(data[(*pos)++]);
    if (shift < 64) *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return nullptr;
  }
  return "varint longer than 10 bytes";
}

}  // namespace stocktake::report
