// The route table: which operation serves (method, scope, sub-resource). Sub-resources S3 knows
// but Stocktake does not implement answer NotImplemented, never a wrong 200.
#pragma once

#include <string_view>

#include "s3/ops/op.h"

namespace stocktake::s3 {

enum class Scope { kService, kBucket, kObject };

struct Route {
  std::string_view method;
  Scope scope;
  // The query parameter that selects the operation ("" = none); `also` must be present too
  // (e.g. inventory + id), `absent` must not be (e.g. PUT object vs UploadPart).
  std::string_view subresource;
  std::string_view also;
  std::string_view header;  // a header that must be present (x-amz-copy-source), or ""
  OpHandler handler;
  std::string_view name;  // operation name, for logs
};

// The route for a request, or the error to answer (NotImplemented / MethodNotAllowed).
std::variant<const Route*, S3Error> FindRoute(const S3Request& request, Scope scope);

}  // namespace stocktake::s3
