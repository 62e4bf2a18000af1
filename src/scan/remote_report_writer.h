// RemoteReportWriter: the report of a scan, from versions arriving in key order (newest version
// first), assembled as native reports are (inventory/report_assembly.h) with local files in place
// of store blobs, and published into an S3 destination:
//   Add: DataFileAssembler -> data files in the work directory, MD5 while writing;
//   Finish: data files (uploaded in parallel; multipart above the threshold), then symlink.txt,
//        manifest.json, and manifest.checksum last: the commit point consumers wait for.
// Nothing is written to the destination before Finish; a Finish that fails deletes what it
// wrote (best effort). Not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "format/report_writer.h"
#include "inventory/config.h"
#include "inventory/fields.h"
#include "inventory/report_assembly.h"
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

// Data files as local files under a work directory, until they are uploaded.
class LocalDataFileSink final : public inventory::DataFileSink {
 public:
  LocalDataFileSink(std::string work_dir, format::FileFormat format)
      : work_dir_(std::move(work_dir)), format_(format) {}
  Result<std::unique_ptr<inventory::PendingDataFile>> NewDataFile() override;

 private:
  std::string work_dir_;
  format::FileFormat format_;
  std::atomic<int> next_file_ = 0;
};

// A destination bucket on an S3 store, reached with the clients of `pool`. Publishes data files
// of a LocalDataFileSink only.
class RemoteReportDestination final : public inventory::ReportDestination {
 public:
  RemoteReportDestination(ClientPool* pool, std::string bucket, UploadOptions upload)
      : pool_(pool), bucket_(std::move(bucket)), upload_(upload) {}
  Result<bool> Exists(const std::string& key) override;
  Status PutDataFiles(std::vector<inventory::AssembledFile>& files, std::string_view content_type,
                      std::vector<std::string>* written) override;
  Status PutBytes(const std::string& key, std::string_view bytes,
                  std::string_view content_type) override;
  Status Delete(const std::string& key) override;

 private:
  ClientPool* pool_;
  std::string bucket_;
  UploadOptions upload_;
};

class RemoteReportWriter {
 public:
  // `config` names the destination (ARN, prefix), format, versions, fields and filter prefix;
  // `scan_start_ms` stamps the report (creationTimestamp, dated folder, hive dt=).
  RemoteReportWriter(const inventory::InventoryConfiguration& config,
                     const std::string& source_bucket, int64_t scan_start_ms,
                     inventory::ExtractContext context, RemoteReportOptions options);

  // Appends `version` when it is a row of the report (RowExtractor::Includes).
  Status Add(const store::ObjectVersion& version) { return assembler_.Add(version); }

  // Finishes the data files and publishes the report with `pool` (clients of the destination).
  // `before_publish` receives every key about to be written, before the first write.
  Result<PublishedReport> Finish(
      ClientPool* pool,
      const std::function<Status(const std::vector<std::string>&)>& before_publish);

  // Finishes the data files without publishing them (a shard of a sharded scan uploads them
  // itself). With `at_least_one_file`, a writer without rows still makes one (empty) file.
  Result<std::vector<inventory::AssembledFile>> FinishDataFiles(bool at_least_one_file);
  // What the rows added so far are made of.
  inventory::ReportComposition& composition() { return assembler_.composition(); }

  // Gives up: deletes the local files. Also done by the destructor.
  void Abandon() { assembler_.Abandon(); }

  uint64_t rows() const { return assembler_.rows(); }
  const inventory::ReportLayout& layout() const { return layout_; }

 private:
  inventory::ReportLayout layout_;
  inventory::RowExtractor extractor_;
  RemoteReportOptions options_;
  LocalDataFileSink sink_;
  inventory::DataFileAssembler assembler_;
};

}  // namespace stocktake::scan
