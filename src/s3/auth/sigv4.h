// AWS Signature Version 4 verification for S3, as pure step functions (canonical request ->
// string to sign -> signing key -> signature; the signing steps themselves are shared with the
// client in s3client/sigv4_signing.h) plus one entry point, Verify(), that authenticates a
// request given only a neutral view of it. Nothing here does I/O or reads the clock: the caller
// passes the time and a secret lookup, so every step is testable offline against AWS's published
// examples (like Ceph RGW rgw_auth_s3.cc / test_rgw_auth_sigv4.cc).
//
// Specs: "Authenticating Requests (AWS Signature Version 4)" in the Amazon S3 API reference:
// sig-v4-header-based-auth.html (Authorization header), sigv4-query-string-auth.html (presigned
// URLs), sigv4-streaming.html and sigv4-streaming-trailers.html (aws-chunked bodies; see
// chunked_decoder.h for the body side).
//
// S3 specifics kept here: the canonical URI is the URI-encoded path, encoded once and not
// normalised ("//" and "." segments are kept); x-amz-content-sha256 is mandatory for header auth.
//
// Thread safety: free functions are pure; SigningKeyCache is internally synchronised.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "s3/auth/auth_error.h"
#include "s3client/sigv4_signing.h"

namespace stocktake::s3::auth {

// Wire constants (kSigV4Algorithm, payload modes, ...) and the signing steps
// (CanonicalRequest, StringToSign, DeriveSigningKey, SignatureHex, ...): s3client/sigv4_signing.h.

// Header auth: allowed distance between the request time and the server clock.
inline constexpr int64_t kMaxClockSkewMs = 15 * 60 * 1000;
// Presigned URLs: X-Amz-Expires range in seconds (at most seven days). 0 parses and has expired
// already (AWS answers 403 "Request has expired"; issue 16); negative values are 400.
inline constexpr int64_t kMinPresignedExpiresSeconds = 0;
inline constexpr int64_t kMaxPresignedExpiresSeconds = 604800;

// What the HTTP layer hands over. Views must outlive the call they are passed to.
struct RequestView {
  std::string_view method;     // "GET"
  std::string_view raw_path;   // as on the wire, still percent-encoded, without query
  std::string_view raw_query;  // as on the wire, without '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values as sent
};

// The first value of header `lower_name`, if present.
std::optional<std::string_view> FindHeader(const RequestView& request, std::string_view lower_name);

// --- Parsing -----------------------------------------------------------------------------------

// "AKID/20130524/us-east-1/s3/aws4_request", split but not yet checked against the request.
struct CredentialScope {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::string terminator;  // "aws4_request"
  // "20130524/us-east-1/s3/aws4_request" (no access key): the scope line of a string to sign.
  std::string Scope() const;
};

// Parsed Authorization header (AWS4-HMAC-SHA256 only).
struct AuthorizationHeader {
  CredentialScope credential;
  std::string signed_headers;                    // as sent, e.g. "host;range;x-amz-date"
  std::vector<std::string> signed_header_names;  // the same, split and lower-cased
  std::string signature;                         // 64 lower-case hex digits
};

// Accepts the three components in any order, with optional spaces around ',' and '=' and after
// the algorithm (botocore sends ", ", the AWS examples ","). Errors: kAuthorizationHeaderMalformed
// for a missing/duplicated/unknown component or a bad credential shape, kInvalidArgument for
// another scheme ("Unsupported Authorization Type"), kInvalidRequest for SigV2 ("AWS AKID:sig").
AuthOr<AuthorizationHeader> ParseAuthorizationHeader(std::string_view value);

// Parsed presigned-URL query parameters (names are case-sensitive, as AWS treats them).
struct PresignedQuery {
  CredentialScope credential;
  std::string amz_date;  // X-Amz-Date, validated ISO 8601 basic form
  int64_t expires_seconds = 0;
  std::string signed_headers;
  std::vector<std::string> signed_header_names;
  std::string signature;
  std::optional<std::string> content_sha256;  // X-Amz-Content-Sha256, if the signer set it
  bool has_security_token = false;            // X-Amz-Security-Token present
};

// Errors: kAuthorizationQueryParametersError (missing parameter, X-Amz-Algorithm other than
// AWS4-HMAC-SHA256, X-Amz-Expires outside 1..604800 or not a number, bad X-Amz-Date or
// X-Amz-Credential), kInvalidUri for a bad percent-escape.
AuthOr<PresignedQuery> ParsePresignedQuery(std::string_view raw_query);

// --- Canonicalisation steps ----------------------------------------------------------------------

// Percent-decodes the wire path and re-encodes it with UriEncode(keep_slash=true): a path sent
// as "/test$file.text" or "/test%24file.text" both give "/test%24file.text". Empty -> "/".
// Not normalised. kInvalidUri on a bad percent-escape.
AuthOr<std::string> CanonicalUri(std::string_view raw_path);

// Each name and value decoded ('+' is a space, as in form encoding) and re-encoded with RFC 3986
// UriEncode, "name=" for a bare name, sorted by name then value, joined with '&'. With
// exclude_signature (presigned), X-Amz-Signature is left out. kInvalidUri on a bad escape.
AuthOr<std::string> CanonicalQueryString(std::string_view raw_query, bool exclude_signature);

// "name:value\n" for each signed header in the given order; repeated headers joined with ',' in
// arrival order; each value trimmed and inner runs of spaces/tabs collapsed to one space.
// kSignatureDoesNotMatch when a signed header is absent from the request.
AuthOr<std::string> CanonicalHeaders(const RequestView& request,
                                     std::span<const std::string> signed_header_names);

// Constant-time (in the length of the inputs) equality, for signatures.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Remembers signing keys per (access key, date, region, service), so that a client's requests of
// one day cost one HMAC instead of five. A cached key is used only while the secret is unchanged
// (its SHA-256 is kept alongside). Bounded: cleared when `capacity` entries are exceeded.
// Thread-safe.
class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 4096) : capacity_(capacity) {}
  std::string Get(std::string_view access_key_id, std::string_view secret_access_key,
                  std::string_view date, std::string_view region, std::string_view service);
  size_t size() const;

 private:
  struct Entry {
    std::string secret_sha256;
    std::string signing_key;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

// --- Verification ------------------------------------------------------------------------------

enum class AuthKind {
  kAnonymous,  // no Authorization header and no X-Amz-* / SigV2 signature query parameters
  kHeader,     // an Authorization header is present (whatever its scheme)
  kPresigned,  // signature in the query string (X-Amz-Algorithm/Credential/Signature, or SigV2)
};
// Which kind of authentication the request attempts. Cheap; lets the S3 layer allow anonymous
// requests (public buckets) before calling Verify, which rejects them.
AuthKind DetectAuthKind(const RequestView& request);

// How the body is to be checked, from x-amz-content-sha256 (or X-Amz-Content-Sha256 presigned).
enum class PayloadMode {
  kSignedPayload,             // hex SHA-256 given: the caller hashes the body and compares
                              // (CheckPayloadSha256) -> XAmzContentSHA256Mismatch
  kUnsignedPayload,           // "UNSIGNED-PAYLOAD" (always so for presigned URLs by default)
  kStreamingSigned,           // "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": aws-chunked, chunk sigs
  kStreamingUnsignedTrailer,  // "STREAMING-UNSIGNED-PAYLOAD-TRAILER": aws-chunked + trailers
  kStreamingSignedTrailer,    // "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": both
};
bool IsStreaming(PayloadMode mode);

struct AuthResult {
  AuthKind kind = AuthKind::kHeader;  // kHeader or kPresigned
  std::string access_key_id;
  std::string signing_key;      // 32 raw bytes: chunk and trailer signatures use it
  std::string seed_signature;   // the request signature (hex): previous signature of chunk 1
  std::string amz_date;         // "20130524T000000Z" as used in the string to sign
  std::string scope;            // "20130524/us-east-1/s3/aws4_request"
  std::string scope_date;       // "20130524"
  std::string region;           // from the credential scope
  std::string service;          // "s3"
  int64_t request_time_ms = 0;  // parsed amz_date
  int64_t expires_at_ms = 0;    // presigned: request time + X-Amz-Expires; 0 otherwise
  PayloadMode payload_mode = PayloadMode::kUnsignedPayload;
  std::string payload_sha256_hex;  // kSignedPayload: expected body hash, lower-case hex
  std::vector<std::string> signed_headers;
};

// Returns the secret access key of an access key id. NotFound -> InvalidAccessKeyId; any other
// error -> InternalError. Called at most once per Verify.
using SecretLookup = std::function<Result<std::string>(std::string_view access_key_id)>;

// Authenticates `request` (header or presigned SigV4) at time `now_ms` (ms since the epoch, UTC)
// for this server's `region` (empty: accept whatever region the client signed for).
//
// Checks, in order: one auth mechanism only; algorithm and credential scope (service "s3",
// terminator, region, credential date == request date); no session token (unsupported);
// request date (x-amz-date, else Date for header auth) within 15 minutes of now (header auth) or
// presigned window [date - 15 min, date + X-Amz-Expires]; "host" and every x-amz-* header of the
// request signed; x-amz-content-sha256 present and well-formed (header auth); secret lookup;
// signature. The body itself is not read: for kSignedPayload the caller compares the body hash
// (CheckPayloadSha256); for streaming modes it decodes the body with ChunkedDecoder.
//
// Errors map to S3 codes (auth_error.h): SignatureDoesNotMatch, InvalidAccessKeyId,
// RequestTimeTooSkewed, AccessDenied ("Request has expired", unsigned headers, anonymous),
// AuthorizationHeaderMalformed, AuthorizationQueryParametersError, InvalidRequest (missing
// x-amz-content-sha256, SigV2), InvalidArgument, InvalidToken, InvalidURI, NotImplemented
// (SigV4a / event streams), InternalError.
//
// `cache` (optional, not owned) memoises signing keys across calls.
AuthOr<AuthResult> Verify(const RequestView& request, const SecretLookup& lookup, int64_t now_ms,
                          std::string_view region, SigningKeyCache* cache = nullptr);

// For kSignedPayload: compares the hex SHA-256 the caller computed over the received body with
// the signed one. nullopt when they match (or the mode is not kSignedPayload), else
// XAmzContentSHA256Mismatch.
std::optional<AuthError> CheckPayloadSha256(const AuthResult& auth,
                                            std::string_view body_sha256_hex);

}  // namespace stocktake::s3::auth
