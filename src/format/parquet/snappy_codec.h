// Snappy compression of page bodies (parquet.thrift CompressionCodec SNAPPY = 1: raw Snappy
// block format, no framing; Compression.md). The only file that includes libsnappy.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace stocktake::format::parquet {

// Replaces `*out` with the Snappy-compressed `input`. Reuses `out`'s capacity.
Status SnappyCompress(std::string_view input, std::string* out);

}  // namespace stocktake::format::parquet
