#include "format/orc/compression_stream.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>

namespace stocktake::format::orc {

namespace {

size_t LevelBufferSize(int level) {
  switch (level) {
    case 2:
      return ISAL_DEF_LVL2_DEFAULT;
    case 3:
      return ISAL_DEF_LVL3_DEFAULT;
    default:
      return ISAL_DEF_LVL1_DEFAULT;
  }
}

}  // namespace

DeflateCompressor::DeflateCompressor(int level)
    : level_(level < 1 ? 1 : (level > 3 ? 3 : level)), level_buffer_(LevelBufferSize(level_)) {}

DeflateCompressor::~DeflateCompressor() = default;

std::string_view DeflateCompressor::Compress(std::string_view input) {
  if (input.empty() || input.size() > (1u << 30)) return {};
  // Stored blocks cost 5 bytes per 64 KiB; a few hundred more cover the block headers.
  const size_t room = input.size() + 5 * (input.size() / 65535 + 1) + 1024;
  if (output_.size() < room) output_.resize(room);
  // Zeroed first: isal_deflate_stateless_init leaves some fields (history state) untouched, and
  // stack garbage there silently wrecks the ratio of later chunks.
  isal_zstream s{};
  isal_deflate_stateless_init(&s);
  s.level = static_cast<uint32_t>(level_);
  s.level_buf = level_buffer_.data();
  s.level_buf_size = static_cast<uint32_t>(level_buffer_.size());
  s.gzip_flag = IGZIP_DEFLATE;  // raw deflate: ORC's ZLIB codec has no zlib header or trailer
  s.end_of_stream = 1;
  s.flush = NO_FLUSH;
  s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(input.data()));
  s.avail_in = static_cast<uint32_t>(input.size());
  s.next_out = output_.data();
  s.avail_out = static_cast<uint32_t>(output_.size());
  if (isal_deflate_stateless(&s) != COMP_OK) {
    status_ = Status::Internal("orc: igzip deflate failed");
    return {};
  }
  const size_t size = output_.size() - s.avail_out;
  if (size >= input.size()) return {};
  return std::string_view(reinterpret_cast<const char*>(output_.data()), size);
}

CompressedStream::CompressedStream(DeflateCompressor* compressor, size_t block_size,
                                   io::BlockPool* pool)
    : compressor_(compressor),
      block_size_(std::max<size_t>(1, std::min(block_size, kMaxBlockSize))),
      own_pool_(pool ? nullptr : std::make_unique<io::BlockPool>()),
      output_(pool ? pool : own_pool_.get()) {}

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

template <typename Append>
void CompressedStream::EncodeChunk(DeflateCompressor* compressor, std::string_view original,
                                   Append append) {
  const std::string_view compressed = compressor->Compress(original);
  const std::string_view chunk = compressed.empty() ? original : compressed;
  const uint32_t header =
      (static_cast<uint32_t>(chunk.size()) << 1) | (compressed.empty() ? 1u : 0u);
  const char bytes[3] = {static_cast<char>(header & 0xff), static_cast<char>((header >> 8) & 0xff),
                         static_cast<char>((header >> 16) & 0xff)};
  append(std::string_view(bytes, 3));
  append(chunk);
}

void CompressedStream::CompressChunk() {
  EncodeChunk(compressor_, std::string_view(buffer_.get(), used_),
              [this](std::string_view bytes) { output_.Append(bytes); });
  uncompressed_total_ += used_;
  used_ = 0;
}

void CompressedStream::CompressAll(DeflateCompressor* compressor, size_t block_size,
                                   std::string_view data, std::string* out) {
  // Chunked as a stream would be (no chunk at all for empty data).
  auto append = [out](std::string_view bytes) { out->append(bytes); };
  const size_t chunk_bytes = std::max<size_t>(1, std::min(block_size, kMaxBlockSize));
  for (size_t pos = 0; pos < data.size(); pos += chunk_bytes) {
    EncodeChunk(compressor, data.substr(pos, chunk_bytes), append);
  }
}

}  // namespace stocktake::format::orc
