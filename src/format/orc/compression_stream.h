// ORC's ZLIB compression (ORC specification v1, "Compression").
//
// Every ORC stream (and the stripe footers, metadata and footer) is cut into chunks of at most
// compressionBlockSize uncompressed bytes. Each chunk is written as a 3-byte little-endian header
// `chunk_length * 2 + is_original` followed by the chunk: raw deflate (RFC 1951, no zlib header)
// when that is smaller, else the original bytes with is_original = 1.
//
// The deflate encoder is ISA-L's igzip (already the gzip engine of io::GzipOutputStream): its
// output is plain RFC 1951 that every ORC reader inflates with zlib. Measured on report-like
// data, igzip level 1 is 4x (sorted keys) to 6x (ETags) faster than zlib -1 at a ratio as good
// as zlib -6; zlib -1 compresses random hex at ~40 MB/s, which alone would cap a report well
// under a million rows per second.
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
#include "io/block_buffer.h"

namespace stocktake::format::orc {

// A raw-deflate compressor (igzip, stateless: one call per chunk, no allocation per chunk).
// Not thread-safe: one per writer.
class DeflateCompressor {
 public:
  // `level`: igzip level 1..3 (1 = fastest).
  explicit DeflateCompressor(int level);
  ~DeflateCompressor();
  DeflateCompressor(const DeflateCompressor&) = delete;
  DeflateCompressor& operator=(const DeflateCompressor&) = delete;

  // OK unless compression failed for a reason other than "does not fit"; sticky.
  const Status& status() const { return status_; }

  // Compresses `input` as one complete raw-deflate stream. Returns the compressed bytes (valid
  // until the next call), or an empty view when they would not be smaller than `input` (the
  // caller then stores the original).
  std::string_view Compress(std::string_view input);

 private:
  int level_;
  std::vector<uint8_t> level_buffer_;  // igzip's hash tables for the level
  // Output room for the worst case: igzip compresses worse when it cannot count on the room for
  // stored blocks, so it always gets it and the size test happens afterwards.
  std::vector<uint8_t> output_;
  Status status_;
};

// A stream being built in memory: buffers one chunk of uncompressed bytes, compresses it when
// full, and appends header + chunk to the compressed output. The output is kept in blocks of a
// pool that the writer's streams share (see io::BlockBuffer: a stripe's streams take up their
// bytes, not up to twice as much). Reset() empties it for the next stripe; the output's blocks
// go back to the pool and the chunk buffer is kept.
class CompressedStream {
 public:
  // The 3-byte chunk header stores length * 2 + 1 in 24 bits, so chunks are < 8 MiB.
  static constexpr size_t kMaxBlockSize = (1u << 23) - 1;

  // `compressor` and `pool` are not owned and outlive the stream; a null pool: the stream has its
  // own. block_size <= kMaxBlockSize.
  CompressedStream(DeflateCompressor* compressor, size_t block_size, io::BlockPool* pool = nullptr);

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
  const io::BlockBuffer& output() const { return output_; }

  // Compressed bytes so far plus the pending uncompressed bytes.
  uint64_t EstimatedBytes() const { return output_.size() + used_; }
  // Uncompressed bytes written since the last Reset().
  uint64_t uncompressed_bytes() const { return uncompressed_total_ + used_; }

  void Reset() {
    output_.Clear();
    used_ = 0;
    uncompressed_total_ = 0;
  }

  // Compresses `data` whole into `out` (appending), chunked as a stream would be. Used for the
  // row index, stripe footer, metadata and footer.
  static void CompressAll(DeflateCompressor* compressor, size_t block_size, std::string_view data,
                          std::string* out);

 private:
  void WriteSlow(const char* data, size_t size);
  void CompressChunk();
  // Compresses `original` as one chunk; `append` gets the 3-byte header, then the chunk.
  template <typename Append>
  static void EncodeChunk(DeflateCompressor* compressor, std::string_view original, Append append);

  DeflateCompressor* compressor_;
  size_t block_size_;
  std::unique_ptr<char[]> buffer_;  // the pending chunk, uncompressed; allocated on first write
  size_t capacity_ = 0;             // 0 until allocated, then block_size_
  size_t used_ = 0;
  uint64_t uncompressed_total_ = 0;
  std::unique_ptr<io::BlockPool> own_pool_;  // when not given one
  io::BlockBuffer output_;                   // compressed chunks with their headers
};

}  // namespace stocktake::format::orc
