// manifest.json, manifest.checksum and symlink.txt of a report (spec §3.1, §6; DESIGN.md §6).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/report_writer.h"

namespace stocktake::inventory {

struct ManifestFile {
  std::string key;      // full key in the destination bucket
  uint64_t size = 0;    // bytes of the data object
  std::string md5_hex;  // lower-case hex MD5 of the data object's bytes
  friend bool operator==(const ManifestFile&, const ManifestFile&) = default;
};

struct Manifest {
  std::string source_bucket;           // a name
  std::string destination_bucket_arn;  // arn:aws:s3:::name
  int64_t creation_timestamp_ms = 0;   // scan start
  format::FileFormat file_format = format::FileFormat::kCsv;
  std::string file_schema;  // format::FileSchemaString(...)
  std::vector<ManifestFile> files;
  friend bool operator==(const Manifest&, const Manifest&) = default;
};

// The manifest.json bytes: Jackson's default pretty printer as real AWS manifests show it (spec
// §6.2): two-space indent, `"name" : value`, `"files" : [ {` … `}, {` … `} ]` (`[ ]` when empty),
// fields in the order sourceBucket, destinationBucket, version ("2016-11-30"),
// creationTimestamp (a string), fileFormat, fileSchema, files[{key, size, MD5checksum}]. Strings
// are escaped as Jackson does: `"` `\` and control characters (\b \t \n \f \r short forms, others
// \u00XX upper-case hex); '/' and non-ASCII UTF-8 are kept. No trailing newline.
std::string BuildManifestJson(const Manifest& manifest);

// manifest.checksum: lower-case hex MD5 of the manifest.json bytes, then "\n" (spec §6.3).
std::string BuildManifestChecksum(std::string_view manifest_json);

// symlink.txt: "s3://{destination-bucket}/{key}\n" for each data file, in files[] order.
std::string BuildSymlinkTxt(std::string_view destination_bucket,
                            std::span<const ManifestFile> files);

// Reads a manifest.json (any JSON layout, as AWS's or Stocktake's; unknown fields ignored).
// InvalidArgument when it is not a manifest.
Result<Manifest> ParseManifestJson(std::string_view json);

}  // namespace stocktake::inventory
