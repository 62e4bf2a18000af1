#include "report/orc/orc_stream.h"

#include <algorithm>
#include <string>

#include "report/decompress.h"

namespace stocktake::report::orc {

InputStream::InputStream(std::string_view raw, CompressionKind compression, uint64_t block_size,
                         std::string name)
    : raw_(raw), compression_(compression), block_size_(block_size), name_(std::move(name)) {
  // LZO (3) and BROTLI (6) are the kinds left out.
  if (compression_ != CompressionKind::kNone && compression_ != CompressionKind::kZlib &&
      compression_ != CompressionKind::kSnappy && compression_ != CompressionKind::kLz4 &&
      compression_ != CompressionKind::kZstd) {
    Poison("unsupported compression kind " + std::to_string(static_cast<uint32_t>(compression_)) +
           " (supported: NONE, ZLIB, SNAPPY, LZ4, ZSTD)");
  }
}

void InputStream::Poison(std::string_view what) {
  if (status_.ok()) status_ = Status::Corruption(name_ + ": " + std::string(what));
  raw_pos_ = raw_.size();
  current_ = {};
  pos_ = 0;
}

Status InputStream::Fail(std::string_view what) {
  Poison(what);
  return status_;
}

Status InputStream::Uncompress(std::string_view chunk) {
  switch (compression_) {
    case CompressionKind::kZlib:
      return InflateRaw(chunk, block_size_, &buffer_);
    case CompressionKind::kSnappy:
      return SnappyUncompress(chunk, block_size_, &buffer_);
    case CompressionKind::kLz4:
      return Lz4BlockUncompress(chunk, block_size_, &buffer_);
    case CompressionKind::kZstd:
      return ZstdUncompress(chunk, block_size_, &buffer_);
    default:
      return Status::Corruption("unsupported compression kind");  // refused by the constructor
  }
}

bool InputStream::NextChunk() {
  if (!status_.ok() || raw_pos_ >= raw_.size()) return false;
  pos_ = 0;
  if (compression_ == CompressionKind::kNone) {  // no headers: the stream is the data
    current_ = raw_;
    raw_pos_ = raw_.size();
    return !current_.empty();
  }
  if (raw_.size() - raw_pos_ < 3) {
    Poison("truncated compression chunk header");
    return false;
  }
  const auto* h = reinterpret_cast<const uint8_t*>(raw_.data() + raw_pos_);
  uint32_t header = h[0] | (h[1] << 8) | (h[2] << 16);
  raw_pos_ += 3;
  bool original = header & 1;
  size_t length = header >> 1;
  if (length > raw_.size() - raw_pos_) {
    Poison("compression chunk runs past the end of the stream");
    return false;
  }
  std::string_view chunk = raw_.substr(raw_pos_, length);
  raw_pos_ += length;
  if (original) {
    current_ = chunk;
  } else {
    Status st = Uncompress(chunk);
    if (!st.ok()) {
      Poison(st.message());
      return false;
    }
    current_ = buffer_;
  }
  if (current_.empty()) return NextChunk();  // an empty chunk: keep going
  return true;
}

Status InputStream::Read(uint64_t n, std::string* out) {
  while (n > 0) {
    if (pos_ == current_.size() && !NextChunk()) {
      return status_.ok() ? Fail("stream ends early") : status_;
    }
    uint64_t take = std::min<uint64_t>(n, current_.size() - pos_);
    out->append(current_.data() + pos_, take);
    pos_ += take;
    n -= take;
  }
  return Status::OK();
}

Status InputStream::ReadToEnd(std::string* out) {
  while (true) {
    out->append(current_.data() + pos_, current_.size() - pos_);
    pos_ = current_.size();
    if (!NextChunk()) return status_;
  }
}

Status DecompressAll(std::string_view raw, CompressionKind compression, uint64_t block_size,
                     std::string_view name, std::string* out) {
  out->clear();
  InputStream in(raw, compression, block_size, std::string(name));
  return in.ReadToEnd(out);
}

}  // namespace stocktake::report::orc
