// Snappy through its C API (snappy-c.h), which reports errors as status codes, not exceptions.
#include "format/parquet/snappy_codec.h"

#include <snappy-c.h>

namespace stocktake::format::parquet {

Status SnappyCompress(std::string_view input, std::string* out) {
  size_t length = snappy_max_compressed_length(input.size());
  out->resize(length);
  if (snappy_compress(input.data(), input.size(), out->data(), &length) != SNAPPY_OK) {
    return Status::Internal("snappy compression failed");
  }
  out->resize(length);
  return Status::OK();
}

}  // namespace stocktake::format::parquet
