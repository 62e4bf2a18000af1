// ListObjects (v1) and ListObjectsV2: prefix, delimiter roll-up into CommonPrefixes, paging by
// marker / start-after / continuation token, encoding-type=url, fetch-owner.
#include <charconv>

#include "common/encoding.h"
#include "common/time_format.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

constexpr size_t kMaxKeysLimit = 1000;
// Keys are UTF-8, which never contains 0xFF: appending it skips everything under a prefix.
constexpr std::string_view kAfterPrefix = "\xff";

struct ListPage {
  std::string contents_xml;  // the <Contents> elements, rendered as the store streams them
  size_t contents_count = 0;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last_item;  // key or common prefix returned last (next marker)
};

struct ListRequest {
  std::string prefix;
  std::string delimiter;
  std::string start_after;
  size_t max_keys = kMaxKeysLimit;
};

// Renders <Contents> elements exactly as XmlWriter would, straight from the store's views:
// no ObjectVersion and no string per field (listings are the hottest S3 responses).
class ContentsXml {
 public:
  // `owner` is shown in every entry when not null.
  ContentsXml(bool url_encode, const store::Account* owner)
      : url_encode_(url_encode), owner_(owner) {}

  void Append(const store::ListedVersion& o, std::string* out) const {
    out->append("<Contents><Key>");
    if (url_encode_) {
      AppendFormEncodedKeepSlash(out, o.key);
    } else {
      AppendXmlEscaped(out, o.key);
    }
    out->append("</Key><LastModified>");
    AppendIso8601Millis(out, o.last_modified_ms);
    out->append("</LastModified><ETag>&quot;");
    AppendXmlEscaped(out, o.etag);
    out->append("&quot;</ETag>");
    if (!o.checksum_algorithm.empty()) {
      AppendXmlElement(out, "ChecksumAlgorithm", o.checksum_algorithm);
      AppendXmlElement(out, "ChecksumType", o.checksum_type);
    }
    out->append("<Size>");
    AppendDecimal(out, o.size);
    out->append("</Size>");
    if (owner_ != nullptr) {
      out->append("<Owner>");
      AppendXmlElement(out, "ID", owner_->canonical_id);
      AppendXmlElement(out, "DisplayName", owner_->name);
      out->append("</Owner>");
    }
    AppendXmlElement(out, "StorageClass", o.storage_class);
    out->append("</Contents>");
  }

 private:
  bool url_encode_;
  const store::Account* owner_;
};

// About what a <Contents> takes (~250 bytes plus the key, escaped maybe longer).
constexpr size_t kContentsBytes = 320;

// The store streams the listing (no copy of a version); a common prefix is returned once, then
// skipped by restarting the store listing past it.
Result<ListPage> Walk(store::ObjectStore& store, const std::string& bucket,
                      const ListRequest& request, const ContentsXml& contents) {
  ListPage page;
  page.contents_xml.reserve(request.max_keys * kContentsBytes);
  store::ListOptions options;
  options.prefix = request.prefix;
  options.start_after = request.start_after;
  size_t count = 0;
  bool restart = true;
  std::string next_start;
  auto visit = [&](const store::ListedVersion& object) {
    std::string_view common_prefix;
    if (!request.delimiter.empty()) {
      size_t pos = object.key.find(request.delimiter, request.prefix.size());
      if (pos != std::string_view::npos) {
        common_prefix = object.key.substr(0, pos + request.delimiter.size());
      }
    }
    if (!common_prefix.empty() && request.start_after.starts_with(common_prefix)) {
      // The marker lies inside this prefix: it was returned on an earlier page.
      next_start = std::string(common_prefix) + std::string(kAfterPrefix);
      restart = true;
      return false;
    }
    if (count == request.max_keys) {
      // max-keys=0 asks for no entries, not for a page to continue from: a truncated answer
      // would carry an empty continuation token / marker that pages forever.
      page.truncated = request.max_keys > 0;
      return false;
    }
    ++count;
    if (!common_prefix.empty()) {
      page.last_item = common_prefix;
      page.common_prefixes.emplace_back(common_prefix);
      next_start = std::string(common_prefix) + std::string(kAfterPrefix);
      restart = true;  // refetch past the prefix
      return false;
    }
    page.last_item = object.key;
    contents.Append(object, &page.contents_xml);
    ++page.contents_count;
    return true;
  };
  while (restart) {
    restart = false;
    RETURN_IF_ERROR(store.VisitObjects(bucket, options, visit));
    options.start_after = next_start;
  }
  return page;
}

// About what a page's XML takes.
size_t EstimatedListingBytes(const ListPage& page) {
  size_t bytes = 1024 + page.contents_xml.size();
  for (const std::string& prefix : page.common_prefixes) bytes += 64 + prefix.size();
  return bytes;
}

std::variant<size_t, S3Error> MaxKeysParam(const S3Request& request) {
  const std::string* value = request.Query("max-keys");
  if (value == nullptr) return kMaxKeysLimit;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (ec != std::errc() || p != value->data() + value->size() || n < 0) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Provided max-keys not an integer or within "
                   "integer range");
  }
  return std::min<size_t>(static_cast<size_t>(n), kMaxKeysLimit);
}

std::variant<bool, S3Error> UrlEncodingParam(const S3Request& request) {
  const std::string* value = request.Query("encoding-type");
  if (value == nullptr) return false;
  if (*value != "url")
    return S3Error(S3ErrorCode::kInvalidArgument, "Invalid Encoding Method specified in Request");
  return true;
}

class ListXml {
 public:
  ListXml(XmlWriter* xml, bool url_encode) : xml_(xml), url_encode_(url_encode) {}
  void Text(std::string_view name, std::string_view value) {
    xml_->Element(name, url_encode_ ? FormEncodeKeepSlash(value) : std::string(value));
  }
  void CommonPrefixes(const std::vector<std::string>& prefixes) {
    for (const std::string& p : prefixes) {
      xml_->Open("CommonPrefixes");
      Text("Prefix", p);
      xml_->Close();
    }
  }

 private:
  XmlWriter* xml_;
  bool url_encode_;
};

std::string Param(const S3Request& request, std::string_view name) {
  const std::string* v = request.Query(name);
  return v ? *v : std::string();
}

}  // namespace

OpResult ListObjectsV1(OpContext& ctx) {
  const S3Request& request = ctx.request;
  auto max_keys = MaxKeysParam(request);
  if (auto* error = std::get_if<S3Error>(&max_keys)) return *error;
  auto url = UrlEncodingParam(request);
  if (auto* error = std::get_if<S3Error>(&url)) return *error;
  ListRequest list{Param(request, "prefix"), Param(request, "delimiter"), Param(request, "marker"),
                   std::get<size_t>(max_keys)};
  bool encode = std::get<bool>(url);
  auto page = Walk(ctx.store(), ctx.bucket->name, list, ContentsXml(encode, &request.caller));
  if (!page.ok()) return FromStatus(page.status());
  XmlWriter xml("ListBucketResult");
  xml.Reserve(EstimatedListingBytes(*page));
  ListXml out(&xml, encode);
  xml.Element("Name", ctx.bucket->name);
  out.Text("Prefix", list.prefix);
  out.Text("Marker", list.start_after);
  if (page->truncated && !list.delimiter.empty()) out.Text("NextMarker", page->last_item);
  xml.Element("MaxKeys", list.max_keys);
  if (!list.delimiter.empty()) out.Text("Delimiter", list.delimiter);
  if (encode) xml.Element("EncodingType", "url");
  xml.BoolElement("IsTruncated", page->truncated);
  xml.Raw(page->contents_xml);
  out.CommonPrefixes(page->common_prefixes);
  return S3Response::Xml(xml.Finish());
}

OpResult ListObjectsV2(OpContext& ctx) {
  const S3Request& request = ctx.request;
  if (Param(request, "list-type") != "2") {
    return S3Error(S3ErrorCode::kInvalidArgument, "Invalid List Type specified in Request");
  }
  auto max_keys = MaxKeysParam(request);
  if (auto* error = std::get_if<S3Error>(&max_keys)) return *error;
  auto url = UrlEncodingParam(request);
  if (auto* error = std::get_if<S3Error>(&url)) return *error;
  ListRequest list{Param(request, "prefix"), Param(request, "delimiter"),
                   Param(request, "start-after"), std::get<size_t>(max_keys)};
  const std::string* token = request.Query("continuation-token");
  if (token != nullptr) {
    auto decoded = Base64Decode(*token);
    if (!decoded || decoded->empty()) {
      return S3Error(S3ErrorCode::kInvalidArgument, "The continuation token provided is incorrect");
    }
    list.start_after = *decoded;
  }
  bool encode = std::get<bool>(url);
  bool fetch_owner = Param(request, "fetch-owner") == "true";
  auto page = Walk(ctx.store(), ctx.bucket->name, list,
                   ContentsXml(encode, fetch_owner ? &request.caller : nullptr));
  if (!page.ok()) return FromStatus(page.status());
  XmlWriter xml("ListBucketResult");
  xml.Reserve(EstimatedListingBytes(*page));
  ListXml out(&xml, encode);
  xml.Element("Name", ctx.bucket->name);
  out.Text("Prefix", list.prefix);
  if (!list.delimiter.empty()) out.Text("Delimiter", list.delimiter);
  xml.Element("MaxKeys", list.max_keys);
  if (encode) xml.Element("EncodingType", "url");
  xml.Element("KeyCount", page->contents_count + page->common_prefixes.size());
  xml.BoolElement("IsTruncated", page->truncated);
  if (token != nullptr) xml.Element("ContinuationToken", *token);
  if (page->truncated) xml.Element("NextContinuationToken", Base64Encode(page->last_item));
  if (const std::string* start_after = request.Query("start-after")) {
    out.Text("StartAfter", *start_after);
  }
  xml.Raw(page->contents_xml);
  out.CommonPrefixes(page->common_prefixes);
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
