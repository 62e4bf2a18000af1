// Report: one delivered inventory report, opened from its manifest, wherever it lives.
//
//   s3://BUCKET/PREFIX/ (or a local directory): its manifest.json, else the newest complete
//                                  report under it — the sub-folder with the greatest name
//                                  (report folders are times) that holds a manifest.checksum;
//                                  a configuration's prefix names its latest report.
//   s3://BUCKET/KEY/manifest.json  fetched with S3Client (endpoint and credentials from
//                                  ReportOptions::client); data files are files[].key in the same
//                                  bucket, manifest.checksum sits next to manifest.json.
//   PATH/manifest.json             a local copy. manifest.checksum is read from the same
//                                  directory. A data file files[].key is found, in this order:
//                                   1. DATA_ROOT/key when a data root is given;
//                                   2. ANCESTOR/key for the nearest ancestor of the manifest's
//                                      directory (itself first) where that file exists — the
//                                      layout `aws s3 sync s3://BUCKET DIR` leaves;
//                                   3. MANIFEST_DIR/basename(key) — files copied flat next to
//                                      the manifest.
//
// Not thread-safe; opens its own S3 client for s3:// URLs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "inventory/manifest.h"
#include "report/byte_source.h"
#include "report/file_schema.h"
#include "s3client/s3_client.h"

namespace stocktake::report {

struct ReportOptions {
  s3::S3ClientOptions client;  // used for s3:// URLs only
  std::string data_root;       // local reports: where files[].key are resolved ("" = search)
  // Open the report even when its fileSchema cannot be parsed (schema_status() tells), so that
  // `verify` can still check the checksum, sizes and MD5s.
  bool allow_bad_schema = false;
  // Check as the report is read: Open() refuses a manifest.json that fails manifest.checksum,
  // OpenFile() returns sources that check the file's size and MD5 (NewVerifyingSource).
  // Mismatches are Corruption. `report verify` turns it off to list every problem itself.
  bool verify = true;
};

class Report {
 public:
  // Reads and parses the manifest. InvalidArgument for a bad URL or manifest; NotFound when the
  // manifest does not exist.
  static Result<std::unique_ptr<Report>> Open(const std::string& url, const ReportOptions& options);
  ~Report();

  // The manifest's URL or path (for a folder: the manifest found in it).
  const std::string& url() const { return url_; }
  const inventory::Manifest& manifest() const { return manifest_; }
  const std::string& manifest_json() const { return manifest_json_; }
  const ReportSchema& schema() const { return schema_; }
  // Why the fileSchema could not be parsed (only with allow_bad_schema); OK otherwise.
  const Status& schema_status() const { return schema_status_; }
  // The manifest.checksum bytes; NotFound when there is none.
  Result<std::string> ReadChecksum();
  // Where the checksum is looked for, for messages.
  std::string ChecksumLocation() const;

  // Opens data file `index` of files[]. NotFound when it cannot be found. With
  // ReportOptions::verify the source checks the bytes read (Corruption at the latest at Close()).
  Result<std::unique_ptr<ByteSource>> OpenFile(size_t index);

 private:
  Report() = default;
  // Corruption unless manifest.checksum is the MD5 of manifest.json (spec §6.3).
  Status CheckChecksum();
  Result<std::string> LocalPathFor(const std::string& key);

  std::string url_;
  bool s3_ = false;
  std::string bucket_;         // s3
  std::string manifest_key_;   // s3
  std::string manifest_path_;  // local
  std::string data_root_;
  bool verify_ = true;
  std::optional<std::string> found_root_;  // local: the ancestor that held a data file
  std::unique_ptr<s3::S3Client> client_;
  std::string manifest_json_;
  inventory::Manifest manifest_;
  ReportSchema schema_;
  Status schema_status_;
};

}  // namespace stocktake::report
