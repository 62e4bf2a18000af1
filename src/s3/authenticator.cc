#include "s3/authenticator.h"

#include <deque>

#include "common/crypto.h"
#include "common/encoding.h"
#include "s3/auth/chunked_decoder.h"
#include "s3/auth/sigv2_presigned.h"
#include "s3/auth/sigv4.h"

namespace stocktake::s3 {
namespace {

using auth::AuthErrorCode;

S3Error ToS3Error(const auth::AuthError& error) {
  S3ErrorCode code = S3ErrorCode::kAccessDenied;
  switch (error.code) {
    case AuthErrorCode::kAccessDenied:
      code = S3ErrorCode::kAccessDenied;
      break;
    case AuthErrorCode::kAuthorizationHeaderMalformed:
      code = S3ErrorCode::kAuthorizationHeaderMalformed;
      break;
    case AuthErrorCode::kAuthorizationQueryParametersError:
      code = S3ErrorCode::kAuthorizationQueryParametersError;
      break;
    case AuthErrorCode::kIncompleteBody:
      code = S3ErrorCode::kIncompleteBody;
      break;
    case AuthErrorCode::kInvalidAccessKeyId:
      code = S3ErrorCode::kInvalidAccessKeyId;
      break;
    case AuthErrorCode::kInvalidArgument:
      code = S3ErrorCode::kInvalidArgument;
      break;
    case AuthErrorCode::kInvalidRequest:
      code = S3ErrorCode::kInvalidRequest;
      break;
    case AuthErrorCode::kInvalidToken:
      code = S3ErrorCode::kInvalidToken;
      break;
    case AuthErrorCode::kInvalidUri:
      code = S3ErrorCode::kInvalidURI;
      break;
    case AuthErrorCode::kInternalError:
      code = S3ErrorCode::kInternalError;
      break;
    case AuthErrorCode::kNotImplemented:
      code = S3ErrorCode::kNotImplemented;
      break;
    case AuthErrorCode::kRequestTimeTooSkewed:
      code = S3ErrorCode::kRequestTimeTooSkewed;
      break;
    case AuthErrorCode::kSignatureDoesNotMatch:
      code = S3ErrorCode::kSignatureDoesNotMatch;
      break;
    case AuthErrorCode::kXAmzContentSha256Mismatch:
      code = S3ErrorCode::kXAmzContentSHA256Mismatch;
      break;
  }
  S3Error s3_error(code, error.message);
  switch (error.code) {
    case AuthErrorCode::kInvalidAccessKeyId:
      s3_error.log_reason = "unknown or disabled access key";
      break;
    case AuthErrorCode::kSignatureDoesNotMatch:
      s3_error.log_reason = "bad signature (wrong secret key?)";
      break;
    case AuthErrorCode::kRequestTimeTooSkewed:
      s3_error.log_reason = "clock skew";
      break;
    case AuthErrorCode::kAccessDenied:
      s3_error.log_reason = error.message;  // "Request has expired", what the client is told
      break;
    default:
      break;
  }
  return s3_error;
}

constexpr size_t kRawReadBytes = 256 * 1024;

// Shared by both payload kinds: the raw body, with "100 Continue" sent before the first read
// (the client waits for it before sending the body; an early error answer skips it).
class RawBody {
 public:
  RawBody(const http::HttpRequestHead& head, http::HttpBody& body, http::HttpResponder& responder)
      : body_(body), responder_(responder) {
    const std::string* expect = head.FindHeader("expect");
    expect_continue_ =
        expect != nullptr && (*expect == "100-continue" || *expect == "100-Continue");
  }
  Result<std::string_view> Read(size_t max_bytes) {
    if (expect_continue_) {
      expect_continue_ = false;
      RETURN_IF_ERROR(responder_.SendContinue());
    }
    return body_.Read(max_bytes);
  }

 private:
  http::HttpBody& body_;
  http::HttpResponder& responder_;
  bool expect_continue_ = false;
};

// A body sent as is (Content-Length or chunked transfer), checked against a signed SHA-256.
class PlainPayload final : public Payload {
 public:
  PlainPayload(RawBody raw, std::optional<uint64_t> length, std::optional<std::string> sha256_hex)
      : raw_(std::move(raw)), length_(length), expected_sha256_(std::move(sha256_hex)) {
    if (expected_sha256_) hash_.emplace(Digest::Algorithm::kSha256);
  }

  Result<std::string_view> Read(size_t max_bytes) override {
    if (error_) return Status::InvalidArgument(std::string(error_->effective_message()));
    auto chunk = raw_.Read(max_bytes);
    if (!chunk.ok()) {
      error_ = S3Error(S3ErrorCode::kIncompleteBody);
      return chunk.status();
    }
    if (hash_) {
      if (!chunk->empty()) {
        hash_->Update(*chunk);
      } else if (!finished_) {
        finished_ = true;
        if (HexLower(hash_->Finish()) != *expected_sha256_) {
          error_ = S3Error(S3ErrorCode::kXAmzContentSHA256Mismatch);
          return Status::InvalidArgument("payload hash mismatch");
        }
      }
    }
    return chunk;
  }
  const std::optional<S3Error>& error() const override { return error_; }
  const std::vector<std::pair<std::string, std::string>>& trailers() const override {
    return no_trailers_;
  }
  std::optional<uint64_t> declared_length() const override { return length_; }

 private:
  RawBody raw_;
  std::optional<uint64_t> length_;
  std::optional<std::string> expected_sha256_;
  std::optional<Digest> hash_;
  bool finished_ = false;
  std::optional<S3Error> error_;
  std::vector<std::pair<std::string, std::string>> no_trailers_;
};

// An aws-chunked body: framing removed, chunk signatures and trailers verified as it streams.
class ChunkedPayload final : public Payload {
 public:
  ChunkedPayload(RawBody raw, auth::ChunkedDecoder::Options options)
      : raw_(std::move(raw)),
        length_(options.decoded_content_length),
        decoder_(std::move(options)) {}

  Result<std::string_view> Read(size_t max_bytes) override {
    (void)max_bytes;  // one raw read decodes to at most kRawReadBytes
    if (error_) return Status::InvalidArgument(std::string(error_->effective_message()));
    out_.clear();
    while (out_.empty() && !finished_) {
      auto raw = raw_.Read(kRawReadBytes);
      if (!raw.ok()) return Fail(S3Error(S3ErrorCode::kIncompleteBody), raw.status());
      Status st;
      if (raw->empty()) {
        finished_ = true;
        st = decoder_.Finish();
      } else {
        st = decoder_.Feed(*raw, [this](std::string_view payload) {
          out_.append(payload);
          return Status::OK();
        });
      }
      if (!st.ok()) {
        return Fail(decoder_.auth_error() ? ToS3Error(*decoder_.auth_error())
                                          : S3Error(S3ErrorCode::kInvalidRequest),
                    st);
      }
    }
    return std::string_view(out_);
  }
  const std::optional<S3Error>& error() const override { return error_; }
  const std::vector<std::pair<std::string, std::string>>& trailers() const override {
    return decoder_.trailers();
  }
  std::optional<uint64_t> declared_length() const override { return length_; }

 private:
  Status Fail(S3Error error, const Status& status) {
    error_ = std::move(error);
    return status.ok() ? Status::InvalidArgument("bad payload") : status;
  }
  RawBody raw_;
  std::optional<uint64_t> length_;
  auth::ChunkedDecoder decoder_;
  std::string out_;
  bool finished_ = false;
  std::optional<S3Error> error_;
};

auth::SigningKeyCache& KeyCache() {
  static auth::SigningKeyCache cache;
  return cache;
}

}  // namespace

std::variant<Authenticated, S3Error> Authenticate(
    const ServiceContext& context, const http::HttpRequestHead& head, const std::string& raw_path,
    const std::string& raw_query, http::HttpBody& body, http::HttpResponder& responder) {
  auth::RequestView view{head.method, raw_path, raw_query, head.headers};
  if (auth::DetectAuthKind(view) == auth::AuthKind::kAnonymous) {
    // Unsigned: an anonymous caller (empty account), whom authorization admits only where a
    // bucket policy lets everyone in. The body is taken as sent (nothing signed it).
    Authenticated anonymous;
    anonymous.payload = std::make_unique<PlainPayload>(RawBody(head, body, responder),
                                                       head.content_length, std::nullopt);
    return anonymous;
  }
  store::ObjectStore* store = context.store;
  std::string account_id;
  auto lookup = [store, &account_id](std::string_view access_key_id) -> Result<std::string> {
    auto key = store->GetAccessKey(access_key_id);
    if (!key.ok()) return key.status();
    if (!key->enabled) return Status::NotFound("access key disabled");
    account_id = key->account_id;
    return key->secret_key;
  };
  if (auth::IsSigV2Presigned(raw_query)) {
    // SigV2 presigned URLs: the default of `aws s3 presign` (CLI v1) and boto3. The body, if
    // any, is unsigned, as in SigV4's UNSIGNED-PAYLOAD.
    auto key_id = auth::VerifySigV2Presigned(view, lookup, context.clock->NowMillis());
    if (!key_id.ok()) return ToS3Error(key_id.error());
    auto account = store->GetAccount(account_id);
    if (!account.ok()) return S3Error(S3ErrorCode::kInvalidAccessKeyId);
    Authenticated result;
    result.account = std::move(*account);
    result.access_key_id = *key_id;
    result.payload = std::make_unique<PlainPayload>(RawBody(head, body, responder),
                                                    head.content_length, std::nullopt);
    return result;
  }
  auto verified =
      auth::Verify(view, lookup, context.clock->NowMillis(), context.options.region, &KeyCache());
  if (!verified.ok()) return ToS3Error(verified.error());
  auto account = store->GetAccount(account_id);
  if (!account.ok()) return S3Error(S3ErrorCode::kInvalidAccessKeyId);

  Authenticated result;
  result.account = std::move(*account);
  result.access_key_id = verified->access_key_id;
  RawBody raw(head, body, responder);
  if (auth::IsStreaming(verified->payload_mode)) {
    auto options = auth::ChunkedDecoder::OptionsFor(*verified, view);
    if (!options.ok()) return ToS3Error(options.error());
    result.payload = std::make_unique<ChunkedPayload>(std::move(raw), std::move(*options));
  } else {
    std::optional<std::string> sha256;
    if (verified->payload_mode == auth::PayloadMode::kSignedPayload) {
      sha256 = verified->payload_sha256_hex;
    }
    result.payload = std::make_unique<PlainPayload>(std::move(raw), head.content_length, sha256);
  }
  return result;
}

}  // namespace stocktake::s3
