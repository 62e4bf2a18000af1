#include "format/orc/statistics.h"

#include "format/orc/protobuf_encoder.h"

namespace stocktake::format::orc {

void ColumnStatistics::AddStrings(uint64_t n, std::string_view min_value,
                                  std::string_view max_value, uint64_t total_length) {
  if (n == 0) return;
  if (count_ == 0 || min_value < std::string_view(min_string_)) min_string_.assign(min_value);
  if (count_ == 0 || max_value > std::string_view(max_string_)) max_string_.assign(max_value);
  count_ += n;
  total_length_ += total_length;
}

void ColumnStatistics::Merge(const ColumnStatistics& other) {
  has_null_ |= other.has_null_;
  if (other.count_ == 0 && kind_ != StatsKind::kStruct) return;
  switch (kind_) {
    case StatsKind::kStruct:
      count_ += other.count_;
      return;
    case StatsKind::kString:
      AddStrings(other.count_, other.min_string_, other.max_string_, other.total_length_);
      return;
    case StatsKind::kBoolean:
      count_ += other.count_;
      true_count_ += other.true_count_;
      return;
    case StatsKind::kInt64:
      if (!sum_overflow_) {
        sum_overflow_ = other.sum_overflow_ || __builtin_add_overflow(sum_, other.sum_, &sum_);
      }
      [[fallthrough]];
    case StatsKind::kTimestamp:
      if (count_ == 0) {
        min_ = other.min_;
        max_ = other.max_;
      } else {
        if (other.min_ < min_) min_ = other.min_;
        if (other.max_ > max_) max_ = other.max_;
      }
      count_ += other.count_;
      return;
  }
}

void ColumnStatistics::Reset() {
  count_ = 0;
  has_null_ = false;
  min_ = max_ = sum_ = 0;
  sum_overflow_ = false;
  true_count_ = 0;
  min_string_.clear();
  max_string_.clear();
  total_length_ = 0;
}

void ColumnStatistics::EncodeTo(std::string* out) const {
  // ColumnStatistics { number_of_values = 1; int_statistics = 2; string_statistics = 4;
  //   bucket_statistics = 5; timestamp_statistics = 9; has_null = 10 }
  ProtoEncoder e(out);
  e.Uint(1, count_);
  std::string sub;
  ProtoEncoder s(&sub);
  switch (kind_) {
    case StatsKind::kStruct:
      break;
    case StatsKind::kInt64:
      // IntegerStatistics { sint64 minimum = 1; maximum = 2; sum = 3 }
      if (count_ > 0) {
        s.Sint(1, min_);
        s.Sint(2, max_);
      }
      if (!sum_overflow_) s.Sint(3, sum_);
      e.Bytes(2, sub);
      break;
    case StatsKind::kString:
      // StringStatistics { minimum = 1; maximum = 2; sint64 sum = 3; lower_bound = 4;
      //                    upper_bound = 5 }
      if (count_ > 0) {
        if (min_string_.size() <= kMaxStringStatBytes) {
          s.Bytes(1, min_string_);
        }
        if (max_string_.size() <= kMaxStringStatBytes) {
          s.Bytes(2, max_string_);
        }
      }
      s.Sint(3, static_cast<int64_t>(total_length_));
      if (count_ > 0) {
        if (min_string_.size() > kMaxStringStatBytes) {
          s.Bytes(4, TruncateUtf8(min_string_, kMaxStringStatBytes));
        }
        if (max_string_.size() > kMaxStringStatBytes) {
          std::string upper = IncrementUtf8(TruncateUtf8(max_string_, kMaxStringStatBytes));
          if (!upper.empty()) s.Bytes(5, upper);
        }
      }
      e.Bytes(4, sub);
      break;
    case StatsKind::kBoolean: {
      // BucketStatistics { repeated uint64 count = 1 [packed] }: the number of true values.
      const uint64_t counts[] = {true_count_};
      s.PackedUint(1, std::span<const uint64_t>(counts));
      e.Bytes(5, sub);
      break;
    }
    case StatsKind::kTimestamp:
      // TimestampStatistics { sint64 minimum = 1; maximum = 2; minimum_utc = 3; maximum_utc = 4;
      //                       int32 minimum_nanos = 5; maximum_nanos = 6 }
      if (count_ > 0) {
        s.Sint(1, min_);
        s.Sint(2, max_);
        s.Sint(3, min_);
        s.Sint(4, max_);
        // minimum_nanos: sub-millisecond nanos are 0 = the default, so left out.
        s.Int(6, 0 + 1);
      }
      e.Bytes(9, sub);
      break;
  }
  e.Bool(10, has_null_);
}

std::string_view TruncateUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  // Back up over continuation bytes (10xxxxxx) so the cut falls before a lead byte.
  while (end > 0 && (static_cast<uint8_t>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string IncrementUtf8(std::string_view prefix) {
  std::string_view rest = prefix;
  while (!rest.empty()) {
    size_t start = rest.size() - 1;
    while (start > 0 && (static_cast<uint8_t>(rest[start]) & 0xC0) == 0x80) --start;
    const auto* p = reinterpret_cast<const uint8_t*>(rest.data() + start);
    const size_t len = rest.size() - start;
    uint32_t cp;
    if (p[0] < 0x80) {
      cp = p[0];
    } else if ((p[0] & 0xE0) == 0xC0 && len == 2) {
      cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    } else if ((p[0] & 0xF0) == 0xE0 && len == 3) {
      cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    } else if ((p[0] & 0xF8) == 0xF0 && len == 4) {
      cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
    } else {
      // Not valid UTF-8: increment the last byte as an unsigned number instead.
      std::string out(rest);
      while (!out.empty() && static_cast<uint8_t>(out.back()) == 0xFF) out.pop_back();
      if (!out.empty()) out.back() = static_cast<char>(static_cast<uint8_t>(out.back()) + 1);
      return out;
    }
    uint32_t next = cp + 1;
    if (next == 0xD800) next = 0xE000;  // skip the surrogates
    if (next <= 0x10FFFF) {
      std::string out(rest.substr(0, start));
      AppendUtf8(next, &out);
      return out;
    }
    rest = rest.substr(0, start);
  }
  return {};
}

}  // namespace stocktake::format::orc
