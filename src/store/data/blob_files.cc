#include "store/data/blob_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/crypto.h"
#include "common/encoding.h"
#include "io/file.h"

namespace stocktake::store::data {
namespace {

// Bytes read per pread: large enough for throughput, small enough for many concurrent GETs.
constexpr size_t kReadChunkBytes = 256 << 10;

Status Errno(const std::string& what, const std::string& path) {
  int err = errno;
  std::string msg = what + " " + path + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(std::move(msg));
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IOError(std::move(msg));
}

int ShardOf(std::string_view blob_id) {
  auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  return hex(blob_id[0]) * 16 + hex(blob_id[1]);
}

class FileBlobWriter final : public BlobWriter {
 public:
  FileBlobWriter(const BlobFiles* files, PendingBlobs* pending, std::string blob_id,
                 std::unique_ptr<io::FileOutputStream> out)
      : files_(files),
        pending_(pending),
        blob_id_(std::move(blob_id)),
        out_(std::move(out)),
        md5_(Digest::Algorithm::kMd5) {}

  // Abandon() is a no-op once the blob has been committed (claimed), so dropping a writer after a
  // successful PutObject keeps the blob, and dropping it after a failed one cleans up.
  ~FileBlobWriter() override { Abandon(); }

  Status Write(std::string_view data) override {
    if (state_ != State::kWriting) return Status::FailedPrecondition("blob write after finish");
    if (!status_.ok()) return status_;
    md5_.Update(data);
    size_ += data.size();
    status_ = out_->Write(data);
    return status_;
  }

  Status Finish() override {
    if (state_ != State::kWriting) return Status::FailedPrecondition("blob finished twice");
    RETURN_IF_ERROR(status_);
    // Order matters for crash safety: data durable (fdatasync in Close) before the name appears
    // in blobs/, and the name durable (directory fsync) before Finish reports success, i.e.
    // before metadata may reference it.
    status_ = out_->Close();
    RETURN_IF_ERROR(status_);
    std::string tmp = files_->TmpPath(blob_id_);
    std::string dest = files_->BlobPath(blob_id_);
    status_ = files_->EnsureShard(ShardOf(blob_id_));
    RETURN_IF_ERROR(status_);
    if (::rename(tmp.c_str(), dest.c_str()) != 0) {
      status_ = Errno("rename", tmp);
      return status_;
    }
    state_ = State::kFinished;
    pending_->Add(blob_id_);
    md5_hex_ = HexLower(md5_.Finish());
    status_ = io::SyncDirectory(files_->ShardDir(ShardOf(blob_id_)));
    return status_;
  }

  void Abandon() override {
    if (state_ == State::kWriting) {
      out_.reset();  // closes the descriptor without syncing
      ::unlink(files_->TmpPath(blob_id_).c_str());
    } else if (state_ == State::kFinished && pending_->Claim(blob_id_)) {
      files_->Remove(blob_id_).IgnoreError();  // an orphan left here goes at the next start-up
    }
    state_ = State::kAbandoned;
  }

  const std::string& blob_id() const override { return blob_id_; }
  uint64_t size() const override { return size_; }
  std::string md5_hex() const override { return md5_hex_; }

 private:
  enum class State { kWriting, kFinished, kAbandoned };
  const BlobFiles* files_;
  PendingBlobs* pending_;
  std::string blob_id_;
  std::unique_ptr<io::FileOutputStream> out_;
  Digest md5_;
  std::string md5_hex_;
  uint64_t size_ = 0;
  State state_ = State::kWriting;
  Status status_;  // sticky
};

class FileBlobReader final : public BlobReader {
 public:
  FileBlobReader(std::string path, int fd, uint64_t pos, uint64_t end)
      : path_(std::move(path)), fd_(fd), pos_(pos), end_(end) {}
  ~FileBlobReader() override { ::close(fd_); }

  Result<std::string_view> Read(size_t max_bytes) override {
    uint64_t n = std::min<uint64_t>({max_bytes, end_ - pos_, kReadChunkBytes});
    if (n == 0) return std::string_view();
    buffer_.resize(n);
    ssize_t got;
    do {
      got = ::pread(fd_, buffer_.data(), n, static_cast<off_t>(pos_));
    } while (got < 0 && errno == EINTR);
    if (got < 0) return Errno("read", path_);
    if (got == 0) return Status::Corruption("blob shorter than recorded: " + path_);
    pos_ += static_cast<uint64_t>(got);
    return std::string_view(buffer_.data(), static_cast<size_t>(got));
  }

 private:
  std::string path_;
  int fd_;
  uint64_t pos_;
  uint64_t end_;
  std::string buffer_;
};

class EmptyReader final : public BlobReader {
 public:
  Result<std::string_view> Read(size_t) override { return std::string_view(); }
};

class ConcatReader final : public BlobReader {
 public:
  ConcatReader(const BlobFiles* files, std::vector<Segment> segments, uint64_t offset,
               uint64_t length)
      : files_(files), segments_(std::move(segments)), skip_(offset), remaining_(length) {}

  Result<std::string_view> Read(size_t max_bytes) override {
    while (remaining_ > 0 && max_bytes > 0) {
      if (current_ == nullptr) {
        if (index_ >= segments_.size()) return std::string_view();
        const Segment& seg = segments_[index_];
        // Segments wholly before the range are skipped without being opened.
        if (seg.blob_id.empty() && seg.size > 0) {
          return Status::Corruption("multipart segment of " + std::to_string(seg.size) +
                                    " bytes has no blob");
        }
        if (skip_ >= seg.size || seg.blob_id.empty()) {
          skip_ -= std::min(skip_, seg.size);
          ++index_;
          continue;
        }
        ASSIGN_OR_RETURN(current_, files_->OpenReader(seg.blob_id, skip_, remaining_));
        skip_ = 0;
      }
      ASSIGN_OR_RETURN(std::string_view chunk,
                       current_->Read(std::min<uint64_t>(max_bytes, remaining_)));
      if (!chunk.empty()) {
        remaining_ -= chunk.size();
        return chunk;
      }
      current_.reset();
      ++index_;
    }
    return std::string_view();
  }

 private:
  const BlobFiles* files_;
  std::vector<Segment> segments_;
  size_t index_ = 0;
  uint64_t skip_;       // bytes still to skip before the range starts
  uint64_t remaining_;  // bytes of the range still to return
  std::unique_ptr<BlobReader> current_;
};

}  // namespace

// ---- PendingBlobs
// ----------------------------------------------------------------------------------

void PendingBlobs::Add(const std::string& blob_id) {
  std::lock_guard<std::mutex> lock(mu_);
  ids_.insert(blob_id);
}

bool PendingBlobs::Claim(const std::string& blob_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return ids_.erase(blob_id) > 0;
}

size_t PendingBlobs::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ids_.size();
}

// ---- BlobFiles
// -------------------------------------------------------------------------------------

BlobFiles::BlobFiles(std::string data_dir)
    : data_dir_(std::move(data_dir)),
      tmp_dir_(data_dir_ + "/" + std::string(kTmpDir)),
      blobs_dir_(data_dir_ + "/" + std::string(kBlobsDir)) {}

Status BlobFiles::Prepare() const {
  RETURN_IF_ERROR(io::CreateDirectories(tmp_dir_));
  RETURN_IF_ERROR(io::CreateDirectories(blobs_dir_));
  return io::SyncDirectory(data_dir_);
}

Status BlobFiles::EnsureShard(int shard) const {
  // Shard directories are created on first use (creating all 256 up front costs a noticeable
  // fraction of a second per start-up on ext4). Once created, they are never removed, so the
  // flag only ever goes from false to true.
  if (shard_ready_[shard].load(std::memory_order_acquire)) return Status::OK();
  std::string dir = ShardDir(shard);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Errno("mkdir", dir);
  // The new directory entry must be durable before a blob inside it is reported durable.
  RETURN_IF_ERROR(io::SyncDirectory(blobs_dir_));
  shard_ready_[shard].store(true, std::memory_order_release);
  return Status::OK();
}

Status BlobFiles::ClearTmp() const {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(tmp_dir_, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
    if (ec) return Status::IOError("remove " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return Status::IOError("list " + tmp_dir_ + ": " + ec.message());
  return Status::OK();
}

std::string BlobFiles::NewBlobId() { return HexLower(RandomBytes(kBlobIdChars / 2)); }

bool BlobFiles::IsValidBlobId(std::string_view blob_id) {
  if (blob_id.size() != kBlobIdChars) return false;
  return std::all_of(blob_id.begin(), blob_id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string BlobFiles::ShardName(int shard) {
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[(shard >> 4) & 0xf], kHex[shard & 0xf]};
}

std::string BlobFiles::TmpPath(std::string_view blob_id) const {
  return tmp_dir_ + "/" + std::string(blob_id);
}

std::string BlobFiles::BlobPath(std::string_view blob_id) const {
  std::string out = blobs_dir_;
  out.push_back('/');
  out.append(blob_id.substr(0, 2));
  out.push_back('/');
  out.append(blob_id);
  return out;
}

std::string BlobFiles::ShardDir(int shard) const { return blobs_dir_ + "/" + ShardName(shard); }

Result<std::vector<std::string>> BlobFiles::ListShard(int shard) const {
  std::string dir = ShardDir(shard);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return std::vector<std::string>();  // shard never used
    return Errno("opendir", dir);
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) {
    errno = err;
    return Errno("readdir", dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status BlobFiles::Remove(std::string_view name_in_shard, int shard) const {
  std::string path = ShardDir(shard) + "/" + std::string(name_in_shard);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    // A stray directory (never created by us) is removed whole.
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return Status::IOError("remove " + path + ": " + ec.message());
  }
  return Status::OK();
}

Status BlobFiles::Remove(std::string_view blob_id) const {
  if (!IsValidBlobId(blob_id)) return Status::InvalidArgument("bad blob id");
  return Remove(blob_id, ShardOf(blob_id));
}

Result<std::unique_ptr<BlobWriter>> BlobFiles::NewWriter(PendingBlobs* pending) const {
  std::string id = NewBlobId();
  // Blob files hold user data: readable by the server's user only.
  ASSIGN_OR_RETURN(auto out, io::FileOutputStream::Create(TmpPath(id), /*sync=*/true, 0600));
  return std::unique_ptr<BlobWriter>(
      std::make_unique<FileBlobWriter>(this, pending, std::move(id), std::move(out)));
}

Result<std::unique_ptr<BlobReader>> BlobFiles::OpenReader(std::string_view blob_id, uint64_t offset,
                                                          uint64_t length) const {
  if (!IsValidBlobId(blob_id)) return Status::InvalidArgument("bad blob id");
  std::string path = BlobPath(blob_id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open blob", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("stat", path);
    ::close(fd);
    return s;
  }
  auto size = static_cast<uint64_t>(st.st_size);
  uint64_t pos = std::min(offset, size);
  uint64_t end = length > size - pos ? size : pos + length;
  return std::unique_ptr<BlobReader>(
      std::make_unique<FileBlobReader>(std::move(path), fd, pos, end));
}

std::unique_ptr<BlobReader> NewConcatReader(const BlobFiles* files, std::vector<Segment> segments,
                                            uint64_t offset, uint64_t length) {
  return std::make_unique<ConcatReader>(files, std::move(segments), offset, length);
}

std::unique_ptr<BlobReader> NewEmptyReader() { return std::make_unique<EmptyReader>(); }

}  // namespace stocktake::store::data
