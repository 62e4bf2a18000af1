#include "s3/auth/auth_error.h"

namespace stocktake::s3::auth {
namespace {

struct ErrorInfo {
  std::string_view code;
  int http_status;
};

// Indexed by AuthErrorCode; the static_assert below keeps the table and the enum in step.
constexpr ErrorInfo kErrors[] = {
    {"AccessDenied", 403},
    {"AuthorizationHeaderMalformed", 400},
    {"AuthorizationQueryParametersError", 400},
    {"IncompleteBody", 400},
    {"InvalidAccessKeyId", 403},
    {"InvalidArgument", 400},
    {"InvalidRequest", 400},
    {"InvalidToken", 400},
    {"InvalidURI", 400},
    {"InternalError", 500},
    {"NotImplemented", 501},
    {"RequestTimeTooSkewed", 403},
    {"SignatureDoesNotMatch", 403},
    {"XAmzContentSHA256Mismatch", 400},
};
static_assert(sizeof(kErrors) / sizeof(kErrors[0]) ==
                  static_cast<size_t>(AuthErrorCode::kXAmzContentSha256Mismatch) + 1,
              "kErrors must list every AuthErrorCode in declaration order");

}  // namespace

std::string_view S3ErrorCode(AuthErrorCode code) { return kErrors[static_cast<size_t>(code)].code; }

int HttpStatus(AuthErrorCode code) { return kErrors[static_cast<size_t>(code)].http_status; }

Status AuthError::ToStatus() const {
  StatusCode status_code = StatusCode::kPermissionDenied;
  switch (HttpStatus(code)) {
    case 400:
      status_code = StatusCode::kInvalidArgument;
      break;
    case 403:
      status_code = StatusCode::kPermissionDenied;
      break;
    case 501:
      status_code = StatusCode::kFailedPrecondition;
      break;
    default:
      status_code = StatusCode::kInternal;
      break;
  }
  std::string text(S3ErrorCode(code));
  text += ": ";
  text += message;
  return Status(status_code, std::move(text));
}

}  // namespace stocktake::s3::auth
