#include "s3/auth/chunked_decoder.h"

#include <algorithm>
#include <charconv>

#include "common/encoding.h"

namespace stocktake::s3::auth {
namespace {

constexpr std::string_view kChunkSignaturePrefix = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";
constexpr std::string_view kChunkSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return HexDigit(c) >= 0; });
}

// 1 to 16 hex digits (no sign, no spaces, no "0x"): the only chunk-size syntax SDKs produce.
std::optional<uint64_t> ParseHexSize(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = HexDigit(c);
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

// RFC 7230 token characters, which is what a trailer (header) name may contain.
bool IsTokenName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsTrailerMode(PayloadMode mode) {
  return mode == PayloadMode::kStreamingUnsignedTrailer ||
         mode == PayloadMode::kStreamingSignedTrailer;
}

}  // namespace

AuthOr<ChunkedDecoder::Options> ChunkedDecoder::OptionsFor(const AuthResult& auth,
                                                           const RequestView& request) {
  if (!IsStreaming(auth.payload_mode)) {
    return AuthError{AuthErrorCode::kInvalidRequest,
                     "The request body is not aws-chunked: x-amz-content-sha256 does not name a "
                     "streaming payload."};
  }
  Options options;
  options.mode = auth.payload_mode;
  options.signing_key = auth.signing_key;
  options.amz_date = auth.amz_date;
  options.scope = auth.scope;
  options.seed_signature = auth.seed_signature;
  if (auto declared = FindHeader(request, "x-amz-decoded-content-length")) {
    std::string_view text = Trim(*declared);
    uint64_t length = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
      return AuthError{AuthErrorCode::kInvalidArgument,
                       "x-amz-decoded-content-length must be a non-negative integer."};
    }
    options.decoded_content_length = length;
  }
  if (IsTrailerMode(auth.payload_mode)) {
    // x-amz-trailer may repeat and may list several names separated by commas.
    for (const auto& [name, value] : request.headers) {
      if (name != "x-amz-trailer") continue;
      std::string_view rest = value;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view item = Trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (!item.empty()) options.declared_trailers.push_back(ToLower(item));
      }
    }
  }
  return options;
}

ChunkedDecoder::ChunkedDecoder(Options options)
    : options_(std::move(options)), previous_signature_(options_.seed_signature) {
  if (!IsStreaming(options_.mode)) {
    error_ = AuthError{AuthErrorCode::kInvalidRequest, "Not an aws-chunked payload mode."};
    state_ = State::kFailed;
  }
}

ChunkedDecoder::~ChunkedDecoder() = default;

bool ChunkedDecoder::signed_chunks() const {
  return options_.mode == PayloadMode::kStreamingSigned ||
         options_.mode == PayloadMode::kStreamingSignedTrailer;
}

bool ChunkedDecoder::has_trailers() const { return IsTrailerMode(options_.mode); }

Status ChunkedDecoder::Fail(AuthErrorCode code, std::string message) {
  error_ = AuthError{code, std::move(message)};
  state_ = State::kFailed;
  line_.clear();
  line_.shrink_to_fit();
  return error_->ToStatus();
}

bool ChunkedDecoder::TakeLine(std::string_view* data, size_t limit, bool* too_long) {
  *too_long = false;
  size_t newline = data->find('\n');
  size_t take = newline == std::string_view::npos ? data->size() : newline + 1;
  // +2 for the CRLF, which the limit does not count.
  if (line_.size() + take > limit + 2) {
    *too_long = true;
    return false;
  }
  line_.append(data->substr(0, take));
  data->remove_prefix(take);
  return newline != std::string_view::npos;
}

std::optional<std::string_view> ChunkedDecoder::Trailer(std::string_view lower_name) const {
  for (const auto& [name, value] : trailers_) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

Status ChunkedDecoder::Feed(std::string_view data, const Sink& sink) {
  if (state_ == State::kFailed) {
    // A sink failure leaves error_ empty; report it generically on re-entry.
    return error_ ? error_->ToStatus()
                  : Status::Aborted("aws-chunked decoding stopped after a sink error");
  }
  while (!data.empty()) {
    switch (state_) {
      case State::kChunkLine:
      case State::kTrailerLine:
      case State::kTrailerEnd: {
        bool too_long = false;
        if (!TakeLine(&data, kMaxLineBytes, &too_long)) {
          if (too_long) {
            return Fail(AuthErrorCode::kInvalidRequest,
                        state_ == State::kChunkLine ? "aws-chunked chunk header line is too long."
                                                    : "aws-chunked trailer line is too long.");
          }
          continue;  // all input consumed into line_
        }
        // A line must end in CRLF and hold no other CR.
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r' ||
            line_.find('\r') != line_.size() - 2) {
          return Fail(AuthErrorCode::kInvalidRequest,
                      "aws-chunked framing error: line not terminated by CRLF.");
        }
        std::string line = std::move(line_);
        line_.clear();
        line.resize(line.size() - 2);
        Status st;
        if (state_ == State::kChunkLine) {
          st = OnChunkLine(line);
        } else if (state_ == State::kTrailerLine) {
          st = OnTrailerLine(line);
        } else if (line.empty()) {
          state_ = State::kDone;  // the final CRLF after the trailer signature
        } else {
          st = Fail(AuthErrorCode::kInvalidRequest,
                    "aws-chunked framing error: data after the trailer signature.");
        }
        if (!st.ok()) return st;
        break;
      }
      case State::kChunkData: {
        const size_t n = static_cast<size_t>(
            std::min<uint64_t>(chunk_remaining_, static_cast<uint64_t>(data.size())));
        std::string_view piece = data.substr(0, n);
        if (chunk_hash_) chunk_hash_->Update(piece);
        decoded_bytes_ += n;
        chunk_remaining_ -= n;
        data.remove_prefix(n);
        Status st = sink(piece);
        if (!st.ok()) {
          state_ = State::kFailed;  // error_ stays empty: the caller's own failure
          return st;
        }
        if (chunk_remaining_ == 0) {
          state_ = State::kDataCr;
          if (chunk_hash_) {
            std::string chunk_sha256_hex = HexLower(chunk_hash_->Finish());
            chunk_hash_.reset();
            std::string expected = SignatureHex(
                options_.signing_key, ChunkStringToSign(options_.amz_date, options_.scope,
                                                        previous_signature_, chunk_sha256_hex));
            if (!ConstantTimeEquals(expected, chunk_signature_)) {
              return Fail(AuthErrorCode::kSignatureDoesNotMatch,
                          std::string(kChunkSignatureMismatch));
            }
            previous_signature_ = chunk_signature_;
          }
        }
        break;
      }
      case State::kDataCr:
      case State::kDataLf: {
        const char expected = state_ == State::kDataCr ? '\r' : '\n';
        if (data.front() != expected) {
          return Fail(AuthErrorCode::kInvalidRequest,
                      "aws-chunked framing error: chunk data not followed by CRLF.");
        }
        data.remove_prefix(1);
        if (state_ == State::kDataCr) {
          state_ = State::kDataLf;
        } else {
          state_ = final_chunk_ ? State::kDone : State::kChunkLine;
        }
        break;
      }
      case State::kDone:
        return Fail(AuthErrorCode::kInvalidRequest,
                    "aws-chunked framing error: data after the end of the body.");
      case State::kFailed:
        return error_ ? error_->ToStatus() : Status::Aborted("aws-chunked decoding stopped");
    }
  }
  return Status::OK();
}

Status ChunkedDecoder::OnChunkLine(std::string_view line) {
  std::string_view size_text = line;
  if (signed_chunks()) {
    size_t semi = line.find(';');
    std::string_view extension =
        semi == std::string_view::npos ? std::string_view() : line.substr(semi + 1);
    if (semi == std::string_view::npos ||
        extension.substr(0, kChunkSignaturePrefix.size()) != kChunkSignaturePrefix) {
      return Fail(AuthErrorCode::kInvalidRequest,
                  "aws-chunked framing error: chunk header without chunk-signature.");
    }
    std::string_view signature = extension.substr(kChunkSignaturePrefix.size());
    if (signature.size() != 64 || !IsHex(signature)) {
      return Fail(AuthErrorCode::kInvalidRequest,
                  "aws-chunked framing error: chunk-signature must be 64 hexadecimal characters.");
    }
    chunk_signature_ = ToLower(signature);
    size_text = line.substr(0, semi);
  }
  std::optional<uint64_t> size = ParseHexSize(size_text);
  if (!size) {
    return Fail(AuthErrorCode::kInvalidRequest, "aws-chunked framing error: invalid chunk size '" +
                                                    std::string(size_text.substr(0, 32)) + "'.");
  }
  if (*size > options_.max_chunk_bytes) {
    return Fail(AuthErrorCode::kInvalidRequest, "aws-chunked chunk size is too large.");
  }
  if (options_.decoded_content_length &&
      *size > *options_.decoded_content_length - decoded_bytes_) {
    return Fail(AuthErrorCode::kIncompleteBody,
                "The aws-chunked body holds more data than x-amz-decoded-content-length.");
  }
  ++chunk_count_;
  if (*size > 0) {
    chunk_remaining_ = *size;
    if (signed_chunks()) chunk_hash_.emplace(Digest::Algorithm::kSha256);
    state_ = State::kChunkData;
    return Status::OK();
  }

  // The final, empty chunk: its signature covers no data.
  final_chunk_ = true;
  if (signed_chunks()) {
    std::string expected = SignatureHex(
        options_.signing_key,
        ChunkStringToSign(options_.amz_date, options_.scope, previous_signature_, kEmptySha256Hex));
    if (!ConstantTimeEquals(expected, chunk_signature_)) {
      return Fail(AuthErrorCode::kSignatureDoesNotMatch, std::string(kChunkSignatureMismatch));
    }
    previous_signature_ = chunk_signature_;
  }
  state_ = has_trailers() ? State::kTrailerLine : State::kDataCr;
  return Status::OK();
}

Status ChunkedDecoder::OnTrailerLine(std::string_view line) {
  if (line.empty()) {
    // AWS's trailer example (and some clients) put an empty line between the final chunk and
    // the trailers; skip one when trailers are still expected.
    const bool expecting = options_.mode == PayloadMode::kStreamingSignedTrailer ||
                           !options_.declared_trailers.empty();
    if (trailers_.empty() && expecting && !skipped_blank_before_trailers_) {
      skipped_blank_before_trailers_ = true;
      return Status::OK();
    }
    if (options_.mode == PayloadMode::kStreamingSignedTrailer) {
      return Fail(AuthErrorCode::kInvalidRequest,
                  "The aws-chunked trailers lack x-amz-trailer-signature.");
    }
    RETURN_IF_ERROR(FinishTrailers());
    state_ = State::kDone;
    return Status::OK();
  }

  trailer_bytes_ += line.size();
  if (trailer_bytes_ > kMaxTrailerBytes) {
    return Fail(AuthErrorCode::kInvalidRequest, "The aws-chunked trailers are too large.");
  }
  size_t colon = line.find(':');
  std::string_view raw_name = colon == std::string_view::npos ? line : line.substr(0, colon);
  if (colon == std::string_view::npos || !IsTokenName(Trim(raw_name))) {
    return Fail(AuthErrorCode::kInvalidRequest, "Malformed aws-chunked trailer line.");
  }
  std::string name = ToLower(Trim(raw_name));
  std::string_view value = Trim(line.substr(colon + 1));

  if (name == kTrailerSignatureName) {
    if (options_.mode != PayloadMode::kStreamingSignedTrailer) {
      return Fail(AuthErrorCode::kInvalidRequest,
                  "x-amz-trailer-signature is only valid with "
                  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.");
    }
    RETURN_IF_ERROR(VerifyTrailerSignature(value));
    RETURN_IF_ERROR(FinishTrailers());
    state_ = State::kTrailerEnd;
    return Status::OK();
  }

  if (!options_.declared_trailers.empty() &&
      std::find(options_.declared_trailers.begin(), options_.declared_trailers.end(), name) ==
          options_.declared_trailers.end()) {
    return Fail(AuthErrorCode::kInvalidRequest,
                "The trailer " + name + " was not declared in x-amz-trailer.");
  }
  if (Trailer(name)) {
    return Fail(AuthErrorCode::kInvalidRequest, "The trailer " + name + " appears twice.");
  }
  if (trailers_.size() >= kMaxTrailers) {
    return Fail(AuthErrorCode::kInvalidRequest, "Too many aws-chunked trailers.");
  }
  trailers_.emplace_back(std::move(name), std::string(value));
  return Status::OK();
}

Status ChunkedDecoder::FinishTrailers() {
  for (const std::string& declared : options_.declared_trailers) {
    if (!Trailer(declared)) {
      return Fail(AuthErrorCode::kInvalidRequest,
                  "The trailer " + declared + " declared in x-amz-trailer was not sent.");
    }
  }
  return Status::OK();
}

Status ChunkedDecoder::VerifyTrailerSignature(std::string_view signature) {
  if (signature.size() != 64 || !IsHex(signature)) {
    return Fail(AuthErrorCode::kInvalidRequest,
                "x-amz-trailer-signature must be 64 hexadecimal characters.");
  }
  // Canonical trailers: "name:value\n" in name order, as the SDKs hash them.
  std::vector<const std::pair<std::string, std::string>*> sorted;
  for (const auto& t : trailers_) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string canonical;
  for (const auto* t : sorted) {
    canonical.append(t->first).append(":").append(t->second).append("\n");
  }
  std::string expected = SignatureHex(
      options_.signing_key, TrailerStringToSign(options_.amz_date, options_.scope,
                                                previous_signature_, HexLower(Sha256(canonical))));
  if (!ConstantTimeEquals(expected, ToLower(signature))) {
    return Fail(AuthErrorCode::kSignatureDoesNotMatch, std::string(kChunkSignatureMismatch));
  }
  return Status::OK();
}

Status ChunkedDecoder::Finish() {
  switch (state_) {
    case State::kFailed:
      return error_ ? error_->ToStatus()
                    : Status::Aborted("aws-chunked decoding stopped after a sink error");
    case State::kTrailerEnd:
      // Some clients end the body right after the signed trailer line.
      if (!line_.empty()) break;
      state_ = State::kDone;
      break;
    case State::kTrailerLine:
      // Likewise an unsigned trailer section missing its final empty line, once complete.
      if (!line_.empty() || trailers_.empty() ||
          options_.mode != PayloadMode::kStreamingUnsignedTrailer) {
        break;
      }
      RETURN_IF_ERROR(FinishTrailers());
      state_ = State::kDone;
      break;
    default:
      break;
  }
  if (state_ != State::kDone) {
    return Fail(AuthErrorCode::kIncompleteBody,
                "The aws-chunked body ended before its final chunk and trailers.");
  }
  if (options_.decoded_content_length && decoded_bytes_ != *options_.decoded_content_length) {
    return Fail(AuthErrorCode::kIncompleteBody,
                "You did not provide the number of bytes specified by the "
                "x-amz-decoded-content-length HTTP header.");
  }
  return Status::OK();
}

}  // namespace stocktake::s3::auth
