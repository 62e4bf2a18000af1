#include "scan/s3_location.h"

namespace stocktake::scan {

Result<S3Location> ParseS3Location(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (!url.starts_with(kScheme)) {
    return Status::InvalidArgument("expected s3://BUCKET[/PREFIX], got '" + std::string(url) + "'");
  }
  url.remove_prefix(kScheme.size());
  size_t slash = url.find('/');
  S3Location location;
  location.bucket = std::string(url.substr(0, slash));
  if (slash != std::string_view::npos) location.prefix = std::string(url.substr(slash + 1));
  if (location.bucket.size() < 3 || location.bucket.size() > 63) {
    return Status::InvalidArgument("bad bucket name in s3://" + std::string(url) +
                                   " (3 to 63 characters)");
  }
  for (char c : location.bucket) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) {
      return Status::InvalidArgument("bad bucket name '" + location.bucket + "' in s3://" +
                                     std::string(url));
    }
  }
  return location;
}

}  // namespace stocktake::scan
