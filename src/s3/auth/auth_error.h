// Authentication failures as S3 reports them. Every function of s3::auth that can reject a request
// returns an AuthError; the S3 layer answers with S3ErrorCode() / HttpStatus() and the message
// (which is safe to send to the client: it never contains secrets or expected signatures).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace stocktake::s3::auth {

// One value per S3 error code this module can produce. HTTP status and code string in comments
// (AWS S3 API reference, "Error responses" - List of error codes).
enum class AuthErrorCode {
  kAccessDenied,                       // 403 AccessDenied (expired/not-yet-valid presigned URL,
                                       //     unsigned x-amz-* headers, anonymous, no date)
  kAuthorizationHeaderMalformed,       // 400 AuthorizationHeaderMalformed
  kAuthorizationQueryParametersError,  // 400 AuthorizationQueryParametersError
  kIncompleteBody,                     // 400 IncompleteBody (aws-chunked body ended early or
                                       //     decoded length differs from the declared one)
  kInvalidAccessKeyId,                 // 403 InvalidAccessKeyId
  kInvalidArgument,                    // 400 InvalidArgument (bad x-amz-content-sha256 value,
                                       //     unsupported Authorization type, two auth methods)
  kInvalidRequest,                     // 400 InvalidRequest (missing x-amz-content-sha256,
                                       //     SigV2, malformed aws-chunked framing)
  kInvalidToken,                       // 400 InvalidToken (session tokens are not supported)
  kInvalidUri,                         // 400 InvalidURI (bad percent-escape in path or query)
  kInternalError,                      // 500 InternalError (secret lookup failed)
  kNotImplemented,                     // 501 NotImplemented (SigV4a / event-stream payloads)
  kRequestTimeTooSkewed,               // 403 RequestTimeTooSkewed
  kSignatureDoesNotMatch,              // 403 SignatureDoesNotMatch (request or chunk/trailer)
  kXAmzContentSha256Mismatch,          // 400 XAmzContentSHA256Mismatch
};

// "SignatureDoesNotMatch", ... exactly as S3 spells it in <Code>.
std::string_view S3ErrorCode(AuthErrorCode code);
int HttpStatus(AuthErrorCode code);

struct AuthError {
  AuthErrorCode code;
  std::string message;  // S3-style <Message> text

  std::string_view s3_code() const { return S3ErrorCode(code); }
  int http_status() const { return HttpStatus(code); }
  // For logs and for callers that only propagate a Status: "<S3 code>: <message>".
  Status ToStatus() const;
};

// A value or an AuthError (Result<T> with an S3-aware error). Never empty.
template <typename T>
class [[nodiscard]] AuthOr {
 public:
  AuthOr(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  AuthOr(AuthError error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  // Preconditions: ok() for value(), !ok() for error().
  const AuthError& error() const {
    assert(!ok());
    return *error_;
  }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  std::optional<AuthError> error_;
};

}  // namespace stocktake::s3::auth

#define STOCKTAKE_AUTH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                         \
  if (!tmp.ok()) return tmp.error();                          \
  lhs = std::move(tmp).value()

// Like ASSIGN_OR_RETURN for AuthOr<T>: returns the AuthError from the enclosing function.
#define AUTH_ASSIGN_OR_RETURN(lhs, rexpr) \
  STOCKTAKE_AUTH_ASSIGN_OR_RETURN_IMPL(STOCKTAKE_CONCAT(_auth_or_, __LINE__), lhs, rexpr)
