#include "scan/remote_report_writer.h"

#include <unistd.h>

#include <mutex>

#include "io/file.h"
#include "io/output_stream.h"

namespace stocktake::scan {
namespace {

// A data file on local disk, hashed while written; Abandon() deletes it.
class LocalDataFile final : public inventory::PendingDataFile {
 public:
  LocalDataFile(std::string path, std::unique_ptr<io::FileOutputStream> file)
      : path_(std::move(path)), file_(std::move(file)), hashing_(file_.get()) {}
  ~LocalDataFile() override { Abandon(); }

  io::OutputStream* stream() override { return &hashing_; }
  uint64_t size() const override { return hashing_.bytes_written(); }
  std::string md5_hex() const override { return hashing_.md5_hex(); }
  void Abandon() override {
    if (file_ == nullptr) return;
    file_.reset();
    ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<io::FileOutputStream> file_;
  io::HashingOutputStream hashing_;
};

}  // namespace

Result<std::unique_ptr<inventory::PendingDataFile>> LocalDataFileSink::NewDataFile() {
  std::string path =
      work_dir_ + "/data-" + std::to_string(next_file_++) + "." + format::FileExtension(format_);
  ASSIGN_OR_RETURN(auto file, io::FileOutputStream::Create(path, /*sync=*/false));
  return std::unique_ptr<inventory::PendingDataFile>(
      new LocalDataFile(std::move(path), std::move(file)));
}

Result<bool> RemoteReportDestination::Exists(const std::string& key) {
  bool exists = false;
  RETURN_IF_ERROR(pool_->ParallelFor(1, [&](RemoteClient& client, size_t) {
    ASSIGN_OR_RETURN(exists, ObjectExists(client, bucket_, key));
    return Status::OK();
  }));
  return exists;
}

Status RemoteReportDestination::PutDataFiles(std::vector<inventory::AssembledFile>& files,
                                             std::string_view content_type,
                                             std::vector<std::string>* written) {
  std::mutex mu;
  std::string type(content_type);
  return pool_->ParallelFor(files.size(), [&](RemoteClient& client, size_t i) {
    const inventory::AssembledFile& f = files[i];
    inventory::PublishFailpoint();
    const auto& local = static_cast<const LocalDataFile&>(*f.file);  // of a LocalDataFileSink
    RETURN_IF_ERROR(
        PutObjectFile(client, bucket_, f.entry.key, local.path(), f.entry.size, type, upload_));
    std::lock_guard lock(mu);
    written->push_back(f.entry.key);
    return Status::OK();
  });
}

Status RemoteReportDestination::PutBytes(const std::string& key, std::string_view bytes,
                                         std::string_view content_type) {
  return pool_->ParallelFor(1, [&](RemoteClient& client, size_t) {
    return PutObjectBytes(client, bucket_, key, bytes, std::string(content_type));
  });
}

Status RemoteReportDestination::Delete(const std::string& key) {
  return pool_->ParallelFor(
      1, [&](RemoteClient& client, size_t) { return DeleteObject(client, bucket_, key); });
}

RemoteReportWriter::RemoteReportWriter(const inventory::InventoryConfiguration& config,
                                       const std::string& source_bucket, int64_t scan_start_ms,
                                       inventory::ExtractContext context,
                                       RemoteReportOptions options)
    : layout_(config, source_bucket, scan_start_ms),
      extractor_(config, std::move(context)),
      options_(std::move(options)),
      sink_(options_.work_dir, layout_.format()),
      assembler_(layout_, &extractor_, &sink_,
                 {options_.max_rows_per_file, options_.batch_rows, options_.writer}) {}

Result<std::vector<inventory::AssembledFile>> RemoteReportWriter::FinishDataFiles(
    bool at_least_one_file) {
  RETURN_IF_ERROR(assembler_.Finish(at_least_one_file));
  return assembler_.TakeFiles();
}

Result<PublishedReport> RemoteReportWriter::Finish(
    ClientPool* pool,
    const std::function<Status(const std::vector<std::string>&)>& before_publish) {
  ASSIGN_OR_RETURN(auto files, FinishDataFiles(/*at_least_one_file=*/true));
  inventory::Manifest manifest =
      inventory::BuildReportManifest(layout_, extractor_.schema(), files);
  RemoteReportDestination destination(pool, layout_.destination_bucket(), options_.upload);
  // Another scan may have published into this minute meanwhile: never replace its report.
  ASSIGN_OR_RETURN(bool taken, inventory::MinuteTaken(destination, layout_));
  if (taken) {
    return Status::AlreadyExists(inventory::MinuteTakenReason(layout_) + " Run the scan again.");
  }
  if (before_publish)
    RETURN_IF_ERROR(before_publish(inventory::PublicationKeys(layout_, manifest)));
  RETURN_IF_ERROR(inventory::PublishReport(destination, layout_, manifest,
                                           assembler_.composition().ToJson(), files));
  PublishedReport report;
  report.manifest_key = layout_.ManifestKey();
  report.rows = assembler_.rows();
  report.files = files.size();
  for (const inventory::ManifestFile& f : manifest.files) report.bytes += f.size;
  return report;
}

}  // namespace stocktake::scan
