// Helpers shared by the operations: validation rules, ETags, object headers, XML parsing.
#pragma once

#include <map>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "s3/ops/op.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {

// Multipart parts are numbered 1..10000.
inline constexpr uint32_t kMaxPartNumber = 10000;

// The partNumber query parameter of UploadPart / UploadPartCopy.
std::variant<uint32_t, S3Error> PartNumberParam(const S3Request& request);

// Owner / Initiator elements name accounts by canonical id and name; the accounts of one listing
// are usually few (mostly the caller), so lookups are cached.
class AccountNames {
 public:
  explicit AccountNames(OpContext& ctx) : ctx_(ctx) {}
  const store::Account& Get(const std::string& account_id);
  // <element><ID>canonical id</ID><DisplayName>name</DisplayName></element>
  void Write(XmlWriter* xml, std::string_view element, const std::string& account_id);

 private:
  OpContext& ctx_;
  std::map<std::string, store::Account> cache_;
};

// AWS general-purpose bucket naming rules (3-63 chars, lower-case letters, digits, '.', '-',
// start/end alphanumeric, not an IP address, no "..", reserved prefixes/suffixes).
bool IsValidBucketName(std::string_view name);

std::string QuoteEtag(std::string_view etag);
// Strips surrounding quotes (and a W/ prefix) from a client-sent ETag.
std::string UnquoteEtag(std::string_view etag);
// A conditional write's If-Match against the current version's ETag (the version exists): "*"
// matches any (RFC 9110 §13.1.1), otherwise the ETag, quoted or not.
bool IfMatchHolds(std::string_view if_match, std::string_view current_etag);

// pugixml flags for every XML request body: keys are bytes, so an element whose whole text is
// whitespace keeps it (parse_default would drop it and turn a key " " into ""). Whitespace
// between elements is still formatting.
inline constexpr unsigned kXmlBodyParseFlags = pugi::parse_default | pugi::parse_ws_pcdata_single;

// Parses an XML request body (bounded, kXmlBodyParseFlags), failing with MalformedXML.
std::variant<pugi::xml_document*, S3Error> ParseXmlBody(OpContext& ctx, pugi::xml_document* doc,
                                                        size_t max_bytes = 1 << 20);

// A version id the store cannot parse (it never named a version): 400, as AWS, not a 500.
S3Error InvalidVersionIdError();

// Reads a version id query parameter ("null" names the null version).
std::optional<std::string_view> VersionIdParam(const S3Request& request);

// Loads an object version for GET/HEAD/COPY sources: NoSuchKey / NoSuchVersion / delete markers.
std::variant<store::ObjectVersion, S3Error> LoadObject(OpContext& ctx, std::string_view bucket,
                                                       std::string_view key,
                                                       std::optional<std::string_view> version);

// Metadata from request headers (x-amz-meta-*, content headers, storage class, tagging), with
// S3's size limits. Fills `version`.
std::optional<S3Error> ReadObjectHeaders(const S3Request& request, store::ObjectVersion* version);

// Parses the x-amz-tagging header / Tagging document values (URL query form).
std::optional<S3Error> ParseTaggingQuery(std::string_view text,
                                         std::vector<std::pair<std::string, std::string>>* tags);
std::optional<S3Error> ValidateTags(const std::vector<std::pair<std::string, std::string>>& tags);

// Streams the payload into a new blob, verifying Content-MD5 and any flexible checksum (header
// or trailer). On success the blob is Finish()ed and `version` gets size, etag and checksum.
// The blob is encrypted as `version`'s encryption fields say (set them first: ApplySseForWrite
// or ApplySseForPart in sse.h); the etag follows SseEtag.
std::variant<std::unique_ptr<store::BlobWriter>, S3Error> ReceiveBody(
    OpContext& ctx, store::ObjectVersion* version);

// Headers describing an object version (GET/HEAD).
void AddObjectHeaders(const OpContext& ctx, const store::ObjectVersion& version,
                      S3Response* response);

// x-amz-checksum-<alg> and x-amz-checksum-type of a stored version (PUT/complete responses).
void AddChecksumHeaders(const store::ObjectVersion& version, S3Response* response);

std::string VersionIdOrNull(const store::ObjectVersion& version);

}  // namespace stocktake::s3
