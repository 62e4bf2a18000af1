// Snappy compression of page bodies (parquet.thrift CompressionCodec SNAPPY = 1: raw Snappy
// block format, no framing; Compression.md). The only file that includes libsnappy.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace stocktake::format::parquet {

// Compresses `input` into `scratch` and returns the compressed bytes (a prefix of `scratch`,
// valid until its next use). `scratch` only grows, so steady-state calls neither allocate nor
// clear memory.
Result<std::string_view> SnappyCompress(std::string_view input, std::string* scratch);

}  // namespace stocktake::format::parquet
