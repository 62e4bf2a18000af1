#include "report/parquet/rle_decoder.h"

#include <algorithm>
#include <string>

namespace stocktake::report::parquet {

RleBitPackedDecoder::RleBitPackedDecoder(std::string_view data, int bit_width)
    : data_(data), bit_width_(bit_width) {
  if (bit_width < 0 || bit_width > 32) Fail("bit width " + std::to_string(bit_width));
}

bool RleBitPackedDecoder::Fail(std::string_view what) {
  if (status_.ok()) status_ = Status::Corruption("RLE/bit-packed data: " + std::string(what));
  pos_ = data_.size();
  remaining_ = 0;
  return false;
}

bool RleBitPackedDecoder::StartRun() {
  if (!status_.ok() || pos_ >= data_.size()) return false;
  uint64_t header = 0;
  int shift = 0;
  while (true) {
    if (pos_ >= data_.size()) return Fail("truncated run header");
    uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
    if (shift < 64) header |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
    shift += 7;
    if (shift > 63) return Fail("run header too long");
  }
  if (header & 1) {
    uint64_t groups = header >> 1;
    uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);  // 8 values per group
    packed_ = true;
    packed_start_ = pos_;
    packed_index_ = 0;
    remaining_ = groups * 8;
    // Writers may end the last run early: only the values that are there can be read.
    if (bytes > data_.size() - pos_) {
      uint64_t available = data_.size() - pos_;
      remaining_ = bit_width_ == 0 ? remaining_ : available * 8 / static_cast<uint64_t>(bit_width_);
      pos_ = data_.size();
    } else {
      pos_ += bytes;
    }
  } else {
    packed_ = false;
    remaining_ = header >> 1;
    size_t width_bytes = (static_cast<size_t>(bit_width_) + 7) / 8;
    if (width_bytes > data_.size() - pos_) return Fail("truncated RLE run value");
    uint32_t v = 0;
    for (size_t i = 0; i < width_bytes; ++i) {
      v |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += width_bytes;
    rle_value_ = v;
    if (bit_width_ < 32 && (v >> bit_width_) != 0)
      return Fail("RLE value wider than the bit width");
  }
  return true;
}

bool RleBitPackedDecoder::Next(uint32_t* value) {
  while (remaining_ == 0) {
    if (!StartRun()) return false;
  }
  --remaining_;
  if (!packed_) {
    *value = rle_value_;
    return true;
  }
  // Values are packed from the least significant bit of each byte (Encodings.md, bit-packing).
  uint64_t bit = packed_index_++ * static_cast<uint64_t>(bit_width_);
  uint64_t v = 0;
  int got = 0;
  while (got < bit_width_) {
    size_t byte_index = packed_start_ + bit / 8;
    int bit_in_byte = static_cast<int>(bit % 8);
    int take = std::min(8 - bit_in_byte, bit_width_ - got);
    uint64_t byte = static_cast<uint8_t>(data_[byte_index]);
    v |= ((byte >> bit_in_byte) & ((1u << take) - 1)) << got;
    got += take;
    bit += static_cast<uint64_t>(take);
  }
  *value = static_cast<uint32_t>(v);
  return true;
}

}  // namespace stocktake::report::parquet
