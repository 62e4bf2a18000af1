#include "scan/remote_report_writer.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "common/crypto.h"
#include "io/file.h"
#include "io/output_stream.h"

namespace stocktake::scan {
namespace {

std::unique_ptr<format::ReportWriter> NewWriter(format::FileFormat format,
                                                const format::Schema& schema, io::OutputStream* out,
                                                const format::WriterOptions& options) {
  switch (format) {
    case format::FileFormat::kCsv:
      return format::NewCsvGzipWriter(schema, out, options);
    case format::FileFormat::kOrc:
      return format::NewOrcWriter(schema, out, options);
    case format::FileFormat::kParquet:
      return format::NewParquetWriter(schema, out, options);
  }
  return nullptr;
}

// Failpoint for crash tests: STOCKTAKE_FAILPOINT_SCAN_PUBLISH_DELAY_MS pauses before each object
// of the publication, so a test can kill a scan between data files and manifest.checksum.
void PublishFailpoint() {
  static const int delay_ms = [] {
    const char* v = std::getenv("STOCKTAKE_FAILPOINT_SCAN_PUBLISH_DELAY_MS");
    return v ? std::atoi(v) : 0;
  }();
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

// Content types as native reports use them (report_job.cc).
std::string DataContentType(format::FileFormat format) {
  return format == format::FileFormat::kCsv ? "application/gzip" : "application/octet-stream";
}

}  // namespace

Result<bool> RemoteMinuteTaken(ClientPool* pool, const inventory::ReportLayout& layout) {
  std::vector<std::string> keys = layout.ReportMinuteKeys();
  std::atomic<bool> taken = false;
  RETURN_IF_ERROR(pool->ParallelFor(keys.size(), [&](RemoteClient& client, size_t i) {
    ASSIGN_OR_RETURN(bool exists, ObjectExists(client, layout.destination_bucket(), keys[i]));
    if (exists) taken = true;
    return Status::OK();
  }));
  return taken.load();
}

struct RemoteReportWriter::DataFile {
  std::string path;
  std::unique_ptr<io::FileOutputStream> file;
  std::unique_ptr<io::HashingOutputStream> hashing;
  std::unique_ptr<format::ReportWriter> writer;
};

RemoteReportWriter::RemoteReportWriter(const inventory::InventoryConfiguration& config,
                                       const std::string& source_bucket, int64_t scan_start_ms,
                                       inventory::ExtractContext context,
                                       RemoteReportOptions options)
    : config_(config),
      layout_(config, source_bucket, scan_start_ms),
      extractor_(config, std::move(context)),
      options_(std::move(options)),
      batch_(extractor_.schema().size()) {}

RemoteReportWriter::~RemoteReportWriter() { Abandon(); }

Status RemoteReportWriter::OpenFile() {
  auto file = std::make_unique<DataFile>();
  file->path = options_.work_dir + "/data-" + std::to_string(next_file_++) + "." +
               format::FileExtension(layout_.format());
  ASSIGN_OR_RETURN(file->file, io::FileOutputStream::Create(file->path, /*sync=*/false));
  file->hashing = std::make_unique<io::HashingOutputStream>(file->file.get());
  file->writer =
      NewWriter(layout_.format(), extractor_.schema(), file->hashing.get(), options_.writer);
  if (file->writer == nullptr) {
    return Status::FailedPrecondition(std::string("the ") +
                                      format::FileFormatName(layout_.format()) +
                                      " report format is not available in this build");
  }
  file_ = std::move(file);
  return Status::OK();
}

Status RemoteReportWriter::FlushBatch() {
  if (batch_.num_rows() == 0) return Status::OK();
  Status st = file_->writer->Add(batch_);
  batch_.Clear();
  return st;
}

Status RemoteReportWriter::CloseFile() {
  RETURN_IF_ERROR(FlushBatch());
  RETURN_IF_ERROR(file_->writer->Finish());
  Finished done;
  done.path = file_->path;
  done.entry.key = layout_.DataKey(RandomUuid());
  done.entry.size = file_->hashing->bytes_written();
  done.entry.md5_hex = file_->hashing->md5_hex();
  finished_.push_back(std::move(done));
  file_.reset();
  return Status::OK();
}

Status RemoteReportWriter::Add(const store::ObjectVersion& version) {
  if (!extractor_.Includes(version)) return Status::OK();
  // Split only between keys, so that each key's versions stay in one file.
  if (file_ && version.key != last_key_ &&
      file_->writer->rows_written() + batch_.num_rows() >= options_.max_rows_per_file) {
    RETURN_IF_ERROR(CloseFile());
  }
  if (!file_) RETURN_IF_ERROR(OpenFile());
  extractor_.Append(version, &batch_);
  last_key_.assign(version.key);
  ++rows_;
  if (batch_.num_rows() >= options_.batch_rows) return FlushBatch();
  return Status::OK();
}

Result<PublishedReport> RemoteReportWriter::Finish(
    ClientPool* pool,
    const std::function<Status(const std::vector<std::string>&)>& before_publish) {
  // An empty report still has one (empty) data file, so readers find its schema.
  if (!file_ && finished_.empty()) RETURN_IF_ERROR(OpenFile());
  if (file_) RETURN_IF_ERROR(CloseFile());

  inventory::Manifest manifest;
  manifest.source_bucket = layout_.source_bucket();
  manifest.destination_bucket_arn = layout_.destination_bucket_arn();
  manifest.creation_timestamp_ms = layout_.scan_start_ms();
  manifest.file_format = layout_.format();
  manifest.file_schema = format::FileSchemaString(layout_.format(), extractor_.schema());
  PublishedReport report;
  std::vector<std::string> keys;
  for (const Finished& f : finished_) {
    manifest.files.push_back(f.entry);
    keys.push_back(f.entry.key);
    report.bytes += f.entry.size;
  }
  keys.push_back(layout_.SymlinkKey());
  keys.push_back(layout_.ManifestKey());
  keys.push_back(layout_.ManifestChecksumKey());
  // Another scan may have published into this minute meanwhile: never replace its report.
  ASSIGN_OR_RETURN(bool taken, RemoteMinuteTaken(pool, layout_));
  if (taken) {
    return Status::AlreadyExists("A report of this configuration was published in s3://" +
                                 layout_.destination_bucket() + "/" +
                                 layout_.DatedFolderPrefix() +
                                 " while this scan was listing; a published report is never "
                                 "replaced. Run the scan again.");
  }
  if (before_publish) RETURN_IF_ERROR(before_publish(keys));

  std::vector<std::string> written;
  Status st = Publish(pool, manifest, &written);
  if (!st.ok()) {
    // Leave nothing half-published: the manifest.checksum was not written, remove the rest.
    pool->ParallelFor(written.size(),
                      [&](RemoteClient& client, size_t i) {
                        return DeleteObject(client, layout_.destination_bucket(), written[i]);
                      })
        .IgnoreError();
    return st;
  }
  report.manifest_key = layout_.ManifestKey();
  report.rows = rows_;
  report.files = finished_.size();
  Abandon();  // local copies are no longer needed
  return report;
}

Status RemoteReportWriter::Publish(ClientPool* pool, const inventory::Manifest& manifest,
                                   std::vector<std::string>* written) {
  const std::string& bucket = layout_.destination_bucket();
  std::mutex mu;
  std::string content_type = DataContentType(layout_.format());
  RETURN_IF_ERROR(pool->ParallelFor(finished_.size(), [&](RemoteClient& client, size_t i) {
    const Finished& f = finished_[i];
    PublishFailpoint();
    RETURN_IF_ERROR(PutObjectFile(client, bucket, f.entry.key, f.path, f.entry.size, content_type,
                                  options_.upload));
    std::lock_guard lock(mu);
    written->push_back(f.entry.key);
    return Status::OK();
  }));
  std::string manifest_json = inventory::BuildManifestJson(manifest);
  struct Small {
    std::string key;
    std::string bytes;
    const char* content_type;
  };
  const Small objects[] = {
      {layout_.SymlinkKey(), inventory::BuildSymlinkTxt(bucket, manifest.files), "text/plain"},
      {layout_.ManifestKey(), manifest_json, "application/json"},
      {layout_.ManifestChecksumKey(), inventory::BuildManifestChecksum(manifest_json),
       "text/plain"},
  };
  // In this order, one after the other: manifest.checksum must be last.
  for (const Small& o : objects) {
    PublishFailpoint();
    RETURN_IF_ERROR(pool->ParallelFor(1, [&](RemoteClient& client, size_t) {
      return PutObjectBytes(client, bucket, o.key, o.bytes, o.content_type);
    }));
    written->push_back(o.key);
  }
  return Status::OK();
}

void RemoteReportWriter::Abandon() {
  if (file_) {
    file_->writer->Abandon();
    file_->hashing.reset();
    file_->file.reset();
    ::unlink(file_->path.c_str());
    file_.reset();
  }
  for (const Finished& f : finished_) ::unlink(f.path.c_str());
  finished_.clear();
}

}  // namespace stocktake::scan
