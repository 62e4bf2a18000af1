// Where one report's objects go in the destination bucket (spec §3.1):
//
//   {prefix}/{source-bucket}/{config-ID}/{YYYY-MM-DDTHH-MMZ}/manifest.json
//   {prefix}/{source-bucket}/{config-ID}/{YYYY-MM-DDTHH-MMZ}/manifest.checksum
//   {prefix}/{source-bucket}/{config-ID}/hive/dt={YYYY-MM-DD-HH-MM}/symlink.txt
//   {prefix}/{source-bucket}/{config-ID}/data/{uuid}.{csv.gz|orc|parquet}
//
// Both stamps are the scan start (= manifest creationTimestamp), in UTC.
//
// One report per configuration and minute (Stocktake rule, docs/differences-from-aws.md): a
// published report is never replaced. A run whose minute already holds a report of the same
// configuration (ReportMinuteKeys exists: an earlier run of that minute, a remote scan) waits for
// the next minute and takes its snapshot then, so the folder stays the snapshot's minute.
//
// Destination prefix (Stocktake choice): absent or empty -> keys start at the source bucket name,
// with no leading '/'. Otherwise it is joined literally, `prefix + "/" + source-bucket`, as AWS
// does for the objects it writes; a prefix ending in '/' therefore gives `prefix//bucket/…`.
// Unlike AWS (whose manifest then lists `prefix/bucket/…`, keys that do not exist), every key in
// manifest.json and symlink.txt is the key actually written, so the manifest stays consistent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/report_writer.h"
#include "inventory/config.h"

namespace stocktake::inventory {

// The first instant of the minute after the one holding `ms`: when a run whose minute is taken
// may take its snapshot.
int64_t NextReportMinuteMs(int64_t ms);

// "{prefix}/{source-bucket}/{config-ID}" (no trailing '/'), per the rule above.
std::string ReportConfigRoot(const std::optional<std::string>& destination_prefix,
                             std::string_view source_bucket, std::string_view config_id);

class ReportLayout {
 public:
  // `scan_start_ms`: the snapshot instant of the run. Precondition: the configuration passed
  // validation (its destination ARN names a bucket).
  ReportLayout(const InventoryConfiguration& config, std::string_view source_bucket,
               int64_t scan_start_ms);

  const std::string& source_bucket() const { return source_bucket_; }
  const std::string& destination_bucket() const { return destination_bucket_; }  // a name
  const std::string& destination_bucket_arn() const { return destination_bucket_arn_; }
  int64_t scan_start_ms() const { return scan_start_ms_; }
  format::FileFormat format() const { return format_; }

  // "{root}" and the folders under it, each ending in '/'.
  const std::string& config_root() const { return root_; }
  std::string DataPrefix() const;           // {root}/data/
  std::string DatedFolderPrefix() const;    // {root}/2016-11-06T21-32Z/
  std::string HivePartitionPrefix() const;  // {root}/hive/dt=2016-11-06-21-32/

  std::string ManifestKey() const;
  std::string ManifestChecksumKey() const;
  std::string SymlinkKey() const;
  // {dated folder}/composition.json: Stocktake's summary of the report (report_composition.h).
  std::string CompositionKey() const;
  // The keys that mark this minute as taken by a report: manifest.json, manifest.checksum and
  // symlink.txt (any one of them exists once a publication began).
  std::vector<std::string> ReportMinuteKeys() const;
  // {root}/data/{uuid}.{ext}; `uuid` is normally RandomUuid().
  std::string DataKey(std::string_view uuid) const;
  // s3://{destination-bucket}/{key}
  std::string S3Uri(std::string_view key) const;

 private:
  std::string source_bucket_;
  std::string destination_bucket_;
  std::string destination_bucket_arn_;
  int64_t scan_start_ms_;
  format::FileFormat format_;
  std::string root_;
};

}  // namespace stocktake::inventory
