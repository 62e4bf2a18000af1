#include "scan/uploader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <pugixml.hpp>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::scan {
namespace {

constexpr uint64_t kMaxParts = 10'000;  // S3 multipart limit

Status Expect2xx(const s3::S3Call& call, const Result<s3::http::ClientResponse>& r) {
  if (!r.ok()) return r.status();
  if (r->status / 100 == 2) return Status::OK();
  std::string msg = DescribeResponse(call, *r);
  if (r->status == 403) return Status::PermissionDenied(msg);
  if (r->status == 404) return Status::NotFound(msg);
  return Status::Unavailable(msg);
}

Status PutPart(RemoteClient& client, const std::string& bucket, const std::string& key,
               const std::string& upload_id, uint32_t number, std::string_view bytes,
               std::string* etag) {
  s3::S3Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
  call.headers.emplace_back("content-md5", Base64Encode(Md5(bytes)));
  call.body = bytes;
  auto r = client.Send(call);
  RETURN_IF_ERROR(Expect2xx(call, r));
  const std::string* tag = r->FindHeader("etag");
  if (tag == nullptr) return Status::Unavailable(DescribeCall(call) + ": UploadPart without ETag");
  *etag = *tag;
  return Status::OK();
}

class File {
 public:
  explicit File(std::FILE* f) : f_(f) {}
  ~File() {
    if (f_) std::fclose(f_);
  }
  std::FILE* get() const { return f_; }

 private:
  std::FILE* f_;
};

Status Multipart(RemoteClient& client, const std::string& bucket, const std::string& key,
                 const std::string& path, uint64_t size, const std::string& content_type,
                 const UploadOptions& options) {
  uint64_t part_size = std::max(options.part_size_bytes, (size + kMaxParts - 1) / kMaxParts);
  s3::S3Call create;
  create.method = "POST";
  create.bucket = bucket;
  create.key = key;
  create.query = {{"uploads", ""}};
  create.headers.emplace_back("content-type", content_type);
  auto created = client.Send(create);
  RETURN_IF_ERROR(Expect2xx(create, created));
  pugi::xml_document doc;
  doc.load_buffer(created->body.data(), created->body.size());
  std::string upload_id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (upload_id.empty()) return Status::Unavailable(DescribeCall(create) + ": no UploadId");

  auto abort = [&](Status st) {
    s3::S3Call call;
    call.method = "DELETE";
    call.bucket = bucket;
    call.key = key;
    call.query = {{"uploadId", upload_id}};
    client.Send(call).status().IgnoreError();  // best effort; the first error matters
    return st;
  };
  File file(std::fopen(path.c_str(), "rb"));
  if (file.get() == nullptr) {
    return abort(Status::IOError("open " + path + ": " + std::strerror(errno)));
  }
  std::string buffer;
  std::string complete = "<CompleteMultipartUpload>";
  uint64_t offset = 0;
  uint32_t number = 0;
  do {  // size > threshold >= 0: at least one part
    size_t n = static_cast<size_t>(std::min(part_size, size - offset));
    buffer.resize(n);
    if (std::fread(buffer.data(), 1, n, file.get()) != n) {
      return abort(Status::IOError("read " + path + ": short read"));
    }
    std::string etag;
    Status st = PutPart(client, bucket, key, upload_id, ++number, buffer, &etag);
    if (!st.ok()) return abort(st);
    complete += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + etag +
                "</ETag></Part>";
    offset += n;
  } while (offset < size);
  complete += "</CompleteMultipartUpload>";
  s3::S3Call finish;
  finish.method = "POST";
  finish.bucket = bucket;
  finish.key = key;
  finish.query = {{"uploadId", upload_id}};
  finish.body = complete;
  auto done = client.Send(finish);
  Status st = Expect2xx(finish, done);
  // CompleteMultipartUpload can fail after its 200 status line: the error is in the body.
  if (st.ok() && done->body.find("<Error>") != std::string::npos) {
    st = Status::Unavailable(DescribeCall(finish) + ": " + s3::S3Client::ErrorSummary(*done));
  }
  return st.ok() ? st : abort(st);
}

}  // namespace

Status PutObjectBytes(RemoteClient& client, const std::string& bucket, const std::string& key,
                      std::string_view bytes, const std::string& content_type) {
  s3::S3Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.headers.emplace_back("content-type", content_type);
  call.headers.emplace_back("content-md5", Base64Encode(Md5(bytes)));
  call.body = bytes;
  return Expect2xx(call, client.Send(call));
}

Status PutObjectFile(RemoteClient& client, const std::string& bucket, const std::string& key,
                     const std::string& path, uint64_t size, const std::string& content_type,
                     const UploadOptions& options) {
  if (size > options.multipart_threshold_bytes) {
    return Multipart(client, bucket, key, path, size, content_type, options);
  }
  File file(std::fopen(path.c_str(), "rb"));
  if (file.get() == nullptr) return Status::IOError("open " + path + ": " + std::strerror(errno));
  std::string bytes(static_cast<size_t>(size), '\0');
  if (size > 0 && std::fread(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
    return Status::IOError("read " + path + ": short read");
  }
  return PutObjectBytes(client, bucket, key, bytes, content_type);
}

Status DeleteObject(RemoteClient& client, const std::string& bucket, const std::string& key) {
  s3::S3Call call;
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  auto r = client.Send(call);
  if (r.ok() && r->status == 404) return Status::OK();
  return Expect2xx(call, r);
}

Result<bool> ObjectExists(RemoteClient& client, const std::string& bucket, const std::string& key) {
  s3::S3Call call;
  call.method = "HEAD";
  call.bucket = bucket;
  call.key = key;
  auto r = client.Send(call);
  if (r.ok() && r->status == 404) return false;  // also a delete marker on top
  RETURN_IF_ERROR(Expect2xx(call, r));
  return true;
}

Status CheckBucket(RemoteClient& client, const std::string& bucket, std::string_view role) {
  s3::S3Call call;
  call.method = "HEAD";
  call.bucket = bucket;
  ASSIGN_OR_RETURN(auto r, client.Send(call));
  if (r.status == 200) return Status::OK();
  std::string where = " at " + client.settings().endpoint;
  if (r.status == 404) {
    return Status::NotFound("The " + std::string(role) + " bucket '" + bucket + "' does not exist" +
                            where + ".");
  }
  if (r.status == 403) {
    return Status::PermissionDenied("Access to the " + std::string(role) + " bucket '" + bucket +
                                    "'" + where + " is denied for access key " +
                                    client.settings().access_key_id + " (" +
                                    client.settings().credentials_source + ").");
  }
  return Status::Unavailable("HEAD s3://" + bucket + where + ": HTTP " + std::to_string(r.status));
}

}  // namespace stocktake::scan
