// SigV4 step functions and Verify() against the examples AWS publishes in the S3 API reference:
// sig-v4-header-based-auth.html ("GET Object", "PUT Object", "GET Bucket Lifecycle",
// "Get Bucket (List Objects)"), sigv4-query-string-auth.html (presigned GET) and the seed
// requests of sigv4-streaming.html / sigv4-streaming-trailers.html. Canonical requests, string to
// sign hashes and signatures below are copied from those pages.
#include "s3/auth/sigv4.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace stocktake::s3::auth {
namespace {

constexpr char kAccessKey[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kHost[] = "examplebucket.s3.amazonaws.com";
constexpr char kRegion[] = "us-east-1";
constexpr int64_t kExampleTimeMs = 1369353600000;  // 2013-05-24T00:00:00Z
constexpr int64_t kMinuteMs = 60 * 1000;

using Headers = std::vector<std::pair<std::string, std::string>>;

RequestView MakeRequest(std::string_view method, std::string_view path, std::string_view query,
                        Headers headers) {
  RequestView r;
  r.method = method;
  r.raw_path = path;
  r.raw_query = query;
  r.headers = std::move(headers);
  return r;
}

SecretLookup ExampleLookup(std::string secret = kSecret) {
  return [secret](std::string_view akid) -> Result<std::string> {
    if (akid == kAccessKey) return secret;
    return Status::NotFound("no such key");
  };
}

void SetHeader(RequestView* r, std::string_view name, std::string value) {
  for (auto& [n, v] : r->headers) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  r->headers.emplace_back(std::string(name), std::move(value));
}

void RemoveHeader(RequestView* r, std::string_view name) {
  std::erase_if(r->headers, [&](const auto& h) { return h.first == name; });
}

#define EXPECT_AUTH_ERROR(expr, expected_code)                         \
  do {                                                                 \
    auto _r = (expr);                                                  \
    ASSERT_FALSE(_r.ok());                                             \
    EXPECT_EQ(_r.error().code, expected_code)                          \
        << S3ErrorCode(_r.error().code) << ": " << _r.error().message; \
  } while (0)

// --- "GET Object" ---------------------------------------------------------------------------

// As printed by AWS, including the trailing spaces after "bytes=0-9" and the date.
RequestView GetObjectExample() {
  return MakeRequest(
      "GET", "/test.txt", "",
      {{"host", kHost},
       {"authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
       {"range", "bytes=0-9 "},
       {"x-amz-content-sha256", std::string(kEmptySha256Hex)},
       {"x-amz-date", "20130524T000000Z "}});
}

TEST(SigV4AwsExamples, GetObjectStepByStep) {
  RequestView r = GetObjectExample();
  auto header = ParseAuthorizationHeader(*FindHeader(r, "authorization"));
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->credential.access_key_id, kAccessKey);
  EXPECT_EQ(header->credential.Scope(), "20130524/us-east-1/s3/aws4_request");
  auto uri = CanonicalUri(r.raw_path);
  auto query = CanonicalQueryString(r.raw_query, false);
  auto headers = CanonicalHeaders(r, header->signed_header_names);
  ASSERT_TRUE(uri.ok() && query.ok() && headers.ok());
  const std::string canonical =
      CanonicalRequest("GET", *uri, *query, *headers, header->signed_headers, kEmptySha256Hex);
  EXPECT_EQ(
      canonical,
      "GET\n"
      "/test.txt\n"
      "\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string sts =
      StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical);
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  const std::string key = DeriveSigningKey(kSecret, "20130524", kRegion, "s3");
  EXPECT_EQ(SignatureHex(key, sts),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4AwsExamples, GetObjectVerifies) {
  auto result = Verify(GetObjectExample(), ExampleLookup(), kExampleTimeMs, kRegion);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->kind, AuthKind::kHeader);
  EXPECT_EQ(result->access_key_id, kAccessKey);
  EXPECT_EQ(result->seed_signature,
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(result->amz_date, "20130524T000000Z");
  EXPECT_EQ(result->scope, "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(result->scope_date, "20130524");
  EXPECT_EQ(result->region, kRegion);
  EXPECT_EQ(result->service, "s3");
  EXPECT_EQ(result->request_time_ms, kExampleTimeMs);
  EXPECT_EQ(result->expires_at_ms, 0);
  EXPECT_EQ(result->payload_mode, PayloadMode::kSignedPayload);
  EXPECT_EQ(result->payload_sha256_hex, kEmptySha256Hex);
  EXPECT_EQ(result->signing_key, DeriveSigningKey(kSecret, "20130524", kRegion, "s3"));
  EXPECT_EQ(result->signed_headers,
            (std::vector<std::string>{"host", "range", "x-amz-content-sha256", "x-amz-date"}));
  EXPECT_FALSE(CheckPayloadSha256(*result, HexLower(Sha256(""))).has_value());
  auto mismatch = CheckPayloadSha256(*result, HexLower(Sha256("x")));
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_EQ(mismatch->s3_code(), "XAmzContentSHA256Mismatch");
  EXPECT_EQ(mismatch->http_status(), 400);
}

// --- "PUT Object" -----------------------------------------------------------------------------

RequestView PutObjectExample(std::string_view wire_path) {
  return MakeRequest(
      "PUT", wire_path, "",
      {{"host", kHost},
       {"date", "Fri, 24 May 2013 00:00:00 GMT"},
       {"authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
        "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
       {"x-amz-date", "20130524T000000Z "},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"x-amz-content-sha256",
        "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"}});
}

TEST(SigV4AwsExamples, PutObjectCanonicalRequest) {
  RequestView r = PutObjectExample("/test$file.text");
  auto header = ParseAuthorizationHeader(*FindHeader(r, "authorization"));
  ASSERT_TRUE(header.ok());
  auto uri = CanonicalUri(r.raw_path);
  auto headers = CanonicalHeaders(r, header->signed_header_names);
  ASSERT_TRUE(uri.ok() && headers.ok());
  const std::string canonical =
      CanonicalRequest("PUT", *uri, "", *headers, header->signed_headers,
                       "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(
      canonical,
      "PUT\n"
      "/test%24file.text\n"
      "\n"
      "date:Fri, 24 May 2013 00:00:00 GMT\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
      "x-amz-date:20130524T000000Z\n"
      "x-amz-storage-class:REDUCED_REDUNDANCY\n"
      "\n"
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
}

TEST(SigV4AwsExamples, PutObjectVerifiesWhateverThePathEncoding) {
  // AWS prints the request line with a raw '$'; SDKs send %24. Both canonicalise the same way.
  for (const char* path : {"/test$file.text", "/test%24file.text"}) {
    auto result = Verify(PutObjectExample(path), ExampleLookup(), kExampleTimeMs, kRegion);
    ASSERT_TRUE(result.ok()) << path << ": " << result.error().message;
    EXPECT_EQ(result->seed_signature,
              "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    EXPECT_EQ(result->payload_mode, PayloadMode::kSignedPayload);
    EXPECT_FALSE(CheckPayloadSha256(*result, HexLower(Sha256("Welcome to Amazon S3."))));
    auto mismatch = CheckPayloadSha256(*result, HexLower(Sha256("Welcome to Amazon S4.")));
    ASSERT_TRUE(mismatch.has_value());
    EXPECT_EQ(mismatch->code, AuthErrorCode::kXAmzContentSha256Mismatch);
  }
}

// --- "GET Bucket Lifecycle" and "Get Bucket (List Objects)" --------------------------------------

RequestView BucketExample(std::string_view query, std::string_view signature) {
  return MakeRequest("GET", "/", query,
                     {{"host", kHost},
                      {"authorization",
                       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                       "aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                       "Signature=" +
                           std::string(signature)},
                      {"x-amz-date", "20130524T000000Z"},
                      {"x-amz-content-sha256", std::string(kEmptySha256Hex)}});
}

TEST(SigV4AwsExamples, GetBucketLifecycle) {
  const char* kSig = "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543";
  RequestView r = BucketExample("lifecycle", kSig);
  auto query = CanonicalQueryString(r.raw_query, false);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(*query, "lifecycle=");
  auto headers =
      CanonicalHeaders(r, std::vector<std::string>{"host", "x-amz-content-sha256", "x-amz-date"});
  ASSERT_TRUE(headers.ok());
  const std::string canonical = CanonicalRequest(
      "GET", "/", *query, *headers, "host;x-amz-content-sha256;x-amz-date", kEmptySha256Hex);
  EXPECT_EQ(HexLower(Sha256(canonical)),
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  auto result = Verify(r, ExampleLookup(), kExampleTimeMs, kRegion);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->seed_signature, kSig);
}

TEST(SigV4AwsExamples, ListObjects) {
  const char* kSig = "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7";
  for (const char* query : {"max-keys=2&prefix=J", "prefix=J&max-keys=2"}) {
    RequestView r = BucketExample(query, kSig);
    auto canonical_query = CanonicalQueryString(r.raw_query, false);
    ASSERT_TRUE(canonical_query.ok());
    EXPECT_EQ(*canonical_query, "max-keys=2&prefix=J");
    auto headers =
        CanonicalHeaders(r, std::vector<std::string>{"host", "x-amz-content-sha256", "x-amz-date"});
    ASSERT_TRUE(headers.ok());
    EXPECT_EQ(
        HexLower(Sha256(CanonicalRequest("GET", "/", *canonical_query, *headers,
                                         "host;x-amz-content-sha256;x-amz-date", kEmptySha256Hex))),
        "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
    auto result = Verify(r, ExampleLookup(), kExampleTimeMs, kRegion);
    ASSERT_TRUE(result.ok()) << query << ": " << result.error().message;
  }
}

// --- Presigned GET (sigv4-query-string-auth.html) ------------------------------------------------

constexpr char kPresignQuery[] =
    "X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

RequestView PresignedExample(std::string_view query = kPresignQuery) {
  return MakeRequest("GET", "/test.txt", query, {{"host", kHost}});
}

TEST(SigV4AwsExamples, PresignedGetStepByStep) {
  auto q = ParsePresignedQuery(kPresignQuery);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->credential.access_key_id, kAccessKey);
  EXPECT_EQ(q->amz_date, "20130524T000000Z");
  EXPECT_EQ(q->expires_seconds, 86400);
  EXPECT_EQ(q->signed_headers, "host");
  EXPECT_FALSE(q->content_sha256.has_value());
  auto query = CanonicalQueryString(kPresignQuery, /*exclude_signature=*/true);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(*query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host");
  const std::string canonical =
      CanonicalRequest("GET", "/test.txt", *query, "host:examplebucket.s3.amazonaws.com\n", "host",
                       "UNSIGNED-PAYLOAD");
  EXPECT_EQ(HexLower(Sha256(canonical)),
            "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
}

TEST(SigV4AwsExamples, PresignedGetVerifiesWithinItsWindow) {
  for (int64_t now :
       {kExampleTimeMs - 14 * kMinuteMs, kExampleTimeMs, kExampleTimeMs + 86400 * 1000}) {
    auto result = Verify(PresignedExample(), ExampleLookup(), now, kRegion);
    ASSERT_TRUE(result.ok()) << now << ": " << result.error().message;
    EXPECT_EQ(result->kind, AuthKind::kPresigned);
    EXPECT_EQ(result->payload_mode, PayloadMode::kUnsignedPayload);
    EXPECT_EQ(result->expires_at_ms, kExampleTimeMs + 86400 * 1000);
    EXPECT_EQ(result->seed_signature,
              "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  }
  auto expired =
      Verify(PresignedExample(), ExampleLookup(), kExampleTimeMs + 86401 * 1000, kRegion);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().s3_code(), "AccessDenied");
  EXPECT_EQ(expired.error().message, "Request has expired");
  EXPECT_EQ(expired.error().http_status(), 403);
  auto early =
      Verify(PresignedExample(), ExampleLookup(), kExampleTimeMs - 16 * kMinuteMs, kRegion);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, AuthErrorCode::kAccessDenied);
  EXPECT_EQ(early.error().message, "Request is not valid yet");
}

TEST(SigV4AwsExamples, PresignedGetRejectsTampering) {
  std::string extra = std::string(kPresignQuery) + "&response-content-type=text%2Fhtml";
  EXPECT_AUTH_ERROR(Verify(PresignedExample(extra), ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kSignatureDoesNotMatch);
  RequestView other_key = PresignedExample();
  other_key.raw_path = "/other.txt";
  EXPECT_AUTH_ERROR(Verify(other_key, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kSignatureDoesNotMatch);
  RequestView added_header = PresignedExample();
  added_header.headers.emplace_back("x-amz-acl", "public-read");
  EXPECT_AUTH_ERROR(Verify(added_header, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kAccessDenied);
  EXPECT_AUTH_ERROR(Verify(PresignedExample(), ExampleLookup("wrong"), kExampleTimeMs, kRegion),
                    AuthErrorCode::kSignatureDoesNotMatch);
}

// --- Streaming seed requests
// ----------------------------------------------------------------------

TEST(SigV4AwsExamples, StreamingSeedSignature) {
  RequestView r = MakeRequest(
      "PUT", "/examplebucket/chunkObject.txt", "",
      {{"host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class,"
        "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
       {"content-encoding", "aws-chunked"},
       {"x-amz-decoded-content-length", "66560"},
       {"content-length", "66824"}});
  auto header = ParseAuthorizationHeader(*FindHeader(r, "authorization"));
  ASSERT_TRUE(header.ok());
  auto headers = CanonicalHeaders(r, header->signed_header_names);
  ASSERT_TRUE(headers.ok());
  const std::string canonical =
      CanonicalRequest("PUT", "/examplebucket/chunkObject.txt", "", *headers,
                       header->signed_headers, kStreamingSignedPayload);
  EXPECT_EQ(HexLower(Sha256(canonical)),
            "cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455");
  auto result = Verify(r, ExampleLookup(), kExampleTimeMs, kRegion);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->payload_mode, PayloadMode::kStreamingSigned);
  EXPECT_EQ(result->seed_signature,
            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
  // The first chunk's string to sign and signature, from the same page.
  const std::string chunk_sts =
      ChunkStringToSign(result->amz_date, result->scope, result->seed_signature,
                        HexLower(Sha256(std::string(65536, 'a'))));
  EXPECT_EQ(chunk_sts,
            "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a");
  EXPECT_EQ(SignatureHex(result->signing_key, chunk_sts),
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
}

TEST(SigV4AwsExamples, StreamingTrailerSeedAndTrailerSignature) {
  // sigv4-streaming-trailers.html. Its Authorization line lists content-length, but its
  // canonical request (which the seed signature signs) does not; the canonical request wins.
  RequestView r = MakeRequest(
      "PUT", "/examplebucket/chunkObject.txt", "",
      {{"host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,"
        "Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"},
       {"content-encoding", "aws-chunked"},
       {"x-amz-decoded-content-length", "66560"},
       {"x-amz-trailer", "x-amz-checksum-crc32c"},
       {"content-length", "66824"}});
  auto result = Verify(r, ExampleLookup(), kExampleTimeMs, kRegion);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->payload_mode, PayloadMode::kStreamingSignedTrailer);
  const std::string trailer_sts =
      TrailerStringToSign(result->amz_date, result->scope,
                          "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
                          HexLower(Sha256("x-amz-checksum-crc32c:sOO8/Q==\n")));
  EXPECT_EQ(trailer_sts,
            "AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\n"
            "1e376db7e1a34a8ef1c4bcee131a2d60a1cb62503747488624e10995f448d774");
  EXPECT_EQ(SignatureHex(result->signing_key, trailer_sts),
            "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435");
}

// --- Signing keys ------------------------------------------------------------------------------

TEST(SigV4Steps, DeriveSigningKeyMatchesAwsReferenceValues) {
  // AWS General Reference "Examples of how to derive a signing key" (IAM, 20120215) and the
  // SigV4 test suite (20150830).
  EXPECT_EQ(HexLower(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                      "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  EXPECT_EQ(HexLower(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830",
                                      "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST(SigV4Steps, SigningKeyCache) {
  SigningKeyCache cache(/*capacity=*/2);
  const std::string expected = DeriveSigningKey(kSecret, "20130524", kRegion, "s3");
  EXPECT_EQ(cache.Get(kAccessKey, kSecret, "20130524", kRegion, "s3"), expected);
  EXPECT_EQ(cache.Get(kAccessKey, kSecret, "20130524", kRegion, "s3"), expected);
  EXPECT_EQ(cache.size(), 1u);
  // A rotated secret is never served the old key.
  EXPECT_EQ(cache.Get(kAccessKey, "new-secret", "20130524", kRegion, "s3"),
            DeriveSigningKey("new-secret", "20130524", kRegion, "s3"));
  EXPECT_EQ(cache.Get(kAccessKey, kSecret, "20130525", kRegion, "s3"),
            DeriveSigningKey(kSecret, "20130525", kRegion, "s3"));
  EXPECT_EQ(cache.size(), 2u);
  cache.Get(kAccessKey, kSecret, "20130526", kRegion, "s3");  // over capacity: cleared first
  EXPECT_EQ(cache.size(), 1u);
  // Verify gives the same answer with a cache.
  auto result = Verify(GetObjectExample(), ExampleLookup(), kExampleTimeMs, kRegion, &cache);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->signing_key, expected);
}

TEST(SigV4Steps, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

// --- Canonicalisation details
// ----------------------------------------------------------------------

TEST(SigV4Steps, CanonicalUri) {
  auto uri = [](std::string_view p) {
    auto r = CanonicalUri(p);
    return r.ok() ? *r : "<" + std::string(S3ErrorCode(r.error().code)) + ">";
  };
  EXPECT_EQ(uri(""), "/");
  EXPECT_EQ(uri("/"), "/");
  EXPECT_EQ(uri("/test$file.text"), "/test%24file.text");
  EXPECT_EQ(uri("/test%24file.text"), "/test%24file.text");
  EXPECT_EQ(uri("/b/a%20b+c"), "/b/a%20b%2Bc");  // '+' in a path is a plus sign
  EXPECT_EQ(uri("/b/%7euser/%c3%bc"), "/b/~user/%C3%BC");
  EXPECT_EQ(uri("/b//double/./dot/../x"), "/b//double/./dot/../x");  // not normalised
  EXPECT_EQ(uri("/b/a%2Fb"), "/b/a/b");
  EXPECT_EQ(uri("/b/%zz"), "<InvalidURI>");
  EXPECT_EQ(uri("/b/%4"), "<InvalidURI>");
}

TEST(SigV4Steps, CanonicalQueryString) {
  auto q = [](std::string_view raw, bool presigned = false) {
    auto r = CanonicalQueryString(raw, presigned);
    return r.ok() ? *r : "<" + std::string(S3ErrorCode(r.error().code)) + ">";
  };
  EXPECT_EQ(q(""), "");
  EXPECT_EQ(q("acl"), "acl=");
  EXPECT_EQ(q("acl="), "acl=");
  EXPECT_EQ(q("b=2&a=1"), "a=1&b=2");
  EXPECT_EQ(q("a=2&a=1&a="), "a=&a=1&a=2");
  EXPECT_EQ(q("a&&b=1&"), "a=&b=1");
  EXPECT_EQ(q("prefix=a+b%20c"), "prefix=a%20b%20c");
  EXPECT_EQ(q("prefix=a%2Bb"), "prefix=a%2Bb");
  EXPECT_EQ(q("prefix=%7e~%2f/"), "prefix=~~%2F%2F");
  EXPECT_EQ(q("k=%C3%BC%e2%82%ac"), "k=%C3%BC%E2%82%AC");
  EXPECT_EQ(q("x=1=2"), "x=1%3D2");
  // Sorted by the encoded names: '%' (0x25) < '-' (0x2d) < 'A' < '_' < 'a'.
  EXPECT_EQ(q("a=1&_=2&A=3&-=4&%21=5"), "%21=5&-=4&A=3&_=2&a=1");
  EXPECT_EQ(q("X-Amz-Signature=abc&a=1", true), "a=1");
  EXPECT_EQ(q("X-Amz-Signature=abc&a=1", false), "X-Amz-Signature=abc&a=1");
  EXPECT_EQ(q("a=%g1"), "<InvalidURI>");
}

TEST(SigV4Steps, CanonicalHeaders) {
  RequestView r = MakeRequest("GET", "/", "",
                              {{"host", "h"},
                               {"x-amz-meta-a", "  one   two\t\tthree  "},
                               {"x-amz-meta-b", "first"},
                               {"x-amz-meta-b", " second  value"},
                               {"x-amz-meta-empty", ""}});
  auto h = CanonicalHeaders(
      r, std::vector<std::string>{"host", "x-amz-meta-a", "x-amz-meta-b", "x-amz-meta-empty"});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h,
            "host:h\nx-amz-meta-a:one two three\nx-amz-meta-b:first,second value\n"
            "x-amz-meta-empty:\n");
  EXPECT_AUTH_ERROR(CanonicalHeaders(r, std::vector<std::string>{"host", "content-md5"}),
                    AuthErrorCode::kSignatureDoesNotMatch);
}

// --- Authorization header parsing
// --------------------------------------------------------------------

TEST(SigV4Parse, AuthorizationHeaderToleratesSpacingAndOrder) {
  const char* kVariants[] = {
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
      "AWS4-HMAC-SHA256   Signature = "
      "F0E8BDB87C964420E857BD35B5D6ED310BD44F0170ABA48DD91039C6036BDB41"
      " ,Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date  ",
  };
  for (const char* value : kVariants) {
    auto h = ParseAuthorizationHeader(value);
    ASSERT_TRUE(h.ok()) << value << ": " << h.error().message;
    EXPECT_EQ(h->credential.access_key_id, kAccessKey);
    EXPECT_EQ(h->credential.date, "20130524");
    EXPECT_EQ(h->credential.region, kRegion);
    EXPECT_EQ(h->signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    EXPECT_EQ(h->signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
    RequestView r = GetObjectExample();
    SetHeader(&r, "authorization", value);
    auto result = Verify(r, ExampleLookup(), kExampleTimeMs, kRegion);
    EXPECT_TRUE(result.ok()) << value << ": " << result.error().message;
  }
}

TEST(SigV4Parse, AuthorizationHeaderErrors) {
  const std::string kCred = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
  const std::string kSigned = "SignedHeaders=host;x-amz-date";
  const std::string kSig =
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
  const struct {
    std::string value;
    AuthErrorCode code;
  } cases[] = {
      {"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", AuthErrorCode::kInvalidRequest},
      {"Bearer abc", AuthErrorCode::kInvalidArgument},
      {"AWS4-HMAC-SHA256X " + kCred + "," + kSigned + "," + kSig, AuthErrorCode::kInvalidArgument},
      {"AWS4-HMAC-SHA256", AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + kCred + "," + kSigned, AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + kCred + "," + kSigned + "," + kSig + "," + kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + kCred + "," + kSigned + "," + kSig + ",Extra=1",
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + kCred + ",," + kSigned + "," + kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3," + kSigned + "," +
           kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=/20130524/us-east-1/s3/aws4_request," + kSigned + "," + kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AKID/2013052/us-east-1/s3/aws4_request," + kSigned + "," + kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s4/aws4_request," + kSigned + "," +
           kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws5_request," + kSigned + "," +
           kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + kCred + ",SignedHeaders=host;;x-amz-date," + kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + kCred + ",SignedHeaders=host;host," + kSig,
       AuthErrorCode::kAuthorizationHeaderMalformed},
      {"AWS4-HMAC-SHA256 " + kCred + "," + kSigned + ",Signature=abc",
       AuthErrorCode::kAuthorizationHeaderMalformed},
  };
  for (const auto& c : cases) {
    auto r = ParseAuthorizationHeader(c.value);
    ASSERT_FALSE(r.ok()) << c.value;
    EXPECT_EQ(r.error().code, c.code) << c.value << " -> " << r.error().message;
  }
  auto service = ParseAuthorizationHeader(
      "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s4/aws4_request," + kSigned + "," +
      kSig);
  EXPECT_EQ(service.error().message,
            "The authorization header is malformed; incorrect service \"s4\". This endpoint "
            "belongs to \"s3\".");
}

// --- Verify: error mapping
// ------------------------------------------------------------------------------

TEST(SigV4Verify, SignatureAndKeyErrors) {
  EXPECT_AUTH_ERROR(
      Verify(GetObjectExample(), ExampleLookup("wrong-secret"), kExampleTimeMs, kRegion),
      AuthErrorCode::kSignatureDoesNotMatch);
  RequestView tampered = GetObjectExample();
  SetHeader(&tampered, "range", "bytes=0-99");
  EXPECT_AUTH_ERROR(Verify(tampered, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kSignatureDoesNotMatch);
  RequestView other_method = GetObjectExample();
  other_method.method = "HEAD";
  EXPECT_AUTH_ERROR(Verify(other_method, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kSignatureDoesNotMatch);

  SecretLookup none = [](std::string_view) -> Result<std::string> {
    return Status::NotFound("unknown");
  };
  auto unknown = Verify(GetObjectExample(), none, kExampleTimeMs, kRegion);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().s3_code(), "InvalidAccessKeyId");
  EXPECT_EQ(unknown.error().http_status(), 403);
  SecretLookup broken = [](std::string_view) -> Result<std::string> {
    return Status::IOError("disk");
  };
  auto internal = Verify(GetObjectExample(), broken, kExampleTimeMs, kRegion);
  ASSERT_FALSE(internal.ok());
  EXPECT_EQ(internal.error().code, AuthErrorCode::kInternalError);
  EXPECT_EQ(internal.error().http_status(), 500);
}

TEST(SigV4Verify, ClockSkew) {
  for (int64_t delta : {-15 * kMinuteMs, 15 * kMinuteMs}) {
    EXPECT_TRUE(Verify(GetObjectExample(), ExampleLookup(), kExampleTimeMs + delta, kRegion).ok());
  }
  for (int64_t delta : {-15 * kMinuteMs - 1, 15 * kMinuteMs + 1, int64_t{86400} * 1000}) {
    auto r = Verify(GetObjectExample(), ExampleLookup(), kExampleTimeMs + delta, kRegion);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().s3_code(), "RequestTimeTooSkewed");
    EXPECT_EQ(r.error().http_status(), 403);
  }
}

TEST(SigV4Verify, RegionChecks) {
  auto wrong = Verify(GetObjectExample(), ExampleLookup(), kExampleTimeMs, "eu-west-1");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().s3_code(), "AuthorizationHeaderMalformed");
  EXPECT_EQ(wrong.error().http_status(), 400);
  EXPECT_EQ(wrong.error().message,
            "The authorization header is malformed; the region 'us-east-1' is wrong; expecting "
            "'eu-west-1'");
  EXPECT_TRUE(Verify(GetObjectExample(), ExampleLookup(), kExampleTimeMs, "").ok());

  auto presigned = Verify(PresignedExample(), ExampleLookup(), kExampleTimeMs, "eu-west-1");
  ASSERT_FALSE(presigned.ok());
  EXPECT_EQ(presigned.error().s3_code(), "AuthorizationQueryParametersError");
  EXPECT_EQ(presigned.error().message,
            "Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; "
            "expecting 'eu-west-1'");
}

TEST(SigV4Verify, ContentSha256Header) {
  RequestView missing = GetObjectExample();
  RemoveHeader(&missing, "x-amz-content-sha256");
  auto r = Verify(missing, ExampleLookup(), kExampleTimeMs, kRegion);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().s3_code(), "InvalidRequest");
  EXPECT_EQ(r.error().message, "Missing required header for this request: x-amz-content-sha256");

  RequestView bad = GetObjectExample();
  SetHeader(&bad, "x-amz-content-sha256", "not-a-hash");
  EXPECT_AUTH_ERROR(Verify(bad, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kInvalidArgument);
  SetHeader(&bad, "x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD");
  EXPECT_AUTH_ERROR(Verify(bad, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kNotImplemented);
}

TEST(SigV4Verify, UnsignedAmzHeadersAreRejected) {
  RequestView r = GetObjectExample();
  r.headers.emplace_back("x-amz-acl", "public-read");
  auto result = Verify(r, ExampleLookup(), kExampleTimeMs, kRegion);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().s3_code(), "AccessDenied");
  EXPECT_NE(result.error().message.find("not signed"), std::string::npos);
  // Unsigned non-x-amz headers (user-agent, content-type...) are fine.
  RequestView ua = GetObjectExample();
  ua.headers.emplace_back("user-agent", "aws-cli/2");
  EXPECT_TRUE(Verify(ua, ExampleLookup(), kExampleTimeMs, kRegion).ok());
}

TEST(SigV4Verify, DateHandling) {
  // Credential date must be the request's date.
  RequestView next_day = GetObjectExample();
  SetHeader(&next_day, "x-amz-date", "20130525T000000Z");
  auto r = Verify(next_day, ExampleLookup(), kExampleTimeMs + 86400 * 1000, kRegion);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, AuthErrorCode::kAuthorizationHeaderMalformed);

  RequestView no_date = GetObjectExample();
  RemoveHeader(&no_date, "x-amz-date");
  EXPECT_AUTH_ERROR(Verify(no_date, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kAccessDenied);
  RequestView bad_date = GetObjectExample();
  SetHeader(&bad_date, "x-amz-date", "2013-05-24T00:00:00Z");
  EXPECT_AUTH_ERROR(Verify(bad_date, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kAccessDenied);

  // Only a Date header: the string to sign carries it in ISO 8601 basic form. The request is
  // signed here with the step functions (AWS publishes no such example).
  RequestView dated = MakeRequest("GET", "/test.txt", "",
                                  {{"host", kHost},
                                   {"date", "Fri, 24 May 2013 00:00:00 GMT"},
                                   {"x-amz-content-sha256", std::string(kEmptySha256Hex)}});
  const std::string canonical =
      CanonicalRequest("GET", "/test.txt", "",
                       std::string("date:Fri, 24 May 2013 00:00:00 GMT\nhost:") + kHost +
                           "\nx-amz-content-sha256:" + std::string(kEmptySha256Hex) + "\n",
                       "date;host;x-amz-content-sha256", kEmptySha256Hex);
  const std::string sig = SignatureHex(
      DeriveSigningKey(kSecret, "20130524", kRegion, "s3"),
      StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical));
  dated.headers.emplace_back(
      "authorization",
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=date;host;x-amz-content-sha256, Signature=" +
          sig);
  auto ok = Verify(dated, ExampleLookup(), kExampleTimeMs, kRegion);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->amz_date, "20130524T000000Z");
}

TEST(SigV4Verify, HostMustBeSigned) {
  RequestView r = GetObjectExample();
  SetHeader(&r, "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_AUTH_ERROR(Verify(r, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kAuthorizationHeaderMalformed);
}

TEST(SigV4Verify, SessionTokensAreNotSupported) {
  RequestView r = GetObjectExample();
  r.headers.emplace_back("x-amz-security-token", "token");
  EXPECT_AUTH_ERROR(Verify(r, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kInvalidToken);
  std::string query = std::string(kPresignQuery) + "&X-Amz-Security-Token=abc";
  EXPECT_AUTH_ERROR(Verify(PresignedExample(query), ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kInvalidToken);
}

TEST(SigV4Verify, AuthKinds) {
  RequestView anonymous = MakeRequest("GET", "/test.txt", "versionId=1", {{"host", kHost}});
  EXPECT_EQ(DetectAuthKind(anonymous), AuthKind::kAnonymous);
  EXPECT_AUTH_ERROR(Verify(anonymous, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kAccessDenied);
  EXPECT_EQ(DetectAuthKind(GetObjectExample()), AuthKind::kHeader);
  EXPECT_EQ(DetectAuthKind(PresignedExample()), AuthKind::kPresigned);

  RequestView both = PresignedExample();
  both.headers.emplace_back("authorization", *FindHeader(GetObjectExample(), "authorization"));
  EXPECT_AUTH_ERROR(Verify(both, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kInvalidArgument);

  RequestView v2 = MakeRequest("GET", "/test.txt",
                               "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&"
                               "Signature=vjbyPxybdZaNmGa%2ByT272YEAiv4%3D",
                               {{"host", kHost}});
  EXPECT_EQ(DetectAuthKind(v2), AuthKind::kPresigned);
  EXPECT_AUTH_ERROR(Verify(v2, ExampleLookup(), kExampleTimeMs, kRegion),
                    AuthErrorCode::kInvalidRequest);
}

// --- Presigned query parsing
// ----------------------------------------------------------------------

std::string PresignQueryWith(std::string_view name, std::string_view value) {
  std::string out;
  for (const auto& [n, v] : std::vector<std::pair<std::string, std::string>>{
           {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
           {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"},
           {"X-Amz-Date", "20130524T000000Z"},
           {"X-Amz-Expires", "86400"},
           {"X-Amz-SignedHeaders", "host"},
           {"X-Amz-Signature",
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"}}) {
    if (n == name && value == "<drop>") continue;
    if (!out.empty()) out += "&";
    out += n + "=" + (n == name ? std::string(value) : v);
  }
  return out;
}

TEST(SigV4Parse, PresignedQueryErrors) {
  const struct {
    const char* name;
    const char* value;
    const char* message;  // nullptr: only the code is checked
  } cases[] = {
      {"X-Amz-Algorithm", "<drop>",
       "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
       "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
      {"X-Amz-Signature", "<drop>", nullptr},
      {"X-Amz-Expires", "<drop>", nullptr},
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA1", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""},
      {"X-Amz-Expires", "604801",
       "X-Amz-Expires must be less than a week (in seconds) that is; 604800"},
      {"X-Amz-Expires", "-1", "X-Amz-Expires must be non-negative"},
      {"X-Amz-Expires", "abc", "X-Amz-Expires should be a number"},
      {"X-Amz-Expires", "1e3", "X-Amz-Expires should be a number"},
      {"X-Amz-Expires", "99999999999999999999999", "X-Amz-Expires should be a number"},
      {"X-Amz-Date", "20130524", nullptr},
      {"X-Amz-Date", "2013-05-24T00:00:00Z", nullptr},
      {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3", nullptr},
      {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fsqs%2Faws4_request",
       nullptr},
      {"X-Amz-SignedHeaders", "", nullptr},
      {"X-Amz-Signature", "deadbeef", nullptr},
  };
  for (const auto& c : cases) {
    auto r = ParsePresignedQuery(PresignQueryWith(c.name, c.value));
    ASSERT_FALSE(r.ok()) << c.name << "=" << c.value;
    EXPECT_EQ(r.error().s3_code(), "AuthorizationQueryParametersError")
        << c.name << "=" << c.value << ": " << r.error().message;
    if (c.message) {
      EXPECT_EQ(r.error().message, c.message);
    }
  }
  EXPECT_TRUE(ParsePresignedQuery(PresignQueryWith("X-Amz-Expires", "604800")).ok());
  EXPECT_TRUE(ParsePresignedQuery(PresignQueryWith("X-Amz-Expires", "1")).ok());
  // 0 parses: such a URL has expired already (403 at verification, as AWS; issue 16).
  EXPECT_TRUE(ParsePresignedQuery(PresignQueryWith("X-Amz-Expires", "0")).ok());
  EXPECT_AUTH_ERROR(ParsePresignedQuery(PresignQueryWith("X-Amz-Date", "2013%ZZ")),
                    AuthErrorCode::kInvalidUri);
}

TEST(SigV4Parse, ErrorTable) {
  EXPECT_EQ(S3ErrorCode(AuthErrorCode::kSignatureDoesNotMatch), "SignatureDoesNotMatch");
  EXPECT_EQ(S3ErrorCode(AuthErrorCode::kXAmzContentSha256Mismatch), "XAmzContentSHA256Mismatch");
  EXPECT_EQ(HttpStatus(AuthErrorCode::kNotImplemented), 501);
  AuthError e{AuthErrorCode::kRequestTimeTooSkewed, "skewed"};
  EXPECT_EQ(e.ToStatus().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(e.ToStatus().message(), "RequestTimeTooSkewed: skewed");
}

}  // namespace
}  // namespace stocktake::s3::auth
