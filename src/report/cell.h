// Cell: one value read back from a report data file, in the reader's own value model. The data
// file readers (CSV, Parquet, ORC) produce cells of the physical type the file declares; the
// report layer (typed_reader.h) converts them to the types of the field table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stocktake::report {

enum class CellKind : uint8_t {
  kNull,
  kBool,       // int_value 0 / 1
  kInt,        // int_value
  kDouble,     // double_value
  kString,     // string_value, UTF-8
  kBinary,     // string_value, raw bytes
  kTimestamp,  // int_value = seconds since the Unix epoch (UTC), nanos = 0..999'999'999
};

const char* CellKindName(CellKind kind);

struct Cell {
  CellKind kind = CellKind::kNull;
  int32_t nanos = 0;
  int64_t int_value = 0;
  double double_value = 0;
  // Reused across rows: assigning keeps its capacity, so steady-state reads do not allocate.
  std::string string_value;

  bool is_null() const { return kind == CellKind::kNull; }
  void SetNull() { kind = CellKind::kNull; }
  void SetBool(bool v) { kind = CellKind::kBool, int_value = v ? 1 : 0; }
  void SetInt(int64_t v) { kind = CellKind::kInt, int_value = v; }
  void SetDouble(double v) { kind = CellKind::kDouble, double_value = v; }
  void SetString(std::string_view v) { kind = CellKind::kString, string_value.assign(v); }
  void SetBinary(std::string_view v) { kind = CellKind::kBinary, string_value.assign(v); }
  void SetTimestamp(int64_t seconds, int32_t nanos_of_second) {
    kind = CellKind::kTimestamp, int_value = seconds, nanos = nanos_of_second;
  }
  // Milliseconds since the epoch, rounded down (timestamps only; wraps outside +-292 million
  // years, which only a corrupt file holds).
  int64_t EpochMillis() const {
    return static_cast<int64_t>(static_cast<uint64_t>(int_value) * 1000 +
                                static_cast<uint64_t>(nanos / 1'000'000));
  }
  void SetEpochMillis(int64_t ms) {
    int64_t seconds = ms / 1000, rest = ms % 1000;
    if (rest < 0) rest += 1000, seconds -= 1;
    SetTimestamp(seconds, static_cast<int32_t>(rest * 1'000'000));
  }
};

using Row = std::vector<Cell>;

}  // namespace stocktake::report
