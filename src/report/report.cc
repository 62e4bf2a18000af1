#include "report/report.h"

#include <algorithm>
#include <filesystem>
#include <pugixml.hpp>
#include <system_error>
#include <vector>

namespace stocktake::report {
namespace {

namespace fs = std::filesystem;

bool IsRegularFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

constexpr char kManifest[] = "manifest.json";
constexpr char kChecksum[] = "manifest.checksum";

// The report folders under `prefix` (which ends in '/'), newest first: the folder names of a
// configuration's reports are their times (YYYY-MM-DDTHH-MMZ, spec §6), which sort in time order.
Result<std::vector<std::string>> S3FoldersNewestFirst(s3::S3Client* client,
                                                      const std::string& bucket,
                                                      const std::string& prefix) {
  std::vector<std::string> folders;
  std::string token;
  do {
    s3::S3Call call;
    call.bucket = bucket;
    call.query = {{"list-type", "2"}, {"prefix", prefix}, {"delimiter", "/"}};
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    auto response = client->Send(call);
    if (!response.ok()) return response.status().WithContext("s3://" + bucket + "/" + prefix);
    if (response->status == 404) {
      return Status::NotFound("s3://" + bucket + ": " + s3::S3Client::ErrorSummary(*response));
    }
    if (response->status == 403) {
      return Status::PermissionDenied("s3://" + bucket + "/" + prefix + ": " +
                                      s3::S3Client::ErrorSummary(*response));
    }
    if (response->status != 200) {
      return Status::IOError("s3://" + bucket + "/" + prefix + ": " +
                             s3::S3Client::ErrorSummary(*response));
    }
    pugi::xml_document doc;
    doc.load_buffer(response->body.data(), response->body.size());
    pugi::xml_node result = doc.child("ListBucketResult");
    for (pugi::xml_node p : result.children("CommonPrefixes")) {
      folders.emplace_back(p.child_value("Prefix"));
    }
    token = std::string(result.child("IsTruncated").text().as_bool()
                            ? result.child_value("NextContinuationToken")
                            : "");
  } while (!token.empty());
  std::sort(folders.rbegin(), folders.rend());
  return folders;
}

// The manifest.json of the newest complete report (one with its manifest.checksum, the commit
// point, spec §6.3) in a configuration's folder `prefix`, as consumers pick it.
Result<std::string> LatestS3Manifest(s3::S3Client* client, const std::string& bucket,
                                     const std::string& prefix) {
  ASSIGN_OR_RETURN(std::vector<std::string> folders, S3FoldersNewestFirst(client, bucket, prefix));
  for (const std::string& folder : folders) {
    auto size = OpenS3Object(client, bucket, folder + kChecksum)->Size();
    if (size.ok()) return folder + kManifest;
    if (!size.status().IsNotFound()) return size.status();
  }
  return Status::NotFound("s3://" + bucket + "/" + prefix + " holds no " + kManifest +
                          " and no report folder with a " + kChecksum);
}

// The local counterpart: the newest sub-directory of `dir` that holds a manifest.checksum.
Result<fs::path> LatestLocalManifest(const fs::path& dir) {
  std::vector<fs::path> folders;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (IsRegularFile(entry.path() / kChecksum)) folders.push_back(entry.path());
  }
  if (ec) return Status::IOError(dir.string() + ": " + ec.message());
  if (folders.empty()) {
    return Status::NotFound(dir.string() + " holds no " + kManifest +
                            " and no report folder with a " + kChecksum);
  }
  return *std::max_element(folders.begin(), folders.end()) / kManifest;
}

}  // namespace

Report::~Report() = default;

Result<std::unique_ptr<Report>> Report::Open(const std::string& url, const ReportOptions& options) {
  std::unique_ptr<Report> report(new Report());
  report->url_ = url;
  report->data_root_ = options.data_root;
  report->verify_ = options.verify;
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
    ASSIGN_OR_RETURN(report->client_, s3::S3Client::Create(options.client));
    // A folder URL names the manifest inside it, else the newest report under it (the
    // prefix of a configuration, s3://DEST/PREFIX/SOURCE-BUCKET/CONFIG-ID/).
    std::string& key = report->manifest_key_;
    if (!key.ends_with(".json") && !key.ends_with("/")) key += "/";
    if (key.ends_with("/")) {
      auto here = OpenS3Object(report->client_.get(), report->bucket_, key + kManifest)->Size();
      if (here.ok()) {
        key += kManifest;
      } else if (here.status().IsNotFound()) {
        ASSIGN_OR_RETURN(key, LatestS3Manifest(report->client_.get(), report->bucket_, key));
      } else {
        return here.status();
      }
      report->url_ = "s3://" + report->bucket_ + "/" + key;
    }
    manifest_source = OpenS3Object(report->client_.get(), report->bucket_, report->manifest_key_);
  } else {
    fs::path path(url);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      if (IsRegularFile(path / kManifest)) {
        path /= kManifest;
      } else {
        ASSIGN_OR_RETURN(path, LatestLocalManifest(path));
      }
      report->url_ = path.string();
    }
    report->manifest_path_ = path.string();
    ASSIGN_OR_RETURN(manifest_source, OpenLocalFile(report->manifest_path_));
  }
  ASSIGN_OR_RETURN(report->manifest_json_, ReadAll(manifest_source.get()));
  auto manifest = inventory::ParseManifestJson(report->manifest_json_);
  // A manifest that does not parse is a corrupt report (exit status), not a bad argument.
  if (!manifest.ok()) {
    return Status::Corruption(manifest_source->name() + ": " + manifest.status().message());
  }
  report->manifest_ = std::move(*manifest);
  if (options.verify) RETURN_IF_ERROR(report->CheckChecksum());
  auto schema = ParseFileSchema(report->manifest_.file_format, report->manifest_.file_schema);
  if (schema.ok()) {
    report->schema_ = std::move(*schema);
  } else {
    report->schema_status_ =
        Status::Corruption(manifest_source->name() + ": fileSchema: " + schema.status().message());
    if (!options.allow_bad_schema) return report->schema_status_;
    report->schema_.format = report->manifest_.file_format;
  }
  return report;
}

std::string Report::ChecksumLocation() const {
  if (s3_) {
    size_t slash = manifest_key_.rfind('/');
    std::string dir = slash == std::string::npos ? "" : manifest_key_.substr(0, slash + 1);
    return "s3://" + bucket_ + "/" + dir + kChecksum;
  }
  return (fs::path(manifest_path_).parent_path() / kChecksum).string();
}

Result<std::string> Report::ReadChecksum() {
  std::unique_ptr<ByteSource> source;
  if (s3_) {
    size_t slash = manifest_key_.rfind('/');
    std::string dir = slash == std::string::npos ? "" : manifest_key_.substr(0, slash + 1);
    source = OpenS3Object(client_.get(), bucket_, dir + kChecksum);
  } else {
    ASSIGN_OR_RETURN(source, OpenLocalFile(ChecksumLocation()));
  }
  return ReadAll(source.get());
}

Status Report::CheckChecksum() {
  auto checksum = ReadChecksum();
  if (checksum.status().IsNotFound()) {
    return Status::Corruption(ChecksumLocation() +
                              ": no such file; without it the report is incomplete or not "
                              "published (--no-verify reads it anyway)");
  }
  RETURN_IF_ERROR(checksum.status());
  if (*checksum != inventory::BuildManifestChecksum(manifest_json_)) {
    return Status::Corruption(ChecksumLocation() +
                              " does not match manifest.json: the manifest is corrupt or was "
                              "replaced (`stocktake report verify` tells more)");
  }
  return Status::OK();
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
  const inventory::ManifestFile& entry = manifest_.files.at(index);
  std::unique_ptr<ByteSource> source;
  if (s3_) {
    source = OpenS3Object(client_.get(), bucket_, entry.key);
  } else {
    ASSIGN_OR_RETURN(std::string path, LocalPathFor(entry.key));
    ASSIGN_OR_RETURN(source, OpenLocalFile(path));
  }
  if (!verify_) return source;
  return NewVerifyingSource(std::move(source), entry.size, entry.md5_hex);
}

}  // namespace stocktake::report
