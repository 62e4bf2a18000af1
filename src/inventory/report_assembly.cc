#include "inventory/report_assembly.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/crypto.h"

namespace stocktake::inventory {

void PublishFailpoint() {
  static const int delay_ms = [] {
    const char* v = std::getenv("STOCKTAKE_FAILPOINT_PUBLISH_DELAY_MS");
    return v ? std::atoi(v) : 0;
  }();
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

DataFileAssembler::DataFileAssembler(const ReportLayout& layout, RowExtractor* extractor,
                                     DataFileSink* sink, AssemblyOptions options)
    : layout_(layout),
      extractor_(extractor),
      sink_(sink),
      options_(std::move(options)),
      batch_(extractor->schema().size()),
      composition_(layout.scan_start_ms()) {}

DataFileAssembler::~DataFileAssembler() { Abandon(); }

Status DataFileAssembler::OpenFile() {
  ASSIGN_OR_RETURN(file_, sink_->NewDataFile());
  writer_ = format::NewReportWriter(layout_.format(), extractor_->schema(), file_->stream(),
                                    options_.writer);
  return Status::OK();
}

Status DataFileAssembler::FlushBatch() {
  if (batch_.num_rows() == 0) return Status::OK();
  Status st = writer_->Add(batch_);
  batch_.Clear();
  return st;
}

Status DataFileAssembler::CloseFile() {
  RETURN_IF_ERROR(FlushBatch());
  RETURN_IF_ERROR(writer_->Finish());
  AssembledFile done;
  done.entry.key = layout_.DataKey(RandomUuid());
  done.entry.size = file_->size();
  done.entry.md5_hex = file_->md5_hex();
  done.file = std::move(file_);
  finished_.push_back(std::move(done));
  writer_.reset();
  return Status::OK();
}

Status DataFileAssembler::Add(const store::ObjectVersion& version) {
  extractor_->Observe(version);
  if (!extractor_->Includes(version)) return Status::OK();
  // Split only between keys, so that each key's versions stay in one file.
  if (writer_ && version.key != last_key_ &&
      writer_->rows_written() + batch_.num_rows() >= options_.max_rows_per_file) {
    RETURN_IF_ERROR(CloseFile());
  }
  if (!writer_) RETURN_IF_ERROR(OpenFile());
  extractor_->Append(version, &batch_);
  composition_.Add(version);
  last_key_.assign(version.key);
  ++rows_;
  if (batch_.num_rows() >= options_.batch_rows) return FlushBatch();
  return Status::OK();
}

Status DataFileAssembler::Finish(bool at_least_one_file) {
  if (!writer_ && finished_.empty() && at_least_one_file) RETURN_IF_ERROR(OpenFile());
  if (writer_) return CloseFile();
  return Status::OK();
}

std::vector<AssembledFile> DataFileAssembler::TakeFiles() { return std::move(finished_); }

void DataFileAssembler::Abandon() {
  if (writer_) writer_->Abandon();
  writer_.reset();
  if (file_) file_->Abandon();
  file_.reset();
  for (AssembledFile& f : finished_) f.file->Abandon();
  finished_.clear();
  batch_.Clear();
}

std::string_view DataFileContentType(format::FileFormat format) {
  return format == format::FileFormat::kCsv ? "application/gzip" : "application/octet-stream";
}

Result<bool> MinuteTaken(ReportDestination& destination, const ReportLayout& layout) {
  for (const std::string& key : layout.ReportMinuteKeys()) {
    ASSIGN_OR_RETURN(bool exists, destination.Exists(key));
    if (exists) return true;
  }
  return false;
}

std::string MinuteTakenReason(const ReportLayout& layout) {
  return "A report of this configuration was already published in " +
         layout.S3Uri(layout.DatedFolderPrefix()) + "; a published report is never replaced.";
}

Manifest BuildReportManifest(const ReportLayout& layout, const format::Schema& schema,
                             const std::vector<AssembledFile>& files) {
  Manifest manifest;
  manifest.source_bucket = layout.source_bucket();
  manifest.destination_bucket_arn = layout.destination_bucket_arn();
  manifest.creation_timestamp_ms = layout.scan_start_ms();
  manifest.file_format = layout.format();
  manifest.file_schema = format::FileSchemaString(layout.format(), schema);
  for (const AssembledFile& f : files) manifest.files.push_back(f.entry);
  return manifest;
}

std::vector<std::string> PublicationKeys(const ReportLayout& layout, const Manifest& manifest) {
  std::vector<std::string> keys;
  for (const ManifestFile& f : manifest.files) keys.push_back(f.key);
  keys.push_back(layout.SymlinkKey());
  keys.push_back(layout.ManifestKey());
  keys.push_back(layout.CompositionKey());
  keys.push_back(layout.ManifestChecksumKey());
  return keys;
}

namespace {

Status PublishInOrder(ReportDestination& destination, const ReportLayout& layout,
                      const Manifest& manifest, std::string_view composition_json,
                      std::vector<AssembledFile>& files, std::vector<std::string>* written) {
  RETURN_IF_ERROR(destination.PutDataFiles(files, DataFileContentType(layout.format()), written));
  std::string manifest_json = BuildManifestJson(manifest);
  struct Small {
    std::string key;
    std::string bytes;
    const char* content_type;
  };
  const Small objects[] = {
      {layout.SymlinkKey(), BuildSymlinkTxt(layout.destination_bucket(), manifest.files),
       "text/plain"},
      {layout.ManifestKey(), manifest_json, "application/json"},
      {layout.CompositionKey(), std::string(composition_json), "application/json"},
      {layout.ManifestChecksumKey(), BuildManifestChecksum(manifest_json), "text/plain"},
  };
  // One after the other: manifest.checksum must be last.
  for (const Small& o : objects) {
    PublishFailpoint();
    RETURN_IF_ERROR(destination.PutBytes(o.key, o.bytes, o.content_type));
    written->push_back(o.key);
  }
  return Status::OK();
}

}  // namespace

Status PublishReport(ReportDestination& destination, const ReportLayout& layout,
                     const Manifest& manifest, std::string_view composition_json,
                     std::vector<AssembledFile>& files) {
  std::vector<std::string> written;
  Status st = PublishInOrder(destination, layout, manifest, composition_json, files, &written);
  if (!st.ok()) {
    // manifest.checksum was not written: remove the rest, so nothing half-published stays.
    for (const std::string& key : written) destination.Delete(key).IgnoreError();
  }
  // Local copies are no longer needed (files published in place stay).
  for (AssembledFile& f : files) f.file->Abandon();
  return st;
}

}  // namespace stocktake::inventory
