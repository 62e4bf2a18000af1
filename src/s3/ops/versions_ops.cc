// ListObjectVersions: every version and delete marker, by key then newest first, with prefix,
// delimiter roll-up into CommonPrefixes, paging by key-marker / version-id-marker, max-keys and
// encoding-type=url (S3 API reference, ListObjectVersions).
#include <charconv>
#include <map>

#include "common/encoding.h"
#include "common/time_format.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

constexpr size_t kMaxKeysLimit = 1000;
// Keys are UTF-8, which never contains 0xFF: appending it skips everything under a prefix.
constexpr std::string_view kAfterPrefix = "\xff";

struct VersionsRequest {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string version_id_marker;
  size_t max_keys = kMaxKeysLimit;
};

struct VersionsPage {
  // Versions and delete markers in store order; CommonPrefixes are listed after them.
  std::vector<store::ObjectVersion> entries;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // What was returned last (the next markers): a version, or a common prefix (no version id).
  std::string last_key;
  std::optional<std::string> last_version_id;
};

// Pages through the store, rolling keys up into common prefixes; both count against max-keys.
// A common prefix is returned once, then skipped by restarting the store listing past it.
Result<VersionsPage> Walk(store::ObjectStore& store, const std::string& bucket,
                          const VersionsRequest& request) {
  VersionsPage page;
  store::ListVersionsOptions options;
  options.prefix = request.prefix;
  options.key_marker = request.key_marker;
  options.version_id_marker = request.version_id_marker;
  size_t count = 0;
  while (!page.truncated) {
    // One more than still needed tells whether the page is truncated.
    options.max_keys = std::min(request.max_keys - count + 1, kMaxKeysLimit + 1);
    bool more = false;
    ASSIGN_OR_RETURN(auto batch, store.ListObjectVersions(bucket, options, &more));
    bool restart = false;
    for (store::ObjectVersion& version : batch) {
      std::string common_prefix;
      if (!request.delimiter.empty()) {
        size_t pos = version.key.find(request.delimiter, request.prefix.size());
        if (pos != std::string::npos) {
          common_prefix = version.key.substr(0, pos + request.delimiter.size());
        }
      }
      bool returned_before =
          !common_prefix.empty() && request.key_marker.starts_with(common_prefix);
      if (!returned_before && count == request.max_keys) {
        page.truncated = true;
        break;
      }
      if (!common_prefix.empty()) {
        if (!returned_before) {
          ++count;
          page.common_prefixes.push_back(common_prefix);
          page.last_key = common_prefix;
          page.last_version_id.reset();
        }
        options.key_marker = common_prefix + std::string(kAfterPrefix);
        options.version_id_marker.clear();
        restart = true;
        break;
      }
      ++count;
      page.last_key = version.key;
      page.last_version_id = VersionIdOrNull(version);
      options.key_marker = version.key;
      options.version_id_marker = *page.last_version_id;
      page.entries.push_back(std::move(version));
    }
    if (!restart && !more) break;
  }
  return page;
}

std::string Param(const S3Request& request, std::string_view name) {
  const std::string* v = request.Query(name);
  return v ? *v : std::string();
}

}  // namespace

OpResult ListObjectVersions(OpContext& ctx) {
  const S3Request& request = ctx.request;
  VersionsRequest list{Param(request, "prefix"), Param(request, "delimiter"),
                       Param(request, "key-marker"), Param(request, "version-id-marker"),
                       kMaxKeysLimit};
  if (const std::string* value = request.Query("max-keys")) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
    if (ec != std::errc() || p != value->data() + value->size() || n < 0) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Provided max-keys not an integer or within integer range");
    }
    list.max_keys = std::min<size_t>(static_cast<size_t>(n), kMaxKeysLimit);
  }
  bool url_encode = false;
  if (const std::string* encoding = request.Query("encoding-type")) {
    if (*encoding != "url") {
      return S3Error(S3ErrorCode::kInvalidArgument, "Invalid Encoding Method specified in Request");
    }
    url_encode = true;
  }
  if (!list.version_id_marker.empty() && list.key_marker.empty()) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "A version-id marker cannot be specified without a key marker.");
  }

  auto page = Walk(ctx.store(), ctx.bucket->name, list);
  if (!page.ok()) {
    // The store cannot place a version-id marker that is not one of its ids.
    if (page.status().code() == StatusCode::kInvalidArgument) {
      return S3Error(S3ErrorCode::kInvalidArgument, "Invalid version id specified");
    }
    return FromStatus(page.status());
  }

  auto text = [&](std::string_view value) {
    return url_encode ? FormEncodeKeepSlash(value) : std::string(value);
  };
  AccountNames accounts(ctx);
  auto owner = [&](XmlWriter* xml, const store::ObjectVersion& v) {
    const store::Account& account = accounts.Get(v.owner_account_id);
    xml->Open("Owner").Element("ID", account.canonical_id).Element("DisplayName", account.name);
    xml->Close();
  };
  // Element order as in the ListObjectVersions response example of the API reference.
  XmlWriter xml("ListVersionsResult");
  xml.Element("Name", ctx.bucket->name);
  xml.Element("Prefix", text(list.prefix));
  xml.Element("KeyMarker", text(list.key_marker));
  xml.Element("VersionIdMarker", list.version_id_marker);
  if (page->truncated) {
    xml.Element("NextKeyMarker", text(page->last_key));
    if (page->last_version_id) xml.Element("NextVersionIdMarker", *page->last_version_id);
  }
  xml.Element("MaxKeys", list.max_keys);
  if (!list.delimiter.empty()) xml.Element("Delimiter", text(list.delimiter));
  if (url_encode) xml.Element("EncodingType", "url");
  xml.BoolElement("IsTruncated", page->truncated);
  for (const store::ObjectVersion& v : page->entries) {
    if (v.is_delete_marker) {
      xml.Open("DeleteMarker");
      xml.Element("Key", text(v.key)).Element("VersionId", VersionIdOrNull(v));
      xml.BoolElement("IsLatest", v.is_latest);
      xml.Element("LastModified", FormatIso8601Millis(v.last_modified_ms));
      owner(&xml, v);
      xml.Close();
      continue;
    }
    xml.Open("Version");
    xml.Element("Key", text(v.key)).Element("VersionId", VersionIdOrNull(v));
    xml.BoolElement("IsLatest", v.is_latest);
    xml.Element("LastModified", FormatIso8601Millis(v.last_modified_ms));
    xml.Element("ETag", QuoteEtag(v.etag));
    if (!v.checksum_algorithm.empty()) {
      xml.Element("ChecksumAlgorithm", v.checksum_algorithm);
      xml.Element("ChecksumType", v.checksum_type);
    }
    xml.Element("Size", v.size);
    xml.Element("StorageClass", v.storage_class);
    owner(&xml, v);
    xml.Close();
  }
  for (const std::string& common_prefix : page->common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", text(common_prefix)).Close();
  }
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
