// Files: an OutputStream over a POSIX file descriptor, and durable, atomic publication of a file
// (write to a temp name, fsync, rename, fsync the directory — LevelDB's SetCurrentFile).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "io/output_stream.h"

namespace stocktake::io {

// Buffered writer to a new file. Close() flushes, fsyncs (when `sync`) and closes the fd.
class FileOutputStream final : public OutputStream {
 public:
  static Result<std::unique_ptr<FileOutputStream>> Create(const std::string& path, bool sync,
                                                          int mode = 0644);
  ~FileOutputStream() override;
  Status Write(std::string_view data) override;
  Status Close() override;
  uint64_t bytes_written() const override { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  FileOutputStream(std::string path, int fd, bool sync);
  Status FlushBuffer();
  void StartWriteback();
  std::string path_;
  int fd_;
  bool sync_;
  std::string buffer_;
  uint64_t bytes_ = 0;
  uint64_t file_bytes_ = 0;    // handed to the kernel (bytes_ minus what is buffered)
  uint64_t written_back_ = 0;  // of those, whose writeback has been started
};

Status SyncDirectory(const std::string& dir);
// Writes `contents` to `path` atomically and durably (temp file + fsync + rename + dir fsync).
Status WriteFileAtomically(const std::string& path, std::string_view contents, int mode = 0644);
Result<std::string> ReadFile(const std::string& path);
Status CreateDirectories(const std::string& path);

}  // namespace stocktake::io
