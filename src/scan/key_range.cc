#include "scan/key_range.h"

#include <algorithm>

namespace stocktake::scan {
namespace {

size_t CommonPrefixLength(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

bool IsContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

void SetRange(std::bitset<128>* set, char from, char to) {
  for (char c = from; c <= to; ++c) set->set(static_cast<size_t>(c));
}

// The middle candidate character strictly above key[pos] (all of them when the key is shorter)
// that keeps key[:pos] + c below hi; nullopt when none. O(pos + alphabet): no string per
// candidate.
std::optional<std::string> SplitAt(std::string_view key, size_t pos, const KeyAlphabet& alphabet,
                                   const std::optional<std::string>& hi) {
  int after = -1;
  if (pos < key.size()) {
    auto c = static_cast<unsigned char>(key[pos]);
    // Cutting inside a multi-byte character would make invalid UTF-8; no ASCII char is above a
    // non-ASCII one anyway.
    if (c >= 0x7f || IsContinuationByte(c)) return std::nullopt;
    after = c;
  }
  std::string_view base = key.substr(0, pos);
  // key[:pos] + c < hi holds for every c, for none, or for c below hi[pos] (c == hi[pos] too
  // when hi goes on after it).
  int below = 0x100;
  bool equal_ok = false;
  if (hi) {
    std::string_view h = *hi;
    size_t n = std::min(pos, h.size());
    int cmp = base.substr(0, n).compare(h.substr(0, n));
    if (cmp > 0 || (cmp == 0 && h.size() <= pos)) return std::nullopt;
    if (cmp == 0) {
      below = static_cast<unsigned char>(h[pos]);
      equal_ok = h.size() > pos + 1;
    }
  }
  std::string candidates;
  for (char c : alphabet.CharsAt(pos, after)) {
    int u = static_cast<unsigned char>(c);
    if (u > after && (u < below || (u == below && equal_ok))) candidates.push_back(c);
  }
  if (candidates.empty()) return std::nullopt;
  std::string m(base);
  m.push_back(candidates[candidates.size() / 2]);
  return m;
}

}  // namespace

std::string ListPrefix(const KeyRange& range, std::string_view scan_prefix) {
  if (!range.lo || !range.hi) return std::string(scan_prefix);
  size_t common = CommonPrefixLength(*range.lo, *range.hi);
  if (common <= scan_prefix.size()) return std::string(scan_prefix);
  return range.lo->substr(0, common);
}

void KeyAlphabet::Add(std::string_view key) {
  for (size_t i = 0; i < key.size(); ++i) {
    auto u = static_cast<unsigned char>(key[i]);
    if (u < 0x20 || u >= 0x7f) continue;
    all_.set(u);
    if (i < kPositions) at_[i].set(u);
  }
}

void KeyAlphabet::Merge(const KeyAlphabet& other) {
  all_ |= other.all_;
  for (size_t i = 0; i < kPositions; ++i) at_[i] |= other.at_[i];
}

std::string KeyAlphabet::CharsAt(size_t pos, int current) const {
  std::bitset<128> chars = pos < kPositions ? at_[pos] : all_;
  if (chars.count() < 4) {
    if (current >= '0' && current <= '9') {
      SetRange(&chars, '0', '9');
    } else if (current >= 'a' && current <= 'z') {
      SetRange(&chars, 'a', 'z');
    } else if (current >= 'A' && current <= 'Z') {
      SetRange(&chars, 'A', 'Z');
    } else {
      chars |= all_;
      if (chars.count() < 8) {
        SetRange(&chars, '0', '9');
        SetRange(&chars, 'A', 'Z');
        SetRange(&chars, 'a', 'z');
      }
    }
  }
  std::string out;
  for (size_t c = 0x20; c < 0x7f; ++c) {
    if (chars.test(c)) out.push_back(static_cast<char>(c));
  }
  return out;
}

std::optional<std::string> SplitPoint(std::string_view last_key, std::string_view page_first_key,
                                      const std::optional<std::string>& hi,
                                      std::string_view scan_prefix, const KeyAlphabet& alphabet) {
  if (!last_key.starts_with(scan_prefix)) return std::nullopt;
  if (hi && std::string_view(*hi) <= last_key) return std::nullopt;
  // From the page's granularity to coarser positions.
  size_t spread = std::max(CommonPrefixLength(page_first_key, last_key), scan_prefix.size());
  spread = std::min(spread, last_key.size());
  for (size_t pos = spread + 1; pos-- > scan_prefix.size();) {
    if (auto m = SplitAt(last_key, pos, alphabet, hi)) return m;
  }
  // Finer: past the position where last_key and hi part, nothing bounds the split from above.
  if (!hi) return std::nullopt;
  size_t common = CommonPrefixLength(last_key, *hi);
  for (size_t pos = common + 1; pos <= last_key.size(); ++pos) {
    if (auto m = SplitAt(last_key, pos, alphabet, std::nullopt)) return m;
  }
  return std::nullopt;
}

}  // namespace stocktake::scan
