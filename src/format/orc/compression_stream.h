// ORC's ZLIB compression (ORC specification v1, "Compression").
//
// Every ORC stream (and the stripe footers, metadata and footer) is cut into chunks of at most
// compressionBlockSize uncompressed bytes. Each chunk is written as a 3-byte little-endian header
// `chunk_length * 2 + is_original` followed by the chunk: raw deflate (RFC 1951, no zlib header)
// when that is smaller, else the original bytes with is_original = 1.
//
// A position inside a compressed stream, as recorded in the row index, is the pair
// (offset of the chunk's header in the compressed stream, uncompressed bytes into that chunk).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct z_stream_s;

namespace stocktake::format::orc {

// A raw-deflate compressor, reused chunk after chunk (deflateReset, no allocation per chunk).
// Not thread-safe: one per writer.
class ZlibCompressor {
 public:
  explicit ZlibCompressor(int level);
  ~ZlibCompressor();
  ZlibCompressor(const ZlibCompressor&) = delete;
  ZlibCompressor& operator=(const ZlibCompressor&) = delete;

  // OK unless zlib failed to initialise or to compress; sticky.
  const Status& status() const { return status_; }

  // Compresses `input` as one complete raw-deflate stream into out[0, capacity). Returns the
  // compressed size, or 0 when the result does not fit (the caller then stores the original).
  size_t Compress(std::string_view input, char* out, size_t capacity);

 private:
  z_stream_s* stream_ = nullptr;
  Status status_;
};

// A stream being built in memory: buffers one chunk of uncompressed bytes, compresses it when
// full, and appends header + chunk to the compressed output. Reset() empties it for the next
// stripe and keeps every buffer's capacity.
class CompressedStream {
 public:
  // The 3-byte chunk header stores length * 2 + 1 in 24 bits, so chunks are < 8 MiB.
  static constexpr size_t kMaxBlockSize = (1u << 23) - 1;

  // `compressor` is not owned and outlives the stream. block_size <= kMaxBlockSize.
  CompressedStream(ZlibCompressor* compressor, size_t block_size);

  void Write(const void* data, size_t size) {
    if (size == 0) return;  // also keeps null pointers (empty strings) away from memcpy
    if (size <= capacity_ - used_) {
      std::memcpy(buffer_.get() + used_, data, size);
      used_ += size;
      if (used_ == block_size_) CompressChunk();
      return;
    }
    WriteSlow(static_cast<const char*>(data), size);
  }
  void WriteByte(uint8_t byte) {
    if (used_ < capacity_) {
      buffer_[used_++] = static_cast<char>(byte);
      if (used_ == block_size_) CompressChunk();
      return;
    }
    WriteSlow(reinterpret_cast<const char*>(&byte), 1);
  }

  // Appends this stream's current position (2 numbers, see the file comment). A full chunk is
  // compressed as soon as it fills, so the in-chunk offset is always < block_size.
  void RecordPosition(std::vector<uint64_t>* positions) const {
    positions->push_back(output_.size());
    positions->push_back(used_);
  }

  // Compresses the pending partial chunk. Call once, before output().
  void Flush() {
    if (used_ > 0) CompressChunk();
  }
  const std::string& output() const { return output_; }

  // Compressed bytes so far plus the pending uncompressed bytes.
  uint64_t EstimatedBytes() const { return output_.size() + used_; }
  // Uncompressed bytes written since the last Reset().
  uint64_t uncompressed_bytes() const { return uncompressed_total_ + used_; }

  void Reset() {
    output_.clear();
    used_ = 0;
    uncompressed_total_ = 0;
  }

  // Compresses `data` whole into `out` (appending), chunked as a stream would be. Used for the
  // row index, stripe footer, metadata and footer.
  static void CompressAll(ZlibCompressor* compressor, size_t block_size, std::string_view data,
                          std::string* out);

 private:
  void WriteSlow(const char* data, size_t size);
  void CompressChunk();

  ZlibCompressor* compressor_;
  size_t block_size_;
  std::unique_ptr<char[]> buffer_;  // the pending chunk, uncompressed; allocated on first write
  size_t capacity_ = 0;             // 0 until allocated, then block_size_
  size_t used_ = 0;
  uint64_t uncompressed_total_ = 0;
  std::string output_;              // compressed chunks with their headers
};

}  // namespace stocktake::format::orc
