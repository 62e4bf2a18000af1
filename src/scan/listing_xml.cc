#include "scan/listing_xml.h"

#include <algorithm>
#include <charconv>
#include <iterator>
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
    // Most keys need no decoding: skip the copy PercentDecode makes.
    auto encoded = [](char c) { return c == '%' || c == '+'; };
    if (!url_ || std::none_of(text.begin(), text.end(), encoded)) return std::string(text);
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

// The fields of one <Contents>, <Version> or <DeleteMarker>, found in one pass over its children:
// a lookup by name per field compares every child's name again, a visible share of a scan's CPU.
struct EntryFields {
  std::string_view key, last_modified, owner_id, etag, size, storage_class, checksum;
  std::string_view version_id, is_latest;
};

EntryFields ReadFields(pugi::xml_node node) {
  EntryFields f;
  for (pugi::xml_node child : node.children()) {
    std::string_view name = child.name();
    std::string_view value = child.child_value();
    if (name == "Key") {
      f.key = value;
    } else if (name == "LastModified") {
      f.last_modified = value;
    } else if (name == "ETag") {
      f.etag = value;
    } else if (name == "Size") {
      f.size = value;
    } else if (name == "StorageClass") {
      f.storage_class = value;
    } else if (name == "Owner") {
      f.owner_id = child.child_value("ID");
    } else if (name == "ChecksumAlgorithm") {
      if (f.checksum.empty()) f.checksum = value;  // the first, as AWS names one per object
    } else if (name == "VersionId") {
      f.version_id = value;
    } else if (name == "IsLatest") {
      f.is_latest = value;
    }
  }
  return f;
}

Status ParseCommon(const EntryFields& f, const Decoder& decode, bool delete_marker,
                   ListedEntry* out) {
  store::ObjectVersion& v = out->version;
  ASSIGN_OR_RETURN(v.key, decode(f.key));
  v.is_delete_marker = delete_marker;
  if (auto ms = ParseIso8601(f.last_modified)) {
    v.last_modified_ms = *ms;
  } else {
    return Status::Corruption("bad LastModified '" + std::string(f.last_modified) + "' for key " +
                              v.key);
  }
  if (!f.owner_id.empty()) {
    v.owner_account_id = std::string(f.owner_id);
    out->has_owner = true;
  }
  if (delete_marker) {
    v.storage_class.clear();
    return Status::OK();
  }
  v.etag = Unquote(f.etag);
  v.is_multipart = IsMultipartEtag(v.etag, &v.part_count);
  auto [p, ec] = std::from_chars(f.size.data(), f.size.data() + f.size.size(), v.size);
  if (ec != std::errc() || p != f.size.data() + f.size.size()) {
    return Status::Corruption("bad Size '" + std::string(f.size) + "' for key " + v.key);
  }
  v.storage_class = f.storage_class.empty() ? "STANDARD" : std::string(f.storage_class);
  if (!f.checksum.empty()) {
    v.checksum_algorithm = std::string(f.checksum);
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
  auto contents = root.children("Contents");
  // Entries are big: no reallocation while a page of up to 1000 is read.
  page.entries.reserve(static_cast<size_t>(std::distance(contents.begin(), contents.end())));
  for (pugi::xml_node node : contents) {
    // Parsed in place: moving an entry costs about as much as parsing it.
    ListedEntry& entry = page.entries.emplace_back();
    RETURN_IF_ERROR(ParseCommon(ReadFields(node), decode, /*delete_marker=*/false, &entry));
    entry.version.is_latest = true;
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
    ListedEntry& entry = page.entries.emplace_back();
    EntryFields fields = ReadFields(node);
    RETURN_IF_ERROR(ParseCommon(fields, decode, marker, &entry));
    std::string_view id = fields.version_id;
    entry.version.version_id = id == "null" ? std::string() : std::string(id);
    entry.version.is_latest = fields.is_latest == "true";
  }
  SortVersions(&page.entries);
  RETURN_IF_ERROR(ParsePrefixes(root, decode, &page));
  return page;
}

}  // namespace stocktake::scan
