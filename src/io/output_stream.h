// OutputStream: a sink of bytes. Streams chain (gzip -> hashing -> file) like Arrow's
// io::CompressedOutputStream. Close() flushes everything down the chain; the destructor never
// does I/O (an un-closed stream's data is simply lost — callers Abandon on error).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace stocktake::io {

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status Write(std::string_view data) = 0;
  // Flushes buffered data and finishes the stream (and the streams below it).
  virtual Status Close() = 0;
  // Bytes accepted by Write so far (before any transformation).
  virtual uint64_t bytes_written() const = 0;
};

// Collects everything in memory (tests, small objects such as manifests).
class MemoryOutputStream final : public OutputStream {
 public:
  Status Write(std::string_view data) override {
    buffer_.append(data);
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  uint64_t bytes_written() const override { return buffer_.size(); }
  const std::string& contents() const { return buffer_; }

 private:
  std::string buffer_;
};

// Passes bytes through to `sink` while computing their MD5 (manifest MD5checksum) and size.
// Does not own the sink; Close() closes it.
class HashingOutputStream final : public OutputStream {
 public:
  explicit HashingOutputStream(OutputStream* sink);
  ~HashingOutputStream() override;
  Status Write(std::string_view data) override;
  Status Close() override;
  uint64_t bytes_written() const override { return bytes_; }
  // Lower-case hex MD5 of everything written; valid after Close().
  const std::string& md5_hex() const { return md5_hex_; }

 private:
  OutputStream* sink_;
  struct Md5State;
  Md5State* md5_;
  uint64_t bytes_ = 0;
  std::string md5_hex_;
};

// gzip framing (RFC 1952) over ISA-L's igzip (fast; consumers need only valid gzip). Compresses
// into `sink` (not owned); Close() writes the trailer and closes the sink.
class GzipOutputStream final : public OutputStream {
 public:
  explicit GzipOutputStream(OutputStream* sink);
  ~GzipOutputStream() override;
  Status Write(std::string_view data) override;
  Status Close() override;
  uint64_t bytes_written() const override { return bytes_in_; }

 private:
  Status Deflate(std::string_view data, bool finish);
  OutputStream* sink_;
  struct State;
  State* state_;
  uint64_t bytes_in_ = 0;
  bool closed_ = false;
};

}  // namespace stocktake::io
