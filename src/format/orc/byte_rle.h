// Byte run length encoding and boolean encoding (ORC specification v1, "Run Length Encoding" ->
// "Byte Run Length Encoding" and "Boolean Run Length Encoding"), used by PRESENT streams and
// boolean DATA streams.
//
// Byte RLE: a control byte 0..127 is a run of (control + 3) copies of the next byte (3..130); a
// control byte -1..-128 is followed by (-control) literal bytes.
// Boolean RLE: the bits are packed eight to a byte, most significant bit first, and those bytes are
// byte-RLE encoded; a last partial byte is padded with zero bits.
//
// Row index positions: byte RLE records the stream position where the next run starts and the
// number of bytes buffered for it; boolean RLE adds the number of bits already used in the
// current byte.
#pragma once

#include <cstdint>
#include <vector>

#include "format/orc/compression_stream.h"

namespace stocktake::format::orc {

class ByteRleEncoder {
 public:
  static constexpr size_t kMinRepeat = 3;
  static constexpr size_t kMaxRepeat = 127 + kMinRepeat;  // 130
  static constexpr size_t kMaxLiterals = 128;

  explicit ByteRleEncoder(CompressedStream* out) : out_(out) {}

  void Add(uint8_t value) {
    if (repeat_count_ > 0) {
      if (value == repeat_value_ && repeat_count_ < kMaxRepeat) {
        ++repeat_count_;
        return;
      }
      EmitRepeat();
    }
    tail_run_ = (num_literals_ > 0 && literals_[num_literals_ - 1] == value) ? tail_run_ + 1 : 1;
    literals_[num_literals_++] = value;
    if (tail_run_ == kMinRepeat) {
      StartRepeatFromTail();
    } else if (num_literals_ == kMaxLiterals) {
      EmitLiterals(num_literals_);
    }
  }
  // Adds `count` copies of `value` (PRESENT streams of columns without nulls).
  void AddRepeated(uint8_t value, uint64_t count);

  // 3 numbers: stream position (2) and bytes buffered for the next run.
  void RecordPosition(std::vector<uint64_t>* positions) const {
    out_->RecordPosition(positions);
    positions->push_back(num_literals_ + repeat_count_);
  }

  void Flush();

 private:
  void StartRepeatFromTail();
  void EmitRepeat();
  void EmitLiterals(size_t count);

  CompressedStream* out_;
  uint8_t literals_[kMaxLiterals];
  size_t num_literals_ = 0;
  size_t tail_run_ = 0;
  uint8_t repeat_value_ = 0;
  size_t repeat_count_ = 0;
};

class BooleanEncoder {
 public:
  explicit BooleanEncoder(CompressedStream* out) : bytes_(out) {}

  void Add(bool value) {
    current_ = static_cast<uint8_t>(current_ | (value ? 0x80u >> bits_ : 0));
    if (++bits_ == 8) {
      bytes_.Add(current_);
      current_ = 0;
      bits_ = 0;
    }
  }
  void AddRepeated(bool value, uint64_t count);

  // 4 numbers: the byte RLE position (3) and the bits used in the current byte.
  void RecordPosition(std::vector<uint64_t>* positions) const {
    bytes_.RecordPosition(positions);
    positions->push_back(bits_);
  }

  void Flush();

 private:
  ByteRleEncoder bytes_;
  uint8_t current_ = 0;
  unsigned bits_ = 0;
};

}  // namespace stocktake::format::orc
