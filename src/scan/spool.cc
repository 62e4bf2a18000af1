#include "scan/spool.h"

#include <cerrno>
#include <cstring>

namespace stocktake::scan {
namespace {

// Record: u32 little-endian length, then the fields below in this order. Strings are a varint
// length and bytes; integers are varints (zig-zag for signed ones).
enum Flags : uint8_t {
  kDeleteMarker = 1,
  kLatest = 2,
  kMultipart = 4,
  kBucketKey = 8,
};

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutSigned(std::string* out, int64_t v) {
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

class Cursor {
 public:
  explicit Cursor(std::string_view data) : data_(data) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (data_.empty()) return false;
      auto b = static_cast<uint8_t>(data_.front());
      data_.remove_prefix(1);
      *v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Signed(int64_t* v) {
    uint64_t u = 0;
    if (!Varint(&u)) return false;
    *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
  }
  bool String(std::string* s) {
    uint64_t n = 0;
    if (!Varint(&n) || n > data_.size()) return false;
    s->assign(data_.substr(0, n));
    data_.remove_prefix(n);
    return true;
  }
  bool done() const { return data_.empty(); }

 private:
  std::string_view data_;
};

}  // namespace

Result<std::unique_ptr<SpoolWriter>> SpoolWriter::Create(const std::string& path) {
  ASSIGN_OR_RETURN(auto out, io::FileOutputStream::Create(path, /*sync=*/true));
  return std::unique_ptr<SpoolWriter>(new SpoolWriter(std::move(out)));
}

Status SpoolWriter::Append(const store::ObjectVersion& v) {
  record_.assign(4, '\0');
  uint8_t flags = (v.is_delete_marker ? kDeleteMarker : 0) | (v.is_latest ? kLatest : 0) |
                  (v.is_multipart ? kMultipart : 0) | (v.bucket_key_enabled ? kBucketKey : 0);
  record_.push_back(static_cast<char>(flags));
  PutString(&record_, v.key);
  PutString(&record_, v.version_id);
  PutVarint(&record_, v.size);
  PutSigned(&record_, v.last_modified_ms);
  PutString(&record_, v.etag);
  PutString(&record_, v.storage_class);
  PutVarint(&record_, v.part_count);
  PutString(&record_, v.owner_account_id);
  PutString(&record_, v.encryption);
  PutString(&record_, v.replication_status);
  PutString(&record_, v.object_lock_mode);
  PutSigned(&record_, v.object_lock_retain_until_ms);
  PutString(&record_, v.object_lock_legal_hold);
  PutString(&record_, v.checksum_algorithm);
  PutString(&record_, v.acl);
  auto length = static_cast<uint32_t>(record_.size() - 4);
  for (int i = 0; i < 4; ++i) record_[i] = static_cast<char>(length >> (8 * i));
  ++records_;
  return out_->Write(record_);
}

Status SpoolWriter::Close() { return out_->Close(); }

Result<std::unique_ptr<SpoolReader>> SpoolReader::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::IOError("open " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<SpoolReader>(new SpoolReader(path, file));
}

SpoolReader::~SpoolReader() { std::fclose(file_); }

Result<bool> SpoolReader::Next(store::ObjectVersion* out) {
  unsigned char header[4];
  size_t got = std::fread(header, 1, 4, file_);
  if (got == 0 && std::feof(file_)) return false;
  if (got != 4) return Status::Corruption("truncated spool record in " + path_);
  uint32_t length = header[0] | header[1] << 8 | header[2] << 16 | uint32_t{header[3]} << 24;
  buffer_.resize(length);
  if (length > 0 && std::fread(buffer_.data(), 1, length, file_) != length) {
    return Status::Corruption("truncated spool record in " + path_);
  }
  if (buffer_.empty()) return Status::Corruption("empty spool record in " + path_);
  auto flags = static_cast<uint8_t>(buffer_[0]);
  Cursor c(std::string_view(buffer_).substr(1));
  uint64_t part_count = 0;
  bool ok = c.String(&out->key) && c.String(&out->version_id) && c.Varint(&out->size) &&
            c.Signed(&out->last_modified_ms) && c.String(&out->etag) &&
            c.String(&out->storage_class) && c.Varint(&part_count) &&
            c.String(&out->owner_account_id) && c.String(&out->encryption) &&
            c.String(&out->replication_status) && c.String(&out->object_lock_mode) &&
            c.Signed(&out->object_lock_retain_until_ms) && c.String(&out->object_lock_legal_hold) &&
            c.String(&out->checksum_algorithm) && c.String(&out->acl) && c.done();
  if (!ok) return Status::Corruption("bad spool record in " + path_);
  out->part_count = static_cast<uint32_t>(part_count);
  out->is_delete_marker = flags & kDeleteMarker;
  out->is_latest = flags & kLatest;
  out->is_multipart = flags & kMultipart;
  out->bucket_key_enabled = flags & kBucketKey;
  return true;
}

}  // namespace stocktake::scan
