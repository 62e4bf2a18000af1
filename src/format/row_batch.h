// RowBatch: a bounded, columnar batch of report rows. Strings are views into the batch's own
// arena, so a batch costs no per-row heap allocation once warmed up; Clear() keeps capacity.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "format/schema.h"

namespace stocktake::format {

// One cell. `present == false` is "no value" (CSV "", ORC/Parquet null).
// Booleans and integers/timestamps use int_value; strings use string_value.
struct Value {
  bool present = false;
  int64_t int_value = 0;
  std::string_view string_value;

  static Value Null() { return {}; }
  static Value Int(int64_t v) { return {true, v, {}}; }
  static Value Bool(bool v) { return {true, v ? 1 : 0, {}}; }
  static Value String(std::string_view v) { return {true, 0, v}; }
};

class RowBatch {
 public:
  explicit RowBatch(size_t num_columns) : columns_(num_columns) {}

  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  const std::vector<Value>& column(size_t i) const { return columns_[i]; }
  std::vector<Value>& mutable_column(size_t i) { return columns_[i]; }

  // Copies `s` into the batch's arena; the view lives until Clear() or destruction.
  std::string_view CopyString(std::string_view s) {
    if (s.empty()) return {};
    if (arena_.empty() || arena_used_ + s.size() > arena_.back().size()) {
      NewBlock(s.size());
    }
    char* dst = arena_.back().data() + arena_used_;
    s.copy(dst, s.size());
    arena_used_ += s.size();
    return {dst, s.size()};
  }

  void Clear() {
    for (auto& c : columns_) c.clear();
    // Keep one block (the largest) so steady-state batches allocate nothing.
    if (arena_.size() > 1) {
      std::string keep = std::move(arena_.back());
      arena_.clear();
      arena_.push_back(std::move(keep));
    }
    arena_used_ = 0;
  }

 private:
  static constexpr size_t kArenaBlockBytes = 1 << 20;
  void NewBlock(size_t at_least) {
    arena_.emplace_back(std::max(kArenaBlockBytes, at_least), '\0');
    arena_used_ = 0;
  }
  std::vector<std::vector<Value>> columns_;
  std::deque<std::string> arena_;
  size_t arena_used_ = 0;
};

}  // namespace stocktake::format
