// StringDictionary: the distinct values of one string column in one stripe, each with a dense id
// in insertion order. An open-addressing hash table over a byte arena; Clear() keeps all capacity,
// so a warmed-up dictionary inserts without allocating (until it outgrows its largest stripe).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::format::orc {

class StringDictionary {
 public:
  StringDictionary();

  // The id of `s`, inserting it if new.
  uint32_t Insert(std::string_view s);

  size_t size() const { return entries_.size(); }
  std::string_view Get(uint32_t id) const {
    const Entry& e = entries_[id];
    return std::string_view(arena_.data() + e.offset, e.length);
  }
  // Total bytes of the distinct values.
  uint64_t bytes() const { return arena_.size(); }

  // Ids ordered by value (unsigned byte order), for writing a sorted dictionary.
  void SortedIds(std::vector<uint32_t>* ids) const;

  void Clear();

 private:
  struct Entry {
    uint64_t offset;
    uint32_t length;
    uint32_t hash;
  };
  void Grow();

  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // 0 = empty, else id + 1; size is a power of two
  size_t mask_ = 0;
};

}  // namespace stocktake::format::orc
