// Decompression for the report readers: the one adapter over zlib, snappy, zstd and lz4 in this
// module.
//   - ORC ZLIB chunks are raw deflate (RFC 1951), no zlib or gzip header (ORC spec, Compression).
//   - Parquet GZIP pages are gzip members (RFC 1952; parquet-format Compression.md).
//   - CSV reports are gzip files, possibly of several members (spec §3.2: readers decode them
//     with a multi-member decoder).
//   - ORC SNAPPY chunks and Parquet SNAPPY pages are raw snappy blocks (no framing format).
//   - ORC ZSTD chunks are zstd frames; ORC LZ4 chunks are raw lz4 blocks (no lz4 frame), as Apache
//     ORC's C++ reader decodes them (c++/src/Compression.cc: ZSTDDecompressionStream,
//     Lz4DecompressionStream).
// Inputs are untrusted: every size is bounded by the caller's expectation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace stocktake::report {

// Raw deflate of exactly one ORC chunk; fails when the output would exceed max_output_bytes.
Status InflateRaw(std::string_view input, size_t max_output_bytes, std::string* out);
// A Parquet GZIP page: the output must be exactly `uncompressed_bytes`.
Status GunzipExact(std::string_view input, size_t uncompressed_bytes, std::string* out);
// A snappy block; fails when the output would exceed max_output_bytes.
Status SnappyUncompress(std::string_view input, size_t max_output_bytes, std::string* out);
// Zstd frame(s) of one ORC chunk; fails when the output would exceed max_output_bytes.
Status ZstdUncompress(std::string_view input, size_t max_output_bytes, std::string* out);
// A raw lz4 block of one ORC chunk; fails when the output would exceed max_output_bytes.
Status Lz4BlockUncompress(std::string_view input, size_t max_output_bytes, std::string* out);

// Streaming gunzip of a (multi-member) gzip file, for CSV reports of any size.
class GzipStreamInflater {
 public:
  GzipStreamInflater();
  ~GzipStreamInflater();
  GzipStreamInflater(const GzipStreamInflater&) = delete;
  GzipStreamInflater& operator=(const GzipStreamInflater&) = delete;

  // Decompresses `input` (the next bytes of the file), appending to *out. A new gzip member may
  // start right after the previous one ends.
  Status Feed(std::string_view input, std::string* out);
  // Call once at the end of the input: fails when the last member is truncated.
  Status Finish() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace stocktake::report
