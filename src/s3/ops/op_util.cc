#include "s3/ops/op_util.h"

#include <cctype>
#include <charconv>
#include <cstring>

#include "common/checksum.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "s3/ops/object_features.h"
#include "s3/ops/sse.h"

namespace stocktake::s3 {
namespace {

// S3 limits: user metadata (names + values) at most 2 KB; tags at most 10 per object.
constexpr size_t kMaxUserMetadataBytes = 2 * 1024;
constexpr size_t kMaxTags = 10;
constexpr size_t kBodyReadBytes = 1 << 20;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view name) {
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

const std::vector<std::string_view> kStorageClasses = {
    "STANDARD",       "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER",        "DEEP_ARCHIVE",       "OUTPOSTS",    "GLACIER_IR", "SNOW",
    "EXPRESS_ONEZONE"};

}  // namespace

std::variant<uint32_t, S3Error> PartNumberParam(const S3Request& request) {
  const std::string* value = request.Query("partNumber");
  uint32_t number = 0;
  if (value != nullptr) {
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
    if (ec != std::errc() || end != value->data() + value->size()) number = 0;
  }
  if (number < 1 || number > kMaxPartNumber) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Part number must be an integer between 1 and 10000, inclusive");
  }
  return number;
}

const store::Account& AccountNames::Get(const std::string& account_id) {
  if (account_id.empty() || account_id == ctx_.request.caller.account_id) {
    return ctx_.request.caller;
  }
  auto it = cache_.find(account_id);
  if (it == cache_.end()) {
    auto account = ctx_.store().GetAccount(account_id);
    store::Account value;
    if (account.ok()) {
      value = std::move(*account);
    } else {
      value.canonical_id = account_id;  // a deleted account still needs an identity
    }
    it = cache_.emplace(account_id, std::move(value)).first;
  }
  return it->second;
}

void AccountNames::Write(XmlWriter* xml, std::string_view element, const std::string& account_id) {
  const store::Account& account = Get(account_id);
  xml->Open(element).Element("ID", account.canonical_id).Element("DisplayName", account.name);
  xml->Close();
}

bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!IsLowerAlnum(c) && c != '.' && c != '-') return false;
    if (c == '.' && i + 1 < name.size() && (name[i + 1] == '.' || name[i + 1] == '-')) return false;
    if (c == '-' && i + 1 < name.size() && name[i + 1] == '.') return false;
  }
  if (LooksLikeIpv4(name)) return false;
  for (std::string_view prefix : {"xn--", "sthree-", "amzn-s3-demo-"}) {
    if (name.starts_with(prefix)) return false;
  }
  for (std::string_view suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
    if (name.ends_with(suffix)) return false;
  }
  return true;
}

std::string QuoteEtag(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

std::string UnquoteEtag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

bool IfMatchHolds(std::string_view if_match, std::string_view current_etag) {
  return if_match == "*" || UnquoteEtag(if_match) == current_etag;
}

std::variant<pugi::xml_document*, S3Error> ParseXmlBody(OpContext& ctx, pugi::xml_document* doc,
                                                        size_t max_bytes) {
  std::optional<S3Error> error;
  auto body = ReadAll(*ctx.request.payload, max_bytes, &error);
  if (!body.ok()) return error ? *error : S3Error(S3ErrorCode::kMalformedXML);
  // Text is kept byte for byte: a whitespace-only element (a key " ") is a value, not formatting.
  pugi::xml_parse_result parsed =
      doc->load_buffer(body->data(), body->size(), kXmlBodyParseFlags, pugi::encoding_utf8);
  if (!parsed || !doc->document_element()) return S3Error(S3ErrorCode::kMalformedXML);
  return doc;
}

S3Error InvalidVersionIdError() {
  return S3Error(S3ErrorCode::kInvalidArgument, "Invalid version id specified");
}

std::optional<std::string_view> VersionIdParam(const S3Request& request) {
  const std::string* v = request.Query("versionId");
  if (v == nullptr) return std::nullopt;
  return std::string_view(*v);
}

std::variant<store::ObjectVersion, S3Error> LoadObject(OpContext& ctx, std::string_view bucket,
                                                       std::string_view key,
                                                       std::optional<std::string_view> version) {
  auto object = ctx.store().GetObject(bucket, key, version);
  if (!object.ok()) {
    if (object.status().code() == StatusCode::kInvalidArgument && version) {
      return InvalidVersionIdError();
    }
    if (!object.status().IsNotFound()) return FromStatus(object.status());
    if (version) {
      return S3Error(S3ErrorCode::kNoSuchVersion, "The specified version does not exist.");
    }
    return S3Error(S3ErrorCode::kNoSuchKey);
  }
  return std::move(*object);
}

std::optional<S3Error> ReadObjectHeaders(const S3Request& request, store::ObjectVersion* version) {
  size_t metadata_bytes = 0;
  for (const auto& [name, value] : request.http->headers) {
    if (name.starts_with("x-amz-meta-")) {
      std::string key = name.substr(strlen("x-amz-meta-"));
      metadata_bytes += key.size() + value.size();
      version->user_metadata.emplace_back(std::move(key), value);
    }
  }
  if (metadata_bytes > kMaxUserMetadataBytes) return S3Error(S3ErrorCode::kMetadataTooLarge);
  auto header = [&](std::string_view name) -> std::string {
    const std::string* v = request.Header(name);
    return v ? *v : std::string();
  };
  version->content_type = header("content-type");
  version->content_encoding = header("content-encoding");
  // aws-chunked is transport framing, not a property of the object.
  if (version->content_encoding == "aws-chunked") version->content_encoding.clear();
  if (version->content_encoding.starts_with("aws-chunked,")) {
    version->content_encoding = version->content_encoding.substr(strlen("aws-chunked,"));
  }
  version->content_disposition = header("content-disposition");
  version->content_language = header("content-language");
  version->cache_control = header("cache-control");
  version->expires = header("expires");
  if (const std::string* sc = request.Header("x-amz-storage-class")) {
    bool known = false;
    for (std::string_view c : kStorageClasses) known |= (*sc == c);
    if (!known) {
      return S3Error(S3ErrorCode::kInvalidArgument, "The storage class you specified is not valid");
    }
    version->storage_class = *sc;
  }
  if (const std::string* tagging = request.Header("x-amz-tagging")) {
    if (auto error = ParseTaggingQuery(*tagging, &version->tags)) return error;
  }
  return std::nullopt;
}

std::optional<S3Error> ParseTaggingQuery(std::string_view text,
                                         std::vector<std::pair<std::string, std::string>>* tags) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    auto k = PercentDecode(part.substr(0, eq), true);
    auto v = eq == std::string_view::npos ? std::optional<std::string>("")
                                          : PercentDecode(part.substr(eq + 1), true);
    if (!k || !v) return S3Error(S3ErrorCode::kInvalidArgument, "Invalid tag");
    tags->emplace_back(std::move(*k), std::move(*v));
  }
  return ValidateTags(*tags);
}

std::optional<S3Error> ValidateTags(const std::vector<std::pair<std::string, std::string>>& tags) {
  if (tags.size() > kMaxTags) {
    return S3Error(S3ErrorCode::kInvalidTag, "Object tags cannot be greater than 10");
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].first.empty() || tags[i].first.size() > 128) {
      return S3Error(S3ErrorCode::kInvalidTag, "The TagKey you have provided is invalid");
    }
    if (tags[i].second.size() > 256) {
      return S3Error(S3ErrorCode::kInvalidTag, "The TagValue you have provided is invalid");
    }
    for (size_t j = 0; j < i; ++j) {
      if (tags[j].first == tags[i].first) {
        return S3Error(S3ErrorCode::kInvalidTag, "Cannot provide multiple Tags with the same key");
      }
    }
  }
  return std::nullopt;
}

std::variant<std::unique_ptr<store::BlobWriter>, S3Error> ReceiveBody(
    OpContext& ctx, store::ObjectVersion* version) {
  const S3Request& request = ctx.request;
  // Which flexible checksum: a value in a header, or an algorithm whose value comes as a trailer.
  std::optional<ChecksumAlgorithm> algorithm;
  std::optional<std::string> expected_checksum;  // raw bytes, from a header
  for (const auto& [name, value] : request.http->headers) {
    if (auto alg = ChecksumAlgorithmFromHeader(name)) {
      if (algorithm && *algorithm != *alg) {
        return S3Error(S3ErrorCode::kInvalidRequest,
                       "Expecting a single x-amz-checksum- header. Multiple checksum Types are "
                       "not allowed.");
      }
      algorithm = alg;
      expected_checksum = DecodeChecksumValue(*alg, value);
      if (!expected_checksum) {
        return S3Error(S3ErrorCode::kInvalidRequest,
                       "Value for " + std::string(name) + " header is invalid.");
      }
    }
  }
  for (std::string_view header : {"x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm"}) {
    if (algorithm) break;
    if (const std::string* name = request.Header(header)) {
      algorithm = ParseChecksumAlgorithm(*name);
      if (!algorithm) {
        return S3Error(S3ErrorCode::kInvalidRequest,
                       "Checksum algorithm provided is unsupported. Please try again with any of "
                       "the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
      }
    }
  }
  if (!algorithm) {
    if (const std::string* trailer = request.Header("x-amz-trailer")) {
      algorithm = ChecksumAlgorithmFromHeader(*trailer);
    }
  }
  // As AWS since 2025: objects uploaded without a checksum get a CRC64NVME one.
  bool client_chose_checksum = algorithm.has_value();
  Checksummer checksummer(algorithm.value_or(ChecksumAlgorithm::kCrc64Nvme));

  std::optional<std::string> expected_md5;
  if (const std::string* content_md5 = request.Header("content-md5")) {
    expected_md5 = Base64Decode(*content_md5);
    if (!expected_md5 || expected_md5->size() != 16) return S3Error(S3ErrorCode::kInvalidDigest);
  }

  auto blob = NewSseBlob(ctx, *version);  // encrypted as *version says (sse.h)
  if (!blob.ok()) return FromStatus(blob.status());
  std::unique_ptr<store::BlobWriter> writer = std::move(*blob);
  Digest md5(Digest::Algorithm::kMd5);
  while (true) {
    auto chunk = request.payload->Read(kBodyReadBytes);
    if (!chunk.ok()) {
      writer->Abandon();
      return request.payload->error() ? *request.payload->error()
                                      : S3Error(S3ErrorCode::kIncompleteBody);
    }
    if (chunk->empty()) break;
    md5.Update(*chunk);
    checksummer.Update(*chunk);
    Status st = writer->Write(*chunk);
    if (!st.ok()) {
      writer->Abandon();
      return FromStatus(st);
    }
  }
  // The aws-chunked decoder checks trailers against x-amz-trailer only when that header is
  // sent; without it a checksum trailer would be accepted and then ignored, storing bytes whose
  // checksum the client said did not match. Undeclared trailers are refused, as when declared.
  if (request.Header("x-amz-trailer") == nullptr && !request.payload->trailers().empty()) {
    writer->Abandon();
    const std::string& name = request.payload->trailers().front().first;
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "The trailer " + name + " was not declared in x-amz-trailer.");
  }
  std::string md5_raw = md5.Finish();
  if (expected_md5 && *expected_md5 != md5_raw) {
    writer->Abandon();
    return S3Error(S3ErrorCode::kBadDigest);
  }
  std::string checksum_raw = checksummer.Finish();
  if (!expected_checksum && client_chose_checksum) {
    for (const auto& [name, value] : request.payload->trailers()) {
      if (ChecksumAlgorithmFromHeader(name) == algorithm) {
        expected_checksum = DecodeChecksumValue(*algorithm, value);
        if (!expected_checksum) {
          writer->Abandon();
          return S3Error(S3ErrorCode::kInvalidRequest,
                         "Value for " + name + " trailing header is invalid.");
        }
      }
    }
  }
  if (expected_checksum && *expected_checksum != checksum_raw) {
    writer->Abandon();
    return S3Error(S3ErrorCode::kBadDigest,
                   "The " + std::string(ChecksumAlgorithmName(*algorithm)) +
                       " you specified did not match the calculated checksum.");
  }
  Status st = writer->Finish();
  if (!st.ok()) {
    writer->Abandon();
    return FromStatus(st);
  }
  version->size = writer->size();
  version->etag = SseEtag(*version, HexLower(md5_raw));
  version->checksum_algorithm = std::string(ChecksumAlgorithmName(checksummer.algorithm()));
  version->checksum_value = Base64Encode(checksum_raw);
  version->checksum_type = "FULL_OBJECT";
  version->blob_id = writer->blob_id();
  return writer;
}

std::string VersionIdOrNull(const store::ObjectVersion& version) {
  return version.version_id.empty() ? "null" : version.version_id;
}

void AddObjectHeaders(const OpContext& ctx, const store::ObjectVersion& version,
                      S3Response* response) {
  response->SetHeader("Last-Modified", FormatHttpDate(version.last_modified_ms));
  response->SetHeader("ETag", QuoteEtag(version.etag));
  response->SetHeader("Accept-Ranges", "bytes");
  response->SetHeader("Content-Type",
                      version.content_type.empty() ? "binary/octet-stream" : version.content_type);
  if (!version.content_encoding.empty()) {
    response->SetHeader("Content-Encoding", version.content_encoding);
  }
  if (!version.content_disposition.empty()) {
    response->SetHeader("Content-Disposition", version.content_disposition);
  }
  if (!version.content_language.empty()) {
    response->SetHeader("Content-Language", version.content_language);
  }
  if (!version.cache_control.empty()) response->SetHeader("Cache-Control", version.cache_control);
  if (!version.expires.empty()) response->SetHeader("Expires", version.expires);
  for (const auto& [k, v] : version.user_metadata) response->SetHeader("x-amz-meta-" + k, v);
  if (ctx.bucket && ctx.bucket->versioning != store::Versioning::kUnversioned) {
    response->SetHeader("x-amz-version-id", VersionIdOrNull(version));
  }
  if (version.storage_class != "STANDARD" && !version.storage_class.empty()) {
    response->SetHeader("x-amz-storage-class", version.storage_class);
  }
  if (!version.tags.empty()) {
    response->SetHeader("x-amz-tagging-count", std::to_string(version.tags.size()));
  }
  AddSseHeaders(ctx.request, version, response);
  if (version.is_multipart && version.part_count > 0) {
    response->SetHeader("x-amz-mp-parts-count", std::to_string(version.part_count));
  }
  if (!version.replication_status.empty()) {
    response->SetHeader("x-amz-replication-status", version.replication_status);
  }
  const std::string* mode = ctx.request.Header("x-amz-checksum-mode");
  if (mode && *mode == "ENABLED") AddChecksumHeaders(version, response);
  AddObjectFeatureHeaders(ctx, version, response);
}

void AddChecksumHeaders(const store::ObjectVersion& version, S3Response* response) {
  if (auto alg = ParseChecksumAlgorithm(version.checksum_algorithm)) {
    response->SetHeader(std::string(ChecksumHeaderName(*alg)), version.checksum_value);
    response->SetHeader("x-amz-checksum-type", version.checksum_type);
  }
}

}  // namespace stocktake::s3
