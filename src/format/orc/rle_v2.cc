#include "format/orc/rle_v2.h"

#include <algorithm>

namespace stocktake::format::orc {
namespace rle_v2 {

int ClosestFixedBits(int bits) {
  if (bits <= 1) return 1;
  if (bits <= 24) return bits;
  if (bits <= 26) return 26;
  if (bits <= 28) return 28;
  if (bits <= 30) return 30;
  if (bits <= 32) return 32;
  if (bits <= 40) return 40;
  if (bits <= 48) return 48;
  if (bits <= 56) return 56;
  return 64;
}

uint32_t EncodeBitWidth(int width) {
  // Spec table "FixedBitSizes": codes 0..23 are widths 1..24, then 26, 28, 30, 32, 40, 48, 56, 64.
  if (width <= 24) return static_cast<uint32_t>(width - 1);
  switch (width) {
    case 26:
      return 24;
    case 28:
      return 25;
    case 30:
      return 26;
    case 32:
      return 27;
    case 40:
      return 28;
    case 48:
      return 29;
    case 56:
      return 30;
    default:
      return 31;
  }
}

}  // namespace rle_v2

namespace {

size_t PutVarint(uint64_t v, uint8_t* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<uint8_t>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<uint8_t>(v);
  return n;
}

size_t VarintSize(uint64_t v) { return static_cast<size_t>(rle_v2::BitLength(v | 1) + 6) / 7; }

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// Bit-packs `n` values of `width` bits, big-endian and most significant bit first, the last byte
// padded with zero bits (spec: DIRECT and DELTA "bit packed"). Every width the 5-bit code can
// express is either a multiple of 8 or at most 30, so the accumulator never overflows.
size_t PackBits(const uint64_t* values, size_t n, int width, uint8_t* out) {
  uint8_t* p = out;
  if (width % 8 == 0) {
    const int bytes = width / 8;
    for (size_t i = 0; i < n; ++i) {
      for (int b = bytes - 1; b >= 0; --b) *p++ = static_cast<uint8_t>(values[i] >> (8 * b));
    }
    return static_cast<size_t>(p - out);
  }
  uint64_t acc = 0;
  int bits = 0;  // pending bits in acc, always < 8 between values
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << width) | values[i];
    bits += width;
    while (bits >= 8) {
      bits -= 8;
      *p++ = static_cast<uint8_t>(acc >> bits);
    }
    acc &= (uint64_t{1} << bits) - 1;
  }
  if (bits > 0) *p++ = static_cast<uint8_t>(acc << (8 - bits));
  return static_cast<size_t>(p - out);
}

}  // namespace

void RleV2Encoder::Flush() {
  if (repeat_count_ > 0) {
    EmitRepeat();
  } else if (num_literals_ > 0) {
    EmitLiterals(num_literals_);
  }
}

void RleV2Encoder::StartRepeatFromTail() {
  const int64_t value = literals_[num_literals_ - 1];
  if (num_literals_ > kMinRepeat) EmitLiterals(num_literals_ - kMinRepeat);
  num_literals_ = 0;
  tail_run_ = 0;
  repeat_value_ = value;
  repeat_count_ = kMinRepeat;
}

void RleV2Encoder::EmitRepeat() {
  const size_t count = repeat_count_;
  repeat_count_ = 0;
  if (count <= kMaxShortRepeat) {
    WriteShortRepeat(Encode(repeat_value_), count);
    return;
  }
  // Longer runs: DELTA with a fixed delta of 0 (width code 0).
  uint8_t* p = bytes_;
  const size_t len = count - 1;
  *p++ = static_cast<uint8_t>(0xC0 | (len >> 8));
  *p++ = static_cast<uint8_t>(len & 0xff);
  p += PutVarint(Encode(repeat_value_), p);
  p += PutVarint(ZigZag(0), p);
  out_->Write(bytes_, static_cast<size_t>(p - bytes_));
}

void RleV2Encoder::WriteShortRepeat(uint64_t encoded, size_t count) {
  // Header: 2 bits 00, 3 bits (value bytes - 1), 3 bits (count - 3); then the value big-endian.
  const int value_bytes = std::max(1, (rle_v2::BitLength(encoded) + 7) / 8);
  uint8_t* p = bytes_;
  *p++ = static_cast<uint8_t>(((value_bytes - 1) << 3) | (count - kMinRepeat));
  for (int b = value_bytes - 1; b >= 0; --b) *p++ = static_cast<uint8_t>(encoded >> (8 * b));
  out_->Write(bytes_, static_cast<size_t>(p - bytes_));
}

void RleV2Encoder::EmitLiterals(size_t count) {
  num_literals_ = 0;
  tail_run_ = 0;
  if (count == 0) return;

  uint64_t all_bits = 0;
  for (size_t i = 0; i < count; ++i) {
    scratch_[i] = Encode(literals_[i]);
    all_bits |= scratch_[i];
  }
  const int direct_width = rle_v2::ClosestFixedBits(rle_v2::BitLength(all_bits));
  const size_t direct_bytes = 2 + (count * static_cast<size_t>(direct_width) + 7) / 8;

  // DELTA applies when every delta has the sign of the first one (zero counts as either) and no
  // difference overflows int64.
  if (count >= 2) {
    int64_t first_delta;
    bool ok = !__builtin_sub_overflow(literals_[1], literals_[0], &first_delta);
    bool fixed = true;
    uint64_t abs_bits = 0;
    for (size_t i = 2; ok && i < count; ++i) {
      int64_t d;
      if (__builtin_sub_overflow(literals_[i], literals_[i - 1], &d) ||
          (first_delta >= 0 ? d < 0 : d > 0)) {
        ok = false;
        break;
      }
      fixed &= d == first_delta;
      abs_bits |= d < 0 ? uint64_t{0} - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
    }
    if (ok) {
      size_t delta_bytes = 2 + VarintSize(Encode(literals_[0])) + VarintSize(ZigZag(first_delta));
      if (!fixed) {
        // Width code 0 means "fixed delta", so a 1-bit width is written as 2.
        const int width = std::max(2, rle_v2::ClosestFixedBits(rle_v2::BitLength(abs_bits)));
        delta_bytes += ((count - 2) * static_cast<size_t>(width) + 7) / 8;
      }
      if (delta_bytes < direct_bytes) {
        WriteDelta(count, abs_bits, fixed);
        return;
      }
    }
  }
  WriteDirect(count, direct_width);
}

void RleV2Encoder::WriteDelta(size_t count, uint64_t abs_bits, bool fixed) {
  // Header: 2 bits 11, 5 bits width code (0 = fixed delta), 9 bits (count - 1); then the base
  // value (varint, zigzag when signed), the first delta (zigzag varint) and the packed |deltas|.
  const int width = fixed ? 0 : std::max(2, rle_v2::ClosestFixedBits(rle_v2::BitLength(abs_bits)));
  const uint32_t code = fixed ? 0 : rle_v2::EncodeBitWidth(width);
  const size_t len = count - 1;
  uint8_t* p = bytes_;
  *p++ = static_cast<uint8_t>(0xC0 | (code << 1) | (len >> 8));
  *p++ = static_cast<uint8_t>(len & 0xff);
  p += PutVarint(Encode(literals_[0]), p);
  p += PutVarint(ZigZag(literals_[1] - literals_[0]), p);
  if (!fixed) {
    for (size_t i = 2; i < count; ++i) {
      const int64_t d = literals_[i] - literals_[i - 1];
      scratch_[i - 2] = d < 0 ? uint64_t{0} - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
    }
    p += PackBits(scratch_, count - 2, width, p);
  }
  out_->Write(bytes_, static_cast<size_t>(p - bytes_));
}

void RleV2Encoder::WriteDirect(size_t count, int width) {
  // Header: 2 bits 01, 5 bits width code, 9 bits (count - 1); then the values bit-packed.
  const uint32_t code = rle_v2::EncodeBitWidth(width);
  const size_t len = count - 1;
  uint8_t* p = bytes_;
  *p++ = static_cast<uint8_t>(0x40 | (code << 1) | (len >> 8));
  *p++ = static_cast<uint8_t>(len & 0xff);
  p += PackBits(scratch_, count, width, p);
  out_->Write(bytes_, static_cast<size_t>(p - bytes_));
}

}  // namespace stocktake::format::orc
