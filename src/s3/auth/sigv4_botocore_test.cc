// Requests signed by botocore (S3SigV4Auth, S3SigV4QueryAuth, AwsChunkedWrapper), as the server
// receives them: unicode keys, reserved characters, repeated headers, odd query values,
// presigned URLs and STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies. The vectors are literal data
// generated once by testdata/make_botocore_vectors.py.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/checksum.h"
#include "s3/auth/chunked_decoder.h"
#include "s3/auth/sigv4.h"

namespace stocktake::s3::auth {
namespace {

struct BotocoreVector {
  const char* name;
  const char* method;
  const char* raw_path;
  const char* raw_query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // aws-chunked bodies only
  // "signed:<hex>", "unsigned", "unsigned-trailer:<decoded payload>" or "presigned".
  std::string expect;
};

#include "s3/auth/testdata/botocore_vectors.inc"

RequestView ViewOf(const BotocoreVector& v) {
  RequestView r;
  r.method = v.method;
  r.raw_path = v.raw_path;
  r.raw_query = v.raw_query;
  r.headers = v.headers;
  return r;
}

SecretLookup Lookup() {
  return [](std::string_view akid) -> Result<std::string> {
    if (akid == kBotocoreAccessKey) return std::string(kBotocoreSecretKey);
    return Status::NotFound("unknown");
  };
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

TEST(SigV4Botocore, EveryVectorVerifies) {
  ASSERT_GE(std::size(kBotocoreVectors), 8u);
  for (const BotocoreVector& v : kBotocoreVectors) {
    SCOPED_TRACE(v.name);
    auto result = Verify(ViewOf(v), Lookup(), kBotocoreNowMs, kBotocoreRegion);
    ASSERT_TRUE(result.ok()) << result.error().s3_code() << ": " << result.error().message;
    EXPECT_EQ(result->access_key_id, kBotocoreAccessKey);
    EXPECT_EQ(result->region, kBotocoreRegion);
    if (StartsWith(v.expect, "signed:")) {
      EXPECT_EQ(result->kind, AuthKind::kHeader);
      EXPECT_EQ(result->payload_mode, PayloadMode::kSignedPayload);
      EXPECT_EQ(result->payload_sha256_hex, v.expect.substr(7));
    } else if (v.expect == "unsigned") {
      EXPECT_EQ(result->payload_mode, PayloadMode::kUnsignedPayload);
    } else if (v.expect == "presigned") {
      EXPECT_EQ(result->kind, AuthKind::kPresigned);
      EXPECT_EQ(result->payload_mode, PayloadMode::kUnsignedPayload);
    } else {
      ASSERT_TRUE(StartsWith(v.expect, "unsigned-trailer:"));
      EXPECT_EQ(result->payload_mode, PayloadMode::kStreamingUnsignedTrailer);
      const std::string expected_payload = v.expect.substr(17);
      auto options = ChunkedDecoder::OptionsFor(*result, ViewOf(v));
      ASSERT_TRUE(options.ok()) << options.error().message;
      for (size_t slice : {v.body.size(), size_t{1}, size_t{7}}) {
        ChunkedDecoder decoder(*options);
        std::string payload;
        auto sink = [&](std::string_view p) {
          payload.append(p);
          return Status::OK();
        };
        for (size_t pos = 0; pos < v.body.size(); pos += slice) {
          ASSERT_TRUE(decoder.Feed(std::string_view(v.body).substr(pos, slice), sink).ok());
        }
        ASSERT_TRUE(decoder.Finish().ok()) << decoder.Finish().ToString();
        EXPECT_EQ(payload, expected_payload);
        ASSERT_EQ(decoder.trailers().size(), 1u);
        auto algorithm = ChecksumAlgorithmFromHeader(decoder.trailers()[0].first);
        ASSERT_TRUE(algorithm.has_value());
        EXPECT_EQ(decoder.trailers()[0].second, ComputeChecksumBase64(*algorithm, payload));
      }
    }
  }
}

TEST(SigV4Botocore, AnyChangeBreaksTheSignature) {
  for (const BotocoreVector& v : kBotocoreVectors) {
    SCOPED_TRACE(v.name);
    // A different object key.
    std::string path = std::string(v.raw_path) + "x";
    RequestView r = ViewOf(v);
    r.raw_path = path;
    auto result = Verify(r, Lookup(), kBotocoreNowMs, kBotocoreRegion);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, AuthErrorCode::kSignatureDoesNotMatch);
    // An added query parameter.
    std::string query = std::string(v.raw_query) + (*v.raw_query ? "&" : "") + "acl";
    r = ViewOf(v);
    r.raw_query = query;
    result = Verify(r, Lookup(), kBotocoreNowMs, kBotocoreRegion);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, AuthErrorCode::kSignatureDoesNotMatch);
    // Another secret.
    SecretLookup other = [](std::string_view) -> Result<std::string> {
      return std::string("another-secret");
    };
    result = Verify(ViewOf(v), other, kBotocoreNowMs, kBotocoreRegion);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, AuthErrorCode::kSignatureDoesNotMatch);
  }
}

}  // namespace
}  // namespace stocktake::s3::auth
