// Column statistics (ORC specification v1, "Column Statistics"), kept at three levels by each
// column writer: row group (row index entries), stripe (Metadata) and file (Footer). Row group
// statistics are merged into the stripe's, the stripe's into the file's.
//
// number_of_values counts the non-null values; has_null tells whether any value was null.
//   string:    minimum/maximum (UTF-8 bytes compared as unsigned), sum = total length in bytes.
//              Values longer than 1024 bytes are not written as minimum/maximum but as truncated
//              lower_bound/upper_bound (ORC-203), as the Java writer does.
//   bigint:    minimum, maximum, sum (left out when it overflowed int64).
//   boolean:   bucket_statistics.count = [number of true values].
//   timestamp: minimum/maximum in milliseconds since the epoch; the writer time zone is UTC, so the
//              "local" minimum/maximum and minimum_utc/maximum_utc are the same numbers. The values
//              have millisecond precision, so the sub-millisecond nanos of the maximum are 0,
//              written as maximum_nanos = 0 + 1 (the +1 tells "set" from the default 999999).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stocktake::format::orc {

enum class StatsKind { kStruct, kString, kBoolean, kInt64, kTimestamp };

class ColumnStatistics {
 public:
  // Longest minimum/maximum written as such (ORC-203).
  static constexpr size_t kMaxStringStatBytes = 1024;

  explicit ColumnStatistics(StatsKind kind) : kind_(kind) {}

  StatsKind kind() const { return kind_; }
  uint64_t count() const { return count_; }
  bool has_null() const { return has_null_; }

  void AddNulls(uint64_t n) {
    if (n > 0) has_null_ = true;
  }
  // Rows of a struct column (which has no value of its own).
  void AddRows(uint64_t n) { count_ += n; }

  void AddInt(int64_t v) {
    if (count_ == 0) {
      min_ = max_ = v;
    } else {
      if (v < min_) min_ = v;
      if (v > max_) max_ = v;
    }
    ++count_;
    if (!sum_overflow_) sum_overflow_ = __builtin_add_overflow(sum_, v, &sum_);
  }
  void AddTimestampMillis(int64_t ms) {
    if (count_ == 0) {
      min_ = max_ = ms;
    } else {
      if (ms < min_) min_ = ms;
      if (ms > max_) max_ = ms;
    }
    ++count_;
  }
  void AddBoolean(bool v) {
    ++count_;
    true_count_ += v ? 1 : 0;
  }
  // Adds `n` values whose smallest is `min_value`, largest `max_value`, total length
  // `total_length`: callers fold a batch of strings first, then copy at most two strings here.
  void AddStrings(uint64_t n, std::string_view min_value, std::string_view max_value,
                  uint64_t total_length);

  void Merge(const ColumnStatistics& other);
  // Back to empty; keeps the string buffers' capacity.
  void Reset();

  // Appends the encoded ColumnStatistics message to `out`.
  void EncodeTo(std::string* out) const;
  std::string Encode() const {
    std::string out;
    EncodeTo(&out);
    return out;
  }

  // For tests.
  int64_t int_min() const { return min_; }
  int64_t int_max() const { return max_; }
  const std::string& string_min() const { return min_string_; }
  const std::string& string_max() const { return max_string_; }

 private:
  StatsKind kind_;
  uint64_t count_ = 0;
  bool has_null_ = false;
  int64_t min_ = 0;  // bigint and timestamp
  int64_t max_ = 0;
  int64_t sum_ = 0;
  bool sum_overflow_ = false;
  uint64_t true_count_ = 0;
  std::string min_string_;
  std::string max_string_;
  uint64_t total_length_ = 0;
};

// The longest prefix of `s` of at most `max_bytes` bytes that ends on a UTF-8 character boundary.
std::string_view TruncateUtf8(std::string_view s, size_t max_bytes);
// A string greater than every string that starts with `prefix`: the prefix with its last code
// point incremented (code points that cannot be incremented are dropped first). Empty when none.
std::string IncrementUtf8(std::string_view prefix);

}  // namespace stocktake::format::orc
