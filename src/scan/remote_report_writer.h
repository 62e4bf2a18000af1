// RemoteReportWriter: the report of a scan, from versions arriving in key order (newest version
// first), with AWS's layout and manifest, published into an S3 destination. It mirrors
// inventory::RunReport (report_job.cc) with local files in place of store blobs:
//   Add: RowExtractor -> RowBatch -> ReportWriter per data file (CSV.gz | ORC | Parquet) into a
//        local file, through an MD5-hashing stream; a file is closed at the first key boundary
//        past max_rows_per_file, so files cover disjoint key ranges;
//   Finish: data files (in parallel; multipart above the threshold), then symlink.txt, then
//        manifest.json, then manifest.checksum last: the commit point consumers wait for.
// Nothing is written to the destination before Finish; a Finish that fails deletes what it
// wrote (best effort). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "format/report_writer.h"
#include "inventory/config.h"
#include "inventory/fields.h"
#include "inventory/manifest.h"
#include "inventory/report_layout.h"
#include "scan/client_pool.h"
#include "scan/uploader.h"

namespace stocktake::scan {

struct RemoteReportOptions {
  uint64_t max_rows_per_file = 1'000'000;
  size_t batch_rows = 4096;
  format::WriterOptions writer;
  std::string work_dir;  // local data files live here until published (must exist)
  UploadOptions upload;
};

struct PublishedReport {
  std::string manifest_key;
  uint64_t rows = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// Whether a report of the configuration already holds the minute of `layout` in the remote
// destination: published reports are never replaced (report_layout.h).
Result<bool> RemoteMinuteTaken(ClientPool* pool, const inventory::ReportLayout& layout);

class RemoteReportWriter {
 public:
  // `config` names the destination (ARN, prefix), format, versions, fields and filter prefix;
  // `scan_start_ms` stamps the report (creationTimestamp, dated folder, hive dt=).
  RemoteReportWriter(const inventory::InventoryConfiguration& config,
                     const std::string& source_bucket, int64_t scan_start_ms,
                     inventory::ExtractContext context, RemoteReportOptions options);
  ~RemoteReportWriter();

  // Appends `version` when it is a row of the report (RowExtractor::Includes).
  Status Add(const store::ObjectVersion& version);

  // Finishes the data files and publishes the report with `pool` (clients of the destination).
  // `before_publish` receives every key about to be written, before the first write.
  Result<PublishedReport> Finish(
      ClientPool* pool,
      const std::function<Status(const std::vector<std::string>&)>& before_publish);

  // Gives up: deletes the local files. Also done by the destructor.
  void Abandon();

  uint64_t rows() const { return rows_; }
  const inventory::ReportLayout& layout() const { return layout_; }

 private:
  struct DataFile;
  struct Finished {
    std::string path;
    inventory::ManifestFile entry;
  };
  Status OpenFile();
  Status FlushBatch();
  Status CloseFile();
  Status Publish(ClientPool* pool, const inventory::Manifest& manifest,
                 std::vector<std::string>* written);

  inventory::InventoryConfiguration config_;
  inventory::ReportLayout layout_;
  inventory::RowExtractor extractor_;
  RemoteReportOptions options_;
  format::RowBatch batch_;
  std::unique_ptr<DataFile> file_;
  std::vector<Finished> finished_;
  std::string last_key_;
  uint64_t rows_ = 0;
  int next_file_ = 0;
};

}  // namespace stocktake::scan
