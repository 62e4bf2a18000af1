// Parsing of ListObjectsV2 (ListBucketResult) and ListObjectVersions (ListVersionsResult)
// answers into store::ObjectVersion rows (S3 API reference for both operations). Keys and
// prefixes are decoded when the answer says <EncodingType>url</EncodingType> (we always ask for
// it: XML 1.0 cannot carry every key). ETags lose their quotes; the null version's id "null"
// becomes "" (DESIGN.md §6); IsMultipartUploaded comes from the "-N" suffix of the ETag.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/types.h"

namespace stocktake::scan {

struct ListedEntry {
  store::ObjectVersion version;         // owner_account_id holds the owner's canonical id
  bool has_owner = false;               // the listing named the owner
  bool has_checksum_algorithm = false;  // the listing named the checksum algorithm
};

struct ListPage {
  std::vector<ListedEntry> entries;          // key order, newest version first
  std::vector<std::string> common_prefixes;  // decoded, in order
  bool truncated = false;
  std::string next_continuation_token;  // ListObjectsV2
  std::string next_key_marker;          // ListObjectVersions, decoded
  std::string next_version_id_marker;   // ListObjectVersions, as sent ("null" kept)
};

// Corruption when the body is not the expected document.
Result<ListPage> ParseListObjectsV2(std::string_view xml);
Result<ListPage> ParseListObjectVersions(std::string_view xml);

// True when `etag` (unquoted) has the "-N" suffix of a multipart upload; *parts = N.
bool IsMultipartEtag(std::string_view etag, uint32_t* parts);

}  // namespace stocktake::scan
