// Integer run length encoding, version 2 (ORC specification v1, "Run Length Encoding" ->
// "Integer Run Length Encoding, version 2"), used by every DIRECT_V2 / DICTIONARY_V2 integer
// stream: bigint data, timestamp seconds and nanos, string lengths and dictionary indexes.
//
// Sub-encodings written (the first 2 bits of each run's header):
//   SHORT_REPEAT (0): 3..10 copies of one value; 1 header byte + the value in 1..8 big-endian
//   bytes. DIRECT (1):       1..512 values bit-packed (big-endian, MSB first) at one width. DELTA
//   (3):        1..512 values as base + first delta (varints) + bit-packed |deltas|; the
//                     deltas must all have the first delta's sign; width 0 = fixed delta, which
//                     also encodes long runs of one value (delta 0).
// PATCHED_BASE (2) is not written: DIRECT at the full width is always valid, only larger when a
// few outliers dominate a run.
//
// Signed streams store zigzag values ((n << 1) ^ (n >> 63)); unsigned streams must only be given
// values >= 0.
//
// Row index position of an RLE v2 stream: the stream position where the next run will start,
// then the number of values buffered for that run (the reader seeks, then skips that many).
#pragma once

#include <cstdint>
#include <vector>

#include "format/orc/compression_stream.h"

namespace stocktake::format::orc {

namespace rle_v2 {
// The bit widths a 5-bit width code can express: 1..24, 26, 28, 30, 32, 40, 48, 56, 64.
// Rounds a needed width (0..64) up to the nearest of them (0 -> 1).
int ClosestFixedBits(int bits);
// The 5-bit code of a width returned by ClosestFixedBits.
uint32_t EncodeBitWidth(int width);
// Number of significant bits of v (0 for 0).
inline int BitLength(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }
}  // namespace rle_v2

class RleV2Encoder {
 public:
  static constexpr size_t kMaxRunLength = 512;  // 9-bit length field, stored minus one
  static constexpr size_t kMinRepeat = 3;       // SHORT_REPEAT stores the count minus 3
  static constexpr size_t kMaxShortRepeat = 10;

  // `out` is not owned.
  RleV2Encoder(CompressedStream* out, bool is_signed) : out_(out), signed_(is_signed) {}

  void Add(int64_t value) {
    if (repeat_count_ > 0) {
      if (value == repeat_value_ && repeat_count_ < kMaxRunLength) {
        ++repeat_count_;
        return;
      }
      EmitRepeat();
    }
    tail_run_ = (num_literals_ > 0 && literals_[num_literals_ - 1] == value) ? tail_run_ + 1 : 1;
    literals_[num_literals_++] = value;
    if (tail_run_ == kMinRepeat) {
      StartRepeatFromTail();
    } else if (num_literals_ == kMaxRunLength) {
      EmitLiterals(num_literals_);
    }
  }

  // Appends the position of the next value (see the file comment): 3 numbers.
  void RecordPosition(std::vector<uint64_t>* positions) const {
    out_->RecordPosition(positions);
    positions->push_back(num_literals_ + repeat_count_);
  }

  // Writes every buffered value. The encoder can be used again afterwards.
  void Flush();

  // Bytes buffered and not yet handed to the stream (an estimate, for stripe sizing).
  uint64_t BufferedBytes() const { return (num_literals_ + (repeat_count_ ? 1 : 0)) * 8; }

 private:
  void StartRepeatFromTail();
  void EmitRepeat();
  // Writes literals_[0, count) as one run (DIRECT or DELTA, whichever is smaller) and moves the
  // remaining buffered literals to the front.
  void EmitLiterals(size_t count);
  void WriteShortRepeat(uint64_t encoded, size_t count);
  void WriteDelta(size_t count, uint64_t max_abs_delta, bool fixed);
  void WriteDirect(size_t count, int width);
  uint64_t Encode(int64_t v) const {
    return signed_ ? ((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63))
                   : static_cast<uint64_t>(v);
  }

  CompressedStream* out_;
  bool signed_;
  int64_t literals_[kMaxRunLength];
  size_t num_literals_ = 0;
  size_t tail_run_ = 0;  // how many of the last literals are equal
  int64_t repeat_value_ = 0;
  size_t repeat_count_ = 0;  // > 0: a run of repeat_value_ is being counted (no literals then)
  uint64_t scratch_[kMaxRunLength];
  uint8_t bytes_[kMaxRunLength * 8 + 32];
};

}  // namespace stocktake::format::orc
