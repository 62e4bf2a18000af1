#include "report/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

#include "common/crypto.h"
#include "common/encoding.h"
#include "s3client/s3_client.h"

namespace stocktake::report {
namespace {

class LocalFileSource final : public ByteSource {
 public:
  LocalFileSource(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalFileSource() override { ::close(fd_); }
  const std::string& name() const override { return path_; }
  Result<uint64_t> Size() override { return size_; }

  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    if (offset > size_ || length > size_ - offset) {
      return Status::Corruption(path_ + ": read of " + std::to_string(length) + " bytes at " +
                                std::to_string(offset) + " is past the end (" +
                                std::to_string(size_) + " bytes)");
    }
    out->resize(length);
    uint64_t done = 0;
    while (done < length) {
      ssize_t n =
          ::pread(fd_, out->data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return Status::IOError(path_ + ": read failed: " + (n < 0 ? std::strerror(errno) : "EOF"));
      }
      done += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class S3ObjectSource final : public ByteSource {
 public:
  S3ObjectSource(s3::S3Client* client, std::string bucket, std::string key)
      : client_(client),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        name_("s3://" + bucket_ + "/" + key_) {}
  const std::string& name() const override { return name_; }

  Result<uint64_t> Size() override {
    if (size_ >= 0) return static_cast<uint64_t>(size_);
    s3::S3Call call;
    call.method = "HEAD";
    call.bucket = bucket_;
    call.key = key_;
    auto response = client_->Send(call);
    if (!response.ok()) return response.status().WithContext(name_);
    if (response->status == 404) return Status::NotFound(name_ + ": no such object");
    if (response->status == 403) return Status::PermissionDenied(name_ + ": access denied");
    if (response->status != 200) {
      return Status::IOError(name_ + ": HEAD answered HTTP " + std::to_string(response->status));
    }
    const std::string* length = response->FindHeader("content-length");
    if (length == nullptr) return Status::IOError(name_ + ": HEAD without Content-Length");
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), value);
    if (ec != std::errc() || end != length->data() + length->size()) {
      return Status::IOError(name_ + ": bad Content-Length " + *length);
    }
    size_ = static_cast<int64_t>(value);
    return value;
  }

  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    out->clear();
    if (length == 0) return Status::OK();
    s3::S3Call call;
    call.bucket = bucket_;
    call.key = key_;
    // RFC 9110 §14.1.2 byte range, last byte inclusive.
    call.headers.emplace_back(
        "Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
    auto response = client_->Send(call);
    if (!response.ok()) return response.status().WithContext(name_);
    if (response->status == 404) return Status::NotFound(name_ + ": no such object");
    if (response->status == 403) {
      return Status::PermissionDenied(name_ + ": " + s3::S3Client::ErrorSummary(*response));
    }
    if (response->status == 416) {
      return Status::Corruption(name_ + ": range at " + std::to_string(offset) +
                                " is past the end of the object");
    }
    if (response->status != 206 && response->status != 200) {
      return Status::IOError(name_ + ": " + s3::S3Client::ErrorSummary(*response));
    }
    if (response->status == 200) {
      // A server that ignores Range sends the whole object.
      if (offset > response->body.size())
        response->body.clear();
      else
        response->body = response->body.substr(offset, length);
    }
    if (response->body.size() != length) {
      return Status::Corruption(name_ + ": read of " + std::to_string(length) + " bytes at " +
                                std::to_string(offset) + " returned " +
                                std::to_string(response->body.size()));
    }
    *out = std::move(response->body);
    return Status::OK();
  }

 private:
  s3::S3Client* client_;
  std::string bucket_, key_, name_;
  int64_t size_ = -1;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string name, std::string bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}
  const std::string& name() const override { return name_; }
  Result<uint64_t> Size() override { return bytes_.size(); }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    if (offset > bytes_.size() || length > bytes_.size() - offset) {
      return Status::Corruption(name_ + ": read of " + std::to_string(length) + " bytes at " +
                                std::to_string(offset) + " is past the end (" +
                                std::to_string(bytes_.size()) + " bytes)");
    }
    out->assign(bytes_, offset, length);
    return Status::OK();
  }

 private:
  std::string name_;
  std::string bytes_;
};

// Readers skip a few bytes here and there (Parquet's leading magic, ORC's file header); reading a
// gap this small keeps the running MD5 going instead of re-reading the file at Close().
constexpr uint64_t kMaxGapBytes = 1 << 20;

class VerifyingSource final : public ByteSource {
 public:
  VerifyingSource(std::unique_ptr<ByteSource> source, uint64_t expected_size,
                  std::string expected_md5_hex, uint64_t in_memory_bytes)
      : source_(std::move(source)),
        expected_size_(expected_size),
        expected_md5_hex_(std::move(expected_md5_hex)),
        in_memory_bytes_(in_memory_bytes) {}
  const std::string& name() const override { return source_->name(); }

  Result<uint64_t> Size() override {
    RETURN_IF_ERROR(Start());
    return expected_size_;
  }

  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    RETURN_IF_ERROR(Start());
    if (in_memory_) return source_->ReadAt(offset, length, out);
    if (offset > hashed_ && offset - hashed_ <= kMaxGapBytes) {
      std::string gap;
      RETURN_IF_ERROR(source_->ReadAt(hashed_, offset - hashed_, &gap));
      md5_.Update(gap);
      hashed_ = offset;
    }
    RETURN_IF_ERROR(source_->ReadAt(offset, length, out));
    if (offset <= hashed_ && offset + length > hashed_) {
      md5_.Update(std::string_view(*out).substr(hashed_ - offset));
      hashed_ = offset + length;
    }
    return Status::OK();
  }

  Status Close() override {
    RETURN_IF_ERROR(Start());
    if (in_memory_ || closed_) return Status::OK();
    closed_ = true;
    std::string chunk;
    while (hashed_ < expected_size_) {
      uint64_t n = std::min<uint64_t>(4 << 20, expected_size_ - hashed_);
      RETURN_IF_ERROR(source_->ReadAt(hashed_, n, &chunk));
      md5_.Update(chunk);
      hashed_ += n;
    }
    return CheckMd5(md5_.Finish());
  }

 private:
  // Checks the size; reads a small file whole and checks its MD5.
  Status Start() {
    if (!started_) {
      started_ = true;
      start_status_ = StartOnce();
    }
    return start_status_;
  }

  Status StartOnce() {
    ASSIGN_OR_RETURN(uint64_t size, source_->Size());
    if (size != expected_size_) {
      return Status::Corruption(name() + ": size is " + std::to_string(size) +
                                " bytes, manifest.json says " + std::to_string(expected_size_));
    }
    if (size > in_memory_bytes_) return Status::OK();
    std::string bytes;
    RETURN_IF_ERROR(source_->ReadAt(0, size, &bytes));
    RETURN_IF_ERROR(CheckMd5(Md5(bytes)));
    source_ = OpenMemory(source_->name(), std::move(bytes));
    in_memory_ = true;
    return Status::OK();
  }

  Status CheckMd5(const std::string& md5) const {
    std::string hex = HexLower(md5);
    if (hex == expected_md5_hex_) return Status::OK();
    return Status::Corruption(name() + ": MD5 is " + hex + ", manifest.json says " +
                              expected_md5_hex_);
  }

  std::unique_ptr<ByteSource> source_;
  uint64_t expected_size_;
  std::string expected_md5_hex_;
  uint64_t in_memory_bytes_;
  bool started_ = false;
  Status start_status_;
  bool in_memory_ = false;
  bool closed_ = false;
  Digest md5_{Digest::Algorithm::kMd5};
  uint64_t hashed_ = 0;  // md5_ covers [0, hashed_)
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenLocalFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError(path + ": not a regular file");
  }
  return std::unique_ptr<ByteSource>(
      new LocalFileSource(path, fd, static_cast<uint64_t>(st.st_size)));
}

std::unique_ptr<ByteSource> OpenS3Object(s3::S3Client* client, std::string bucket,
                                         std::string key) {
  return std::make_unique<S3ObjectSource>(client, std::move(bucket), std::move(key));
}

std::unique_ptr<ByteSource> OpenMemory(std::string name, std::string bytes) {
  return std::make_unique<MemorySource>(std::move(name), std::move(bytes));
}

std::unique_ptr<ByteSource> NewVerifyingSource(std::unique_ptr<ByteSource> source,
                                               uint64_t expected_size, std::string expected_md5_hex,
                                               uint64_t in_memory_bytes) {
  return std::make_unique<VerifyingSource>(std::move(source), expected_size,
                                           std::move(expected_md5_hex), in_memory_bytes);
}

Result<std::string> ReadAll(ByteSource* source) {
  ASSIGN_OR_RETURN(uint64_t size, source->Size());
  std::string out;
  RETURN_IF_ERROR(source->ReadAt(0, size, &out));
  return out;
}

Status SequentialReader::Next(std::string* chunk) {
  if (!have_size_) {
    ASSIGN_OR_RETURN(size_, source_->Size());
    have_size_ = true;
  }
  chunk->clear();
  if (position_ >= size_) return Status::OK();
  uint64_t n = std::min(chunk_bytes_, size_ - position_);
  RETURN_IF_ERROR(source_->ReadAt(position_, n, chunk));
  position_ += n;
  return Status::OK();
}

}  // namespace stocktake::report
