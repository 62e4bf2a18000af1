// Key ranges of a parallel scan, and where to split one. A range holds the keys k (under the scan
// prefix) with lo < k <= hi; an absent lo means "from the first key", an absent hi "to the last".
// Ranges of a scan tile the key space, so emitting them in `lo` order keeps the report sorted.
//
// Split points are strings, not necessarily keys. They are valid UTF-8 (made of a prefix of a
// real key plus one printable ASCII character), because servers may reject other start-after /
// key-marker values.
#pragma once

#include <array>
#include <bitset>
#include <optional>
#include <string>
#include <string_view>

namespace stocktake::scan {

struct KeyRange {
  std::optional<std::string> lo;  // exclusive
  std::optional<std::string> hi;  // inclusive

  bool AboveLo(std::string_view key) const { return !lo || key > *lo; }
  bool AboveHi(std::string_view key) const { return hi && key > *hi; }
};

// The prefix to list `range` with: the longer of `scan_prefix` and the common prefix of lo and hi
// (every key k with lo < k <= hi starts with it).
std::string ListPrefix(const KeyRange& range, std::string_view scan_prefix);

// The printable ASCII characters seen in keys so far, per position: the digits split points are
// made of. Per position, because keys such as "obj-000123" use digits where others use letters.
class KeyAlphabet {
 public:
  void Add(std::string_view key);
  void Merge(const KeyAlphabet& other);
  // Sorted candidate characters at `pos` of a key whose character there is `current` (-1: the
  // key is shorter). While few were seen at `pos`, the class of `current` (digits, lower case,
  // upper case) is assumed possible too; keys are seldom seen in full at the start of a scan.
  std::string CharsAt(size_t pos, int current) const;

 private:
  static constexpr size_t kPositions = 256;
  std::bitset<128> at_[kPositions];
  std::bitset<128> all_;
};

// A split point m for the rest of a range that has been listed up to `last_key` (the range goes
// on to `hi`), with last_key < m < hi and m starting with `scan_prefix`; nullopt when there is no
// room. `page_first_key` is the first key of the last page: the split is tried first at the
// position where that page's keys started to differ (the listing's current granularity), then at
// coarser positions, then between last_key and hi.
std::optional<std::string> SplitPoint(std::string_view last_key, std::string_view page_first_key,
                                      const std::optional<std::string>& hi,
                                      std::string_view scan_prefix, const KeyAlphabet& alphabet);

}  // namespace stocktake::scan
