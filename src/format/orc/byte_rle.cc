#include "format/orc/byte_rle.h"

#include <algorithm>

namespace stocktake::format::orc {

void ByteRleEncoder::AddRepeated(uint8_t value, uint64_t count) {
  // Single Adds until a run of `value` is open, then extend the run in bulk.
  while (count > 0) {
    if (repeat_count_ > 0 && repeat_value_ == value) {
      const uint64_t take = std::min<uint64_t>(count, kMaxRepeat - repeat_count_);
      repeat_count_ += take;
      count -= take;
      if (count > 0) EmitRepeat();  // the run is full
    } else {
      Add(value);
      --count;
    }
  }
}

void ByteRleEncoder::Flush() {
  if (repeat_count_ > 0) {
    EmitRepeat();
  } else if (num_literals_ > 0) {
    EmitLiterals(num_literals_);
  }
}

void ByteRleEncoder::StartRepeatFromTail() {
  const uint8_t value = literals_[num_literals_ - 1];
  if (num_literals_ > kMinRepeat) EmitLiterals(num_literals_ - kMinRepeat);
  num_literals_ = 0;
  tail_run_ = 0;
  repeat_value_ = value;
  repeat_count_ = kMinRepeat;
}

void ByteRleEncoder::EmitRepeat() {
  const uint8_t run[2] = {static_cast<uint8_t>(repeat_count_ - kMinRepeat), repeat_value_};
  out_->Write(run, 2);
  repeat_count_ = 0;
}

void ByteRleEncoder::EmitLiterals(size_t count) {
  // Control byte: -count as a signed byte.
  const uint8_t control = static_cast<uint8_t>(-static_cast<int>(count));
  out_->WriteByte(control);
  out_->Write(literals_, count);
  num_literals_ = 0;
  tail_run_ = 0;
}

void BooleanEncoder::AddRepeated(bool value, uint64_t count) {
  while (count > 0 && bits_ != 0) {
    Add(value);
    --count;
  }
  if (count >= 8) {
    bytes_.AddRepeated(value ? 0xff : 0x00, count / 8);
    count %= 8;
  }
  while (count > 0) {
    Add(value);
    --count;
  }
}

void BooleanEncoder::Flush() {
  if (bits_ != 0) {
    bytes_.Add(current_);
    current_ = 0;
    bits_ = 0;
  }
  bytes_.Flush();
}

}  // namespace stocktake::format::orc
