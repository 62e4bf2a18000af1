// The S3 view of one request: addressing resolved (bucket, key), query decoded, caller
// authenticated, and the payload as a stream already stripped of aws-chunked framing and checked
// against its declared SHA-256. Ops read from here and answer with an S3Response or an S3Error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"
#include "s3/errors.h"
#include "s3/http/http_server.h"
#include "store/object_store.h"

namespace stocktake::s3 {

// The decoded request payload. Read() failures carry the S3 error to answer with.
class Payload {
 public:
  virtual ~Payload() = default;
  // Up to max_bytes; empty = end of payload. On failure, error() says why.
  virtual Result<std::string_view> Read(size_t max_bytes) = 0;
  virtual const std::optional<S3Error>& error() const = 0;
  // Checksum trailers (x-amz-checksum-*) received after the payload, names lower-cased.
  virtual const std::vector<std::pair<std::string, std::string>>& trailers() const = 0;
  // Declared decoded length (Content-Length or x-amz-decoded-content-length), if known.
  virtual std::optional<uint64_t> declared_length() const = 0;
};

// Reads the whole payload into a string, refusing more than max_bytes (XML documents).
Result<std::string> ReadAll(Payload& payload, size_t max_bytes, std::optional<S3Error>* error);

struct S3Request {
  const http::HttpRequestHead* http = nullptr;
  std::string request_id;
  std::string method;
  std::string bucket;  // "" for service-level requests
  std::string key;     // "" for bucket-level requests; decoded UTF-8
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  store::Account caller;
  std::string access_key_id;
  Payload* payload = nullptr;

  bool HasQuery(std::string_view name) const;
  const std::string* Query(std::string_view name) const;
  const std::string* Header(std::string_view name) const { return http->FindHeader(name); }
  // The path the error document's <Resource> names.
  std::string Resource() const;
};

// What an op answers. A body is either `body` or streamed from `stream` (object data).
struct S3Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::unique_ptr<store::BlobReader> stream;
  uint64_t stream_length = 0;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  static S3Response Xml(std::string document, int status = 200);
  static S3Response NoContent() { return S3Response{204, {}, {}, nullptr, 0}; }
};

using OpResult = std::variant<S3Response, S3Error>;

}  // namespace stocktake::s3
