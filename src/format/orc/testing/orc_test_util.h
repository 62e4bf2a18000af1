// Test-only decoders for the ORC encodings, written from the spec text, so the unit tests can
// round-trip the encoders and check row index positions. The independent check is Apache ORC's
// own reader (tests/readers/orc_apache_reader_test.cc).
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "format/orc/compression_stream.h"
#include "io/output_stream.h"

namespace stocktake::format::orc::testing {

// The compressed bytes of `stream`, in one string.
inline std::string Contents(const CompressedStream& stream) {
  io::MemoryOutputStream out;
  EXPECT_TRUE(stream.output().WriteTo(&out).ok());
  return out.contents();
}

inline std::string InflateRaw(std::string_view in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, -15), Z_OK);
  std::string out;
  char buf[65536];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << rc;
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&zs);
  return out;
}

// An ORC compressed stream, decompressed; remembers where each chunk starts so that a row index
// position (chunk offset, offset in chunk) maps to an offset in `data`.
struct Decompressed {
  std::string data;
  std::map<uint64_t, uint64_t> chunk_starts;  // compressed offset -> uncompressed offset
  uint64_t compressed_size = 0;
  size_t max_chunk = 0;
  uint64_t Seek(uint64_t chunk_offset, uint64_t in_chunk) const {
    if (chunk_offset == compressed_size) {
      EXPECT_EQ(in_chunk, 0u);
      return data.size();
    }
    auto it = chunk_starts.find(chunk_offset);
    EXPECT_NE(it, chunk_starts.end()) << "position is not a chunk start: " << chunk_offset;
    return it == chunk_starts.end() ? 0 : it->second + in_chunk;
  }
};

inline Decompressed Decompress(std::string_view stream) {
  Decompressed d;
  d.compressed_size = stream.size();
  size_t pos = 0;
  while (pos < stream.size()) {
    EXPECT_LE(pos + 3, stream.size());
    const uint32_t header = static_cast<uint8_t>(stream[pos]) |
                            (static_cast<uint8_t>(stream[pos + 1]) << 8) |
                            (static_cast<uint8_t>(stream[pos + 2]) << 16);
    const size_t length = header >> 1;
    const bool original = header & 1;
    d.chunk_starts[pos] = d.data.size();
    std::string_view chunk = stream.substr(pos + 3, length);
    const std::string plain = original ? std::string(chunk) : InflateRaw(chunk);
    d.max_chunk = std::max(d.max_chunk, plain.size());
    d.data += plain;
    pos += 3 + length;
  }
  EXPECT_EQ(pos, stream.size());
  return d;
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view data, size_t pos = 0) : data_(data), pos_(pos) {}
  bool done() const { return pos_ >= data_.size(); }
  uint8_t Next() {
    EXPECT_LT(pos_, data_.size());
    return pos_ < data_.size() ? static_cast<uint8_t>(data_[pos_++]) : 0;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = Next();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    return v;
  }
  uint64_t BigEndian(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | Next();
    return v;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_;
};

inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline int DecodeWidth(uint32_t code) {
  static const int kWidths[] = {26, 28, 30, 32, 40, 48, 56, 64};
  return code <= 23 ? static_cast<int>(code) + 1 : kWidths[code - 24];
}

inline std::vector<uint64_t> Unpack(ByteReader* r, size_t n, int width) {
  std::vector<uint64_t> out;
  uint64_t cur = 0;
  int bits_left = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t v = 0;
    for (int need = width; need > 0;) {
      if (bits_left == 0) {
        cur = r->Next();
        bits_left = 8;
      }
      const int take = std::min(need, bits_left);
      v = (v << take) | ((cur >> (bits_left - take)) & ((1u << take) - 1));
      bits_left -= take;
      need -= take;
    }
    out.push_back(v);
  }
  return out;
}

// Decodes RLE v2 runs from `r` until `count` values are read (SHORT_REPEAT, DIRECT, DELTA,
// PATCHED_BASE).
inline std::vector<int64_t> DecodeRleV2(ByteReader* r, size_t count, bool is_signed) {
  std::vector<int64_t> out;
  auto decode = [&](uint64_t v) { return is_signed ? UnZigZag(v) : static_cast<int64_t>(v); };
  while (out.size() < count && !r->done()) {
    const uint8_t first = r->Next();
    const int kind = first >> 6;
    if (kind == 0) {  // SHORT_REPEAT
      const int bytes = ((first >> 3) & 7) + 1;
      const size_t n = (first & 7) + 3;
      const int64_t v = decode(r->BigEndian(bytes));
      out.insert(out.end(), n, v);
      continue;
    }
    const size_t n = ((static_cast<size_t>(first & 1) << 8) | r->Next()) + 1;
    const uint32_t code = (first >> 1) & 0x1f;
    if (kind == 1) {  // DIRECT
      for (uint64_t v : Unpack(r, n, DecodeWidth(code))) out.push_back(decode(v));
    } else if (kind == 3) {  // DELTA
      const int64_t base = is_signed ? UnZigZag(r->Varint()) : static_cast<int64_t>(r->Varint());
      const int64_t delta = UnZigZag(r->Varint());
      out.push_back(base);
      if (n == 1) continue;
      if (code == 0) {
        for (size_t i = 1; i < n; ++i) out.push_back(out.back() + delta);
      } else {
        out.push_back(base + delta);
        for (uint64_t d : Unpack(r, n - 2, DecodeWidth(code))) {
          out.push_back(delta < 0 ? out.back() - static_cast<int64_t>(d)
                                  : out.back() + static_cast<int64_t>(d));
        }
      }
    } else {  // PATCHED_BASE
      const uint8_t third = r->Next();
      const uint8_t fourth = r->Next();
      const int base_bytes = ((third >> 5) & 7) + 1;
      const int patch_width = DecodeWidth(third & 0x1f);
      const int gap_width = ((fourth >> 5) & 7) + 1;
      const size_t patch_count = fourth & 0x1f;
      uint64_t base_raw = r->BigEndian(base_bytes);
      const uint64_t sign = uint64_t{1} << (base_bytes * 8 - 1);
      const int64_t base = (base_raw & sign) ? -static_cast<int64_t>(base_raw & ~sign)
                                             : static_cast<int64_t>(base_raw);
      std::vector<uint64_t> values = Unpack(r, n, DecodeWidth(code));
      const int width = DecodeWidth(code);
      std::vector<uint64_t> patches = Unpack(r, patch_count, gap_width + patch_width);
      size_t idx = 0;
      for (uint64_t p : patches) {
        idx += p >> patch_width;
        const uint64_t patch = p & ((uint64_t{1} << patch_width) - 1);
        values[idx] |= patch << width;
      }
      for (uint64_t v : values) out.push_back(base + static_cast<int64_t>(v));
    }
  }
  return out;
}

inline std::vector<uint8_t> DecodeByteRle(ByteReader* r, size_t count) {
  std::vector<uint8_t> out;
  while (out.size() < count && !r->done()) {
    const auto control = static_cast<int8_t>(r->Next());
    if (control >= 0) {
      out.insert(out.end(), static_cast<size_t>(control) + 3, r->Next());
    } else {
      for (int i = 0; i < -control; ++i) out.push_back(r->Next());
    }
  }
  return out;
}

inline std::vector<bool> DecodeBooleans(ByteReader* r, size_t count, size_t skip_bits = 0) {
  const std::vector<uint8_t> bytes = DecodeByteRle(r, (count + skip_bits + 7) / 8);
  std::vector<bool> out;
  for (size_t i = skip_bits; i < skip_bits + count && i / 8 < bytes.size(); ++i) {
    out.push_back((bytes[i / 8] >> (7 - i % 8)) & 1);
  }
  return out;
}

}  // namespace stocktake::format::orc::testing
