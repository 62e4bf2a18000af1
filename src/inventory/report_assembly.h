// Report assembly, shared by every producer of an inventory report (DESIGN.md §2): native runs
// (report_job.cc: data files are store blobs, published with PutObject) and remote scans
// (scan/: data files are local files, uploaded). Everything after the scanned version is here:
//   DataFileAssembler: versions in key order -> RowExtractor -> RowBatch -> one ReportWriter per
//     data file (format::NewReportWriter) into a DataFileSink; a file is closed at the first key
//     boundary past max_rows_per_file, so files cover disjoint key ranges; size and MD5 are taken
//     while writing.
//     Each row also counts in the report's ReportComposition.
//   PublishReport: into a ReportDestination, data files first, then symlink.txt, manifest.json,
//     composition.json and manifest.checksum last (the commit point consumers wait for). A
//     publication that fails removes what it wrote (best effort), so a half-written report is never
//     visible.
// One report per configuration and minute: MinuteTaken (report_layout.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/report_writer.h"
#include "inventory/fields.h"
#include "inventory/manifest.h"
#include "inventory/report_composition.h"
#include "inventory/report_layout.h"
#include "io/output_stream.h"

namespace stocktake::inventory {

// One data file while it is written, then durable but not yet published.
class PendingDataFile {
 public:
  virtual ~PendingDataFile() = default;
  // Where the ReportWriter writes; its Finish() closes the stream, which makes the file durable.
  virtual io::OutputStream* stream() = 0;
  // Bytes and lower-case hex MD5 of the file (valid once the stream is closed).
  virtual uint64_t size() const = 0;
  virtual std::string md5_hex() const = 0;
  // Deletes the file (written or not) unless it was published in place (a store blob that now
  // belongs to its object); idempotent.
  virtual void Abandon() = 0;
};

// Creates the data files of a report (store blobs, local files). Thread-safe: every part of a
// parallel report has its own assembler over one sink.
class DataFileSink {
 public:
  virtual ~DataFileSink() = default;
  virtual Result<std::unique_ptr<PendingDataFile>> NewDataFile() = 0;
};

// A finished data file and its manifest entry (its destination key, size and MD5).
struct AssembledFile {
  ManifestFile entry;
  std::unique_ptr<PendingDataFile> file;
};

struct AssemblyOptions {
  // A data file is closed after this many rows, at the next key boundary.
  uint64_t max_rows_per_file = 1'000'000;
  size_t batch_rows = 4096;
  format::WriterOptions writer;
};

// Writes report rows into data files. Not thread-safe (one per part of a report). The
// destructor abandons what was not taken.
class DataFileAssembler {
 public:
  // `layout` names the data files; `extractor` (not owned) makes the rows.
  DataFileAssembler(const ReportLayout& layout, RowExtractor* extractor, DataFileSink* sink,
                    AssemblyOptions options);
  ~DataFileAssembler();
  DataFileAssembler(const DataFileAssembler&) = delete;
  DataFileAssembler& operator=(const DataFileAssembler&) = delete;

  // Every scanned version, in scan order (key, then newest version first); it becomes a row when
  // the extractor includes it.
  Status Add(const store::ObjectVersion& version);
  // Closes the open data file. With `at_least_one_file`, a report without rows still gets one
  // (empty) data file, so readers find its schema.
  Status Finish(bool at_least_one_file);
  // The finished files, in key order; the assembler no longer owns them.
  std::vector<AssembledFile> TakeFiles();
  // Deletes every data file, open or finished.
  void Abandon();

  uint64_t rows() const { return rows_; }
  // What the rows added so far are made of.
  ReportComposition& composition() { return composition_; }

 private:
  Status OpenFile();
  Status FlushBatch();
  Status CloseFile();

  const ReportLayout& layout_;
  RowExtractor* extractor_;
  DataFileSink* sink_;
  AssemblyOptions options_;
  format::RowBatch batch_;
  std::unique_ptr<PendingDataFile> file_;
  std::unique_ptr<format::ReportWriter> writer_;
  std::vector<AssembledFile> finished_;
  std::string last_key_;
  uint64_t rows_ = 0;
  ReportComposition composition_;
};

// Where a report is published: the destination bucket, in this store or on another one.
class ReportDestination {
 public:
  virtual ~ReportDestination() = default;
  // Whether `key` exists now (a delete marker on top does not count).
  virtual Result<bool> Exists(const std::string& key) = 0;
  // Publishes every data file under its entry's key (in any order, possibly in parallel; the
  // PublishFailpoint() before each); appends each key written to *written, also on failure.
  virtual Status PutDataFiles(std::vector<AssembledFile>& files, std::string_view content_type,
                              std::vector<std::string>* written) = 0;
  virtual Status PutBytes(const std::string& key, std::string_view bytes,
                          std::string_view content_type) = 0;
  virtual Status Delete(const std::string& key) = 0;
};

// Content-Type of the data files: application/gzip (CSV) or application/octet-stream.
std::string_view DataFileContentType(format::FileFormat format);

// Failpoint for crash tests: STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS pauses before each object of a
// publication, so a test can kill the process between data files and manifest.checksum.
void PublishFailpoint();

// Whether a report of the configuration already holds the minute of `layout`: a published
// report is never replaced (report_layout.h).
Result<bool> MinuteTaken(ReportDestination& destination, const ReportLayout& layout);
// The reason given when it does.
std::string MinuteTakenReason(const ReportLayout& layout);

// The manifest of a report made of `files` (in key order), with `schema`'s fileSchema.
Manifest BuildReportManifest(const ReportLayout& layout, const format::Schema& schema,
                             const std::vector<AssembledFile>& files);
// Every key a publication of `manifest` writes: the data files, symlink.txt, manifest.json,
// composition.json, manifest.checksum (recorded before publishing, so a crash part-way is
// cleaned up).
std::vector<std::string> PublicationKeys(const ReportLayout& layout, const Manifest& manifest);

// Publishes the report: data files, symlink.txt, manifest.json, composition.json (the
// ReportComposition::ToJson document), then manifest.checksum. On
// failure, deletes what it wrote (best effort). Either way the files are abandoned after: their
// local copies deleted, files published in place kept.
Status PublishReport(ReportDestination& destination, const ReportLayout& layout,
                     const Manifest& manifest, std::string_view composition_json,
                     std::vector<AssembledFile>& files);

}  // namespace stocktake::inventory
