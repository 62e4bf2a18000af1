// RleEncoder: the "Run Length Encoding / Bit-Packing Hybrid" (RLE = 3) of apache/parquet-format
// Encodings.md, for unsigned values of a fixed bit width (1..32): definition levels (width 1) and
// dictionary indices. Emits only <encoded-data>; the caller adds the 4-byte length prefix where
// the page kind needs one (data page v1 levels) or the bit-width byte (dictionary indices).
//
// Runs of 8 or more equal values (aligned to the 8-value groups) become RLE runs; everything else
// is bit-packed in groups of 8, up to kMaxGroupsPerLiteralRun groups under a one-byte header. The
// last group is zero-padded to 8 values, which readers ignore (they know the value count).
//
// Reusable: Reset() keeps the output buffer's capacity, so steady-state encoding allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace stocktake::format::parquet {

// Bits needed to store `max_value` (0 for 0).
int BitWidth(uint32_t max_value);

class RleEncoder {
 public:
  explicit RleEncoder(int bit_width = 1) { Reset(bit_width); }

  // Starts a new sequence of values of `bit_width` bits (1..32).
  void Reset(int bit_width);
  // Appends a value; `value` must fit in bit_width bits.
  void Put(uint32_t value);
  // Ends the sequence and returns the encoded runs; valid until the next Reset().
  const std::string& Finish();
  // Upper bound on the encoded size of the values put so far.
  size_t EstimatedBytes() const {
    return out_.size() + (num_buffered_ * bit_width_ + 7) / 8 + (repeat_count_ >= kGroup ? 10 : 0);
  }

 private:
  static constexpr int kGroup = 8;  // values per bit-packed group; RLE needs a full group
  // A literal run header is varint(groups << 1 | 1); 63 groups keep it within one byte.
  static constexpr int kMaxGroupsPerLiteralRun = 63;

  void FlushGroup();
  void WriteRepeatedRun();
  void CloseLiteralRun();
  void BitPackGroup(const uint32_t* values);

  int bit_width_ = 1;
  std::string out_;
  uint32_t buffered_[kGroup];
  int num_buffered_ = 0;
  uint32_t current_value_ = 0;
  // Consecutive copies of current_value_ since the last flushed literal group; once it reaches
  // kGroup the values are no longer buffered but counted as an RLE run.
  int64_t repeat_count_ = 0;
  // Position of the reserved header byte of the open literal run, or -1.
  int64_t literal_header_pos_ = -1;
  int literal_groups_ = 0;
};

}  // namespace stocktake::format::parquet
