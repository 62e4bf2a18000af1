// The signing steps of AWS Signature Version 4 for S3, as pure functions (canonical request ->
// string to sign -> signing key -> signature). Shared by the outbound client (s3_client.cc signs
// with them) and the server's verification (s3/auth/sigv4.h recomputes signatures with them and
// adds the wire parsing, the S3 error codes and the checks), so that both agree by construction
// and are tested offline against AWS's published examples (s3/auth/sigv4_test.cc).
//
// Specs: "Authenticating Requests (AWS Signature Version 4)" in the Amazon S3 API reference:
// sig-v4-header-based-auth.html, sigv4-query-string-auth.html, sigv4-streaming.html and
// sigv4-streaming-trailers.html.
//
// The names keep the namespace they had in s3/auth before the move (issue 21).
// Thread safety: pure functions; no I/O, no clock.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace stocktake::s3::auth {

// --- Wire constants (AWS S3 API reference, SigV4 pages) --------------------------------------
inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kScopeTerminator = "aws4_request";
inline constexpr std::string_view kS3Service = "s3";
inline constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// x-amz-content-sha256 values.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

// --- Canonicalisation of decoded input -----------------------------------------------------------
// The server's CanonicalUri / CanonicalQueryString (s3/auth/sigv4.h) decode the wire form first
// and then call these; the client calls them with what it is about to send.

// UriEncode(decoded_path, keep_slash=true); "" -> "/". Not normalised ("//" and "." are kept).
std::string CanonicalUriOfDecoded(std::string_view decoded_path);

// Each decoded name and value RFC 3986 UriEncoded, "name=" for a bare name, sorted by the encoded
// name then value, joined with '&'. With exclude_signature (presigned), X-Amz-Signature is left
// out.
std::string CanonicalQueryOfDecoded(std::span<const std::pair<std::string, std::string>> params,
                                    bool exclude_signature);

// "name:value\n" for each signed header in the given order; repeated headers joined with ',' in
// arrival order; each value trimmed and inner runs of spaces/tabs collapsed to one space.
// `headers` have lower-case names. NotFound, with the header's name as the message, when a
// signed header is absent.
Result<std::string> CanonicalHeaderLines(
    std::span<const std::pair<std::string, std::string>> headers,
    std::span<const std::string> signed_header_names);

// --- Signing -------------------------------------------------------------------------------------

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view hashed_payload);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// aws-chunked chunk signature input: "AWS4-HMAC-SHA256-PAYLOAD\n<amz_date>\n<scope>\n
// <previous signature>\n<sha256("")>\n<hex sha256(chunk data)>".
std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature,
                              std::string_view chunk_sha256_hex);

// Trailer signature input: "AWS4-HMAC-SHA256-TRAILER\n<amz_date>\n<scope>\n<previous
// signature>\n<hex sha256(canonical trailers)>", canonical trailers being "name:value\n"...
std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature,
                                std::string_view trailers_sha256_hex);

// HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"; 32 raw bytes.
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256(signing_key, string_to_sign).
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace stocktake::s3::auth
