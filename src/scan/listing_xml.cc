#include "scan/listing_xml.h"

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>

#include "common/encoding.h"
#include "common/time_format.h"

namespace stocktake::scan {
namespace {

class Decoder {
 public:
  explicit Decoder(bool url) : url_(url) {}
  // Listing keys are form-encoded: '+' is a space, a literal '+' arrives as %2B.
  Result<std::string> operator()(std::string_view text) const {
    if (!url_) return std::string(text);
    auto decoded = PercentDecode(text, /*plus_is_space=*/true);
    if (!decoded)
      return Status::Corruption("bad percent-encoding in listing: " + std::string(text));
    return *decoded;
  }

 private:
  bool url_;
};

std::string Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

Status ParseCommon(pugi::xml_node node, const Decoder& decode, bool delete_marker,
                   ListedEntry* out) {
  store::ObjectVersion& v = out->version;
  ASSIGN_OR_RETURN(v.key, decode(node.child_value("Key")));
  v.is_delete_marker = delete_marker;
  std::string_view modified = node.child_value("LastModified");
  if (auto ms = ParseIso8601(modified)) {
    v.last_modified_ms = *ms;
  } else {
    return Status::Corruption("bad LastModified '" + std::string(modified) + "' for key " + v.key);
  }
  pugi::xml_node owner = node.child("Owner");
  std::string_view owner_id = owner.child_value("ID");
  if (!owner_id.empty()) {
    v.owner_account_id = std::string(owner_id);
    out->has_owner = true;
  }
  if (delete_marker) {
    v.storage_class.clear();
    return Status::OK();
  }
  v.etag = Unquote(node.child_value("ETag"));
  v.is_multipart = IsMultipartEtag(v.etag, &v.part_count);
  std::string_view size = node.child_value("Size");
  auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), v.size);
  if (ec != std::errc() || p != size.data() + size.size()) {
    return Status::Corruption("bad Size '" + std::string(size) + "' for key " + v.key);
  }
  std::string_view storage_class = node.child_value("StorageClass");
  v.storage_class = storage_class.empty() ? "STANDARD" : std::string(storage_class);
  std::string_view checksum = node.child_value("ChecksumAlgorithm");
  if (!checksum.empty()) {
    v.checksum_algorithm = std::string(checksum);
    out->has_checksum_algorithm = true;
  }
  return Status::OK();
}

Result<pugi::xml_node> Root(const pugi::xml_document& doc, const char* name) {
  pugi::xml_node root = doc.child(name);
  if (!root) {
    std::string got = doc.first_child() ? doc.first_child().name() : "nothing";
    return Status::Corruption(std::string("expected <") + name + ">, got <" + got + ">");
  }
  return root;
}

bool IsTrue(pugi::xml_node root, const char* name) {
  return std::string_view(root.child_value(name)) == "true";
}

Status ParsePrefixes(pugi::xml_node root, const Decoder& decode, ListPage* page) {
  for (pugi::xml_node cp : root.children("CommonPrefixes")) {
    ASSIGN_OR_RETURN(std::string prefix, decode(cp.child_value("Prefix")));
    page->common_prefixes.push_back(std::move(prefix));
  }
  return Status::OK();
}

// Servers list versions by key, newest first; some group delete markers apart from versions in
// the document. Restore the report order if so (stable: ties keep the server's order).
void SortVersions(std::vector<ListedEntry>* entries) {
  auto before = [](const ListedEntry& a, const ListedEntry& b) {
    if (a.version.key != b.version.key) return a.version.key < b.version.key;
    if (a.version.is_latest != b.version.is_latest) return a.version.is_latest;
    return a.version.last_modified_ms > b.version.last_modified_ms;
  };
  bool sorted = true;
  for (size_t i = 1; i < entries->size() && sorted; ++i) {
    sorted = !before((*entries)[i], (*entries)[i - 1]);
  }
  if (!sorted) std::stable_sort(entries->begin(), entries->end(), before);
}

}  // namespace

bool IsMultipartEtag(std::string_view etag, uint32_t* parts) {
  size_t dash = etag.rfind('-');
  *parts = 0;
  if (dash == std::string_view::npos || dash + 1 >= etag.size()) return false;
  std::string_view digits = etag.substr(dash + 1);
  uint32_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size()) return false;
  *parts = n;
  return true;
}

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status::Corruption("ListObjectsV2 answer is not XML");
  }
  ASSIGN_OR_RETURN(pugi::xml_node root, Root(doc, "ListBucketResult"));
  Decoder decode(std::string_view(root.child_value("EncodingType")) == "url");
  ListPage page;
  page.truncated = IsTrue(root, "IsTruncated");
  page.next_continuation_token = root.child_value("NextContinuationToken");
  for (pugi::xml_node node : root.children("Contents")) {
    ListedEntry entry;
    RETURN_IF_ERROR(ParseCommon(node, decode, /*delete_marker=*/false, &entry));
    entry.version.is_latest = true;
    page.entries.push_back(std::move(entry));
  }
  RETURN_IF_ERROR(ParsePrefixes(root, decode, &page));
  return page;
}

Result<ListPage> ParseListObjectVersions(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status::Corruption("ListObjectVersions answer is not XML");
  }
  ASSIGN_OR_RETURN(pugi::xml_node root, Root(doc, "ListVersionsResult"));
  Decoder decode(std::string_view(root.child_value("EncodingType")) == "url");
  ListPage page;
  page.truncated = IsTrue(root, "IsTruncated");
  ASSIGN_OR_RETURN(page.next_key_marker, decode(root.child_value("NextKeyMarker")));
  page.next_version_id_marker = root.child_value("NextVersionIdMarker");
  for (pugi::xml_node node : root.children()) {
    std::string_view name = node.name();
    bool marker = name == "DeleteMarker";
    if (!marker && name != "Version") continue;
    ListedEntry entry;
    RETURN_IF_ERROR(ParseCommon(node, decode, marker, &entry));
    std::string_view id = node.child_value("VersionId");
    entry.version.version_id = id == "null" ? std::string() : std::string(id);
    entry.version.is_latest = IsTrue(node, "IsLatest");
    page.entries.push_back(std::move(entry));
  }
  SortVersions(&page.entries);
  RETURN_IF_ERROR(ParsePrefixes(root, decode, &page));
  return page;
}

}  // namespace stocktake::scan
