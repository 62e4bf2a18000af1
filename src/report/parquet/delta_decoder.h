// The Parquet delta encodings (apache/parquet-format Encodings.md), which writers use for data
// pages v2 (DuckDB with PARQUET_VERSION V2, parquet-mr's v2 writer):
//   DELTA_BINARY_PACKED (5):   <block size> <miniblocks per block> <value count> <first value>,
//                              then blocks of <min delta> <one bit width per miniblock>
//                              <miniblocks of bit-packed deltas, least significant bit first>;
//   DELTA_LENGTH_BYTE_ARRAY (6): the lengths DELTA_BINARY_PACKED, then the bytes back to back;
//   DELTA_BYTE_ARRAY (7):      prefix lengths and suffix lengths (both DELTA_BINARY_PACKED), then
//                              the suffixes as in DELTA_LENGTH_BYTE_ARRAY; each value is the
//                              previous value's prefix followed by its suffix.
// Input is untrusted: every error is a Corruption status.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace stocktake::report::parquet {

// Decodes `count` integers; *consumed is the number of bytes the encoded values take. With
// `bits32`, arithmetic wraps at 32 bits (INT32 columns).
Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, bool bits32,
                               std::vector<int64_t>* out, size_t* consumed);

// Decodes `count` byte arrays. Values are views into `data` (DELTA_LENGTH_BYTE_ARRAY) or into
// *storage (DELTA_BYTE_ARRAY), which the caller keeps alive with the views.
Status DecodeDeltaLengthByteArray(std::string_view data, size_t count,
                                  std::vector<std::string_view>* out);
Status DecodeDeltaByteArray(std::string_view data, size_t count, std::string* storage,
                            std::vector<std::string_view>* out);

}  // namespace stocktake::report::parquet
