#include "s3/auth/sigv4.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace stocktake::s3::auth {
namespace {

// Messages as AWS words them, so that SDK error handling and people searching for them find the
// usual explanations.
constexpr std::string_view kSignatureMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";
constexpr std::string_view kQueryParamsRequiredMessage =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
constexpr std::string_view kHeaderMalformedPrefix = "The authorization header is malformed; ";
constexpr std::string_view kCredentialParsePrefix =
    "Error parsing the X-Amz-Credential parameter; ";

AuthError Error(AuthErrorCode code, std::string message) { return {code, std::move(message)}; }

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ParseAmzDate is lenient about signs and spaces (sscanf); SigV4 wants exactly yyyyMMddTHHmmssZ.
std::optional<int64_t> ParseStrictAmzDate(std::string_view text) {
  if (text.size() != 16 || !IsDigits(text.substr(0, 8)) || !IsDigits(text.substr(9, 6))) {
    return std::nullopt;
  }
  return ParseAmzDate(text);
}

// A signature as sent: 64 hex digits; normalised to lower case for the comparison.
std::optional<std::string> NormalizeSignature(std::string_view sig) {
  if (sig.size() != 64 || !IsHex(sig)) return std::nullopt;
  return ToLower(sig);
}

std::vector<std::string> SplitSignedHeaders(std::string_view list) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(';', start);
    if (end == std::string_view::npos) end = list.size();
    names.push_back(ToLower(list.substr(start, end - start)));
    start = end + 1;
  }
  return names;
}

// Empty names ("a;;b"), duplicates and characters outside header-name syntax are malformed.
bool ValidSignedHeaders(const std::vector<std::string>& names) {
  if (names.empty()) return false;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (n.empty()) return false;
    for (char c : n) {
      if (c <= ' ' || c == ':' || c == ';' || c == ',' || static_cast<unsigned char>(c) >= 0x7f) {
        return false;
      }
    }
    for (size_t j = 0; j < i; ++j) {
      if (names[j] == n) return false;
    }
  }
  return true;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Splits "AKID/date/region/service/terminator". The access key is everything before the last
// four components, so an odd key containing '/' still parses (the scope parts cannot).
std::optional<CredentialScope> SplitCredential(std::string_view text) {
  CredentialScope out;
  std::string_view parts[4];
  for (int i = 3; i >= 0; --i) {
    size_t slash = text.rfind('/');
    if (slash == std::string_view::npos) return std::nullopt;
    parts[i] = text.substr(slash + 1);
    text = text.substr(0, slash);
  }
  out.access_key_id = std::string(text);
  out.date = std::string(parts[0]);
  out.region = std::string(parts[1]);
  out.service = std::string(parts[2]);
  out.terminator = std::string(parts[3]);
  return out;
}

// Shape checks common to both auth kinds; the caller adds the header- or query-specific prefix.
std::optional<std::string> CredentialShapeProblem(const CredentialScope& c) {
  if (c.access_key_id.empty()) {
    return "a non-empty Access Key (AKID) must be provided in the credential.";
  }
  if (c.date.size() != 8 || !IsDigits(c.date)) {
    return "the date format " + c.date + " is wrong; expecting YYYYMMDD";
  }
  if (c.region.empty()) return "the region '' is wrong";
  if (c.service != kS3Service) {
    return "incorrect service \"" + c.service + "\". This endpoint belongs to \"s3\".";
  }
  if (c.terminator != kScopeTerminator) {
    return "incorrect terminal \"" + c.terminator + "\". This endpoint uses \"aws4_request\".";
  }
  return std::nullopt;
}

struct QueryParam {
  std::string name;   // decoded
  std::string value;  // decoded
};

// Splits a wire query into decoded (name, value) pairs; empty pieces ("a=1&&b") are skipped.
AuthOr<std::vector<QueryParam>> DecodeQuery(std::string_view raw_query) {
  std::vector<QueryParam> params;
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view piece = raw_query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view raw_name = piece.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
    std::optional<std::string> name = PercentDecode(raw_name, /*plus_is_space=*/true);
    std::optional<std::string> value = PercentDecode(raw_value, /*plus_is_space=*/true);
    if (!name || !value) {
      return Error(AuthErrorCode::kInvalidUri, "Couldn't parse the specified URI.");
    }
    params.push_back({std::move(*name), std::move(*value)});
  }
  return params;
}

const QueryParam* FindParam(const std::vector<QueryParam>& params, std::string_view name) {
  for (const QueryParam& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// Every x-amz-* header must be signed (AWS answers AccessDenied "There were headers present in
// the request which were not signed"); otherwise a presigned URL or a captured request could be
// replayed with, say, x-amz-acl or x-amz-copy-source added.
std::optional<AuthError> UnsignedAmzHeader(const RequestView& request,
                                           const std::vector<std::string>& signed_names) {
  for (const auto& [name, value] : request.headers) {
    std::string lower = ToLower(name);
    if (StartsWith(lower, "x-amz-") && !Contains(signed_names, lower)) {
      return Error(AuthErrorCode::kAccessDenied,
                   "There were headers present in the request which were not signed: " + lower);
    }
  }
  return std::nullopt;
}

AuthOr<PayloadMode> ParsePayloadMode(std::string_view value) {
  if (value == kUnsignedPayload) return PayloadMode::kUnsignedPayload;
  if (value == kStreamingSignedPayload) return PayloadMode::kStreamingSigned;
  if (value == kStreamingUnsignedPayloadTrailer) return PayloadMode::kStreamingUnsignedTrailer;
  if (value == kStreamingSignedPayloadTrailer) return PayloadMode::kStreamingSignedTrailer;
  if (value.size() == 64 && IsHex(value)) return PayloadMode::kSignedPayload;
  if (value == "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD" ||
      value == "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER" ||
      value == "STREAMING-AWS4-HMAC-SHA256-EVENTS") {
    return Error(AuthErrorCode::kNotImplemented,
                 "x-amz-content-sha256 value " + std::string(value) + " is not supported.");
  }
  return Error(AuthErrorCode::kInvalidArgument,
               "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
               "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
               "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.");
}

bool IsSigV4PresignParam(std::string_view name) {
  return name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Signature";
}

bool IsSigV2PresignParam(std::string_view name) {
  return name == "AWSAccessKeyId" || name == "Signature";
}

// Cheap scan of the wire query for auth parameter names (names never need decoding here: the
// SDKs send them literally).
bool QueryHasParam(std::string_view raw_query, bool (*pred)(std::string_view)) {
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view piece = raw_query.substr(start, end - start);
    if (pred(piece.substr(0, piece.find('=')))) return true;
    start = end + 1;
  }
  return false;
}

std::string SigningKeyFor(SigningKeyCache* cache, std::string_view access_key_id,
                          std::string_view secret, const CredentialScope& c) {
  if (cache != nullptr) return cache->Get(access_key_id, secret, c.date, c.region, c.service);
  return DeriveSigningKey(secret, c.date, c.region, c.service);
}

AuthOr<std::string> LookupSecret(const SecretLookup& lookup, std::string_view access_key_id) {
  Result<std::string> secret = lookup(access_key_id);
  if (secret.ok()) return std::move(secret).value();
  if (secret.status().IsNotFound()) {
    return Error(AuthErrorCode::kInvalidAccessKeyId,
                 "The AWS Access Key Id you provided does not exist in our records.");
  }
  return Error(AuthErrorCode::kInternalError,
               "We encountered an internal error. Please try again.");
}

// The parts of a request both auth kinds sign the same way.
struct SigningInput {
  const CredentialScope* credential;
  std::string_view amz_date;
  std::string_view signed_headers;
  const std::vector<std::string>* signed_header_names;
  std::string_view hashed_payload;
  bool presigned;
};

// Computes the expected signature; returns it with the signing key.
AuthOr<std::pair<std::string, std::string>> ExpectedSignature(const RequestView& request,
                                                              const SigningInput& in,
                                                              std::string_view secret,
                                                              SigningKeyCache* cache) {
  AUTH_ASSIGN_OR_RETURN(std::string uri, CanonicalUri(request.raw_path));
  AUTH_ASSIGN_OR_RETURN(std::string query, CanonicalQueryString(request.raw_query, in.presigned));
  AUTH_ASSIGN_OR_RETURN(std::string headers, CanonicalHeaders(request, *in.signed_header_names));
  std::string canonical =
      CanonicalRequest(request.method, uri, query, headers, in.signed_headers, in.hashed_payload);
  std::string key = SigningKeyFor(cache, in.credential->access_key_id, secret, *in.credential);
  std::string signature =
      SignatureHex(key, StringToSign(in.amz_date, in.credential->Scope(), canonical));
  return std::make_pair(std::move(signature), std::move(key));
}

AuthResult MakeResult(AuthKind kind, const CredentialScope& c, std::string_view amz_date,
                      int64_t request_time_ms, std::vector<std::string> signed_headers) {
  AuthResult r;
  r.kind = kind;
  r.access_key_id = c.access_key_id;
  r.amz_date = std::string(amz_date);
  r.scope = c.Scope();
  r.scope_date = c.date;
  r.region = c.region;
  r.service = c.service;
  r.request_time_ms = request_time_ms;
  r.signed_headers = std::move(signed_headers);
  return r;
}

AuthOr<AuthResult> VerifyHeader(const RequestView& request, std::string_view authorization,
                                const SecretLookup& lookup, int64_t now_ms, std::string_view region,
                                SigningKeyCache* cache) {
  AUTH_ASSIGN_OR_RETURN(AuthorizationHeader auth, ParseAuthorizationHeader(authorization));
  const CredentialScope& c = auth.credential;
  if (!region.empty() && c.region != region) {
    return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                 std::string(kHeaderMalformedPrefix) + "the region '" + c.region +
                     "' is wrong; expecting '" + std::string(region) + "'");
  }
  if (FindHeader(request, "x-amz-security-token")) {
    return Error(AuthErrorCode::kInvalidToken,
                 "The provided token is malformed or otherwise invalid.");
  }

  // x-amz-date wins over Date (the spec allows either); the string to sign always carries the
  // ISO 8601 basic form, so a Date header is re-formatted.
  std::string amz_date;
  std::optional<int64_t> request_time_ms;
  if (auto x_amz_date = FindHeader(request, "x-amz-date")) {
    amz_date = std::string(Trim(*x_amz_date));
    request_time_ms = ParseStrictAmzDate(amz_date);
  } else if (auto date = FindHeader(request, "date")) {
    request_time_ms = ParseHttpDate(Trim(*date));
    if (!request_time_ms) request_time_ms = ParseStrictAmzDate(Trim(*date));
    if (request_time_ms) amz_date = FormatAmzDate(*request_time_ms);
  }
  if (!request_time_ms) {
    return Error(AuthErrorCode::kAccessDenied,
                 "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (c.date != std::string_view(amz_date).substr(0, 8)) {
    return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                 std::string(kHeaderMalformedPrefix) +
                     "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  if (*request_time_ms > now_ms + kMaxClockSkewMs || *request_time_ms < now_ms - kMaxClockSkewMs) {
    return Error(AuthErrorCode::kRequestTimeTooSkewed,
                 "The difference between the request time and the current time is too large.");
  }
  if (!Contains(auth.signed_header_names, "host")) {
    return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                 std::string(kHeaderMalformedPrefix) + "SignedHeaders must include host.");
  }

  std::optional<std::string_view> content_sha256 = FindHeader(request, "x-amz-content-sha256");
  if (content_sha256) content_sha256 = Trim(*content_sha256);
  if (!content_sha256) {
    return Error(AuthErrorCode::kInvalidRequest,
                 "Missing required header for this request: x-amz-content-sha256");
  }
  AUTH_ASSIGN_OR_RETURN(PayloadMode mode, ParsePayloadMode(*content_sha256));
  if (auto unsigned_header = UnsignedAmzHeader(request, auth.signed_header_names)) {
    return *unsigned_header;
  }

  AUTH_ASSIGN_OR_RETURN(std::string secret, LookupSecret(lookup, c.access_key_id));
  SigningInput in{&c,
                  amz_date,
                  auth.signed_headers,
                  &auth.signed_header_names,
                  *content_sha256,
                  /*presigned=*/false};
  AUTH_ASSIGN_OR_RETURN(auto expected, ExpectedSignature(request, in, secret, cache));
  if (!ConstantTimeEquals(expected.first, auth.signature)) {
    return Error(AuthErrorCode::kSignatureDoesNotMatch, std::string(kSignatureMismatchMessage));
  }

  AuthResult r = MakeResult(AuthKind::kHeader, c, amz_date, *request_time_ms,
                            std::move(auth.signed_header_names));
  r.signing_key = std::move(expected.second);
  r.seed_signature = std::move(expected.first);
  r.payload_mode = mode;
  if (mode == PayloadMode::kSignedPayload) r.payload_sha256_hex = ToLower(*content_sha256);
  return r;
}

AuthOr<AuthResult> VerifyPresigned(const RequestView& request, const SecretLookup& lookup,
                                   int64_t now_ms, std::string_view region,
                                   SigningKeyCache* cache) {
  AUTH_ASSIGN_OR_RETURN(PresignedQuery q, ParsePresignedQuery(request.raw_query));
  const CredentialScope& c = q.credential;
  if (!region.empty() && c.region != region) {
    return Error(AuthErrorCode::kAuthorizationQueryParametersError,
                 std::string(kCredentialParsePrefix) + "the region '" + c.region +
                     "' is wrong; expecting '" + std::string(region) + "'");
  }
  if (q.has_security_token || FindHeader(request, "x-amz-security-token")) {
    return Error(AuthErrorCode::kInvalidToken,
                 "The provided token is malformed or otherwise invalid.");
  }
  if (c.date != std::string_view(q.amz_date).substr(0, 8)) {
    return Error(AuthErrorCode::kAuthorizationQueryParametersError,
                 std::string(kCredentialParsePrefix) +
                     "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  const int64_t request_time_ms = *ParseStrictAmzDate(q.amz_date);  // validated by the parser
  if (request_time_ms > now_ms + kMaxClockSkewMs) {
    return Error(AuthErrorCode::kAccessDenied, "Request is not valid yet");
  }
  const int64_t expires_at_ms = request_time_ms + q.expires_seconds * 1000;
  if (now_ms > expires_at_ms || q.expires_seconds == 0) {
    return Error(AuthErrorCode::kAccessDenied, "Request has expired");
  }
  if (!Contains(q.signed_header_names, "host")) {
    return Error(AuthErrorCode::kAuthorizationQueryParametersError,
                 "X-Amz-SignedHeaders must include host.");
  }

  // Presigned URLs sign UNSIGNED-PAYLOAD unless the signer put X-Amz-Content-Sha256 in the query.
  PayloadMode mode = PayloadMode::kUnsignedPayload;
  std::string hashed_payload(kUnsignedPayload);
  if (q.content_sha256) {
    AUTH_ASSIGN_OR_RETURN(mode, ParsePayloadMode(*q.content_sha256));
    if (IsStreaming(mode)) {
      return Error(AuthErrorCode::kInvalidRequest,
                   "Streaming uploads are not supported with query-string authentication.");
    }
    hashed_payload = *q.content_sha256;
  }
  if (auto unsigned_header = UnsignedAmzHeader(request, q.signed_header_names)) {
    return *unsigned_header;
  }

  AUTH_ASSIGN_OR_RETURN(std::string secret, LookupSecret(lookup, c.access_key_id));
  SigningInput in{&c,
                  q.amz_date,
                  q.signed_headers,
                  &q.signed_header_names,
                  hashed_payload,
                  /*presigned=*/true};
  AUTH_ASSIGN_OR_RETURN(auto expected, ExpectedSignature(request, in, secret, cache));
  if (!ConstantTimeEquals(expected.first, q.signature)) {
    return Error(AuthErrorCode::kSignatureDoesNotMatch, std::string(kSignatureMismatchMessage));
  }

  AuthResult r = MakeResult(AuthKind::kPresigned, c, q.amz_date, request_time_ms,
                            std::move(q.signed_header_names));
  r.signing_key = std::move(expected.second);
  r.seed_signature = std::move(expected.first);
  r.expires_at_ms = expires_at_ms;
  r.payload_mode = mode;
  if (mode == PayloadMode::kSignedPayload) r.payload_sha256_hex = ToLower(hashed_payload);
  return r;
}

}  // namespace

std::optional<std::string_view> FindHeader(const RequestView& request,
                                           std::string_view lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string CredentialScope::Scope() const {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + terminator.size() + 3);
  out.append(date).append("/").append(region).append("/").append(service).append("/").append(
      terminator);
  return out;
}

AuthOr<AuthorizationHeader> ParseAuthorizationHeader(std::string_view value) {
  value = Trim(value);
  if (StartsWith(value, "AWS ")) {
    return Error(AuthErrorCode::kInvalidRequest,
                 "The authorization mechanism you have provided is not supported. Please use "
                 "AWS4-HMAC-SHA256.");
  }
  if (!StartsWith(value, kSigV4Algorithm) ||
      (value.size() > kSigV4Algorithm.size() && !IsSpace(value[kSigV4Algorithm.size()]))) {
    return Error(AuthErrorCode::kInvalidArgument, "Unsupported Authorization Type");
  }
  std::string_view rest = value.substr(kSigV4Algorithm.size());

  std::optional<std::string_view> credential, signed_headers, signature;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find(',', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view component = Trim(rest.substr(start, end - start));
    start = end + 1;
    if (component.empty()) {
      return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                   std::string(kHeaderMalformedPrefix) + "empty component.");
    }
    size_t eq = component.find('=');
    if (eq == std::string_view::npos) {
      return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                   std::string(kHeaderMalformedPrefix) + "component '" + std::string(component) +
                       "' is not of the form name=value.");
    }
    std::string_view name = Trim(component.substr(0, eq));
    std::string_view val = Trim(component.substr(eq + 1));
    std::optional<std::string_view>* slot = nullptr;
    if (name == "Credential") slot = &credential;
    if (name == "SignedHeaders") slot = &signed_headers;
    if (name == "Signature") slot = &signature;
    if (slot == nullptr || slot->has_value()) {
      return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                   std::string(kHeaderMalformedPrefix) +
                       (slot == nullptr ? "unknown component '" : "duplicate component '") +
                       std::string(name) + "'.");
    }
    *slot = val;
  }
  if (!credential || !signed_headers || !signature) {
    return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                 std::string(kHeaderMalformedPrefix) +
                     "it must contain Credential, SignedHeaders and Signature.");
  }

  AuthorizationHeader out;
  std::optional<CredentialScope> scope = SplitCredential(*credential);
  if (!scope) {
    return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                 std::string(kHeaderMalformedPrefix) +
                     "the Credential is mal-formed; expecting "
                     "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  if (auto problem = CredentialShapeProblem(*scope)) {
    return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                 std::string(kHeaderMalformedPrefix) + *problem);
  }
  out.credential = std::move(*scope);
  out.signed_headers = std::string(*signed_headers);
  out.signed_header_names = SplitSignedHeaders(*signed_headers);
  if (!ValidSignedHeaders(out.signed_header_names)) {
    return Error(AuthErrorCode::kAuthorizationHeaderMalformed,
                 std::string(kHeaderMalformedPrefix) + "SignedHeaders is invalid.");
  }
  std::optional<std::string> sig = NormalizeSignature(*signature);
  if (!sig) {
    return Error(
        AuthErrorCode::kAuthorizationHeaderMalformed,
        std::string(kHeaderMalformedPrefix) + "Signature must be 64 hexadecimal characters.");
  }
  out.signature = std::move(*sig);
  return out;
}

AuthOr<PresignedQuery> ParsePresignedQuery(std::string_view raw_query) {
  AUTH_ASSIGN_OR_RETURN(std::vector<QueryParam> params, DecodeQuery(raw_query));
  auto query_error = [](std::string message) {
    return Error(AuthErrorCode::kAuthorizationQueryParametersError, std::move(message));
  };
  const QueryParam* algorithm = FindParam(params, "X-Amz-Algorithm");
  const QueryParam* credential = FindParam(params, "X-Amz-Credential");
  const QueryParam* signature = FindParam(params, "X-Amz-Signature");
  const QueryParam* date = FindParam(params, "X-Amz-Date");
  const QueryParam* signed_headers = FindParam(params, "X-Amz-SignedHeaders");
  const QueryParam* expires = FindParam(params, "X-Amz-Expires");
  if (!algorithm || !credential || !signature || !date || !signed_headers || !expires) {
    return query_error(std::string(kQueryParamsRequiredMessage));
  }
  if (algorithm->value != kSigV4Algorithm) {
    return query_error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }

  PresignedQuery out;
  std::optional<CredentialScope> scope = SplitCredential(credential->value);
  if (!scope) {
    return query_error(std::string(kCredentialParsePrefix) +
                       "the Credential is mal-formed; expecting "
                       "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  if (auto problem = CredentialShapeProblem(*scope)) {
    return query_error(std::string(kCredentialParsePrefix) + *problem);
  }
  out.credential = std::move(*scope);

  if (!ParseStrictAmzDate(date->value)) {
    return query_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  out.amz_date = date->value;

  std::string_view exp = expires->value;
  if (!exp.empty() && exp.front() == '-' && IsDigits(exp.substr(1))) {
    return query_error("X-Amz-Expires must be non-negative");
  }
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), seconds);
  if (!IsDigits(exp) || ec != std::errc() || ptr != exp.data() + exp.size()) {
    return query_error("X-Amz-Expires should be a number");
  }
  if (seconds > kMaxPresignedExpiresSeconds) {
    return query_error("X-Amz-Expires must be less than a week (in seconds) that is; 604800");
  }
  if (seconds < kMinPresignedExpiresSeconds) {
    return query_error("X-Amz-Expires must be non-negative");
  }
  out.expires_seconds = seconds;

  out.signed_headers = signed_headers->value;
  out.signed_header_names = SplitSignedHeaders(signed_headers->value);
  if (!ValidSignedHeaders(out.signed_header_names)) {
    return query_error("X-Amz-SignedHeaders is invalid.");
  }
  std::optional<std::string> sig = NormalizeSignature(signature->value);
  if (!sig) return query_error("X-Amz-Signature must be 64 hexadecimal characters.");
  out.signature = std::move(*sig);
  if (const QueryParam* sha = FindParam(params, "X-Amz-Content-Sha256")) {
    out.content_sha256 = sha->value;
  }
  out.has_security_token = FindParam(params, "X-Amz-Security-Token") != nullptr;
  return out;
}

AuthOr<std::string> CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return std::string("/");
  std::optional<std::string> decoded = PercentDecode(raw_path, /*plus_is_space=*/false);
  if (!decoded) return Error(AuthErrorCode::kInvalidUri, "Couldn't parse the specified URI.");
  return CanonicalUriOfDecoded(*decoded);
}

AuthOr<std::string> CanonicalQueryString(std::string_view raw_query, bool exclude_signature) {
  AUTH_ASSIGN_OR_RETURN(std::vector<QueryParam> params, DecodeQuery(raw_query));
  std::vector<std::pair<std::string, std::string>> decoded;
  decoded.reserve(params.size());
  for (QueryParam& p : params) decoded.emplace_back(std::move(p.name), std::move(p.value));
  return CanonicalQueryOfDecoded(decoded, exclude_signature);
}

AuthOr<std::string> CanonicalHeaders(const RequestView& request,
                                     std::span<const std::string> signed_header_names) {
  Result<std::string> lines = CanonicalHeaderLines(request.headers, signed_header_names);
  if (!lines.ok()) {
    return Error(AuthErrorCode::kSignatureDoesNotMatch,
                 std::string(kSignatureMismatchMessage) + " (signed header '" +
                     lines.status().message() + "' is missing from the request)");
  }
  return std::move(*lines);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SigningKeyCache::Get(std::string_view access_key_id, std::string_view secret_access_key,
                                 std::string_view date, std::string_view region,
                                 std::string_view service) {
  std::string cache_key;
  cache_key.append(access_key_id).push_back('\n');
  cache_key.append(date).push_back('\n');
  cache_key.append(region).push_back('\n');
  cache_key.append(service);
  std::string secret_sha256 = Sha256(secret_access_key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(cache_key);
    if (it != entries_.end() && ConstantTimeEquals(it->second.secret_sha256, secret_sha256)) {
      return it->second.signing_key;
    }
  }
  // Derive outside the lock; a concurrent miss derives the same key, which is harmless.
  std::string key = DeriveSigningKey(secret_access_key, date, region, service);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_) entries_.clear();  // keys roll over daily anyway
  entries_[cache_key] = Entry{std::move(secret_sha256), key};
  return key;
}

size_t SigningKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

AuthKind DetectAuthKind(const RequestView& request) {
  if (FindHeader(request, "authorization")) return AuthKind::kHeader;
  if (QueryHasParam(request.raw_query, IsSigV4PresignParam) ||
      QueryHasParam(request.raw_query, IsSigV2PresignParam)) {
    return AuthKind::kPresigned;
  }
  return AuthKind::kAnonymous;
}

bool IsStreaming(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingUnsignedTrailer ||
         mode == PayloadMode::kStreamingSignedTrailer;
}

AuthOr<AuthResult> Verify(const RequestView& request, const SecretLookup& lookup, int64_t now_ms,
                          std::string_view region, SigningKeyCache* cache) {
  std::optional<std::string_view> authorization = FindHeader(request, "authorization");
  const bool v4_query = QueryHasParam(request.raw_query, IsSigV4PresignParam);
  const bool v2_query = QueryHasParam(request.raw_query, IsSigV2PresignParam);
  if (authorization && (v4_query || v2_query)) {
    return Error(AuthErrorCode::kInvalidArgument,
                 "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                 "Signature query string parameter or the Authorization header should be "
                 "specified");
  }
  if (authorization) {
    return VerifyHeader(request, *authorization, lookup, now_ms, region, cache);
  }
  if (v4_query) return VerifyPresigned(request, lookup, now_ms, region, cache);
  if (v2_query) {
    return Error(AuthErrorCode::kInvalidRequest,
                 "The authorization mechanism you have provided is not supported. Please use "
                 "AWS4-HMAC-SHA256.");
  }
  return Error(AuthErrorCode::kAccessDenied, "Anonymous access is forbidden for this operation");
}

std::optional<AuthError> CheckPayloadSha256(const AuthResult& auth,
                                            std::string_view body_sha256_hex) {
  if (auth.payload_mode != PayloadMode::kSignedPayload) return std::nullopt;
  if (ConstantTimeEquals(auth.payload_sha256_hex, ToLower(body_sha256_hex))) return std::nullopt;
  return Error(AuthErrorCode::kXAmzContentSha256Mismatch,
               "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

}  // namespace stocktake::s3::auth
