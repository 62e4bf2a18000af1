// Spool files: the listed (and enriched) versions of one partition, in listing order, on local
// disk until the report writer takes them in key order. Records carry only the fields a report
// can show. The format is private to one scan (and its checkpoint); it is not a stable format.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "common/result.h"
#include "io/file.h"
#include "store/types.h"

namespace stocktake::scan {

class SpoolWriter {
 public:
  static Result<std::unique_ptr<SpoolWriter>> Create(const std::string& path);
  Status Append(const store::ObjectVersion& version);
  // Flushes and fsyncs: the partition may then be recorded as done in the checkpoint.
  Status Close();
  uint64_t records() const { return records_; }
  uint64_t bytes() const { return out_->bytes_written(); }

 private:
  explicit SpoolWriter(std::unique_ptr<io::FileOutputStream> out) : out_(std::move(out)) {}
  std::unique_ptr<io::FileOutputStream> out_;
  std::string record_;
  uint64_t records_ = 0;
};

class SpoolReader {
 public:
  static Result<std::unique_ptr<SpoolReader>> Open(const std::string& path);
  ~SpoolReader();
  // Fills *out with the next record; false at the end. Corruption on a truncated record.
  Result<bool> Next(store::ObjectVersion* out);

 private:
  SpoolReader(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  std::string path_;
  std::FILE* file_;
  std::string buffer_;
};

}  // namespace stocktake::scan
