#include "report/decompress.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <string>

namespace stocktake::report {
namespace {

constexpr size_t kInflateStep = 64 << 10;

constexpr int kTooBig = -100;

// Runs inflate() on an initialised stream over `input`, appending to *out. Returns Z_STREAM_END
// when the stream ended (zs->avail_in tells how much input is left), Z_OK when all the input was
// used without reaching the end, kTooBig past max_output_bytes, or a negative zlib error.
int InflateInto(z_stream* zs, std::string_view input, size_t max_output_bytes, std::string* out) {
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  zs->avail_in = static_cast<uInt>(input.size());
  while (true) {
    size_t old_size = out->size();
    out->resize(old_size + kInflateStep);
    zs->next_out = reinterpret_cast<Bytef*>(out->data() + old_size);
    zs->avail_out = static_cast<uInt>(kInflateStep);
    int rc = inflate(zs, Z_NO_FLUSH);
    out->resize(out->size() - zs->avail_out);
    if (out->size() > max_output_bytes) return kTooBig;
    if (rc == Z_STREAM_END) return rc;
    if (rc == Z_BUF_ERROR) return Z_OK;  // no progress possible: the input is used up
    if (rc != Z_OK) return rc < 0 ? rc : Z_DATA_ERROR;  // Z_NEED_DICT: not a valid member here
    if (zs->avail_in == 0 && zs->avail_out != 0) return Z_OK;
  }
}

}  // namespace

Status InflateRaw(std::string_view input, size_t max_output_bytes, std::string* out) {
  out->clear();
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return Status::Internal("inflateInit2 failed");
  int rc = InflateInto(&zs, input, max_output_bytes, out);
  inflateEnd(&zs);
  if (rc == kTooBig) {
    return Status::Corruption("deflate chunk expands past " + std::to_string(max_output_bytes) +
                              " bytes");
  }
  if (rc != Z_STREAM_END)
    return Status::Corruption("bad deflate data (zlib " + std::to_string(rc) + ")");
  return Status::OK();
}

Status GunzipExact(std::string_view input, size_t uncompressed_bytes, std::string* out) {
  out->clear();
  out->reserve(uncompressed_bytes);
  while (!input.empty()) {
    z_stream zs{};
    // 15 + 32: accept a gzip or a zlib header (some writers use zlib framing).
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("inflateInit2 failed");
    int rc = InflateInto(&zs, input, uncompressed_bytes, out);
    if (rc == kTooBig) {
      inflateEnd(&zs);
      return Status::Corruption("gzip page expands past " + std::to_string(uncompressed_bytes) +
                                " bytes");
    }
    size_t used = input.size() - zs.avail_in;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
      return Status::Corruption("bad gzip page (zlib " + std::to_string(rc) + ")");
    }
    input.remove_prefix(used);
  }
  if (out->size() != uncompressed_bytes) {
    return Status::Corruption("gzip page has " + std::to_string(out->size()) +
                              " bytes, header says " + std::to_string(uncompressed_bytes));
  }
  return Status::OK();
}

Status SnappyUncompress(std::string_view input, size_t max_output_bytes, std::string* out) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(input.data(), input.size(), &length)) {
    return Status::Corruption("bad snappy block header");
  }
  if (length > max_output_bytes) {
    return Status::Corruption("snappy block expands to " + std::to_string(length) +
                              " bytes, more than " + std::to_string(max_output_bytes));
  }
  out->resize(length);
  if (!snappy::RawUncompress(input.data(), input.size(), out->data())) {
    return Status::Corruption("bad snappy block");
  }
  return Status::OK();
}

Status ZstdUncompress(std::string_view input, size_t max_output_bytes, std::string* out) {
  out->resize(max_output_bytes);
  // One or more whole frames; an output past the bound is an error (dstSize_tooSmall).
  size_t n = ZSTD_decompress(out->data(), out->size(), input.data(), input.size());
  if (ZSTD_isError(n)) {
    out->clear();
    return Status::Corruption(std::string("bad zstd chunk: ") + ZSTD_getErrorName(n));
  }
  out->resize(n);
  return Status::OK();
}

Status Lz4BlockUncompress(std::string_view input, size_t max_output_bytes, std::string* out) {
  if (input.size() > INT32_MAX || max_output_bytes > INT32_MAX) {
    return Status::Corruption("lz4 block too large");
  }
  out->resize(max_output_bytes);
  int n = LZ4_decompress_safe(input.data(), out->data(), static_cast<int>(input.size()),
                              static_cast<int>(max_output_bytes));
  if (n < 0) {
    out->clear();
    return Status::Corruption("bad lz4 block (or it expands past " +
                              std::to_string(max_output_bytes) + " bytes)");
  }
  out->resize(static_cast<size_t>(n));
  return Status::OK();
}

struct GzipStreamInflater::State {
  z_stream zs{};
  bool initialised = false;
  bool in_member = false;  // inside a member that has not ended yet
};

GzipStreamInflater::GzipStreamInflater() : state_(new State) {}

GzipStreamInflater::~GzipStreamInflater() {
  if (state_->initialised) inflateEnd(&state_->zs);
}

Status GzipStreamInflater::Feed(std::string_view input, std::string* out) {
  State& s = *state_;
  if (!s.initialised) {
    if (inflateInit2(&s.zs, 15 + 16) != Z_OK) return Status::Internal("inflateInit2 failed");
    s.initialised = true;
  }
  while (!input.empty()) {
    s.in_member = true;
    int rc = InflateInto(&s.zs, input, SIZE_MAX, out);
    size_t used = input.size() - s.zs.avail_in;
    input.remove_prefix(used);
    if (rc == Z_STREAM_END) {
      // RFC 1952 §2.2: a gzip file is a series of members; the next one starts here.
      s.in_member = false;
      inflateReset(&s.zs);
      continue;
    }
    if (rc != Z_OK) return Status::Corruption("bad gzip data (zlib " + std::to_string(rc) + ")");
    if (used == 0) return Status::Corruption("gzip stream stalled");
  }
  return Status::OK();
}

Status GzipStreamInflater::Finish() const {
  if (state_->in_member) return Status::Corruption("gzip data ends in the middle of a member");
  return Status::OK();
}

}  // namespace stocktake::report
