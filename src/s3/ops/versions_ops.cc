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
  // <Version> and <DeleteMarker> elements in store order, rendered as the store streams them;
  // CommonPrefixes are listed after them.
  std::string entries_xml;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // What was returned last (the next markers): a version, or a common prefix (no version id).
  std::string last_key;
  std::optional<std::string> last_version_id;
};

// Renders <Version> and <DeleteMarker> elements exactly as XmlWriter would (element order as in
// the ListObjectVersions response example of the API reference), straight from the store's
// views: no ObjectVersion and no string per field.
class EntryXml {
 public:
  EntryXml(bool url_encode, AccountNames* accounts)
      : url_encode_(url_encode), accounts_(accounts) {}

  void Append(const store::ListedVersion& v, std::string* out) {
    out->append(v.is_delete_marker ? "<DeleteMarker><Key>" : "<Version><Key>");
    if (url_encode_) {
      AppendFormEncodedKeepSlash(out, v.key);
    } else {
      AppendXmlEscaped(out, v.key);
    }
    out->append("</Key>");
    AppendXmlElement(out, "VersionId", v.version_id.empty() ? "null" : v.version_id);
    out->append(v.is_latest ? "<IsLatest>true</IsLatest>" : "<IsLatest>false</IsLatest>");
    out->append("<LastModified>");
    AppendIso8601Millis(out, v.last_modified_ms);
    out->append("</LastModified>");
    if (v.is_delete_marker) {
      Owner(v.owner_account_id, out);
      out->append("</DeleteMarker>");
      return;
    }
    out->append("<ETag>&quot;");
    AppendXmlEscaped(out, v.etag);
    out->append("&quot;</ETag>");
    if (!v.checksum_algorithm.empty()) {
      AppendXmlElement(out, "ChecksumAlgorithm", v.checksum_algorithm);
      AppendXmlElement(out, "ChecksumType", v.checksum_type);
    }
    out->append("<Size>");
    AppendDecimal(out, v.size);
    out->append("</Size>");
    AppendXmlElement(out, "StorageClass", v.storage_class);
    Owner(v.owner_account_id, out);
    out->append("</Version>");
  }

 private:
  void Owner(std::string_view account_id, std::string* out) {
    owner_id_.assign(account_id);
    const store::Account& account = accounts_->Get(owner_id_);
    out->append("<Owner>");
    AppendXmlElement(out, "ID", account.canonical_id);
    AppendXmlElement(out, "DisplayName", account.name);
    out->append("</Owner>");
  }

  bool url_encode_;
  AccountNames* accounts_;
  std::string owner_id_;  // the lookup key, reused
};

// About what an entry takes (~300 bytes plus the key, escaped maybe longer).
constexpr size_t kEntryBytes = 400;

// Streams the store's listing, rolling keys up into common prefixes; both count against
// max-keys. A common prefix is returned once, then skipped by restarting the store listing past
// it.
Result<VersionsPage> Walk(store::ObjectStore& store, const std::string& bucket,
                          const VersionsRequest& request, EntryXml* entries) {
  VersionsPage page;
  page.entries_xml.reserve(request.max_keys * kEntryBytes);
  store::ListVersionsOptions options;
  options.prefix = request.prefix;
  options.key_marker = request.key_marker;
  options.version_id_marker = request.version_id_marker;
  size_t count = 0;
  bool restart = true;
  std::string next_key_marker;
  auto visit = [&](const store::ListedVersion& version) {
    std::string_view common_prefix;
    if (!request.delimiter.empty()) {
      size_t pos = version.key.find(request.delimiter, request.prefix.size());
      if (pos != std::string_view::npos) {
        common_prefix = version.key.substr(0, pos + request.delimiter.size());
      }
    }
    bool returned_before = !common_prefix.empty() && request.key_marker.starts_with(common_prefix);
    if (!returned_before && count == request.max_keys) {
      page.truncated = true;
      return false;
    }
    if (!common_prefix.empty()) {
      if (!returned_before) {
        ++count;
        page.common_prefixes.emplace_back(common_prefix);
        page.last_key = common_prefix;
        page.last_version_id.reset();
      }
      next_key_marker = std::string(common_prefix) + std::string(kAfterPrefix);
      restart = true;
      return false;
    }
    ++count;
    page.last_key = version.key;
    if (!page.last_version_id) page.last_version_id.emplace();
    page.last_version_id->assign(version.version_id.empty() ? "null" : version.version_id);
    entries->Append(version, &page.entries_xml);
    return true;
  };
  while (restart) {
    restart = false;
    RETURN_IF_ERROR(store.VisitObjectVersions(bucket, options, visit));
    options.key_marker = next_key_marker;
    options.version_id_marker.clear();
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

  AccountNames accounts(ctx);
  EntryXml entries(url_encode, &accounts);
  auto page = Walk(ctx.store(), ctx.bucket->name, list, &entries);
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
  XmlWriter xml("ListVersionsResult");
  xml.Reserve(page->entries_xml.size() + 1024);
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
  xml.Raw(page->entries_xml);
  for (const std::string& common_prefix : page->common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", text(common_prefix)).Close();
  }
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
