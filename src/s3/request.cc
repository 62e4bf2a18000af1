#include "s3/request.h"

#include "common/encoding.h"

namespace stocktake::s3 {

Result<std::string> ReadAll(Payload& payload, size_t max_bytes, std::optional<S3Error>* error) {
  std::string out;
  while (true) {
    auto chunk = payload.Read(64 * 1024);
    if (!chunk.ok()) {
      *error = payload.error() ? *payload.error() : S3Error(S3ErrorCode::kIncompleteBody);
      return chunk.status();
    }
    if (chunk->empty()) return out;
    if (out.size() + chunk->size() > max_bytes) {
      *error = S3Error(S3ErrorCode::kMalformedXML);
      return Status::InvalidArgument("document too large");
    }
    out.append(*chunk);
  }
}

bool S3Request::HasQuery(std::string_view name) const { return Query(name) != nullptr; }

const std::string* S3Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string S3Request::Resource() const {
  if (bucket.empty()) return "/";
  if (key.empty()) return "/" + bucket;
  return "/" + bucket + "/" + key;
}

S3Response S3Response::Xml(std::string document, int status) {
  S3Response response;
  response.status = status;
  response.body = std::move(document);
  response.SetHeader("Content-Type", "application/xml");
  return response;
}

}  // namespace stocktake::s3
