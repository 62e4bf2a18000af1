#include "io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::io {
namespace {

constexpr size_t kFileBufferBytes = 1 << 20;
constexpr uint64_t kWritebackBytes = 8 << 20;

Status ErrnoStatus(const std::string& what, const std::string& path) {
  int err = errno;
  std::string msg = what + " " + path + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(msg);
  return Status::IOError(msg);
}

Status WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<FileOutputStream>> FileOutputStream::Create(const std::string& path,
                                                                   bool sync, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus("open", path);
  return std::unique_ptr<FileOutputStream>(new FileOutputStream(path, fd, sync));
}

FileOutputStream::FileOutputStream(std::string path, int fd, bool sync)
    : path_(std::move(path)), fd_(fd), sync_(sync) {
  buffer_.reserve(kFileBufferBytes);
}

FileOutputStream::~FileOutputStream() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileOutputStream::FlushBuffer() {
  Status st = WriteAll(fd_, buffer_.data(), buffer_.size(), path_);
  if (st.ok()) {
    file_bytes_ += buffer_.size();
    StartWriteback();
  }
  buffer_.clear();
  return st;
}

// A durable file of many MiB would otherwise reach the disk all at once in Close()'s fdatasync,
// stalling the small synced writes of concurrent requests behind it (what RocksDB's
// bytes_per_sync avoids for its own files): start writing back every few MiB as they come.
void FileOutputStream::StartWriteback() {
  if (!sync_ || file_bytes_ - written_back_ < kWritebackBytes) return;
  // Best effort: Close() still syncs everything.
  ::sync_file_range(fd_, static_cast<off_t>(written_back_),
                    static_cast<off_t>(file_bytes_ - written_back_), SYNC_FILE_RANGE_WRITE);
  written_back_ = file_bytes_;
}

Status FileOutputStream::Write(std::string_view data) {
  if (fd_ < 0) return Status::FailedPrecondition("write after close: " + path_);
  bytes_ += data.size();
  if (buffer_.size() + data.size() <= kFileBufferBytes) {
    buffer_.append(data);
    return Status::OK();
  }
  RETURN_IF_ERROR(FlushBuffer());
  if (data.size() >= kFileBufferBytes) {
    RETURN_IF_ERROR(WriteAll(fd_, data.data(), data.size(), path_));
    file_bytes_ += data.size();
    StartWriteback();
    return Status::OK();
  }
  buffer_.append(data);
  return Status::OK();
}

Status FileOutputStream::Close() {
  if (fd_ < 0) return Status::OK();
  Status st = FlushBuffer();
  std::string().swap(buffer_);  // a closed stream may be kept around (finished report files)
  if (st.ok() && sync_ && ::fdatasync(fd_) != 0) st = ErrnoStatus("fsync", path_);
  if (::close(fd_) != 0 && st.ok()) st = ErrnoStatus("close", path_);
  fd_ = -1;
  return st;
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync directory", dir);
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents, int mode) {
  std::string tmp = path + ".tmp-" + HexLower(RandomBytes(6));
  {
    ASSIGN_OR_RETURN(auto out, FileOutputStream::Create(tmp, /*sync=*/true, mode));
    Status st = out->Write(contents);
    if (st.ok()) st = out->Close();
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = ErrnoStatus("rename", tmp);
    ::unlink(tmp.c_str());
    return st;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return SyncDirectory(dir.empty() ? "." : dir);
}

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no such file: " + path);
    return ErrnoStatus("open", path);
  }
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = ErrnoStatus("read", path);
      ::close(fd);
      return st;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status CreateDirectories(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IOError("create directory " + path + ": " + ec.message());
  return Status::OK();
}

}  // namespace stocktake::io
