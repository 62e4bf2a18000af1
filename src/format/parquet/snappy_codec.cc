// Snappy through its C API (snappy-c.h), which reports errors as status codes, not exceptions.
#include "format/parquet/snappy_codec.h"

#include <snappy-c.h>

namespace stocktake::format::parquet {

Result<std::string_view> SnappyCompress(std::string_view input, std::string* scratch) {
  size_t length = snappy_max_compressed_length(input.size());
  if (scratch->size() < length) scratch->resize(length);
  if (snappy_compress(input.data(), input.size(), scratch->data(), &length) != SNAPPY_OK) {
    return Status::Internal("snappy compression failed");
  }
  return std::string_view(scratch->data(), length);
}

}  // namespace stocktake::format::parquet
