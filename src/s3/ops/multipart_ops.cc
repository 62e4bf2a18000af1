// Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads. UploadPartCopy lives in copy_ops.cc with
// the other copy-source handling. Element names and order follow the S3 API reference pages of
// each operation; limits follow "Amazon S3 multipart upload limits" (User Guide).
#include <cctype>
#include <charconv>
#include <map>

#include "common/checksum.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "s3/ops/object_features.h"
#include "s3/ops/op_util.h"
#include "s3/ops/replication.h"
#include "s3/ops/sse.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

constexpr size_t kMaxKeyBytes = 1024;
constexpr uint64_t kMinPartBytes = 5ULL * 1024 * 1024;  // every part but the last
constexpr uint64_t kMaxPartBytes = 5ULL * 1024 * 1024 * 1024;
constexpr size_t kMaxListed = 1000;  // default and ceiling of max-parts / max-uploads
// A Complete document naming 10,000 parts, each with a checksum, is about 2 MB.
constexpr size_t kMaxCompleteBodyBytes = 4 << 20;
constexpr size_t kReadChunkBytes = 1 << 20;

constexpr ChecksumAlgorithm kAllChecksumAlgorithms[] = {
    ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
    ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256};

std::string ChecksumElementName(ChecksumAlgorithm algorithm) {
  return "Checksum" + std::string(ChecksumAlgorithmName(algorithm));
}

// "crc32", as AWS spells algorithms in checksum error messages.
std::string LowerName(ChecksumAlgorithm algorithm) {
  std::string name(ChecksumAlgorithmName(algorithm));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool ParseUint32(std::string_view text, uint32_t* out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

// max-parts / max-uploads: a non-negative integer, capped at 1000.
std::variant<size_t, S3Error> LimitParam(const S3Request& request, std::string_view name) {
  const std::string* value = request.Query(name);
  if (value == nullptr) return kMaxListed;
  uint32_t n = 0;
  if (!ParseUint32(*value, &n)) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Provided " + std::string(name) + " not an integer or within integer range");
  }
  return std::min<size_t>(n, kMaxListed);
}

std::string Param(const S3Request& request, std::string_view name) {
  const std::string* v = request.Query(name);
  return v ? *v : std::string();
}

// The upload named by ?uploadId, which must belong to the addressed bucket and key.
std::variant<store::MultipartUpload, S3Error> LoadUpload(OpContext& ctx) {
  const std::string* upload_id = ctx.request.Query("uploadId");
  if (upload_id == nullptr || upload_id->empty()) return S3Error(S3ErrorCode::kNoSuchUpload);
  auto upload = ctx.store().GetMultipartUpload(ctx.bucket->name, ctx.request.key, *upload_id);
  if (!upload.ok()) {
    if (upload.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    return FromStatus(upload.status());
  }
  return std::move(*upload);
}

// The algorithm parts are checksummed with. An upload created without one still gets the CRC64NVME
// that S3 attaches by default, when every part carried it (see CompleteMultipartUpload).
ChecksumAlgorithm PartAlgorithm(const store::MultipartUpload& upload) {
  return ParseChecksumAlgorithm(upload.object_template.checksum_algorithm)
      .value_or(ChecksumAlgorithm::kCrc64Nvme);
}

bool HasExplicitAlgorithm(const store::MultipartUpload& upload) {
  return !upload.object_template.checksum_algorithm.empty();
}

// The checksum algorithm a request names for its payload (value header, SDK algorithm header or
// trailer), as ReceiveBody reads them; nullopt when it names none or an unknown one (ReceiveBody
// then answers the error).
std::optional<ChecksumAlgorithm> RequestedChecksum(const S3Request& request) {
  for (const auto& [name, value] : request.http->headers) {
    if (auto algorithm = ChecksumAlgorithmFromHeader(name)) return algorithm;
  }
  for (std::string_view header : {"x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm"}) {
    if (const std::string* name = request.Header(header)) return ParseChecksumAlgorithm(*name);
  }
  if (const std::string* trailer = request.Header("x-amz-trailer")) {
    return ChecksumAlgorithmFromHeader(*trailer);
  }
  return std::nullopt;
}

// Reads a finished, uncommitted blob back to checksum it with another algorithm: the rare part
// sent without a checksum to an upload created with one other than ReceiveBody's default.
Result<std::string> ChecksumOfBlob(store::ObjectStore& store, const std::string& blob_id,
                                   ChecksumAlgorithm algorithm, std::string_view customer_key) {
  ASSIGN_OR_RETURN(auto reader, store.OpenBlob(blob_id, 0, UINT64_MAX, customer_key));
  Checksummer checksummer(algorithm);
  while (true) {
    ASSIGN_OR_RETURN(std::string_view chunk, reader->Read(kReadChunkBytes));
    if (chunk.empty()) break;
    checksummer.Update(chunk);
  }
  return checksummer.FinishBase64();
}

// CompleteMultipartUpload's Location: the object's URL as the client addressed the server.
std::string ObjectLocation(const S3Request& request) {
  const std::string* host = request.Header("host");
  std::string h = host ? *host : "localhost";
  std::string location = "http://" + h + "/";
  if (!h.starts_with(request.bucket + ".")) location += request.bucket + "/";
  return location + UriEncode(request.key, true);
}

struct RequestedPart {
  uint32_t part_number = 0;
  std::string etag;
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  std::string checksum_value;  // base64, as sent
};

std::variant<std::vector<RequestedPart>, S3Error> ParseCompleteDocument(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc, kMaxCompleteBodyBytes);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("CompleteMultipartUpload");
  if (!root) return S3Error(S3ErrorCode::kMalformedXML);
  std::vector<RequestedPart> parts;
  for (pugi::xml_node node : root.children("Part")) {
    RequestedPart part;
    pugi::xml_node number = node.child("PartNumber");
    pugi::xml_node etag = node.child("ETag");
    if (!number || !etag || !ParseUint32(number.text().as_string(), &part.part_number)) {
      return S3Error(S3ErrorCode::kMalformedXML);
    }
    part.etag = UnquoteEtag(etag.text().as_string());
    for (ChecksumAlgorithm algorithm : kAllChecksumAlgorithms) {
      pugi::xml_node checksum = node.child(ChecksumElementName(algorithm).c_str());
      if (!checksum) continue;
      part.checksum_algorithm = algorithm;
      part.checksum_value = checksum.text().as_string();
    }
    parts.push_back(std::move(part));
  }
  if (parts.empty() || parts.size() > kMaxPartNumber) return S3Error(S3ErrorCode::kMalformedXML);
  return parts;
}

// Matches the requested parts against the uploaded ones (both ascending), checking ETags and
// part checksums. Returns the uploaded parts in request order.
std::variant<std::vector<const store::Part*>, S3Error> MatchParts(
    const std::vector<RequestedPart>& requested, const std::vector<store::Part>& uploaded,
    const store::MultipartUpload& upload) {
  std::vector<const store::Part*> matched;
  size_t next = 0;
  for (const RequestedPart& want : requested) {
    while (next < uploaded.size() && uploaded[next].part_number < want.part_number) ++next;
    if (next == uploaded.size() || uploaded[next].part_number != want.part_number ||
        uploaded[next].etag != want.etag) {
      return S3Error(S3ErrorCode::kInvalidPart);
    }
    const store::Part& part = uploaded[next];
    if (want.checksum_algorithm && HasExplicitAlgorithm(upload)) {
      // Parts of an upload created with an algorithm carry that checksum; a different one or a
      // different value does not name this part.
      if (*want.checksum_algorithm != PartAlgorithm(upload) ||
          want.checksum_value != part.checksum_value) {
        return S3Error(S3ErrorCode::kInvalidPart);
      }
    }
    matched.push_back(&part);
  }
  return matched;
}

struct ObjectChecksum {
  std::string algorithm;  // "" when the object gets none
  std::string value;
  std::string type;
};

// COMPOSITE: the algorithm over the raw part checksums, "-N". FULL_OBJECT (CRCs only): the part
// CRCs combined, as if computed over the whole object. None when a part lacks a checksum (parts of
// an upload created without an algorithm that were sent with another one).
ObjectChecksum ComputeObjectChecksum(const store::MultipartUpload& upload,
                                     const std::vector<const store::Part*>& parts) {
  ChecksumAlgorithm algorithm = PartAlgorithm(upload);
  std::string type = HasExplicitAlgorithm(upload) ? upload.object_template.checksum_type
                                                  : std::string("FULL_OBJECT");
  std::vector<std::string> raw;
  raw.reserve(parts.size());
  for (const store::Part* part : parts) {
    auto decoded = DecodeChecksumValue(algorithm, part->checksum_value);
    if (!decoded) return {};
    raw.push_back(std::move(*decoded));
  }
  ObjectChecksum out{std::string(ChecksumAlgorithmName(algorithm)), "", type};
  if (type == "COMPOSITE") {
    out.value = CompositeChecksum(algorithm, raw);
    return out;
  }
  std::string combined = raw[0];
  for (size_t i = 1; i < raw.size(); ++i) {
    auto next = CombineCrc(algorithm, combined, raw[i], parts[i]->size);
    if (!next) return {};
    combined = std::move(*next);
  }
  out.value = Base64Encode(combined);
  return out;
}

// The checksum headers a client may send with Complete: the type must be the upload's, and a
// whole-object value must match what the parts add up to.
std::optional<S3Error> CheckCompleteHeaders(const S3Request& request,
                                            const store::MultipartUpload& upload,
                                            const ObjectChecksum& checksum, uint64_t size) {
  const std::string& upload_type = upload.object_template.checksum_type;
  if (const std::string* type = request.Header("x-amz-checksum-type")) {
    if (*type != upload_type) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "The upload was created using the " +
                         (upload_type.empty() ? std::string("null") : upload_type) +
                         " checksum mode. The complete request specified the " + *type +
                         " checksum mode.");
    }
  }
  for (const auto& [name, value] : request.http->headers) {
    auto algorithm = ChecksumAlgorithmFromHeader(name);
    if (!algorithm) continue;
    if (checksum.algorithm != ChecksumAlgorithmName(*algorithm)) {
      std::string created = checksum.algorithm.empty() ? "null" : LowerName(PartAlgorithm(upload));
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "The upload was created using a " + created +
                         " checksum. The complete request referenced an object checksum with a " +
                         LowerName(*algorithm) + " checksum.");
    }
    if (value != checksum.value) {
      return S3Error(S3ErrorCode::kBadDigest, "The " + std::string(checksum.algorithm) +
                                                  " you specified did not match the calculated "
                                                  "checksum.");
    }
  }
  if (const std::string* declared = request.Header("x-amz-mp-object-size")) {
    if (*declared != std::to_string(size)) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "The provided 'x-amz-mp-object-size' header value does not match the size "
                     "of the completed object.");
    }
  }
  return std::nullopt;
}

// If-None-Match: * (create only) and If-Match: etag (replace only that), as PutObject.
std::optional<S3Error> CheckConditionalWrite(OpContext& ctx, const store::MultipartUpload& upload) {
  const std::string* if_none_match = ctx.request.Header("if-none-match");
  const std::string* if_match = ctx.request.Header("if-match");
  if (!if_none_match && !if_match) return std::nullopt;
  auto current = ctx.store().GetObject(upload.bucket, upload.key, std::nullopt);
  if (!current.ok() && !current.status().IsNotFound()) return FromStatus(current.status());
  bool exists = current.ok() && !current->is_delete_marker;
  if (if_match && !exists) return S3Error(S3ErrorCode::kNoSuchKey);
  if ((if_none_match && *if_none_match == "*" && exists) ||
      (if_match && !IfMatchHolds(*if_match, current->etag))) {
    return S3Error(S3ErrorCode::kPreconditionFailed);
  }
  return std::nullopt;
}

}  // namespace

OpResult CreateMultipartUpload(OpContext& ctx) {
  const S3Request& request = ctx.request;
  if (request.key.size() > kMaxKeyBytes) return S3Error(S3ErrorCode::kKeyTooLongError);
  store::MultipartUpload upload;
  upload.bucket = ctx.bucket->name;
  upload.key = request.key;
  upload.initiated_ms = ctx.NowMillis();
  store::ObjectVersion& object = upload.object_template;
  object.bucket = upload.bucket;
  object.key = upload.key;
  object.owner_account_id = request.caller.account_id;
  if (auto error = ReadObjectHeaders(request, &object)) return *error;
  if (auto error = ApplyNewObjectFeatures(ctx, &object)) return *error;
  // Parts are encrypted with the upload's settings (UploadPart, ApplySseForPart).
  if (auto error = ApplySseForWrite(ctx, &object)) return *error;

  const std::string* algorithm_name = request.Header("x-amz-checksum-algorithm");
  const std::string* type = request.Header("x-amz-checksum-type");
  if (algorithm_name != nullptr) {
    auto algorithm = ParseChecksumAlgorithm(*algorithm_name);
    if (!algorithm) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "Checksum algorithm provided is unsupported. Please try again with any of "
                     "the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
    }
    // AWS's defaults: CRC64NVME only exists as a whole-object checksum, the others are COMPOSITE
    // unless FULL_OBJECT is asked for ("Checking object integrity", checksum types table).
    std::string checksum_type = type != nullptr                               ? *type
                                : *algorithm == ChecksumAlgorithm::kCrc64Nvme ? "FULL_OBJECT"
                                                                              : "COMPOSITE";
    if (checksum_type != "FULL_OBJECT" && checksum_type != "COMPOSITE") {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "Value for x-amz-checksum-type header is invalid.");
    }
    if ((checksum_type == "FULL_OBJECT" && !IsCrc(*algorithm)) ||
        (checksum_type == "COMPOSITE" && *algorithm == ChecksumAlgorithm::kCrc64Nvme)) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "The " + checksum_type + " checksum type cannot be used with the " +
                         LowerName(*algorithm) + " checksum algorithm.");
    }
    object.checksum_algorithm = std::string(ChecksumAlgorithmName(*algorithm));
    object.checksum_type = checksum_type;
  } else if (type != nullptr) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "The x-amz-checksum-type header can only be used with the "
                   "x-amz-checksum-algorithm header.");
  }

  auto upload_id = ctx.store().CreateMultipartUpload(upload);
  if (!upload_id.ok()) return FromStatus(upload_id.status());
  XmlWriter xml("InitiateMultipartUploadResult");
  xml.Element("Bucket", upload.bucket).Element("Key", upload.key).Element("UploadId", *upload_id);
  S3Response response = S3Response::Xml(xml.Finish());
  AddSseHeaders(request, object, &response, /*with_context=*/true);
  if (!object.checksum_algorithm.empty()) {
    response.SetHeader("x-amz-checksum-algorithm", object.checksum_algorithm);
    response.SetHeader("x-amz-checksum-type", object.checksum_type);
  }
  return response;
}

OpResult UploadPart(OpContext& ctx) {
  auto part_number = PartNumberParam(ctx.request);
  if (auto* error = std::get_if<S3Error>(&part_number)) return *error;
  auto loaded = LoadUpload(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& upload = std::get<store::MultipartUpload>(loaded);
  // As PutObject: without Content-Length or chunked framing the body would read as empty.
  if (!ctx.request.http->content_length && !ctx.request.http->chunked_transfer) {
    return S3Error(S3ErrorCode::kMissingContentLength);
  }
  auto declared = ctx.request.payload->declared_length();
  if (declared && *declared > kMaxPartBytes) return S3Error(S3ErrorCode::kEntityTooLarge);

  // Refuse a mismatching checksum before receiving gigabytes (message as AWS words it).
  ChecksumAlgorithm part_algorithm = PartAlgorithm(upload);
  bool explicit_algorithm = HasExplicitAlgorithm(upload);
  std::optional<ChecksumAlgorithm> requested = RequestedChecksum(ctx.request);
  if (explicit_algorithm && requested && *requested != part_algorithm) {
    return S3Error(
        S3ErrorCode::kInvalidRequest,
        "Checksum Type mismatch occurred, expected checksum Type: " + LowerName(part_algorithm) +
            ", actual checksum Type: " + LowerName(*requested));
  }

  store::ObjectVersion received;
  if (auto error = ApplySseForPart(ctx.request, upload.object_template, &received)) return *error;
  auto body = ReceiveBody(ctx, &received);
  if (auto* error = std::get_if<S3Error>(&body)) return *error;
  auto& blob = std::get<std::unique_ptr<store::BlobWriter>>(body);

  store::Part part;
  part.part_number = std::get<uint32_t>(part_number);
  part.size = received.size;
  part.etag = received.etag;
  part.last_modified_ms = ctx.NowMillis();
  part.blob_id = received.blob_id;
  bool same_algorithm = received.checksum_algorithm == ChecksumAlgorithmName(part_algorithm);
  if (same_algorithm) {
    part.checksum_value = received.checksum_value;
  } else if (explicit_algorithm) {
    auto checksum =
        ChecksumOfBlob(ctx.store(), part.blob_id, part_algorithm, RequestCustomerKey(ctx.request));
    if (!checksum.ok()) {
      blob->Abandon();
      return FromStatus(checksum.status());
    }
    part.checksum_value = std::move(*checksum);
  }
  Status st = ctx.store().PutPart(upload.upload_id, part);
  if (!st.ok()) {
    blob->Abandon();
    // Aborted or completed while the part was being received.
    if (st.IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    return FromStatus(st);
  }
  S3Response response;
  response.SetHeader("ETag", QuoteEtag(part.etag));
  AddSseHeaders(ctx.request, received, &response);
  if (explicit_algorithm) {
    response.SetHeader(std::string(ChecksumHeaderName(part_algorithm)), part.checksum_value);
  } else if (requested) {
    response.SetHeader(std::string(ChecksumHeaderName(*requested)), received.checksum_value);
  }
  return response;
}

OpResult CompleteMultipartUpload(OpContext& ctx) {
  auto loaded = LoadUpload(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& upload = std::get<store::MultipartUpload>(loaded);
  auto parsed = ParseCompleteDocument(ctx);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  const auto& requested = std::get<std::vector<RequestedPart>>(parsed);
  for (size_t i = 1; i < requested.size(); ++i) {
    if (requested[i].part_number <= requested[i - 1].part_number) {
      return S3Error(S3ErrorCode::kInvalidPartOrder);
    }
  }
  auto uploaded = ctx.store().ListParts(upload.upload_id);
  if (!uploaded.ok()) {
    if (uploaded.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    return FromStatus(uploaded.status());
  }
  auto matched = MatchParts(requested, *uploaded, upload);
  if (auto* error = std::get_if<S3Error>(&matched)) return *error;
  const auto& parts = std::get<std::vector<const store::Part*>>(matched);

  std::string concatenated_md5s;
  uint64_t size = 0;
  std::vector<uint32_t> part_numbers;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i + 1 < parts.size() && parts[i]->size < kMinPartBytes) {
      return S3Error(S3ErrorCode::kEntityTooSmall);
    }
    auto md5 = HexDecode(parts[i]->etag);
    if (!md5) return S3Error(S3ErrorCode::kInvalidPart);
    concatenated_md5s += *md5;
    size += parts[i]->size;
    part_numbers.push_back(parts[i]->part_number);
  }
  ObjectChecksum checksum = ComputeObjectChecksum(upload, parts);
  if (auto error = CheckCompleteHeaders(ctx.request, upload, checksum, size)) return *error;
  if (auto error = CheckConditionalWrite(ctx, upload)) return *error;

  store::ObjectVersion version = upload.object_template;
  version.etag = HexLower(Md5(concatenated_md5s)) + "-" + std::to_string(parts.size());
  version.checksum_algorithm = checksum.algorithm;
  version.checksum_value = checksum.value;
  version.checksum_type = checksum.algorithm.empty() ? "" : checksum.type;
  // "For multipart uploads, the object creation date is the date of initiation of the multipart
  // upload" (User Guide, system-defined object metadata, Last-Modified).
  version.last_modified_ms = upload.initiated_ms;
  MarkForReplication(ctx, &version);
  auto put = ctx.store().CompleteMultipartUpload(upload.upload_id, part_numbers, version);
  if (!put.ok()) {
    // A concurrent Abort or Complete removed the upload, or a listed part is gone.
    if (put.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    if (put.status().code() == StatusCode::kInvalidArgument) {
      return S3Error(S3ErrorCode::kInvalidPart);
    }
    return FromStatus(put.status());
  }
  QueueReplication(ctx, version, put->version_id);

  XmlWriter xml("CompleteMultipartUploadResult");
  xml.Element("Location", ObjectLocation(ctx.request));
  xml.Element("Bucket", upload.bucket).Element("Key", upload.key);
  xml.Element("ETag", QuoteEtag(version.etag));
  if (!version.checksum_algorithm.empty()) {
    xml.Element("Checksum" + version.checksum_algorithm, version.checksum_value);
    xml.Element("ChecksumType", version.checksum_type);
  }
  S3Response response = S3Response::Xml(xml.Finish());
  if (!put->version_id.empty()) response.SetHeader("x-amz-version-id", put->version_id);
  // CompleteMultipartUpload answers the SSE-S3/KMS headers only (it carries no SSE-C key).
  if (version.encryption != store::kSseC) AddSseHeaders(ctx.request, version, &response);
  return response;
}

OpResult AbortMultipartUpload(OpContext& ctx) {
  auto loaded = LoadUpload(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  Status st = ctx.store().AbortMultipartUpload(std::get<store::MultipartUpload>(loaded).upload_id);
  if (!st.ok()) {
    if (st.IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    return FromStatus(st);
  }
  return S3Response::NoContent();
}

OpResult ListParts(OpContext& ctx) {
  const S3Request& request = ctx.request;
  auto max_parts = LimitParam(request, "max-parts");
  if (auto* error = std::get_if<S3Error>(&max_parts)) return *error;
  uint32_t marker = 0;
  if (const std::string* value = request.Query("part-number-marker")) {
    if (!value->empty() && !ParseUint32(*value, &marker)) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Provided part-number-marker not an integer or within integer range");
    }
  }
  auto loaded = LoadUpload(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& upload = std::get<store::MultipartUpload>(loaded);
  auto parts = ctx.store().ListParts(upload.upload_id);
  if (!parts.ok()) {
    if (parts.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchUpload);
    return FromStatus(parts.status());
  }

  size_t limit = std::get<size_t>(max_parts);
  std::vector<const store::Part*> page;
  bool truncated = false;
  for (const store::Part& part : *parts) {
    if (part.part_number <= marker) continue;
    if (page.size() == limit) {
      truncated = true;
      break;
    }
    page.push_back(&part);
  }
  ChecksumAlgorithm algorithm = PartAlgorithm(upload);
  AccountNames accounts(ctx);
  XmlWriter xml("ListPartsResult");
  xml.Element("Bucket", upload.bucket).Element("Key", upload.key);
  xml.Element("UploadId", upload.upload_id);
  xml.Element("PartNumberMarker", marker);
  if (!page.empty()) xml.Element("NextPartNumberMarker", page.back()->part_number);
  xml.Element("MaxParts", limit);
  xml.BoolElement("IsTruncated", truncated);
  for (const store::Part* part : page) {
    xml.Open("Part");
    xml.Element("PartNumber", part->part_number);
    xml.Element("LastModified", FormatIso8601Millis(part->last_modified_ms));
    xml.Element("ETag", QuoteEtag(part->etag));
    xml.Element("Size", part->size);
    if (!part->checksum_value.empty()) {
      xml.Element(ChecksumElementName(algorithm), part->checksum_value);
    }
    xml.Close();
  }
  accounts.Write(&xml, "Initiator", upload.object_template.owner_account_id);
  accounts.Write(&xml, "Owner", upload.object_template.owner_account_id);
  xml.Element("StorageClass", upload.object_template.storage_class);
  if (HasExplicitAlgorithm(upload)) {
    xml.Element("ChecksumAlgorithm", upload.object_template.checksum_algorithm);
    xml.Element("ChecksumType", upload.object_template.checksum_type);
  }
  return S3Response::Xml(xml.Finish());
}

OpResult ListMultipartUploads(OpContext& ctx) {
  const S3Request& request = ctx.request;
  auto max_uploads = LimitParam(request, "max-uploads");
  if (auto* error = std::get_if<S3Error>(&max_uploads)) return *error;
  bool url_encode = false;
  if (const std::string* encoding = request.Query("encoding-type")) {
    if (*encoding != "url") {
      return S3Error(S3ErrorCode::kInvalidArgument, "Invalid Encoding Method specified in Request");
    }
    url_encode = true;
  }
  std::string prefix = Param(request, "prefix");
  std::string delimiter = Param(request, "delimiter");
  std::string key_marker = Param(request, "key-marker");
  // The upload-id marker only counts together with a key marker (ListMultipartUploads page).
  std::string upload_id_marker = key_marker.empty() ? "" : Param(request, "upload-id-marker");
  auto uploads = ctx.store().ListMultipartUploads(ctx.bucket->name);
  if (!uploads.ok()) return FromStatus(uploads.status());

  // The store lists by key, then upload id (initiation order); uploads and common prefixes count
  // alike against max-uploads.
  size_t limit = std::get<size_t>(max_uploads);
  std::vector<const store::MultipartUpload*> page;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker, next_upload_id_marker;  // what was returned last
  for (const store::MultipartUpload& upload : *uploads) {
    const std::string& key = upload.key;
    if (!key.starts_with(prefix)) continue;
    if (!common_prefixes.empty() && key.starts_with(common_prefixes.back())) continue;
    if (!key_marker.empty()) {
      if (key < key_marker) continue;
      if (key == key_marker && (upload_id_marker.empty() || upload.upload_id <= upload_id_marker)) {
        continue;
      }
    }
    std::string common_prefix;
    if (!delimiter.empty()) {
      size_t pos = key.find(delimiter, prefix.size());
      if (pos != std::string::npos) common_prefix = key.substr(0, pos + delimiter.size());
    }
    // A key marker inside a common prefix means the prefix was on an earlier page.
    if (!common_prefix.empty() && key_marker.starts_with(common_prefix)) continue;
    if (page.size() + common_prefixes.size() == limit) {
      truncated = true;
      break;
    }
    if (!common_prefix.empty()) {
      next_key_marker = common_prefix;
      next_upload_id_marker.clear();
      common_prefixes.push_back(std::move(common_prefix));
      continue;
    }
    next_key_marker = key;
    next_upload_id_marker = upload.upload_id;
    page.push_back(&upload);
  }

  auto text = [&](std::string_view value) {
    return url_encode ? FormEncodeKeepSlash(value) : std::string(value);
  };
  AccountNames accounts(ctx);
  XmlWriter xml("ListMultipartUploadsResult");
  xml.Element("Bucket", ctx.bucket->name);
  xml.Element("KeyMarker", text(key_marker));
  xml.Element("UploadIdMarker", upload_id_marker);
  if (truncated) {
    xml.Element("NextKeyMarker", text(next_key_marker));
    xml.Element("NextUploadIdMarker", next_upload_id_marker);
  }
  if (!prefix.empty()) xml.Element("Prefix", text(prefix));
  if (!delimiter.empty()) xml.Element("Delimiter", text(delimiter));
  xml.Element("MaxUploads", limit);
  if (url_encode) xml.Element("EncodingType", "url");
  xml.BoolElement("IsTruncated", truncated);
  for (const store::MultipartUpload* upload : page) {
    const store::ObjectVersion& object = upload->object_template;
    xml.Open("Upload");
    xml.Element("Key", text(upload->key)).Element("UploadId", upload->upload_id);
    accounts.Write(&xml, "Initiator", object.owner_account_id);
    accounts.Write(&xml, "Owner", object.owner_account_id);
    xml.Element("StorageClass", object.storage_class);
    xml.Element("Initiated", FormatIso8601Millis(upload->initiated_ms));
    if (!object.checksum_algorithm.empty()) {
      xml.Element("ChecksumAlgorithm", object.checksum_algorithm);
      xml.Element("ChecksumType", object.checksum_type);
    }
    xml.Close();
  }
  for (const std::string& common_prefix : common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", text(common_prefix)).Close();
  }
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
