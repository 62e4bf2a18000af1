#include "store/meta/key_range_split.h"

#include <algorithm>

namespace stocktake::store::meta {
namespace {

// Bisection halves the key interval each step; the data may sit behind a long common prefix
// (every key of a bucket under "logs/year=2022/..."), which costs 8 steps per byte to reach.
constexpr int kMaxBisectionSteps = 512;
// Good enough: parts within 1 % of the whole range of their target.
constexpr uint64_t kTolerancePerMille = 10;

}  // namespace

std::string MidpointKey(std::string_view a, std::string_view b) {
  size_t n = std::max(a.size(), b.size()) + 1;
  auto byte_at = [](std::string_view s, size_t i) -> unsigned {
    return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u;
  };
  // sum = a + b, n + 1 bytes (the extra leading carry byte), then halve.
  std::vector<unsigned> sum(n + 1, 0);
  unsigned carry = 0;
  for (size_t i = n; i-- > 0;) {
    unsigned v = byte_at(a, i) + byte_at(b, i) + carry;
    sum[i + 1] = v & 0xff;
    carry = v >> 8;
  }
  sum[0] = carry;
  std::string mid(n, '\0');
  unsigned remainder = sum[0];
  for (size_t i = 0; i < n; ++i) {
    unsigned v = (remainder << 8) | sum[i + 1];
    mid[i] = static_cast<char>(v >> 1);
    remainder = v & 1;
  }
  return mid;
}

std::vector<std::string> SplitKeyRange(std::string_view begin, std::string_view end, int parts,
                                       const RangeSizeFn& size_of) {
  std::vector<std::string> cuts;
  if (parts < 2 || begin >= end) return cuts;
  const uint64_t total = size_of(begin, end);
  const uint64_t tolerance = total * kTolerancePerMille / 1000;
  std::string lower(begin);  // every later cut lies above the previous one
  for (int part = 1; part < parts; ++part) {
    const uint64_t target = total / parts * part;
    std::string lo = lower;
    std::string hi(end);
    std::string cut;
    for (int step = 0; step < kMaxBisectionSteps; ++step) {
      std::string mid = MidpointKey(lo, hi);
      uint64_t size = size_of(begin, mid);
      cut = mid;
      if (size + tolerance >= target && size <= target + tolerance) break;
      (size < target ? lo : hi) = std::move(mid);
    }
    uint64_t below = size_of(begin, cut);
    // A cut with nothing (estimated) on one side would make an empty part.
    if (below == 0 || below >= total || size_of(cut, end) == 0) continue;
    if (!cuts.empty() && cut <= cuts.back()) continue;
    cuts.push_back(cut);
    lower = cut;
  }
  return cuts;
}

}  // namespace stocktake::store::meta
