#include "store/data/blob_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

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

// Reads exactly data->size() bytes at `offset`; Corruption when the file ends first.
Status PreadFull(int fd, const std::string& path, uint64_t offset, std::string* data) {
  size_t done = 0;
  while (done < data->size()) {
    ssize_t got =
        ::pread(fd, data->data() + done, data->size() - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Errno("read", path);
    if (got == 0) return Status::Corruption("blob shorter than its header says: " + path);
    done += static_cast<size_t>(got);
  }
  return Status::OK();
}

// Closes a descriptor on the error paths of OpenReader.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Failpoint for fault-injection tests: STOCKTAKE_FAILPOINT_BLOB_FAULT names a control file.
// While it exists and starts with "write", new blob writers fail their first Write() after
// writing half of its bytes (a short write, then EIO); with "fsync", Finish() fails where the
// data would be synced. Read per writer, so a test switches faults under a running server.
enum class InjectedFault { kNone, kShortWrite, kFsync };

InjectedFault ReadInjectedFault() {
  static const char* control = std::getenv("STOCKTAKE_FAILPOINT_BLOB_FAULT");
  if (control == nullptr) return InjectedFault::kNone;
  std::ifstream in(control);
  std::string word;
  if (!(in >> word)) return InjectedFault::kNone;
  if (word == "write") return InjectedFault::kShortWrite;
  if (word == "fsync") return InjectedFault::kFsync;
  return InjectedFault::kNone;
}

// Writes a plaintext blob, or (with a cipher) the header already written by NewWriter followed
// by sealed chunks. A full chunk is held back until more data arrives, because only Finish()
// knows which chunk is the last and must be sealed as final.
class FileBlobWriter final : public BlobWriter {
 public:
  FileBlobWriter(const BlobFiles* files, PendingBlobs* pending, std::string blob_id,
                 std::unique_ptr<io::FileOutputStream> out,
                 std::unique_ptr<ChunkCipher> cipher = nullptr, std::string encryption = {})
      : files_(files),
        pending_(pending),
        blob_id_(std::move(blob_id)),
        out_(std::move(out)),
        cipher_(std::move(cipher)),
        encryption_(std::move(encryption)),
        md5_(Digest::Algorithm::kMd5),
        fault_(ReadInjectedFault()) {}

  // Abandon() is a no-op once the blob has been committed (claimed), so dropping a writer after a
  // successful PutObject keeps the blob, and dropping it after a failed one cleans up.
  ~FileBlobWriter() override { Abandon(); }

  Status Write(std::string_view data) override {
    if (state_ != State::kWriting) return Status::FailedPrecondition("blob write after finish");
    if (!status_.ok()) return status_;
    if (fault_ == InjectedFault::kShortWrite) {
      out_->Write(data.substr(0, data.size() / 2)).IgnoreError();
      status_ = Status::IOError("write " + files_->TmpPath(blob_id_) +
                                ": Input/output error (injected short write)");
      return status_;
    }
    md5_.Update(data);
    size_ += data.size();
    if (cipher_ == nullptr) {
      status_ = out_->Write(data);
      return status_;
    }
    while (!data.empty()) {
      if (plain_.size() == kChunkPlainBytes) {
        status_ = SealChunk(/*final=*/false);
        RETURN_IF_ERROR(status_);
      }
      size_t take = std::min(kChunkPlainBytes - plain_.size(), data.size());
      plain_.append(data.substr(0, take));
      data.remove_prefix(take);
    }
    return Status::OK();
  }

  Status Finish() override {
    if (state_ != State::kWriting) return Status::FailedPrecondition("blob finished twice");
    RETURN_IF_ERROR(status_);
    if (cipher_ != nullptr) {
      status_ = SealChunk(/*final=*/true);
      RETURN_IF_ERROR(status_);
      std::string().swap(plain_);  // finished writers may be kept until their blob is committed
      std::string().swap(sealed_);
    }
    // Order matters for crash safety: data durable (fdatasync in Close) before the name appears
    // in blobs/, and the name durable (directory fsync) before Finish reports success, i.e.
    // before metadata may reference it.
    if (fault_ == InjectedFault::kFsync) {
      status_ =
          Status::IOError("fsync " + files_->TmpPath(blob_id_) + ": Input/output error (injected)");
      return status_;
    }
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
    pending_->Add(blob_id_, encryption_);
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

  Status SealChunk(bool final) {
    sealed_.clear();
    RETURN_IF_ERROR(cipher_->Seal(chunk_index_, final, plain_, &sealed_));
    ++chunk_index_;
    plain_.clear();
    return out_->Write(sealed_);
  }

  const BlobFiles* files_;
  PendingBlobs* pending_;
  std::string blob_id_;
  std::unique_ptr<io::FileOutputStream> out_;
  std::unique_ptr<ChunkCipher> cipher_;  // null: plaintext blob
  std::string encryption_;               // the SSE mode of the blob ("" = plaintext)
  std::string plain_;                    // plaintext of the chunk being filled
  std::string sealed_;
  uint64_t chunk_index_ = 0;
  Digest md5_;
  std::string md5_hex_;
  uint64_t size_ = 0;
  InjectedFault fault_;
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

// The plaintext of [pos, end) of an encrypted blob, one chunk at a time: a chunk is read and
// authenticated whole before any of its bytes is returned.
class EncryptedBlobReader final : public BlobReader {
 public:
  EncryptedBlobReader(std::string path, int fd, std::unique_ptr<ChunkCipher> cipher,
                      uint64_t body_offset, uint64_t plain_size, uint64_t pos, uint64_t end)
      : path_(std::move(path)),
        fd_(fd),
        cipher_(std::move(cipher)),
        body_offset_(body_offset),
        plain_size_(plain_size),
        chunks_(ChunkCount(plain_size)),
        pos_(pos),
        end_(end) {}
  ~EncryptedBlobReader() override { ::close(fd_); }

  Result<std::string_view> Read(size_t max_bytes) override {
    if (pos_ >= end_ || max_bytes == 0) return std::string_view();
    uint64_t index = pos_ / kChunkPlainBytes;
    if (index != loaded_) RETURN_IF_ERROR(Load(index));
    uint64_t in_chunk = pos_ - index * kChunkPlainBytes;
    uint64_t n = std::min<uint64_t>({max_bytes, plain_.size() - in_chunk, end_ - pos_});
    pos_ += n;
    return std::string_view(plain_.data() + in_chunk, static_cast<size_t>(n));
  }

 private:
  Status Load(uint64_t index) {
    uint64_t first = index * kChunkPlainBytes;
    sealed_.resize(std::min<uint64_t>(kChunkPlainBytes, plain_size_ - first) + kChunkTagBytes);
    RETURN_IF_ERROR(PreadFull(
        fd_, path_, body_offset_ + index * (kChunkPlainBytes + kChunkTagBytes), &sealed_));
    Status st = cipher_->Open(index, index + 1 == chunks_, sealed_, &plain_);
    if (!st.ok()) {
      loaded_ = UINT64_MAX;
      return Status::Corruption(path_ + ": " + st.message());
    }
    loaded_ = index;
    return Status::OK();
  }

  std::string path_;
  int fd_;
  std::unique_ptr<ChunkCipher> cipher_;
  uint64_t body_offset_;  // where chunk 0 starts (the header's size)
  uint64_t plain_size_;
  uint64_t chunks_;
  uint64_t pos_;
  uint64_t end_;
  uint64_t loaded_ = UINT64_MAX;  // index of the chunk in plain_
  std::string sealed_;
  std::string plain_;
};

class EmptyReader final : public BlobReader {
 public:
  Result<std::string_view> Read(size_t) override { return std::string_view(); }
};

class ConcatReader final : public BlobReader {
 public:
  ConcatReader(BlobOpener open, std::vector<Segment> segments, uint64_t offset, uint64_t length)
      : open_(std::move(open)), segments_(std::move(segments)), skip_(offset), remaining_(length) {}

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
        ASSIGN_OR_RETURN(current_, open_(seg.blob_id, skip_, remaining_));
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
  BlobOpener open_;
  std::vector<Segment> segments_;
  size_t index_ = 0;
  uint64_t skip_;       // bytes still to skip before the range starts
  uint64_t remaining_;  // bytes of the range still to return
  std::unique_ptr<BlobReader> current_;
};

}  // namespace

// ---- PendingBlobs
// ----------------------------------------------------------------------------------

void PendingBlobs::Add(const std::string& blob_id, std::string_view encryption) {
  std::lock_guard<std::mutex> lock(mu_);
  ids_.insert_or_assign(blob_id, std::string(encryption));
}

bool PendingBlobs::Claim(const std::string& blob_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return ids_.erase(blob_id) > 0;
}

bool PendingBlobs::Claim(const std::string& blob_id, std::string* encryption) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ids_.find(blob_id);
  if (it == ids_.end()) return false;
  *encryption = std::move(it->second);
  ids_.erase(it);
  return true;
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

Result<std::unique_ptr<BlobWriter>> BlobFiles::NewWriter(PendingBlobs* pending,
                                                         BlobKeyring* keyring,
                                                         const BlobEncryption& encryption) const {
  std::string id = NewBlobId();
  BlobHeader header;
  header.nonce = RandomBytes(kBlobNonceBytes);
  ASSIGN_OR_RETURN(std::string key, keyring->NewDataKey(id, encryption, &header));
  ASSIGN_OR_RETURN(auto cipher, ChunkCipher::Create(key, header));
  ASSIGN_OR_RETURN(auto out, io::FileOutputStream::Create(TmpPath(id), /*sync=*/true, 0600));
  Status st = out->Write(cipher->encoded_header());
  if (!st.ok()) {
    out.reset();
    ::unlink(TmpPath(id).c_str());
    return st;
  }
  std::string mode(BlobKeyModeName(header.mode));
  return std::unique_ptr<BlobWriter>(std::make_unique<FileBlobWriter>(
      this, pending, std::move(id), std::move(out), std::move(cipher), std::move(mode)));
}

Result<std::unique_ptr<BlobReader>> BlobFiles::OpenReader(std::string_view blob_id, uint64_t offset,
                                                          uint64_t length, BlobKeyring* keyring,
                                                          std::string_view customer_key) const {
  if (!IsValidBlobId(blob_id)) return Status::InvalidArgument("bad blob id");
  std::string path = BlobPath(blob_id);
  int raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw_fd < 0) return Errno("open blob", path);
  FdGuard fd(raw_fd);
  struct stat st;
  if (::fstat(raw_fd, &st) != 0) return Errno("stat", path);
  auto file_size = static_cast<uint64_t>(st.st_size);
  std::string encoded(kBlobHeaderFixedBytes, '\0');
  if (file_size < encoded.size()) return Status::Corruption("not an encrypted blob: " + path);
  RETURN_IF_ERROR(PreadFull(raw_fd, path, 0, &encoded));
  ASSIGN_OR_RETURN(size_t header_size, BlobHeader::EncodedSize(encoded));
  if (file_size < header_size) return Status::Corruption("encrypted blob truncated: " + path);
  encoded.resize(header_size);
  RETURN_IF_ERROR(PreadFull(raw_fd, path, 0, &encoded));
  ASSIGN_OR_RETURN(BlobHeader header, BlobHeader::Parse(encoded));
  auto plain_size = PlainBytesOfBody(file_size - header_size);
  if (!plain_size.ok()) return Status::Corruption(path + ": " + plain_size.status().message());
  ASSIGN_OR_RETURN(std::string key, keyring->DataKey(blob_id, header, customer_key));
  ASSIGN_OR_RETURN(auto cipher, ChunkCipher::Create(key, header));
  uint64_t pos = std::min(offset, *plain_size);
  uint64_t end = length > *plain_size - pos ? *plain_size : pos + length;
  return std::unique_ptr<BlobReader>(std::make_unique<EncryptedBlobReader>(
      std::move(path), fd.release(), std::move(cipher), header_size, *plain_size, pos, end));
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

std::unique_ptr<BlobReader> NewConcatReader(BlobOpener open, std::vector<Segment> segments,
                                            uint64_t offset, uint64_t length) {
  return std::make_unique<ConcatReader>(std::move(open), std::move(segments), offset, length);
}

std::unique_ptr<BlobReader> NewConcatReader(const BlobFiles* files, std::vector<Segment> segments,
                                            uint64_t offset, uint64_t length) {
  return NewConcatReader([files](std::string_view blob_id, uint64_t at,
                                 uint64_t n) { return files->OpenReader(blob_id, at, n); },
                         std::move(segments), offset, length);
}

std::unique_ptr<BlobReader> NewEmptyReader() { return std::make_unique<EmptyReader>(); }

}  // namespace stocktake::store::data
