#include "report/report.h"

#include <filesystem>
#include <system_error>

namespace stocktake::report {
namespace {

namespace fs = std::filesystem;

bool IsRegularFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

Report::~Report() = default;

Result<std::unique_ptr<Report>> Report::Open(const std::string& url, const ReportOptions& options) {
  std::unique_ptr<Report> report(new Report());
  report->url_ = url;
  report->data_root_ = options.data_root;
  std::unique_ptr<ByteSource> manifest_source;
  if (url.starts_with("s3://")) {
    std::string rest = url.substr(5);
    size_t slash = rest.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) {
      return Status::InvalidArgument(url + ": expected s3://BUCKET/KEY of a manifest.json");
    }
    report->s3_ = true;
    report->bucket_ = rest.substr(0, slash);
    report->manifest_key_ = rest.substr(slash + 1);
    // A folder URL names the manifest inside it.
    if (report->manifest_key_.ends_with("/")) report->manifest_key_ += "manifest.json";
    ASSIGN_OR_RETURN(report->client_, s3::S3Client::Create(options.client));
    manifest_source = OpenS3Object(report->client_.get(), report->bucket_, report->manifest_key_);
  } else {
    fs::path path(url);
    std::error_code ec;
    if (fs::is_directory(path, ec)) path /= "manifest.json";
    report->manifest_path_ = path.string();
    ASSIGN_OR_RETURN(manifest_source, OpenLocalFile(report->manifest_path_));
  }
  ASSIGN_OR_RETURN(report->manifest_json_, ReadAll(manifest_source.get()));
  auto manifest = inventory::ParseManifestJson(report->manifest_json_);
  if (!manifest.ok()) return manifest.status().WithContext(manifest_source->name());
  report->manifest_ = std::move(*manifest);
  auto schema = ParseFileSchema(report->manifest_.file_format, report->manifest_.file_schema);
  if (schema.ok()) {
    report->schema_ = std::move(*schema);
  } else {
    report->schema_status_ = schema.status().WithContext(manifest_source->name() + ": fileSchema");
    if (!options.allow_bad_schema) return report->schema_status_;
    report->schema_.format = report->manifest_.file_format;
  }
  return report;
}

std::string Report::ChecksumLocation() const {
  if (s3_) {
    size_t slash = manifest_key_.rfind('/');
    std::string dir = slash == std::string::npos ? "" : manifest_key_.substr(0, slash + 1);
    return "s3://" + bucket_ + "/" + dir + "manifest.checksum";
  }
  return (fs::path(manifest_path_).parent_path() / "manifest.checksum").string();
}

Result<std::string> Report::ReadChecksum() {
  std::unique_ptr<ByteSource> source;
  if (s3_) {
    size_t slash = manifest_key_.rfind('/');
    std::string dir = slash == std::string::npos ? "" : manifest_key_.substr(0, slash + 1);
    source = OpenS3Object(client_.get(), bucket_, dir + "manifest.checksum");
  } else {
    ASSIGN_OR_RETURN(source, OpenLocalFile(ChecksumLocation()));
  }
  return ReadAll(source.get());
}

Result<std::string> Report::LocalPathFor(const std::string& key) {
  if (!data_root_.empty()) return (fs::path(data_root_) / key).string();
  std::error_code ec;
  fs::path manifest_dir = fs::absolute(fs::path(manifest_path_), ec).parent_path();
  if (ec) return Status::IOError(manifest_path_ + ": " + ec.message());
  if (found_root_ && IsRegularFile(fs::path(*found_root_) / key)) {
    return (fs::path(*found_root_) / key).string();
  }
  // The bucket-relative layout: the nearest ancestor holding `key`.
  for (fs::path dir = manifest_dir;; dir = dir.parent_path()) {
    if (IsRegularFile(dir / key)) {
      found_root_ = dir.string();
      return (dir / key).string();
    }
    if (dir == dir.parent_path()) break;
  }
  // Copied flat next to the manifest.
  fs::path flat = manifest_dir / fs::path(key).filename();
  if (IsRegularFile(flat)) return flat.string();
  return Status::NotFound("data file " + key + " not found under " + manifest_dir.string() +
                          " or its parents, nor next to the manifest (use --data-root)");
}

Result<std::unique_ptr<ByteSource>> Report::OpenFile(size_t index) {
  const std::string& key = manifest_.files.at(index).key;
  if (s3_) return OpenS3Object(client_.get(), bucket_, key);
  ASSIGN_OR_RETURN(std::string path, LocalPathFor(key));
  return OpenLocalFile(path);
}

}  // namespace stocktake::report
