// Decoder for aws-chunked request bodies (Content-Encoding: aws-chunked), the framing S3 SDKs use
// for streaming SigV4 uploads and for trailing checksums:
//
//   signed  (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], sigv4-streaming.html):
//     <hex size>;chunk-signature=<64 hex>\r\n <size bytes> \r\n   ... repeated, then
//     0;chunk-signature=<64 hex>\r\n  then  \r\n  (no trailer)  or  trailer lines (below)
//   unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER):
//     <hex size>\r\n <size bytes> \r\n   ...   0\r\n  then trailer lines
//   trailer lines (sigv4-streaming-trailers.html):
//     x-amz-checksum-crc32:<base64>\r\n ... [x-amz-trailer-signature:<64 hex>\r\n] \r\n
//
// Chunk n's signature is HMAC(signing key, ChunkStringToSign(date, scope, signature n-1,
// sha256(data n))) with the seed (request) signature as signature 0; the trailer signature chains
// on the final (empty) chunk's signature over sha256 of the trailers as "name:value\n" lines in
// name order. Tolerated variants seen in AWS's own examples and clients: an empty line between
// the final chunk and the trailers, and a body that ends right after the trailer signature line.
//
// Incremental and bounded: Feed() accepts slices split anywhere (down to one byte) and passes
// payload bytes to the sink as sub-slices of its input, without buffering chunk data; only one
// header/trailer line (at most kMaxLineBytes) and the trailers (at most kMaxTrailerBytes) are
// held. Payload bytes are emitted BEFORE their chunk's signature can be checked (it covers the
// whole chunk), so the caller must stage the data and commit it only after Finish() succeeds.
//
// Errors are sticky. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/status.h"
#include "s3/auth/auth_error.h"
#include "s3/auth/sigv4.h"

namespace stocktake::s3::auth {

class ChunkedDecoder {
 public:
  // A chunk-size or trailer line longer than this is rejected (real ones are < 100 bytes).
  static constexpr size_t kMaxLineBytes = 4096;
  static constexpr size_t kMaxTrailerBytes = 16 * 1024;
  static constexpr size_t kMaxTrailers = 32;
  // The largest single PUT S3 accepts; no chunk can be larger.
  static constexpr uint64_t kDefaultMaxChunkBytes = uint64_t{5} << 30;

  struct Options {
    // One of the streaming modes (IsStreaming).
    PayloadMode mode = PayloadMode::kStreamingSigned;
    // Signed modes only, from AuthResult.
    std::string signing_key;
    std::string amz_date;
    std::string scope;
    std::string seed_signature;
    // x-amz-decoded-content-length, if the request declared it: more payload is an error as soon
    // as it arrives, less is an error at Finish().
    std::optional<uint64_t> decoded_content_length;
    // Lower-case trailer names from x-amz-trailer. When non-empty, undeclared trailers are
    // rejected and every declared one must arrive.
    std::vector<std::string> declared_trailers;
    uint64_t max_chunk_bytes = kDefaultMaxChunkBytes;
  };

  // Receives decoded payload bytes in order. A non-OK status stops decoding and is returned by
  // Feed unchanged (auth_error() stays empty).
  using Sink = std::function<Status(std::string_view payload)>;

  // Options for a verified request: mode and signing material from `auth`, plus
  // x-amz-decoded-content-length and x-amz-trailer from `request`.
  // Errors: kInvalidRequest if auth.payload_mode is not a streaming mode; kInvalidArgument for an
  // unparsable x-amz-decoded-content-length.
  static AuthOr<Options> OptionsFor(const AuthResult& auth, const RequestView& request);

  explicit ChunkedDecoder(Options options);
  ~ChunkedDecoder();
  ChunkedDecoder(const ChunkedDecoder&) = delete;
  ChunkedDecoder& operator=(const ChunkedDecoder&) = delete;

  // Consumes the next slice of the raw body. Returns the sink's error if it failed; otherwise a
  // decoding failure (Status message = S3 message) with auth_error() set to the S3 error:
  // SignatureDoesNotMatch (chunk or trailer signature), InvalidRequest (malformed framing,
  // oversized line, bad trailer, bytes after the end), IncompleteBody (more payload than
  // declared). Once failed, every call returns the same error.
  Status Feed(std::string_view data, const Sink& sink);

  // Declares the end of the body. OK only if the body was complete (final chunk, trailers and
  // trailer signature as the mode requires) and matches decoded_content_length; otherwise
  // IncompleteBody / InvalidRequest via auth_error().
  Status Finish();

  bool done() const { return state_ == State::kDone; }
  uint64_t decoded_bytes() const { return decoded_bytes_; }
  uint64_t chunk_count() const { return chunk_count_; }
  // Trailers in arrival order, names lower-cased, values trimmed; x-amz-trailer-signature is not
  // included. Complete once Finish() succeeded.
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }
  std::optional<std::string_view> Trailer(std::string_view lower_name) const;
  const std::optional<AuthError>& auth_error() const { return error_; }

 private:
  enum class State {
    kChunkLine,    // reading "<hex>[;chunk-signature=...]\r\n"
    kChunkData,    // copying chunk payload
    kDataCr,       // expecting '\r' after chunk data
    kDataLf,       // expecting '\n' after chunk data
    kTrailerLine,  // reading trailer lines until the empty line
    kTrailerEnd,   // after a verified trailer signature: only the final "\r\n" may follow
    kDone,
    kFailed,
  };

  bool signed_chunks() const;
  bool has_trailers() const;
  Status Fail(AuthErrorCode code, std::string message);
  // Appends input up to and including '\n' to line_; true once a full line is buffered.
  bool TakeLine(std::string_view* data, size_t limit, bool* too_long);
  Status OnChunkLine(std::string_view line);
  Status OnChunkDataEnd();
  Status OnTrailerLine(std::string_view line);
  Status FinishTrailers();
  Status VerifyTrailerSignature(std::string_view signature);

  Options options_;
  State state_ = State::kChunkLine;
  std::string line_;
  uint64_t chunk_remaining_ = 0;
  bool final_chunk_ = false;
  std::string chunk_signature_;       // signature announced for the chunk being read
  std::string previous_signature_;    // signature of the previous chunk (seed first)
  std::optional<Digest> chunk_hash_;  // signed modes: SHA-256 of the current chunk
  uint64_t decoded_bytes_ = 0;
  uint64_t chunk_count_ = 0;
  size_t trailer_bytes_ = 0;
  bool skipped_blank_before_trailers_ = false;
  std::vector<std::pair<std::string, std::string>> trailers_;
  std::optional<AuthError> error_;
};

}  // namespace stocktake::s3::auth
