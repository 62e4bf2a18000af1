// aws-chunked decoding: AWS's published chunked-upload examples (sigv4-streaming.html,
// sigv4-streaming-trailers.html: 65 KiB of 'a' in 64 KiB + 1 KiB + 0 chunks) fed whole, byte by
// byte and in random slices; then framing, trailer and length errors on bodies signed here with
// the step functions.
#include "s3/auth/chunked_decoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "common/encoding.h"

namespace stocktake::s3::auth {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kAmzDate[] = "20130524T000000Z";
constexpr char kScope[] = "20130524/us-east-1/s3/aws4_request";

ChunkedDecoder::Options SignedOptions(PayloadMode mode, std::string seed) {
  ChunkedDecoder::Options o;
  o.mode = mode;
  o.signing_key = DeriveSigningKey(kSecret, "20130524", "us-east-1", "s3");
  o.amz_date = kAmzDate;
  o.scope = kScope;
  o.seed_signature = std::move(seed);
  o.decoded_content_length = 66560;
  return o;
}

// The body of the "Example: PUT Object" in sigv4-streaming.html.
std::string AwsStreamingBody() {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
         "\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
         "\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
         "\r\n\r\n";
}
constexpr char kAwsStreamingSeed[] =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

// The body of sigv4-streaming-trailers.html; `blank_before_trailers` adds the empty line some
// renderings of that page show after the final chunk, `final_crlf` the closing empty line.
std::string AwsTrailerBody(bool blank_before_trailers, bool final_crlf) {
  return "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
         "\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7"
         "\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
         "\r\n" +
         (blank_before_trailers ? "\r\n" : "") +
         "x-amz-checksum-crc32c:sOO8/Q==\r\n"
         "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
         "\r\n" +
         (final_crlf ? "\r\n" : "");
}
constexpr char kAwsTrailerSeed[] =
    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

struct Decoded {
  Status feed_status;
  Status finish_status;
  std::string payload;
  size_t sink_calls = 0;
  std::optional<AuthError> error;
  std::vector<std::pair<std::string, std::string>> trailers;
};

// Feeds `body` in slices of the given sizes (cycled; 0 = all at once), then finishes.
Decoded Decode(ChunkedDecoder::Options options, std::string_view body,
               std::vector<size_t> slices = {0}) {
  ChunkedDecoder decoder(std::move(options));
  Decoded out;
  auto sink = [&out](std::string_view data) {
    out.payload.append(data);
    ++out.sink_calls;
    return Status::OK();
  };
  size_t pos = 0, i = 0;
  while (pos < body.size() && out.feed_status.ok()) {
    size_t n = slices[i++ % slices.size()];
    if (n == 0) n = body.size();
    n = std::min(n, body.size() - pos);
    out.feed_status = decoder.Feed(body.substr(pos, n), sink);
    pos += n;
  }
  if (out.feed_status.ok()) out.finish_status = decoder.Finish();
  out.error = decoder.auth_error();
  out.trailers = decoder.trailers();
  return out;
}

AuthErrorCode CodeOf(const Decoded& d) {
  return d.error ? d.error->code : AuthErrorCode::kInternalError;
}

bool Ok(const Decoded& d) { return d.feed_status.ok() && d.finish_status.ok(); }

TEST(ChunkedDecoderAws, StreamingExampleWholeAndByteByByte) {
  const std::string body = AwsStreamingBody();
  ASSERT_EQ(body.size(), 66824u);  // the example's Content-Length
  const std::string expected(66560, 'a');
  for (const std::vector<size_t>& slices :
       std::vector<std::vector<size_t>>{{0}, {1}, {2}, {3, 7, 64, 1000, 65535}, {65536}}) {
    Decoded d =
        Decode(SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed), body, slices);
    ASSERT_TRUE(Ok(d)) << d.feed_status.ToString() << " / " << d.finish_status.ToString();
    EXPECT_EQ(d.payload, expected);
    EXPECT_TRUE(d.trailers.empty());
  }
}

TEST(ChunkedDecoderAws, StreamingExampleRandomSlices) {
  const std::string body = AwsStreamingBody();
  std::mt19937 rng(1234);
  for (int round = 0; round < 20; ++round) {
    std::vector<size_t> slices;
    for (int i = 0; i < 50; ++i) slices.push_back(1 + rng() % 300);
    Decoded d =
        Decode(SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed), body, slices);
    ASSERT_TRUE(Ok(d)) << "round " << round << ": " << d.feed_status.ToString();
    ASSERT_EQ(d.payload.size(), 66560u);
  }
}

TEST(ChunkedDecoderAws, StreamingExampleRejectsTampering) {
  auto options = [] { return SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed); };
  std::string body = AwsStreamingBody();
  body[100] = 'b';  // one payload byte of chunk 1
  Decoded d = Decode(options(), body);
  EXPECT_FALSE(d.feed_status.ok());
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kSignatureDoesNotMatch);

  body = AwsStreamingBody();
  body[66000] = 'b';  // chunk 2
  EXPECT_EQ(CodeOf(Decode(options(), body, {1})), AuthErrorCode::kSignatureDoesNotMatch);

  body = AwsStreamingBody();
  body.replace(body.find("b6c6ea8a"), 8, "b6c6ea8b");  // final chunk's signature
  EXPECT_EQ(CodeOf(Decode(options(), body)), AuthErrorCode::kSignatureDoesNotMatch);

  // Wrong seed (another request's signature): the chain breaks at chunk 1.
  EXPECT_EQ(CodeOf(Decode(SignedOptions(PayloadMode::kStreamingSigned, kAwsTrailerSeed),
                          AwsStreamingBody())),
            AuthErrorCode::kSignatureDoesNotMatch);

  // Chunks swapped in order would need the signatures to chain differently.
  body = AwsStreamingBody();
  const size_t second = body.find("400;chunk-signature");
  const size_t last = body.find("0;chunk-signature=b6c6");
  std::string swapped =
      body.substr(second, last - second) + body.substr(0, second) + body.substr(last);
  EXPECT_EQ(CodeOf(Decode(options(), swapped)), AuthErrorCode::kSignatureDoesNotMatch);
}

TEST(ChunkedDecoderAws, StreamingExampleLengthChecks) {
  // Truncated anywhere: Finish reports IncompleteBody.
  const std::string body = AwsStreamingBody();
  for (size_t cut : {size_t{0}, size_t{5}, size_t{90}, size_t{40000}, body.size() - 1}) {
    Decoded d = Decode(SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed),
                       std::string_view(body).substr(0, cut));
    EXPECT_TRUE(d.feed_status.ok()) << cut;
    EXPECT_FALSE(d.finish_status.ok()) << cut;
    EXPECT_EQ(CodeOf(d), AuthErrorCode::kIncompleteBody) << cut;
  }
  // Declared length too small: rejected at the chunk header, before its data is emitted.
  auto small = SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed);
  small.decoded_content_length = 66559;
  Decoded d = Decode(small, body);
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kIncompleteBody);
  EXPECT_EQ(d.payload.size(), 65536u);
  // Declared length too large: only known at the end.
  auto large = SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed);
  large.decoded_content_length = 66561;
  d = Decode(large, body);
  EXPECT_TRUE(d.feed_status.ok());
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kIncompleteBody);
  // Not declared: the caller reads decoded_bytes().
  auto unknown = SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed);
  unknown.decoded_content_length.reset();
  EXPECT_TRUE(Ok(Decode(unknown, body)));
  // Bytes after the end.
  d = Decode(SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed), body + "x");
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kInvalidRequest);
}

TEST(ChunkedDecoderAws, TrailerExampleInAllItsShapes) {
  const uint32_t kCombos = 4;
  for (uint32_t combo = 0; combo < kCombos; ++combo) {
    const bool blank = combo & 1, final_crlf = combo & 2;
    const std::string body = AwsTrailerBody(blank, final_crlf);
    for (const std::vector<size_t>& slices : std::vector<std::vector<size_t>>{{0}, {1}, {97}}) {
      auto options = SignedOptions(PayloadMode::kStreamingSignedTrailer, kAwsTrailerSeed);
      options.declared_trailers = {"x-amz-checksum-crc32c"};
      Decoded d = Decode(options, body, slices);
      ASSERT_TRUE(Ok(d)) << "blank=" << blank << " crlf=" << final_crlf << ": "
                         << d.feed_status.ToString() << " / " << d.finish_status.ToString();
      EXPECT_EQ(d.payload, std::string(66560, 'a'));
      ASSERT_EQ(d.trailers.size(), 1u);
      EXPECT_EQ(d.trailers[0].first, "x-amz-checksum-crc32c");
      EXPECT_EQ(d.trailers[0].second, "sOO8/Q==");
      // The caller's check of the trailing checksum.
      EXPECT_EQ(ComputeChecksumBase64(ChecksumAlgorithm::kCrc32c, d.payload), "sOO8/Q==");
    }
  }
}

TEST(ChunkedDecoderAws, TrailerExampleRejectsTampering) {
  auto options = [] {
    auto o = SignedOptions(PayloadMode::kStreamingSignedTrailer, kAwsTrailerSeed);
    o.declared_trailers = {"x-amz-checksum-crc32c"};
    return o;
  };
  std::string body = AwsTrailerBody(false, true);
  body.replace(body.find("sOO8/Q=="), 8, "sOO8/A==");
  EXPECT_EQ(CodeOf(Decode(options(), body)), AuthErrorCode::kSignatureDoesNotMatch);

  body = AwsTrailerBody(false, true);
  body.replace(body.find("d81f82fc"), 8, "d81f82fd");
  EXPECT_EQ(CodeOf(Decode(options(), body)), AuthErrorCode::kSignatureDoesNotMatch);

  // Without its signature line the trailer cannot be trusted.
  body = AwsTrailerBody(false, true);
  const size_t sig = body.find("x-amz-trailer-signature");
  body = body.substr(0, sig) + "\r\n";
  Decoded d = Decode(options(), body);
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kInvalidRequest);

  // A trailer after the signature.
  body = AwsTrailerBody(false, false) + "x-amz-meta-late:1\r\n\r\n";
  EXPECT_EQ(CodeOf(Decode(options(), body)), AuthErrorCode::kInvalidRequest);
}

// --- Bodies built here
// ----------------------------------------------------------------------------

// Signs `chunks` (the last one should be empty) the way a client does, for signed modes.
std::string SignedBody(const ChunkedDecoder::Options& o, const std::vector<std::string>& chunks,
                       std::string* last_signature = nullptr) {
  std::string body, previous = o.seed_signature;
  for (const std::string& chunk : chunks) {
    std::string sig = SignatureHex(
        o.signing_key, ChunkStringToSign(o.amz_date, o.scope, previous, HexLower(Sha256(chunk))));
    std::string size_hex;
    for (size_t n = chunk.size(); n > 0 || size_hex.empty(); n >>= 4) {
      size_hex.insert(size_hex.begin(), "0123456789abcdef"[n & 15]);
      if (n == 0) break;
    }
    body += size_hex + ";chunk-signature=" + sig + "\r\n" + chunk;
    if (!chunk.empty() || o.mode == PayloadMode::kStreamingSigned) body += "\r\n";
    previous = sig;
  }
  if (last_signature) *last_signature = previous;
  return body;
}

ChunkedDecoder::Options UnsignedTrailerOptions(std::vector<std::string> declared = {}) {
  ChunkedDecoder::Options o;
  o.mode = PayloadMode::kStreamingUnsignedTrailer;
  o.declared_trailers = std::move(declared);
  return o;
}

TEST(ChunkedDecoder, SignedChunksOfVariousSizes) {
  auto o = SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed);
  std::vector<std::string> chunks = {std::string(8192, 'x'), "y", std::string(300, '\0'), ""};
  o.decoded_content_length = 8192 + 1 + 300;
  std::string body = SignedBody(o, chunks);
  Decoded d = Decode(o, body, {1});
  ASSERT_TRUE(Ok(d)) << d.feed_status.ToString() << d.finish_status.ToString();
  EXPECT_EQ(d.payload, chunks[0] + chunks[1] + chunks[2]);
  // Upper-case hex sizes and signatures are accepted too.
  std::string upper = body;
  upper.replace(0, 4, "2000");
  EXPECT_TRUE(Ok(Decode(o, upper)));
}

TEST(ChunkedDecoder, SignedTrailerWithSeveralTrailers) {
  auto o = SignedOptions(PayloadMode::kStreamingSignedTrailer, kAwsStreamingSeed);
  o.decoded_content_length = 5;
  o.declared_trailers = {"x-amz-checksum-sha256", "x-amz-checksum-crc32"};
  std::string previous;
  std::string body = SignedBody(o, {"hello", ""}, &previous);
  const std::string crc = ComputeChecksumBase64(ChecksumAlgorithm::kCrc32, "hello");
  const std::string sha = ComputeChecksumBase64(ChecksumAlgorithm::kSha256, "hello");
  // Sent in non-sorted order; the signature covers them sorted by name.
  const std::string canonical =
      "x-amz-checksum-crc32:" + crc + "\nx-amz-checksum-sha256:" + sha + "\n";
  const std::string trailer_sig =
      SignatureHex(o.signing_key,
                   TrailerStringToSign(o.amz_date, o.scope, previous, HexLower(Sha256(canonical))));
  body += "x-amz-checksum-sha256:" + sha + "\r\nX-Amz-Checksum-CRC32: " + crc +
          " \r\nx-amz-trailer-signature:" + trailer_sig + "\r\n\r\n";
  ChunkedDecoder decoder(o);
  std::string payload;
  auto sink = [&](std::string_view p) {
    payload.append(p);
    return Status::OK();
  };
  for (char c : body) ASSERT_TRUE(decoder.Feed(std::string_view(&c, 1), sink).ok());
  ASSERT_TRUE(decoder.Finish().ok()) << decoder.Finish().ToString();
  EXPECT_TRUE(decoder.done());
  EXPECT_EQ(payload, "hello");
  EXPECT_EQ(decoder.decoded_bytes(), 5u);
  EXPECT_EQ(decoder.chunk_count(), 2u);
  EXPECT_EQ(decoder.Trailer("x-amz-checksum-crc32"), crc);
  EXPECT_EQ(decoder.Trailer("x-amz-checksum-sha256"), sha);
  EXPECT_FALSE(decoder.Trailer("x-amz-trailer-signature").has_value());
}

TEST(ChunkedDecoder, UnsignedTrailerFraming) {
  const std::string crc = ComputeChecksumBase64(ChecksumAlgorithm::kCrc32, "hello world");
  const std::string body =
      "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:" + crc + "\r\n\r\n";
  for (size_t slice : {size_t{0}, size_t{1}, size_t{4}}) {
    Decoded d = Decode(UnsignedTrailerOptions({"x-amz-checksum-crc32"}), body, {slice});
    ASSERT_TRUE(Ok(d)) << d.feed_status.ToString() << d.finish_status.ToString();
    EXPECT_EQ(d.payload, "hello world");
    ASSERT_EQ(d.trailers.size(), 1u);
    EXPECT_EQ(d.trailers[0].second, crc);
  }
  // Missing final empty line: tolerated once the declared trailers are all in.
  EXPECT_TRUE(Ok(
      Decode(UnsignedTrailerOptions({"x-amz-checksum-crc32"}), body.substr(0, body.size() - 2))));
  // No trailers at all, none declared.
  Decoded empty = Decode(UnsignedTrailerOptions(), "0\r\n\r\n");
  EXPECT_TRUE(Ok(empty));
  EXPECT_EQ(empty.payload, "");
}

TEST(ChunkedDecoder, FramingErrors) {
  const struct {
    const char* name;
    std::string body;
  } cases[] = {
      {"no CRLF after data", "5\r\nhelloX\r\n0\r\n\r\n"},
      {"bare LF after size", "5\nhello\r\n0\r\n\r\n"},
      {"CR inside size line", "5\r5\r\nhello\r\n0\r\n\r\n"},
      {"not hex", "zz\r\nhello\r\n0\r\n\r\n"},
      {"empty size", "\r\nhello\r\n0\r\n\r\n"},
      {"signed extension in unsigned mode",
       "5;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
       "hello\r\n0\r\n\r\n"},
      {"17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n"},
      {"space before size", " 5\r\nhello\r\n0\r\n\r\n"},
      {"trailer without colon", "5\r\nhello\r\n0\r\nx-amz-checksum-crc32\r\n\r\n"},
      {"trailer with bad name", "5\r\nhello\r\n0\r\nx amz:1\r\n\r\n"},
      {"duplicate trailer", "5\r\nhello\r\n0\r\na:1\r\na:2\r\n\r\n"},
      {"trailer signature in unsigned mode",
       "5\r\nhello\r\n0\r\na:1\r\nx-amz-trailer-signature:"
       "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n"},
      {"data after end", "5\r\nhello\r\n0\r\n\r\nmore"},
  };
  for (const auto& c : cases) {
    for (size_t slice : {size_t{0}, size_t{1}}) {
      Decoded d = Decode(UnsignedTrailerOptions(), c.body, {slice});
      EXPECT_FALSE(d.feed_status.ok()) << c.name;
      EXPECT_EQ(CodeOf(d), AuthErrorCode::kInvalidRequest)
          << c.name << ": " << d.feed_status.ToString();
    }
  }
  // Signed mode: a header without chunk-signature, or with a short one.
  auto o = SignedOptions(PayloadMode::kStreamingSigned, kAwsStreamingSeed);
  EXPECT_EQ(CodeOf(Decode(o, "5\r\nhello\r\n")), AuthErrorCode::kInvalidRequest);
  EXPECT_EQ(CodeOf(Decode(o, "5;chunk-signature=abc\r\nhello\r\n")),
            AuthErrorCode::kInvalidRequest);
  EXPECT_EQ(CodeOf(Decode(o,
                          "5;chunk-signatur=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade"
                          "35a65485a288648\r\nhello\r\n")),
            AuthErrorCode::kInvalidRequest);
  // Chunk larger than the configured maximum.
  auto capped = UnsignedTrailerOptions();
  capped.max_chunk_bytes = 4;
  EXPECT_EQ(CodeOf(Decode(capped, "5\r\nhello\r\n0\r\n\r\n")), AuthErrorCode::kInvalidRequest);
}

TEST(ChunkedDecoder, OversizedLinesAreRejectedWithoutBuffering) {
  // A size line that never ends: rejected once it passes kMaxLineBytes, fed in small slices.
  ChunkedDecoder decoder(UnsignedTrailerOptions());
  auto sink = [](std::string_view) { return Status::OK(); };
  const std::string junk(1000, '1');
  Status st;
  size_t fed = 0;
  while (st.ok() && fed < 100 * junk.size()) {
    st = decoder.Feed(junk, sink);
    fed += junk.size();
  }
  EXPECT_FALSE(st.ok());
  EXPECT_LE(fed, ChunkedDecoder::kMaxLineBytes + junk.size());
  ASSERT_TRUE(decoder.auth_error().has_value());
  EXPECT_EQ(decoder.auth_error()->code, AuthErrorCode::kInvalidRequest);
  // Sticky.
  EXPECT_FALSE(decoder.Feed("0\r\n\r\n", sink).ok());
  EXPECT_FALSE(decoder.Finish().ok());

  // A trailer section that keeps growing.
  std::string body = "0\r\n";
  for (int i = 0; i < 40; ++i)
    body += "x-amz-meta-" + std::to_string(i) + ":" + std::string(600, 'v') + "\r\n";
  Decoded d = Decode(UnsignedTrailerOptions(), body);
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kInvalidRequest);
}

TEST(ChunkedDecoder, DeclaredTrailers) {
  // Undeclared trailer.
  Decoded d = Decode(UnsignedTrailerOptions({"x-amz-checksum-crc32"}),
                     "0\r\nx-amz-checksum-sha1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=\r\n\r\n");
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kInvalidRequest);
  // Declared but never sent.
  d = Decode(UnsignedTrailerOptions({"x-amz-checksum-crc32", "x-amz-checksum-sha1"}),
             "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kInvalidRequest);
  // Declared, and an empty line before it is skipped once.
  d = Decode(UnsignedTrailerOptions({"x-amz-checksum-crc32"}),
             "0\r\n\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
  EXPECT_TRUE(Ok(d));
  // Declared, body ends without it.
  d = Decode(UnsignedTrailerOptions({"x-amz-checksum-crc32"}), "0\r\n\r\n");
  EXPECT_TRUE(d.feed_status.ok());
  EXPECT_EQ(CodeOf(d), AuthErrorCode::kIncompleteBody);
}

TEST(ChunkedDecoder, SinkErrorsPassThroughAndStick) {
  ChunkedDecoder decoder(UnsignedTrailerOptions());
  int calls = 0;
  auto failing = [&](std::string_view) {
    ++calls;
    return Status::IOError("disk full");
  };
  Status st = decoder.Feed("5\r\nhello\r\n0\r\n\r\n", failing);
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_FALSE(decoder.auth_error().has_value());
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(decoder.Feed("x", failing).ok());
  EXPECT_FALSE(decoder.Finish().ok());
  EXPECT_EQ(calls, 1);
}

TEST(ChunkedDecoder, OptionsForRequest) {
  AuthResult auth;
  auth.payload_mode = PayloadMode::kStreamingUnsignedTrailer;
  auth.signing_key = "k";
  auth.amz_date = kAmzDate;
  auth.scope = kScope;
  auth.seed_signature = "seed";
  RequestView r;
  r.headers = {{"x-amz-decoded-content-length", "11"},
               {"x-amz-trailer", "X-Amz-Checksum-CRC32, x-amz-checksum-sha256"}};
  auto o = ChunkedDecoder::OptionsFor(auth, r);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->mode, PayloadMode::kStreamingUnsignedTrailer);
  EXPECT_EQ(o->decoded_content_length, 11u);
  EXPECT_EQ(o->declared_trailers,
            (std::vector<std::string>{"x-amz-checksum-crc32", "x-amz-checksum-sha256"}));
  EXPECT_EQ(o->seed_signature, "seed");

  r.headers = {{"x-amz-decoded-content-length", "-1"}};
  EXPECT_FALSE(ChunkedDecoder::OptionsFor(auth, r).ok());
  r.headers = {};
  auto no_length = ChunkedDecoder::OptionsFor(auth, r);
  ASSERT_TRUE(no_length.ok());
  EXPECT_FALSE(no_length->decoded_content_length.has_value());

  auth.payload_mode = PayloadMode::kSignedPayload;
  auto not_streaming = ChunkedDecoder::OptionsFor(auth, r);
  ASSERT_FALSE(not_streaming.ok());
  EXPECT_EQ(not_streaming.error().code, AuthErrorCode::kInvalidRequest);

  ChunkedDecoder::Options bad;
  bad.mode = PayloadMode::kUnsignedPayload;
  ChunkedDecoder decoder(bad);
  EXPECT_FALSE(decoder.Feed("0\r\n\r\n", [](std::string_view) { return Status::OK(); }).ok());
}

}  // namespace
}  // namespace stocktake::s3::auth
