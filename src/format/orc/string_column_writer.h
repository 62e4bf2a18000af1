// The string column writer (ORC specification v1, "String, Char, and VarChar Columns"), choosing
// per stripe between
//   DICTIONARY_V2: DATA = dictionary ids (unsigned RLE v2), LENGTH = dictionary entry lengths
//                  (unsigned RLE v2), DICTIONARY_DATA = the distinct values' bytes, sorted;
//   DIRECT_V2:     DATA = the values' bytes, LENGTH = their lengths (unsigned RLE v2).
// Every stripe starts in dictionary mode. Once kEarlyCheckValues values are in (or at the stripe
// end), a column whose distinct/total ratio is above kMaxDictionaryRatio switches to direct for
// the rest of the stripe: what was buffered is replayed into the direct streams, and later
// values stream straight through, so high-cardinality columns (keys, ETags) stop hashing early.
#pragma once

#include <cstdint>
#include <memory>

#include "format/orc/column_writer.h"

namespace stocktake::format::orc {

// Distinct values per value above which a stripe is written DIRECT_V2 (Apache ORC's default
// orc.dictionary.key.threshold is 0.8).
inline constexpr double kMaxDictionaryRatio = 0.8;
// Values after which a stripe decides early (Apache ORC checks after the first row group).
inline constexpr size_t kEarlyCheckValues = 10000;

std::unique_ptr<ColumnWriter> NewStringColumnWriter(uint32_t column_id,
                                                    const WriterContext& context);

}  // namespace stocktake::format::orc
