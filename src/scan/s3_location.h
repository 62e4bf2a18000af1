// s3://BUCKET[/PREFIX] arguments of `inventory scan`.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace stocktake::scan {

struct S3Location {
  std::string bucket;
  std::string prefix;  // "" when none; kept byte for byte (a key prefix)
  std::string ToString() const { return "s3://" + bucket + (prefix.empty() ? "" : "/" + prefix); }
};

// InvalidArgument unless `url` is s3://BUCKET or s3://BUCKET/PREFIX with a plausible bucket name
// (3-63 characters of a-z 0-9 . - _; '_' and upper case are accepted for older stores).
Result<S3Location> ParseS3Location(std::string_view url);

}  // namespace stocktake::scan
