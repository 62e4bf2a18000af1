// Test-only: a minimal Thrift compact protocol decoder into a generic tree, so unit tests can
// inspect what the writer serialized (footer, page headers) without a Parquet reader.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet/thrift_compact.h"

namespace stocktake::format::parquet::testing {

struct TValue {
  CompactType type = CompactType::kStop;
  int64_t i = 0;  // integers (zigzag-decoded), bools (0/1)
  std::string bin;
  std::vector<TValue> list;
  std::map<int16_t, TValue> fields;

  const TValue& at(int16_t id) const { return fields.at(id); }
  bool has(int16_t id) const { return fields.count(id) > 0; }
};

class CompactReader {
 public:
  explicit CompactReader(std::string_view data) : data_(data) {}

  TValue ReadStruct() {
    TValue s;
    s.type = CompactType::kStruct;
    int16_t last = 0;
    while (true) {
      uint8_t header = Byte();
      if (header == 0) break;
      auto type = static_cast<CompactType>(header & 0x0f);
      int delta = header >> 4;
      int16_t id = delta != 0 ? static_cast<int16_t>(last + delta)
                              : static_cast<int16_t>(UnZigZag(Varint()));
      last = id;
      TValue v;
      if (type == CompactType::kBoolTrue || type == CompactType::kBoolFalse) {
        v.type = CompactType::kBoolTrue;
        v.i = type == CompactType::kBoolTrue ? 1 : 0;
      } else {
        v = ReadValue(type);
      }
      s.fields[id] = std::move(v);
    }
    return s;
  }

  size_t position() const { return pos_; }

 private:
  TValue ReadValue(CompactType type) {
    TValue v;
    v.type = type;
    switch (type) {
      case CompactType::kI8:
        v.i = static_cast<int8_t>(Byte());
        break;
      case CompactType::kI16:
      case CompactType::kI32:
      case CompactType::kI64:
        v.i = UnZigZag(Varint());
        break;
      case CompactType::kBinary: {
        uint64_t n = Varint();
        if (pos_ + n > data_.size()) throw std::runtime_error("binary past end");
        v.bin = std::string(data_.substr(pos_, n));
        pos_ += n;
        break;
      }
      case CompactType::kList:
      case CompactType::kSet: {
        uint8_t h = Byte();
        uint64_t n = h >> 4;
        if (n == 15) n = Varint();
        auto elem = static_cast<CompactType>(h & 0x0f);
        for (uint64_t k = 0; k < n; ++k) {
          if (elem == CompactType::kBoolTrue || elem == CompactType::kBoolFalse) {
            TValue b;
            b.type = CompactType::kBoolTrue;
            b.i = Byte();
            v.list.push_back(b);
          } else {
            v.list.push_back(ReadValue(elem));
          }
        }
        break;
      }
      case CompactType::kStruct:
        return ReadStruct();
      default:
        throw std::runtime_error("unsupported compact type");
    }
    return v;
  }
  uint8_t Byte() {
    if (pos_ >= data_.size()) throw std::runtime_error("read past end");
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw std::runtime_error("varint too long");
  }
  static int64_t UnZigZag(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace stocktake::format::parquet::testing
