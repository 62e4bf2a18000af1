#include "report/parquet/delta_decoder.h"

#include <algorithm>
#include <string>

namespace stocktake::report::parquet {
namespace {

Status Bad(std::string_view what) {
  return Status::Corruption("delta encoding: " + std::string(what));
}

// ULEB128, as everywhere in Parquet.
bool ReadUleb(std::string_view data, size_t* pos, uint64_t* value) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= data.size()) return false;
    uint8_t byte = static_cast<uint8_t>(data[(*pos)++]);
    if (shift < 64) v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = v;
      return true;
    }
  }
  return false;
}

bool ReadZigZag(std::string_view data, size_t* pos, int64_t* value) {
  uint64_t v;
  if (!ReadUleb(data, pos, &v)) return false;
  *value = static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  return true;
}

// Value `index` of `width` bits packed from the least significant bit, starting at `base`.
uint64_t Unpack(std::string_view data, size_t base, uint64_t index, int width) {
  uint64_t bit = index * static_cast<uint64_t>(width);
  uint64_t v = 0;
  int got = 0;
  while (got < width) {
    size_t byte_index = base + bit / 8;
    int bit_in_byte = static_cast<int>(bit % 8);
    int take = std::min(8 - bit_in_byte, width - got);
    uint64_t byte = static_cast<uint8_t>(data[byte_index]);
    v |= ((byte >> bit_in_byte) & ((1u << take) - 1)) << got;
    got += take;
    bit += static_cast<uint64_t>(take);
  }
  return v;
}

}  // namespace

Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, bool bits32,
                               std::vector<int64_t>* out, size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size, miniblocks, total;
  int64_t first;
  if (!ReadUleb(data, &pos, &block_size) || !ReadUleb(data, &pos, &miniblocks) ||
      !ReadUleb(data, &pos, &total) || !ReadZigZag(data, &pos, &first)) {
    return Bad("truncated header");
  }
  // The block size is a multiple of 128 and the miniblock size a multiple of 32 (Encodings.md).
  if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0 || block_size > (1u << 20)) {
    return Bad("bad block layout");
  }
  if (total < count) return Bad("fewer values than the page needs");
  uint64_t per_miniblock = block_size / miniblocks;
  uint64_t value = static_cast<uint64_t>(first);
  auto emit = [&](uint64_t v) {
    out->push_back(bits32 ? static_cast<int32_t>(static_cast<uint32_t>(v))
                          : static_cast<int64_t>(v));
  };
  size_t produced = 0;
  if (total > 0) {
    if (count > 0) emit(value);
    produced = 1;
  }
  uint64_t remaining = total > 0 ? total - 1 : 0;  // deltas still encoded
  while (remaining > 0) {
    int64_t min_delta;
    if (!ReadZigZag(data, &pos, &min_delta)) return Bad("truncated block header");
    if (data.size() - pos < miniblocks) return Bad("truncated bit widths");
    size_t widths_at = pos;
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && remaining > 0; ++m) {
      int width = static_cast<uint8_t>(data[widths_at + m]);
      if (width > 64) return Bad("bit width over 64");
      uint64_t bytes = per_miniblock * static_cast<uint64_t>(width) / 8;
      if (data.size() - pos < bytes) return Bad("truncated miniblock");
      uint64_t in_this = std::min<uint64_t>(remaining, per_miniblock);
      for (uint64_t i = 0; i < in_this; ++i) {
        uint64_t delta = width == 0 ? 0 : Unpack(data, pos, i, width);
        value += static_cast<uint64_t>(min_delta) + delta;
        if (produced < count) emit(value);
        ++produced;
      }
      pos += bytes;
      remaining -= in_this;
    }
  }
  *consumed = pos;
  return Status::OK();
}

Status DecodeDeltaLengthByteArray(std::string_view data, size_t count,
                                  std::vector<std::string_view>* out) {
  std::vector<int64_t> lengths;
  size_t pos = 0;
  RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, true, &lengths, &pos));
  for (int64_t length : lengths) {
    if (length < 0 || static_cast<uint64_t>(length) > data.size() - pos) {
      return Bad("byte array length out of range");
    }
    out->push_back(data.substr(pos, static_cast<size_t>(length)));
    pos += static_cast<size_t>(length);
  }
  return Status::OK();
}

Status DecodeDeltaByteArray(std::string_view data, size_t count, std::string* storage,
                            std::vector<std::string_view>* out) {
  std::vector<int64_t> prefixes;
  size_t pos = 0;
  RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, true, &prefixes, &pos));
  std::vector<std::string_view> suffixes;
  RETURN_IF_ERROR(DecodeDeltaLengthByteArray(data.substr(pos), count, &suffixes));
  // Build every value in *storage first, then take the views (storage may reallocate).
  storage->clear();
  std::vector<std::pair<size_t, size_t>> spans;
  size_t previous_start = 0, previous_length = 0;
  for (size_t i = 0; i < count; ++i) {
    int64_t prefix = prefixes[i];
    if (prefix < 0 || static_cast<size_t>(prefix) > previous_length) {
      return Bad("prefix longer than the previous value");
    }
    std::string shared = storage->substr(previous_start, static_cast<size_t>(prefix));
    size_t start = storage->size();
    storage->append(shared);
    storage->append(suffixes[i]);
    previous_start = start;
    previous_length = storage->size() - start;
    spans.emplace_back(start, previous_length);
  }
  for (const auto& [start, length] : spans) {
    out->push_back(std::string_view(*storage).substr(start, length));
  }
  return Status::OK();
}

}  // namespace stocktake::report::parquet
