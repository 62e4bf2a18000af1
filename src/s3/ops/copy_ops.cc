// CopyObject and UploadPartCopy: the x-amz-copy-source header, access to the source bucket, the
// x-amz-copy-source-if-* preconditions, and the copy itself, streamed from the source's data into
// a new blob with bounded memory (S3 API reference, CopyObject and UploadPartCopy).
#include <charconv>

#include "common/checksum.h"
#include "common/crypto.h"
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
// The largest object CopyObject copies in one request, and the largest part.
constexpr uint64_t kMaxCopyBytes = 5ULL * 1024 * 1024 * 1024;
constexpr size_t kCopyChunkBytes = 1 << 20;

constexpr std::string_view kBadCopySource =
    "Copy Source must mention the source bucket and key: sourcebucket/sourcekey";

struct CopySource {
  std::string bucket;
  std::string key;
  std::optional<std::string> version_id;
};

// "bucket/key" or "/bucket/key", URL-encoded, optionally followed by "?versionId=id". The query
// is split off before decoding, so an encoded '?' (%3F) stays part of the key.
std::variant<CopySource, S3Error> ParseCopySource(std::string_view header) {
  CopySource source;
  size_t question = header.find('?');
  if (question != std::string_view::npos) {
    std::string_view query = header.substr(question + 1);
    header = header.substr(0, question);
    constexpr std::string_view kVersionId = "versionId=";
    if (!query.starts_with(kVersionId)) {
      return S3Error(S3ErrorCode::kInvalidArgument, std::string(kBadCopySource));
    }
    auto version = PercentDecode(query.substr(kVersionId.size()), false);
    if (!version || version->empty()) {
      return S3Error(S3ErrorCode::kInvalidArgument, "Invalid version id specified");
    }
    source.version_id = std::move(*version);
  }
  auto decoded = PercentDecode(header, false);
  if (!decoded) return S3Error(S3ErrorCode::kInvalidArgument, std::string(kBadCopySource));
  std::string_view path = *decoded;
  if (path.starts_with('/')) path.remove_prefix(1);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size()) {
    return S3Error(S3ErrorCode::kInvalidArgument, std::string(kBadCopySource));
  }
  source.bucket = std::string(path.substr(0, slash));
  source.key = std::string(path.substr(slash + 1));
  return source;
}

// x-amz-copy-source-if-*: the RFC 7232 pairs as S3 applies them to GET, except that every
// failed condition is 412 (a copy has no 304). A true If-Match overrides a false
// If-Unmodified-Since, and a false If-None-Match overrides a true If-Modified-Since.
bool CopyPreconditionsHold(const S3Request& request, const store::ObjectVersion& source) {
  const std::string* if_match = request.Header("x-amz-copy-source-if-match");
  const std::string* if_none_match = request.Header("x-amz-copy-source-if-none-match");
  const std::string* if_modified = request.Header("x-amz-copy-source-if-modified-since");
  const std::string* if_unmodified = request.Header("x-amz-copy-source-if-unmodified-since");
  int64_t modified_s = source.last_modified_ms / 1000;
  auto etag_matches = [&](std::string_view list) {
    while (!list.empty()) {
      size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item == "*" || UnquoteEtag(item) == source.etag) return true;
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return false;
  };
  if (if_match && !etag_matches(*if_match)) return false;
  if (!if_match && if_unmodified) {
    auto t = ParseHttpDate(*if_unmodified);
    if (t && modified_s > *t / 1000) return false;
  }
  if (if_none_match && etag_matches(*if_none_match)) return false;
  if (!if_none_match && if_modified) {
    auto t = ParseHttpDate(*if_modified);
    if (t && modified_s <= *t / 1000) return false;
  }
  return true;
}

struct LoadedSource {
  CopySource address;
  store::Bucket bucket;
  store::ObjectVersion version;
  std::string customer_key;  // SSE-C sources: the key from x-amz-copy-source-…-customer-key
};

// Resolves x-amz-copy-source to a readable object version the caller may copy.
std::variant<LoadedSource, S3Error> LoadSource(OpContext& ctx) {
  const std::string* header = ctx.request.Header("x-amz-copy-source");
  if (header == nullptr) return S3Error(S3ErrorCode::kInvalidArgument, std::string(kBadCopySource));
  auto parsed = ParseCopySource(*header);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  LoadedSource source{std::move(std::get<CopySource>(parsed)), {}, {}};
  if (source.address.bucket == ctx.bucket->name) {
    source.bucket = *ctx.bucket;
  } else {
    auto bucket = ctx.store().GetBucket(source.address.bucket);
    if (!bucket.ok()) {
      if (bucket.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchBucket);
      return FromStatus(bucket.status());
    }
    source.bucket = std::move(*bucket);
  }
  // The source is read with the caller's rights on its own bucket (owner, bucket policy).
  std::optional<std::string_view> version;
  if (source.address.version_id) version = *source.address.version_id;
  if (auto denied = AuthorizeCopySource(ctx.service, ctx.request, source.bucket, source.address.key,
                                        version)) {
    return *denied;
  }
  auto loaded = LoadObject(ctx, source.bucket.name, source.address.key, version);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  source.version = std::move(std::get<store::ObjectVersion>(loaded));
  if (source.version.is_delete_marker) {
    if (version) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "The source of a copy request may not specifically refer to a delete marker "
                     "by version id.");
    }
    return S3Error(S3ErrorCode::kNoSuchKey);
  }
  if (auto error = CheckCopySourceReadable(ctx, source.version)) return *error;
  auto sse_key = SseKeyForRead(ctx.request, source.version, /*copy_source=*/true);
  if (auto* error = std::get_if<S3Error>(&sse_key)) return *error;
  source.customer_key = std::move(std::get<std::string>(sse_key));
  if (!CopyPreconditionsHold(ctx.request, source.version)) {
    return S3Error(S3ErrorCode::kPreconditionFailed);
  }
  return source;
}

struct CopiedData {
  std::unique_ptr<store::BlobWriter> blob;
  std::string etag;            // hex MD5 of the copied bytes
  std::string checksum_value;  // base64
};

// Streams [offset, offset+length) of the source (decrypted, with `source_key` for SSE-C) into a
// new, finished blob, encrypted as `destination` says (sse.h).
std::variant<CopiedData, S3Error> CopyData(OpContext& ctx, const store::ObjectVersion& source,
                                           std::string_view source_key, uint64_t offset,
                                           uint64_t length, ChecksumAlgorithm algorithm,
                                           const store::ObjectVersion& destination) {
  auto reader = ctx.store().OpenObjectData(source, offset, length, source_key);
  if (!reader.ok()) return FromStatus(reader.status());
  auto blob = NewSseBlob(ctx, destination);
  if (!blob.ok()) return FromStatus(blob.status());
  CopiedData out{std::move(*blob), "", ""};
  Digest md5(Digest::Algorithm::kMd5);
  Checksummer checksummer(algorithm);
  while (true) {
    auto chunk = (*reader)->Read(kCopyChunkBytes);
    Status st = chunk.ok() ? Status::OK() : chunk.status();
    if (st.ok() && chunk->empty()) break;
    if (st.ok()) {
      md5.Update(*chunk);
      checksummer.Update(*chunk);
      st = out.blob->Write(*chunk);
    }
    if (!st.ok()) {
      out.blob->Abandon();
      return FromStatus(st);
    }
  }
  Status st = out.blob->Finish();
  if (!st.ok()) {
    out.blob->Abandon();
    return FromStatus(st);
  }
  out.etag = HexLower(md5.Finish());
  out.checksum_value = checksummer.FinishBase64();
  return out;
}

// "Unknown metadata directive." and its tagging twin: COPY (the default) or REPLACE.
std::variant<bool, S3Error> IsReplaceDirective(const S3Request& request, std::string_view header,
                                               std::string_view what) {
  const std::string* value = request.Header(header);
  if (value == nullptr || *value == "COPY") return false;
  if (*value == "REPLACE") return true;
  return S3Error(S3ErrorCode::kInvalidArgument, "Unknown " + std::string(what) + " directive.");
}

void CopyContentHeaders(const store::ObjectVersion& from, store::ObjectVersion* to) {
  to->content_type = from.content_type;
  to->content_encoding = from.content_encoding;
  to->content_disposition = from.content_disposition;
  to->content_language = from.content_language;
  to->cache_control = from.cache_control;
  to->expires = from.expires;
  to->user_metadata = from.user_metadata;
}

void AddCopySourceVersionHeader(const LoadedSource& source, S3Response* response) {
  if (source.bucket.versioning != store::Versioning::kUnversioned) {
    response->SetHeader("x-amz-copy-source-version-id", VersionIdOrNull(source.version));
  }
}

// "bytes=first-last", both required, inside the source (UploadPartCopy).
std::variant<std::pair<uint64_t, uint64_t>, S3Error> ParseCopyRange(const std::string* header,
                                                                    uint64_t size) {
  if (header == nullptr) return std::pair<uint64_t, uint64_t>(0, size);
  std::string_view h = *header;
  uint64_t first = 0, last = 0;
  size_t dash = h.find('-');
  auto parse = [](std::string_view s, uint64_t* out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size();
  };
  if (!h.starts_with("bytes=") || dash == std::string_view::npos ||
      !parse(h.substr(6, dash - 6), &first) || !parse(h.substr(dash + 1), &last) || last < first) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "The x-amz-copy-source-range value must be of the form bytes=first-last where "
                   "first and last are the zero-based offsets of the first and last bytes to copy");
  }
  if (last >= size) {
    return S3Error(
        S3ErrorCode::kInvalidArgument,
        "Range specified is not valid for source object of size: " + std::to_string(size));
  }
  return std::pair<uint64_t, uint64_t>(first, last - first + 1);
}

}  // namespace

OpResult CopyObject(OpContext& ctx) {
  const S3Request& request = ctx.request;
  if (request.key.size() > kMaxKeyBytes) return S3Error(S3ErrorCode::kKeyTooLongError);
  auto replace_metadata = IsReplaceDirective(request, "x-amz-metadata-directive", "metadata");
  if (auto* error = std::get_if<S3Error>(&replace_metadata)) return *error;
  auto replace_tags = IsReplaceDirective(request, "x-amz-tagging-directive", "tagging");
  if (auto* error = std::get_if<S3Error>(&replace_tags)) return *error;
  store::ObjectVersion requested;
  if (auto error = ReadObjectHeaders(request, &requested)) return *error;
  std::optional<ChecksumAlgorithm> requested_algorithm;
  if (const std::string* name = request.Header("x-amz-checksum-algorithm")) {
    requested_algorithm = ParseChecksumAlgorithm(*name);
    if (!requested_algorithm) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "Checksum algorithm provided is unsupported. Please try again with any of "
                     "the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
    }
  }

  auto loaded = LoadSource(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& source = std::get<LoadedSource>(loaded);
  const store::ObjectVersion& from = source.version;
  if (from.size > kMaxCopyBytes) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "The specified copy source is larger than the maximum allowable size for a copy "
                   "source: " +
                       std::to_string(kMaxCopyBytes));
  }
  bool onto_itself =
      source.bucket.name == ctx.bucket->name && from.key == request.key && from.is_latest;
  if (onto_itself && !std::get<bool>(replace_metadata) &&
      request.Header("x-amz-storage-class") == nullptr &&
      request.Header("x-amz-website-redirect-location") == nullptr &&
      request.Header("x-amz-server-side-encryption") == nullptr &&
      request.Header("x-amz-server-side-encryption-customer-algorithm") == nullptr &&
      !requested_algorithm) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "This copy request is illegal because it is trying to copy an object to itself "
                   "without changing the object's metadata, storage class, website redirect "
                   "location or encryption attributes.");
  }

  store::ObjectVersion version;
  version.bucket = ctx.bucket->name;
  version.key = request.key;
  version.owner_account_id = request.caller.account_id;
  CopyContentHeaders(std::get<bool>(replace_metadata) ? requested : from, &version);
  // Not copied: a copy is STANDARD unless x-amz-storage-class says otherwise (CopyObject page).
  version.storage_class = requested.storage_class;
  version.tags = std::get<bool>(replace_tags) ? requested.tags : from.tags;
  // Lock and ACL come from this request's headers (or the bucket's defaults), never the source.
  if (auto error = ApplyNewObjectFeatures(ctx, &version)) return *error;
  // So does encryption: the request's SSE headers or the bucket's default (CopyObject page).
  if (auto error = ApplySseForWrite(ctx, &version)) return *error;
  // The copy is one part whatever the source was, so its checksum is a whole-object one: of the
  // requested algorithm, else the source's, else S3's CRC64NVME default.
  ChecksumAlgorithm algorithm = requested_algorithm.value_or(
      ParseChecksumAlgorithm(from.checksum_algorithm).value_or(ChecksumAlgorithm::kCrc64Nvme));
  auto copied = CopyData(ctx, from, source.customer_key, 0, from.size, algorithm, version);
  if (auto* error = std::get_if<S3Error>(&copied)) return *error;
  auto& data = std::get<CopiedData>(copied);
  version.size = data.blob->size();
  version.etag = SseEtag(version, data.etag);
  version.blob_id = data.blob->blob_id();
  version.checksum_algorithm = std::string(ChecksumAlgorithmName(algorithm));
  version.checksum_value = data.checksum_value;
  version.checksum_type = "FULL_OBJECT";
  version.last_modified_ms = ctx.NowMillis();
  MarkForReplication(ctx, &version);
  auto put = ctx.store().PutObject(version);
  if (!put.ok()) {
    data.blob->Abandon();
    return FromStatus(put.status());
  }
  QueueReplication(ctx, version, put->version_id);

  XmlWriter xml("CopyObjectResult");
  xml.Element("ETag", QuoteEtag(version.etag));
  xml.Element("LastModified", FormatIso8601Millis(version.last_modified_ms));
  xml.Element("ChecksumType", version.checksum_type);
  xml.Element("Checksum" + version.checksum_algorithm, version.checksum_value);
  S3Response response = S3Response::Xml(xml.Finish());
  if (!put->version_id.empty()) response.SetHeader("x-amz-version-id", put->version_id);
  AddCopySourceVersionHeader(source, &response);
  AddSseHeaders(request, version, &response, /*with_context=*/true);
  return response;
}

OpResult UploadPartCopy(OpContext& ctx) {
  const S3Request& request = ctx.request;
  auto part_number = PartNumberParam(request);
  if (auto* error = std::get_if<S3Error>(&part_number)) return *error;
  const std::string* upload_id = request.Query("uploadId");
  auto upload = ctx.store().GetMultipartUpload(ctx.bucket->name, request.key,
                                               upload_id ? *upload_id : std::string());
  if (!upload.ok()) {
    if (upload.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    return FromStatus(upload.status());
  }

  auto loaded = LoadSource(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& source = std::get<LoadedSource>(loaded);
  auto range = ParseCopyRange(request.Header("x-amz-copy-source-range"), source.version.size);
  if (auto* error = std::get_if<S3Error>(&range)) return *error;
  auto [offset, length] = std::get<std::pair<uint64_t, uint64_t>>(range);
  if (length > kMaxCopyBytes) return S3Error(S3ErrorCode::kEntityTooLarge);

  // Parts carry the upload's checksum algorithm; an upload created without one gets S3's
  // CRC64NVME default, as UploadPart does (multipart_ops.cc).
  std::optional<ChecksumAlgorithm> upload_algorithm =
      ParseChecksumAlgorithm(upload->object_template.checksum_algorithm);
  // The part is encrypted as its upload (an SSE-C upload's key comes with the request).
  store::ObjectVersion encryption;
  if (auto error = ApplySseForPart(request, upload->object_template, &encryption)) return *error;
  auto copied = CopyData(ctx, source.version, source.customer_key, offset, length,
                         upload_algorithm.value_or(ChecksumAlgorithm::kCrc64Nvme), encryption);
  if (auto* error = std::get_if<S3Error>(&copied)) return *error;
  auto& data = std::get<CopiedData>(copied);
  store::Part part;
  part.part_number = std::get<uint32_t>(part_number);
  part.size = data.blob->size();
  part.etag = SseEtag(encryption, data.etag);
  part.last_modified_ms = ctx.NowMillis();
  part.checksum_value = data.checksum_value;
  part.blob_id = data.blob->blob_id();
  Status st = ctx.store().PutPart(upload->upload_id, part);
  if (!st.ok()) {
    data.blob->Abandon();
    if (st.IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    return FromStatus(st);
  }

  XmlWriter xml("CopyPartResult");
  xml.Element("ETag", QuoteEtag(part.etag));
  xml.Element("LastModified", FormatIso8601Millis(part.last_modified_ms));
  if (upload_algorithm) {
    xml.Element("Checksum" + std::string(ChecksumAlgorithmName(*upload_algorithm)),
                part.checksum_value);
  }
  S3Response response = S3Response::Xml(xml.Finish());
  AddCopySourceVersionHeader(source, &response);
  AddSseHeaders(request, encryption, &response);
  return response;
}

}  // namespace stocktake::s3
