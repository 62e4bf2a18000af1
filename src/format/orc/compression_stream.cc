#include "format/orc/compression_stream.h"

#include <zlib.h>

#include <algorithm>

namespace stocktake::format::orc {

ZlibCompressor::ZlibCompressor(int level) {
  stream_ = new z_stream{};
  // windowBits -15: raw deflate, as ORC's ZLIB codec (no zlib header or adler32 trailer).
  if (deflateInit2(stream_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    status_ = Status::Internal("orc: deflateInit2 failed");
    delete stream_;
    stream_ = nullptr;
  }
}

ZlibCompressor::~ZlibCompressor() {
  if (stream_ != nullptr) {
    deflateEnd(stream_);
    delete stream_;
  }
}

size_t ZlibCompressor::Compress(std::string_view input, char* out, size_t capacity) {
  if (stream_ == nullptr || capacity == 0) return 0;
  if (deflateReset(stream_) != Z_OK) {
    status_ = Status::Internal("orc: deflateReset failed");
    return 0;
  }
  stream_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream_->avail_in = static_cast<uInt>(input.size());
  stream_->next_out = reinterpret_cast<Bytef*>(out);
  stream_->avail_out = static_cast<uInt>(capacity);
  int rc = deflate(stream_, Z_FINISH);
  if (rc == Z_STREAM_END) return capacity - stream_->avail_out;
  // Z_OK / Z_BUF_ERROR: ran out of room, i.e. compression does not pay; anything else is a bug.
  if (rc != Z_OK && rc != Z_BUF_ERROR) status_ = Status::Internal("orc: deflate failed");
  return 0;
}

CompressedStream::CompressedStream(ZlibCompressor* compressor, size_t block_size)
    : compressor_(compressor),
      block_size_(std::max<size_t>(1, std::min(block_size, kMaxBlockSize))) {}

void CompressedStream::WriteSlow(const char* data, size_t size) {
  if (capacity_ == 0) {
    // Streams a stripe never uses (a dictionary stream in direct mode) cost no buffer.
    buffer_.reset(new char[block_size_]);
    capacity_ = block_size_;
  }
  while (size > 0) {
    size_t n = std::min(size, block_size_ - used_);
    std::memcpy(buffer_.get() + used_, data, n);
    used_ += n;
    data += n;
    size -= n;
    if (used_ == block_size_) CompressChunk();
  }
}

void CompressedStream::CompressChunk() {
  const size_t header_at = output_.size();
  // Room for the header and a compressed form strictly smaller than the original; if deflate
  // needs more than that, the chunk is stored as original.
  output_.resize(header_at + 3 + used_);
  size_t compressed = compressor_->Compress(std::string_view(buffer_.get(), used_),
                                            output_.data() + header_at + 3, used_ - 1);
  size_t length;
  uint32_t header;
  if (compressed > 0) {
    length = compressed;
    header = static_cast<uint32_t>(length) << 1;
  } else {
    length = used_;
    header = (static_cast<uint32_t>(length) << 1) | 1;
    std::memcpy(output_.data() + header_at + 3, buffer_.get(), used_);
  }
  output_[header_at] = static_cast<char>(header & 0xff);
  output_[header_at + 1] = static_cast<char>((header >> 8) & 0xff);
  output_[header_at + 2] = static_cast<char>((header >> 16) & 0xff);
  output_.resize(header_at + 3 + length);
  uncompressed_total_ += used_;
  used_ = 0;
}

void CompressedStream::CompressAll(ZlibCompressor* compressor, size_t block_size,
                                   std::string_view data, std::string* out) {
  // A buffer no larger than the data: one chunk anyway when the data fits in a block.
  CompressedStream stream(compressor, std::min(block_size, std::max<size_t>(data.size(), 1)));
  stream.Write(data.data(), data.size());
  stream.Flush();
  out->append(stream.output());
}

}  // namespace stocktake::format::orc
