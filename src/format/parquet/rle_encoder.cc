// RLE / bit-packing hybrid encoder (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"):
//   rle-run         := varint(run-len << 1) <value in round-up-to-byte(bit-width) bytes, LE>
//   bit-packed-run  := varint(groups << 1 | 1) <groups * bit-width bytes>
// Bit-packed values fill each byte from its least significant bit.
#include "format/parquet/rle_encoder.h"

#include <bit>
#include <cassert>

#include "format/parquet/thrift_compact.h"  // AppendUleb128

namespace stocktake::format::parquet {

int BitWidth(uint32_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

void RleEncoder::Reset(int bit_width) {
  assert(bit_width >= 1 && bit_width <= 32);
  bit_width_ = bit_width;
  out_.clear();
  num_buffered_ = 0;
  current_value_ = 0;
  repeat_count_ = 0;
  literal_header_pos_ = -1;
  literal_groups_ = 0;
}

void RleEncoder::Put(uint32_t value) {
  if (repeat_count_ > 0 && value == current_value_) {
    ++repeat_count_;
    // Past a full group the value only extends the pending RLE run.
    if (repeat_count_ > kGroup) return;
  } else {
    if (repeat_count_ >= kGroup) WriteRepeatedRun();
    current_value_ = value;
    repeat_count_ = 1;
  }
  buffered_[num_buffered_++] = value;
  if (num_buffered_ == kGroup) FlushGroup();
}

void RleEncoder::FlushGroup() {
  if (repeat_count_ >= kGroup) {
    // The whole group is one value: it becomes the start of an RLE run, written when it ends.
    num_buffered_ = 0;
    CloseLiteralRun();
    return;
  }
  if (literal_header_pos_ < 0) {
    literal_header_pos_ = static_cast<int64_t>(out_.size());
    out_.push_back('\0');  // header, filled in by CloseLiteralRun
    literal_groups_ = 0;
  }
  BitPackGroup(buffered_);
  num_buffered_ = 0;
  // Repeats are counted afresh after a literal group, so an RLE run always starts on a group.
  repeat_count_ = 0;
  if (++literal_groups_ == kMaxGroupsPerLiteralRun) CloseLiteralRun();
}

void RleEncoder::BitPackGroup(const uint32_t* values) {
  // 8 values of w bits make exactly w bytes.
  uint64_t acc = 0;
  int bits = 0;
  for (int i = 0; i < kGroup; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << bits;
    bits += bit_width_;
    while (bits >= 8) {
      out_.push_back(static_cast<char>(acc & 0xff));
      acc >>= 8;
      bits -= 8;
    }
  }
  assert(bits == 0);
}

void RleEncoder::WriteRepeatedRun() {
  CloseLiteralRun();
  AppendUleb128(&out_, static_cast<uint64_t>(repeat_count_) << 1);
  uint32_t v = current_value_;
  for (int i = 0; i < (bit_width_ + 7) / 8; ++i) {
    out_.push_back(static_cast<char>(v & 0xff));
    v >>= 8;
  }
  repeat_count_ = 0;
}

void RleEncoder::CloseLiteralRun() {
  if (literal_header_pos_ < 0) return;
  out_[static_cast<size_t>(literal_header_pos_)] = static_cast<char>((literal_groups_ << 1) | 1);
  literal_header_pos_ = -1;
  literal_groups_ = 0;
}

const std::string& RleEncoder::Finish() {
  if (repeat_count_ >= kGroup) {
    WriteRepeatedRun();
  } else if (num_buffered_ > 0) {
    if (repeat_count_ == num_buffered_) {
      // A short tail of one value: an RLE run needs no padding.
      num_buffered_ = 0;
      WriteRepeatedRun();
    } else {
      for (int i = num_buffered_; i < kGroup; ++i) buffered_[i] = 0;
      repeat_count_ = 0;
      num_buffered_ = kGroup;
      FlushGroup();
    }
  }
  CloseLiteralRun();
  return out_;
}

}  // namespace stocktake::format::parquet
