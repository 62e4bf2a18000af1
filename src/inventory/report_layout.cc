#include "inventory/report_layout.h"

#include "common/time_format.h"

namespace stocktake::inventory {

int64_t NextReportMinuteMs(int64_t ms) {
  constexpr int64_t kMinuteMs = 60'000;
  int64_t minute = ms >= 0 ? ms / kMinuteMs : -((-ms + kMinuteMs - 1) / kMinuteMs);
  return (minute + 1) * kMinuteMs;
}

std::string ReportConfigRoot(const std::optional<std::string>& destination_prefix,
                             std::string_view source_bucket, std::string_view config_id) {
  std::string root;
  if (destination_prefix && !destination_prefix->empty()) {
    // Literal join, even when the prefix ends in '/' (spec §3.1; see the header).
    root.append(*destination_prefix);
    root.push_back('/');
  }
  root.append(source_bucket);
  root.push_back('/');
  root.append(config_id);
  return root;
}

ReportLayout::ReportLayout(const InventoryConfiguration& config, std::string_view source_bucket,
                           int64_t scan_start_ms)
    : source_bucket_(source_bucket),
      destination_bucket_(config.destination.BucketName()),
      destination_bucket_arn_(config.destination.bucket_arn),
      scan_start_ms_(scan_start_ms),
      format_(config.destination.format),
      root_(ReportConfigRoot(config.destination.prefix, source_bucket, config.id)) {}

std::string ReportLayout::DataPrefix() const { return root_ + "/data/"; }

std::string ReportLayout::DatedFolderPrefix() const {
  return root_ + "/" + FormatInventoryFolder(scan_start_ms_) + "/";
}

std::string ReportLayout::HivePartitionPrefix() const {
  return root_ + "/hive/dt=" + FormatHiveDt(scan_start_ms_) + "/";
}

std::string ReportLayout::ManifestKey() const { return DatedFolderPrefix() + "manifest.json"; }

std::string ReportLayout::ManifestChecksumKey() const {
  return DatedFolderPrefix() + "manifest.checksum";
}

std::string ReportLayout::CompositionKey() const {
  return DatedFolderPrefix() + "composition.json";
}

std::string ReportLayout::SymlinkKey() const { return HivePartitionPrefix() + "symlink.txt"; }

std::vector<std::string> ReportLayout::ReportMinuteKeys() const {
  return {ManifestKey(), ManifestChecksumKey(), SymlinkKey()};
}

std::string ReportLayout::DataKey(std::string_view uuid) const {
  std::string key = DataPrefix();
  key.append(uuid);
  key.push_back('.');
  key.append(format::FileExtension(format_));
  return key;
}

std::string ReportLayout::S3Uri(std::string_view key) const {
  std::string uri = "s3://" + destination_bucket_ + "/";
  uri.append(key);
  return uri;
}

}  // namespace stocktake::inventory
