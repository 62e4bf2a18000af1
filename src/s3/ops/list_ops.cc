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
  std::vector<store::ObjectVersion> contents;
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

Result<ListPage> Walk(store::ObjectStore& store, const std::string& bucket,
                      const ListRequest& request) {
  ListPage page;
  std::string cursor = request.start_after;
  size_t count = 0;
  bool exhausted = false;
  while (!exhausted && !page.truncated) {
    store::ListOptions options;
    options.prefix = request.prefix;
    options.start_after = cursor;
    options.max_keys = std::min<size_t>(request.max_keys - count + 1, kMaxKeysLimit + 1);
    bool more = false;
    ASSIGN_OR_RETURN(auto batch, store.ListObjects(bucket, options, &more));
    if (batch.empty()) break;
    exhausted = !more;
    for (store::ObjectVersion& object : batch) {
      std::string common_prefix;
      if (!request.delimiter.empty()) {
        size_t pos = object.key.find(request.delimiter, request.prefix.size());
        if (pos != std::string::npos) {
          common_prefix = object.key.substr(0, pos + request.delimiter.size());
        }
      }
      if (!common_prefix.empty() && request.start_after.starts_with(common_prefix)) {
        // The marker lies inside this prefix: it was returned on an earlier page.
        cursor = common_prefix + std::string(kAfterPrefix);
        exhausted = false;
        break;
      }
      if (count == request.max_keys) {
        // max-keys=0 asks for no entries, not for a page to continue from: a truncated answer
        // would carry an empty continuation token / marker that pages forever.
        page.truncated = request.max_keys > 0;
        exhausted = true;
        break;
      }
      ++count;
      if (!common_prefix.empty()) {
        page.last_item = common_prefix;
        page.common_prefixes.push_back(common_prefix);
        cursor = common_prefix + std::string(kAfterPrefix);
        exhausted = false;  // refetch past the prefix
        break;
      }
      page.last_item = object.key;
      cursor = object.key;
      page.contents.push_back(std::move(object));
    }
  }
  return page;
}

// About what a page's XML takes (each <Contents> ~250 bytes plus the key, escaped maybe longer).
size_t EstimatedListingBytes(const ListPage& page) {
  size_t bytes = 1024;
  for (const store::ObjectVersion& object : page.contents) bytes += 320 + object.key.size();
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
  void Contents(const store::ObjectVersion& o, bool with_owner, const store::Account& owner) {
    xml_->Open("Contents");
    Text("Key", o.key);
    xml_->Element("LastModified", FormatIso8601Millis(o.last_modified_ms));
    xml_->Element("ETag", QuoteEtag(o.etag));
    if (!o.checksum_algorithm.empty()) {
      xml_->Element("ChecksumAlgorithm", o.checksum_algorithm);
      xml_->Element("ChecksumType", o.checksum_type);
    }
    xml_->Element("Size", o.size);
    if (with_owner) {
      xml_->Open("Owner")
          .Element("ID", owner.canonical_id)
          .Element("DisplayName", owner.name)
          .Close();
    }
    xml_->Element("StorageClass", o.storage_class);
    xml_->Close();
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
  auto page = Walk(ctx.store(), ctx.bucket->name, list);
  if (!page.ok()) return FromStatus(page.status());
  bool encode = std::get<bool>(url);
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
  for (const auto& o : page->contents) out.Contents(o, true, request.caller);
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
  auto page = Walk(ctx.store(), ctx.bucket->name, list);
  if (!page.ok()) return FromStatus(page.status());
  bool encode = std::get<bool>(url);
  bool fetch_owner = Param(request, "fetch-owner") == "true";
  XmlWriter xml("ListBucketResult");
  xml.Reserve(EstimatedListingBytes(*page));
  ListXml out(&xml, encode);
  xml.Element("Name", ctx.bucket->name);
  out.Text("Prefix", list.prefix);
  if (!list.delimiter.empty()) out.Text("Delimiter", list.delimiter);
  xml.Element("MaxKeys", list.max_keys);
  if (encode) xml.Element("EncodingType", "url");
  xml.Element("KeyCount", page->contents.size() + page->common_prefixes.size());
  xml.BoolElement("IsTruncated", page->truncated);
  if (token != nullptr) xml.Element("ContinuationToken", *token);
  if (page->truncated) xml.Element("NextContinuationToken", Base64Encode(page->last_item));
  if (const std::string* start_after = request.Query("start-after")) {
    out.Text("StartAfter", *start_after);
  }
  for (const auto& o : page->contents) out.Contents(o, fetch_owner, request.caller);
  out.CommonPrefixes(page->common_prefixes);
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
