#include "report/orc/orc_rle.h"

#include <algorithm>
#include <string>

namespace stocktake::report::orc {
namespace {

int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

Status EndOfStream(InputStream* in) {
  return in->status().ok() ? in->Fail("no more values") : in->status();
}

Status ReadVarint(InputStream* in, uint64_t* value) {
  // Base 128 varint (ORC spec, "Base 128 Varint").
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    uint8_t byte = 0;
    if (!in->ReadByte(&byte)) return EndOfStream(in);
    if (shift < 64) v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = v;
      return Status::OK();
    }
  }
  return in->Fail("varint longer than 10 bytes");
}

// ---- RLE v1 (ORC spec, "Integer Run Length Encoding, version 1") ----
class IntRleV1Decoder final : public IntDecoder {
 public:
  IntRleV1Decoder(InputStream* in, bool is_signed) : in_(in), signed_(is_signed) {}

  Status Next(int64_t* value) override {
    if (remaining_ == 0) {
      uint8_t control = 0;
      if (!in_->ReadByte(&control)) return EndOfStream(in_);
      if (control < 0x80) {  // a run: length - 3, a signed delta byte, then the base varint
        remaining_ = control + 3u;
        run_ = true;
        uint8_t delta = 0;
        if (!in_->ReadByte(&delta)) return EndOfStream(in_);
        delta_ = static_cast<int8_t>(delta);
        RETURN_IF_ERROR(ReadValue(&run_value_));
      } else {  // literals: the negated count, then that many varints
        remaining_ = 256u - control;
        run_ = false;
      }
    }
    --remaining_;
    if (!run_) return ReadValue(value);
    *value = run_value_;
    run_value_ =
        static_cast<int64_t>(static_cast<uint64_t>(run_value_) + static_cast<uint64_t>(delta_));
    return Status::OK();
  }

 private:
  Status ReadValue(int64_t* value) {
    uint64_t v;
    RETURN_IF_ERROR(ReadVarint(in_, &v));
    *value = signed_ ? UnZigZag(v) : static_cast<int64_t>(v);
    return Status::OK();
  }

  InputStream* in_;
  bool signed_;
  uint32_t remaining_ = 0;
  bool run_ = false;
  int64_t run_value_ = 0;
  int64_t delta_ = 0;
};

// ---- RLE v2 (ORC spec, "Integer Run Length Encoding, version 2") ----

// The 5-bit width encoding table of RLE v2.
int DecodeBitWidth(uint32_t encoded) {
  if (encoded <= 23) return static_cast<int>(encoded) + 1;
  static constexpr int kWide[] = {26, 28, 30, 32, 40, 48, 56, 64};
  return kWide[std::min<uint32_t>(encoded, 31) - 24];
}

// Patch entries of PATCHED_BASE runs are packed at the closest fixed width that holds
// gap width + patch width bits (ORC-642).
int ClosestFixedBits(int n) {
  if (n <= 1) return 1;
  if (n <= 24) return n;
  if (n <= 32) return n + (n & 1);  // 26, 28, 30, 32
  return (n + 7) / 8 * 8;           // 40, 48, 56, 64
}

class IntRleV2Decoder final : public IntDecoder {
 public:
  IntRleV2Decoder(InputStream* in, bool is_signed) : in_(in), signed_(is_signed) {}

  Status Next(int64_t* value) override {
    if (index_ == values_.size()) RETURN_IF_ERROR(ReadRun());
    *value = static_cast<int64_t>(values_[index_++]);
    return Status::OK();
  }

 private:
  Status Byte(uint8_t* b) { return in_->ReadByte(b) ? Status::OK() : EndOfStream(in_); }

  Status BigEndian(int bytes, uint64_t* value) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      uint8_t b = 0;
      RETURN_IF_ERROR(Byte(&b));
      v = (v << 8) | b;
    }
    *value = v;
    return Status::OK();
  }

  // `count` values of `width` bits, big-endian, most significant bit first, starting on a byte
  // boundary (a run's values end padded to a byte).
  Status Unpack(int width, size_t count, std::vector<uint64_t>* out) {
    out->clear();
    uint8_t current = 0;
    int bits_left = 0;
    for (size_t i = 0; i < count; ++i) {
      uint64_t v = 0;
      int need = width;
      while (need > 0) {
        if (bits_left == 0) {
          RETURN_IF_ERROR(Byte(&current));
          bits_left = 8;
        }
        int take = std::min(need, bits_left);
        uint64_t bits = (current >> (bits_left - take)) & ((1u << take) - 1);
        v = (v << take) | bits;
        bits_left -= take;
        need -= take;
      }
      out->push_back(v);
    }
    return Status::OK();
  }

  uint64_t Decode(uint64_t v) const { return signed_ ? static_cast<uint64_t>(UnZigZag(v)) : v; }

  Status ReadRun() {
    values_.clear();
    index_ = 0;
    uint8_t first = 0;
    RETURN_IF_ERROR(Byte(&first));
    switch (first >> 6) {
      case 0:
        return ShortRepeat(first);
      case 1:
        return Direct(first);
      case 2:
        return PatchedBase(first);
      default:
        return Delta(first);
    }
  }

  // 1-byte header: 2 bits encoding, 3 bits width - 1 (bytes), 3 bits count - 3.
  Status ShortRepeat(uint8_t first) {
    int width = ((first >> 3) & 7) + 1;
    int count = (first & 7) + 3;
    uint64_t v;
    RETURN_IF_ERROR(BigEndian(width, &v));
    values_.assign(static_cast<size_t>(count), Decode(v));
    return Status::OK();
  }

  // 2-byte header: 2 bits encoding, 5 bits encoded width, 9 bits length - 1.
  Status Direct(uint8_t first) {
    int width = DecodeBitWidth((first >> 1) & 0x1f);
    uint8_t second = 0;
    RETURN_IF_ERROR(Byte(&second));
    size_t length = (((first & 1u) << 8) | second) + 1;
    RETURN_IF_ERROR(Unpack(width, length, &values_));
    for (uint64_t& v : values_) v = Decode(v);
    return Status::OK();
  }

  // 4-byte header: encoding, width W, length L, base width BW (bytes), patch width PW, patch gap
  // width PGW, patch list length PLL; then the base (sign in its most significant bit), L values
  // of W bits, and PLL patch entries (gap << PW | patch).
  Status PatchedBase(uint8_t first) {
    int width = DecodeBitWidth((first >> 1) & 0x1f);
    uint8_t b2 = 0, b3 = 0, b4 = 0;
    RETURN_IF_ERROR(Byte(&b2));
    RETURN_IF_ERROR(Byte(&b3));
    RETURN_IF_ERROR(Byte(&b4));
    size_t length = (((first & 1u) << 8) | b2) + 1;
    int base_bytes = ((b3 >> 5) & 7) + 1;
    int patch_width = DecodeBitWidth(b3 & 0x1f);
    int gap_width = ((b4 >> 5) & 7) + 1;
    size_t patch_count = b4 & 0x1f;
    if (patch_width + gap_width > 64) return in_->Fail("PATCHED_BASE patch wider than 64 bits");
    uint64_t raw_base;
    RETURN_IF_ERROR(BigEndian(base_bytes, &raw_base));
    uint64_t sign_bit = uint64_t{1} << (base_bytes * 8 - 1);
    uint64_t base = raw_base & sign_bit ? ~(raw_base & ~sign_bit) + 1 : raw_base;  // -magnitude
    RETURN_IF_ERROR(Unpack(width, length, &values_));
    RETURN_IF_ERROR(Unpack(ClosestFixedBits(patch_width + gap_width), patch_count, &patches_));
    uint64_t patch_mask = patch_width == 64 ? ~uint64_t{0} : (uint64_t{1} << patch_width) - 1;
    uint64_t position = 0;
    for (uint64_t entry : patches_) {
      uint64_t gap = patch_width == 64 ? 0 : entry >> patch_width;
      uint64_t patch = entry & patch_mask;
      position += gap;
      // A gap of 255 with a zero patch only skips ahead: the next entry continues the gap.
      if (gap == 255 && patch == 0) continue;
      if (position >= length) return in_->Fail("PATCHED_BASE patch past the end of the run");
      if (width < 64) values_[position] |= patch << width;
    }
    for (uint64_t& v : values_) v += base;
    return Status::OK();
  }

  // 2-byte header: encoding, width of the deltas (0: fixed delta), length - 1; then the base
  // (signed or unsigned varint), the delta base (signed varint), and L - 2 deltas whose sign is
  // that of the delta base.
  Status Delta(uint8_t first) {
    uint32_t encoded = (first >> 1) & 0x1f;
    int width = encoded == 0 ? 0 : DecodeBitWidth(encoded);
    uint8_t second = 0;
    RETURN_IF_ERROR(Byte(&second));
    size_t length = (((first & 1u) << 8) | second) + 1;
    uint64_t raw;
    RETURN_IF_ERROR(ReadVarint(in_, &raw));
    uint64_t base = Decode(raw);
    RETURN_IF_ERROR(ReadVarint(in_, &raw));
    int64_t delta_base = UnZigZag(raw);
    values_.push_back(base);
    if (length == 1) return Status::OK();
    values_.push_back(base + static_cast<uint64_t>(delta_base));
    if (width == 0) {
      for (size_t i = 2; i < length; ++i) {
        values_.push_back(values_.back() + static_cast<uint64_t>(delta_base));
      }
      return Status::OK();
    }
    RETURN_IF_ERROR(Unpack(width, length - 2, &patches_));
    for (uint64_t d : patches_) {
      values_.push_back(delta_base < 0 ? values_.back() - d : values_.back() + d);
    }
    return Status::OK();
  }

  InputStream* in_;
  bool signed_;
  std::vector<uint64_t> values_;  // the current run (two's complement)
  std::vector<uint64_t> patches_;
  size_t index_ = 0;
};

}  // namespace

// ORC spec, "Byte Run Length Encoding": a control byte 0..127 is a run of control + 3 copies of
// the next byte; -128..-1 is followed by -control literal bytes.
Status ByteRleDecoder::Next(uint8_t* value) {
  if (remaining_ == 0) {
    uint8_t control = 0;
    if (!in_->ReadByte(&control)) return EndOfStream(in_);
    run_ = control < 0x80;
    remaining_ = run_ ? control + 3u : 256u - control;
    if (run_ && !in_->ReadByte(&run_value_)) return EndOfStream(in_);
  }
  --remaining_;
  if (run_) {
    *value = run_value_;
    return Status::OK();
  }
  return in_->ReadByte(value) ? Status::OK() : EndOfStream(in_);
}

// ORC spec, "Boolean Run Length Encoding": bits from the most significant down.
Status BooleanDecoder::Next(bool* value) {
  if (bits_left_ == 0) {
    RETURN_IF_ERROR(bytes_.Next(&current_));
    bits_left_ = 8;
  }
  --bits_left_;
  *value = (current_ >> bits_left_) & 1;
  return Status::OK();
}

std::unique_ptr<IntDecoder> NewIntDecoder(InputStream* in, bool v2, bool is_signed) {
  if (v2) return std::make_unique<IntRleV2Decoder>(in, is_signed);
  return std::make_unique<IntRleV1Decoder>(in, is_signed);
}

}  // namespace stocktake::report::orc
