// ByteSource: random-access reads of one report object, wherever it lives — a local file (pread),
// an S3 object (ranged GETs through s3::S3Client) or memory. The data file readers only see this
// interface, so every reader works on both s3:// URLs and local copies.
//
// Not thread-safe. An S3 source borrows the S3Client, which must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace stocktake::s3 {
class S3Client;
}

namespace stocktake::report {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Where the bytes come from, for messages: a path or s3://bucket/key.
  virtual const std::string& name() const = 0;
  virtual Result<uint64_t> Size() = 0;
  // Replaces *out with exactly `length` bytes from `offset`; an error when the object is shorter.
  virtual Status ReadAt(uint64_t offset, uint64_t length, std::string* out) = 0;
  // Called once the reader is done with the source: a source that checks the bytes it served
  // (VerifyingSource) reports a mismatch here.
  virtual Status Close() { return Status::OK(); }
};

Result<std::unique_ptr<ByteSource>> OpenLocalFile(const std::string& path);
// The size is fetched with HEAD on first use.
std::unique_ptr<ByteSource> OpenS3Object(s3::S3Client* client, std::string bucket, std::string key);
std::unique_ptr<ByteSource> OpenMemory(std::string name, std::string bytes);

// A data file checked against its manifest entry (spec §6.1: `size`, `MD5checksum` of the bytes
// as stored) over the bytes its reader reads anyway, with no second pass:
//   - a file up to `in_memory_bytes` is read whole on first use, checked, then served from
//     memory, so a corrupt file is refused before a single row of it is decoded;
//   - a bigger one is hashed as the reader advances through it (readers read row groups,
//     stripes and chunks in file order; small gaps they skip are read to keep the hash going)
//     and checked at Close(), which first hashes the tail not read in order (the footer).
// A mismatch is Corruption naming the file.
std::unique_ptr<ByteSource> NewVerifyingSource(std::unique_ptr<ByteSource> source,
                                               uint64_t expected_size, std::string expected_md5_hex,
                                               uint64_t in_memory_bytes = 64 << 20);

// Reads a whole source (for manifests and small files).
Result<std::string> ReadAll(ByteSource* source);

// Sequential reads in chunks of `chunk_bytes` (the last one may be shorter; empty at the end).
class SequentialReader {
 public:
  SequentialReader(ByteSource* source, uint64_t chunk_bytes = 4 << 20)
      : source_(source), chunk_bytes_(chunk_bytes) {}
  // Replaces *chunk with the next bytes; *chunk is empty once everything has been read.
  Status Next(std::string* chunk);
  uint64_t position() const { return position_; }

 private:
  ByteSource* source_;
  uint64_t chunk_bytes_;
  uint64_t position_ = 0;
  bool have_size_ = false;
  uint64_t size_ = 0;
};

}  // namespace stocktake::report
