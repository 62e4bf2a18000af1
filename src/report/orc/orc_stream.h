// InputStream: the bytes of one ORC stream, decompressed chunk by chunk (ORC spec v1,
// "Compression"): with a codec, the stream is a series of chunks, each behind a 3-byte
// little-endian header holding (chunk length * 2 + isOriginal); original chunks are stored as is.
// Supported codecs: NONE, ZLIB (raw deflate), SNAPPY, LZ4 (raw block), ZSTD. Errors are sticky.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "report/orc/orc_metadata.h"

namespace stocktake::report::orc {

class InputStream {
 public:
  // `raw` must outlive the stream. `name` appears in messages ("column 3 DATA").
  InputStream(std::string_view raw, CompressionKind compression, uint64_t block_size,
              std::string name);

  // The next byte; false at the end of the stream or on error (see status()).
  bool ReadByte(uint8_t* byte) {
    if (pos_ == current_.size() && !NextChunk()) return false;
    *byte = static_cast<uint8_t>(current_[pos_++]);
    return true;
  }
  // Appends exactly n bytes to *out.
  Status Read(uint64_t n, std::string* out);
  // Appends everything left in the stream to *out.
  Status ReadToEnd(std::string* out);
  // Fails with "<name>: <what>" (sticky).
  Status Fail(std::string_view what);
  const Status& status() const { return status_; }
  const std::string& name() const { return name_; }

 private:
  bool NextChunk();
  // Decompresses one chunk into buffer_.
  Status Uncompress(std::string_view chunk);
  void Poison(std::string_view what);

  std::string_view raw_;
  size_t raw_pos_ = 0;
  CompressionKind compression_;
  uint64_t block_size_;
  std::string name_;
  std::string buffer_;
  std::string_view current_;
  size_t pos_ = 0;
  Status status_;
};

// Decompresses a whole compressed section (footer, metadata, stripe footer) into *out.
Status DecompressAll(std::string_view raw, CompressionKind compression, uint64_t block_size,
                     std::string_view name, std::string* out);

}  // namespace stocktake::report::orc
