// Splitting a key range into parts of about equal stored size, so that a long scan (an inventory
// report) can run on several threads, each over its own disjoint, ordered part.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::store::meta {

// Estimated bytes stored in [begin, end) (RocksDB's approximate sizes).
using RangeSizeFn = std::function<uint64_t(std::string_view begin, std::string_view end)>;

// A byte string strictly between `a` and `b` (requires a < b): their arithmetic midpoint as
// big-endian numbers one byte longer than the longer of the two.
std::string MidpointKey(std::string_view a, std::string_view b);

// At most parts - 1 strictly increasing keys in (begin, end) that cut [begin, end) into ranges
// of about size_of(begin, end) / parts each, found by bisection on size_of. Fewer (possibly
// none) when the range is too small to split or the estimate cannot separate the parts.
std::vector<std::string> SplitKeyRange(std::string_view begin, std::string_view end, int parts,
                                       const RangeSizeFn& size_of);

}  // namespace stocktake::store::meta
