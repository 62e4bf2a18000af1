// The Parquet RLE / bit-packing hybrid (apache/parquet-format Encodings.md, "Run Length Encoding /
// Bit-Packing Hybrid (RLE = 3)"): definition levels, dictionary indices and RLE booleans.
//   encoded-data := run*;  run := bit-packed-run | rle-run
//   bit-packed-run := varint(groups << 1 | 1) then groups * 8 values of bit_width bits, packed
//                     from the least significant bit of each byte
//   rle-run := varint(count << 1) then the value in ceil(bit_width / 8) little-endian bytes
// The caller strips any 4-byte length prefix. Input is untrusted; errors are sticky.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace stocktake::report::parquet {

class RleBitPackedDecoder {
 public:
  // bit_width in 0..32.
  RleBitPackedDecoder(std::string_view data, int bit_width);

  // The next value; false past the end of the data or on error (see status()).
  bool Next(uint32_t* value);
  const Status& status() const { return status_; }

 private:
  bool StartRun();
  bool Fail(std::string_view what);

  std::string_view data_;
  size_t pos_ = 0;
  int bit_width_;
  // Current run.
  bool packed_ = false;
  uint64_t remaining_ = 0;  // values left in the run
  uint32_t rle_value_ = 0;
  size_t packed_start_ = 0;  // byte offset of the packed values
  uint64_t packed_index_ = 0;
  Status status_;
};

}  // namespace stocktake::report::parquet
