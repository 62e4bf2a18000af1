// Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject, DeleteObjects.
#include <algorithm>
#include <charconv>

#include "common/encoding.h"
#include "common/time_format.h"
#include "s3/authorization.h"
#include "s3/ops/object_features.h"
#include "s3/ops/op_util.h"
#include "s3/ops/replication.h"
#include "s3/ops/sse.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

constexpr size_t kMaxKeyBytes = 1024;
constexpr size_t kMaxDeleteObjects = 1000;

std::optional<S3Error> ValidateKey(const std::string& key) {
  if (key.size() > kMaxKeyBytes) return S3Error(S3ErrorCode::kKeyTooLongError);
  return std::nullopt;
}

struct ByteRange {
  uint64_t first;
  uint64_t length;
};

bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "bytes=first-last", "bytes=first-", "bytes=-suffix". A malformed header is ignored (the whole
// object is sent), as S3 does; an unsatisfiable one is InvalidRange.
std::variant<std::optional<ByteRange>, S3Error> ParseRange(const std::string* header,
                                                           uint64_t size) {
  if (header == nullptr) return std::optional<ByteRange>();
  std::string_view h = *header;
  if (!h.starts_with("bytes=") || h.find(',') != std::string_view::npos) {
    return std::optional<ByteRange>();
  }
  h.remove_prefix(6);
  size_t dash = h.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  std::string_view a = h.substr(0, dash), b = h.substr(dash + 1);
  uint64_t first = 0, last = 0;
  if (a.empty()) {
    uint64_t suffix;
    if (!ParseUint(b, &suffix)) return std::optional<ByteRange>();
    if (suffix == 0 || size == 0) return S3Error(S3ErrorCode::kInvalidRange);
    suffix = std::min(suffix, size);
    return std::optional<ByteRange>(ByteRange{size - suffix, suffix});
  }
  if (!ParseUint(a, &first)) return std::optional<ByteRange>();
  if (b.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else if (!ParseUint(b, &last) || last < first) {
    return std::optional<ByteRange>();
  }
  if (first >= size) return S3Error(S3ErrorCode::kInvalidRange);
  last = std::min(last, size - 1);
  return std::optional<ByteRange>(ByteRange{first, last - first + 1});
}

// RFC 7232 evaluation order as S3 applies it. Returns 0 to proceed, or 304/412.
int EvaluatePreconditions(const S3Request& request, const store::ObjectVersion& v,
                          std::string_view prefix) {
  auto header = [&](std::string_view name) {
    return request.Header(std::string(prefix) + std::string(name));
  };
  const std::string* if_match = header("if-match");
  const std::string* if_none_match = header("if-none-match");
  const std::string* if_modified = header("if-modified-since");
  const std::string* if_unmodified = header("if-unmodified-since");
  int64_t modified_s = v.last_modified_ms / 1000;
  auto etag_matches = [&](const std::string& list) {
    std::string_view rest = list;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item == "*" || UnquoteEtag(item) == v.etag) return true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return false;
  };
  if (if_match && !etag_matches(*if_match)) return 412;
  if (!if_match && if_unmodified) {
    auto t = ParseHttpDate(*if_unmodified);
    if (t && modified_s > *t / 1000) return 412;
  }
  if (if_none_match && etag_matches(*if_none_match)) {
    return request.method == "GET" || request.method == "HEAD" ? 304 : 412;
  }
  if (!if_none_match && if_modified) {
    auto t = ParseHttpDate(*if_modified);
    if (t && modified_s <= *t / 1000) return 304;
  }
  return 0;
}

OpResult DeleteMarkerResponse(const store::ObjectVersion& v, bool asked_for_version) {
  // GET of a delete marker: 404 when it is the latest version, 405 when named by version id.
  S3Error error = asked_for_version ? S3Error(S3ErrorCode::kMethodNotAllowed)
                                    : S3Error(S3ErrorCode::kNoSuchKey);
  error.headers.emplace_back("x-amz-delete-marker", "true");
  error.headers.emplace_back("x-amz-version-id", VersionIdOrNull(v));
  return error;
}

OpResult ReadObject(OpContext& ctx, bool with_body) {
  const S3Request& request = ctx.request;
  auto version_param = VersionIdParam(request);
  auto loaded = LoadObject(ctx, request.bucket, request.key, version_param);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  auto& v = std::get<store::ObjectVersion>(loaded);
  if (v.is_delete_marker) return DeleteMarkerResponse(v, version_param.has_value());
  // SSE-C: every read (HEAD too) must bring the object's key, checked before anything else.
  auto sse_key = SseKeyForRead(request, v, /*copy_source=*/false);
  if (auto* error = std::get_if<S3Error>(&sse_key)) return *error;
  if (with_body) {
    if (auto error = CheckObjectDataReadable(ctx, v)) return *error;
  }

  int precondition = EvaluatePreconditions(request, v, "");
  if (precondition == 412) return S3Error(S3ErrorCode::kPreconditionFailed);
  S3Response response;
  AddObjectHeaders(ctx, v, &response);
  if (precondition == 304) {
    S3Response not_modified;
    not_modified.status = 304;
    for (auto& h : response.headers) {
      if (h.first == "ETag" || h.first == "Last-Modified") not_modified.headers.push_back(h);
    }
    return not_modified;
  }
  auto range = ParseRange(request.Header("range"), v.size);
  if (auto* error = std::get_if<S3Error>(&range)) return *error;
  auto& byte_range = std::get<std::optional<ByteRange>>(range);
  uint64_t first = byte_range ? byte_range->first : 0;
  uint64_t length = byte_range ? byte_range->length : v.size;
  if (byte_range) {
    // The stored checksum covers the whole object: sent with a part of it, clients that
    // validate responses (botocore, the aws CLI) would reject correct bytes. AWS omits it too.
    std::erase_if(response.headers,
                  [](const auto& h) { return h.first.starts_with("x-amz-checksum-"); });
    response.status = 206;
    response.SetHeader("Content-Range", "bytes " + std::to_string(first) + "-" +
                                            std::to_string(first + length - 1) + "/" +
                                            std::to_string(v.size));
  }
  // response-* query parameters override the stored headers (signed requests only, as S3).
  static constexpr std::pair<std::string_view, std::string_view> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-language", "Content-Language"},
      {"response-expires", "Expires"},
      {"response-cache-control", "Cache-Control"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"},
  };
  for (const auto& [param, header] : kOverrides) {
    if (const std::string* value = request.Query(param)) {
      // A decoded CR/LF would split the response (header injection): refuse control bytes.
      if (std::any_of(value->begin(), value->end(), [](char c) {
            return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
          })) {
        return S3Error(S3ErrorCode::kInvalidArgument,
                       "Invalid value for the " + std::string(param) + " parameter");
      }
      std::erase_if(response.headers, [&](const auto& h) { return h.first == header; });
      response.SetHeader(std::string(header), *value);
    }
  }
  response.stream_length = length;
  if (with_body && length > 0) {
    auto reader = ctx.store().OpenObjectData(v, first, length, std::get<std::string>(sse_key));
    if (!reader.ok()) return FromStatus(reader.status());
    response.stream = std::move(*reader);
  }
  if (with_body) RecordObjectRead(ctx, v);
  return response;
}

}  // namespace

OpResult PutObject(OpContext& ctx) {
  if (auto error = ValidateKey(ctx.request.key)) return *error;
  // Without Content-Length or chunked framing, HTTP/1.1 reads the body as empty: storing an
  // empty object would silently drop whatever the client meant to send (AWS: 411).
  if (!ctx.request.http->content_length && !ctx.request.http->chunked_transfer) {
    return S3Error(S3ErrorCode::kMissingContentLength);
  }
  store::ObjectVersion version;
  version.bucket = ctx.bucket->name;
  version.key = ctx.request.key;
  version.owner_account_id = ctx.request.caller.account_id;
  if (auto error = ReadObjectHeaders(ctx.request, &version)) return *error;
  if (auto error = ApplySseForWrite(ctx, &version)) return *error;
  if (auto error = ApplyNewObjectFeatures(ctx, &version)) return *error;
  auto received = ReceiveBody(ctx, &version);
  if (auto* error = std::get_if<S3Error>(&received)) return *error;
  // Conditional writes (If-None-Match: * creates only; If-Match: etag overwrites only that).
  const std::string* if_none_match = ctx.request.Header("if-none-match");
  const std::string* if_match = ctx.request.Header("if-match");
  if (if_none_match || if_match) {
    auto current = ctx.store().GetObject(version.bucket, version.key, std::nullopt);
    bool exists = current.ok() && !current->is_delete_marker;
    if ((if_none_match && *if_none_match == "*" && exists) ||
        (if_match && (!exists || !IfMatchHolds(*if_match, current->etag)))) {
      std::get<std::unique_ptr<store::BlobWriter>>(received)->Abandon();
      if (if_match && !exists) return S3Error(S3ErrorCode::kNoSuchKey);
      return S3Error(S3ErrorCode::kPreconditionFailed);
    }
  }
  MarkForReplication(ctx, &version);
  auto put = ctx.store().PutObject(version);
  if (!put.ok()) {
    std::get<std::unique_ptr<store::BlobWriter>>(received)->Abandon();
    return FromStatus(put.status());
  }
  QueueReplication(ctx, version, put->version_id);
  S3Response response;
  response.SetHeader("ETag", QuoteEtag(version.etag));
  if (!put->version_id.empty()) response.SetHeader("x-amz-version-id", put->version_id);
  AddChecksumHeaders(version, &response);
  AddSseHeaders(ctx.request, version, &response, /*with_context=*/true);
  return response;
}

OpResult GetObject(OpContext& ctx) { return ReadObject(ctx, true); }
OpResult HeadObject(OpContext& ctx) { return ReadObject(ctx, false); }

OpResult DeleteObject(OpContext& ctx) {
  // Object Lock protects versions, not keys: only a permanent delete (?versionId) is checked; a
  // plain DELETE adds a delete marker, as AWS.
  if (auto error = CheckBypassHeaderApplicable(ctx)) return *error;
  if (auto version = VersionIdParam(ctx.request)) {
    if (auto error = CheckVersionRemovable(ctx, ctx.request.key, *version)) return *error;
  }
  auto result =
      ctx.store().DeleteObject(ctx.bucket->name, ctx.request.key, VersionIdParam(ctx.request));
  if (!result.ok() && result.status().code() == StatusCode::kInvalidArgument) {
    return InvalidVersionIdError();
  }
  if (!result.ok() && !result.status().IsNotFound()) return FromStatus(result.status());
  S3Response response = S3Response::NoContent();
  if (result.ok()) {
    if (result->delete_marker && !VersionIdParam(ctx.request)) {
      ReplicateDeleteMarker(ctx, ctx.request.key, result->version_id);
    }
    if (result->delete_marker) response.SetHeader("x-amz-delete-marker", "true");
    if (!result->version_id.empty()) response.SetHeader("x-amz-version-id", result->version_id);
  }
  return response;
}

OpResult DeleteObjects(OpContext& ctx) {
  if (auto error = CheckBypassHeaderApplicable(ctx)) return *error;
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc, 2 << 20);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("Delete");
  if (!root) return S3Error(S3ErrorCode::kMalformedXML);
  bool quiet = std::string_view(root.child("Quiet").text().as_string()) == "true";
  std::vector<pugi::xml_node> objects;
  for (pugi::xml_node o : root.children("Object")) objects.push_back(o);
  if (objects.empty() || objects.size() > kMaxDeleteObjects) {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  // Every <Object> names a key: one without is a malformed document, not a delete of "".
  for (pugi::xml_node o : objects) {
    if (!o.child("Key")) return S3Error(S3ErrorCode::kMalformedXML);
  }
  XmlWriter xml("DeleteResult");
  for (pugi::xml_node o : objects) {
    std::string key = o.child("Key").text().as_string();
    pugi::xml_node vid = o.child("VersionId");
    std::optional<std::string> version;
    if (vid) version = vid.text().as_string();
    std::optional<std::string_view> version_view;
    if (version) version_view = *version;
    // Each key is authorized on its own (s3:DeleteObject / s3:DeleteObjectVersion), and a
    // version under Object Lock is refused like the store refuses it: AccessDenied below.
    bool refused =
        AuthorizeObjectDelete(ctx.service, ctx.request, *ctx.bucket, key, version_view) ||
        (version && CheckVersionRemovable(ctx, key, *version));
    auto result = refused ? Result<store::DeleteResult>(Status::PermissionDenied("refused"))
                          : ctx.store().DeleteObject(ctx.bucket->name, key, version_view);
    if (!result.ok() && !result.status().IsNotFound()) {
      // Per-key failures are reported in the document (the request itself succeeded).
      S3Error error = result.status().code() == StatusCode::kInvalidArgument
                          ? InvalidVersionIdError()
                          : FromStatus(result.status());
      xml.Open("Error").Element("Key", key);
      if (version) xml.Element("VersionId", *version);
      xml.Element("Code", error.info().code).Element("Message", error.effective_message()).Close();
      continue;
    }
    if (result.ok() && result->delete_marker && !version) {
      ReplicateDeleteMarker(ctx, key, result->version_id);
    }
    if (quiet) continue;
    xml.Open("Deleted").Element("Key", key);
    if (version) xml.Element("VersionId", *version);
    if (result.ok() && result->delete_marker) {
      xml.BoolElement("DeleteMarker", true);
      if (!version) xml.Element("DeleteMarkerVersionId", result->version_id);
    }
    xml.Close();
  }
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
