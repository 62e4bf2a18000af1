// Fuzz target: the aws-chunked body decoder, in signed and unsigned-trailer modes, fed the input
// in slices whose sizes come from the input itself (framing split anywhere).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "s3/auth/chunked_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::s3::auth;
  if (size < 2) return 0;
  ChunkedDecoder::Options options;
  options.mode =
      (data[0] & 1) ? PayloadMode::kStreamingSigned : PayloadMode::kStreamingUnsignedTrailer;
  options.signing_key = std::string(32, 'k');
  options.amz_date = "20130524T000000Z";
  options.scope = "20130524/us-east-1/s3/aws4_request";
  options.seed_signature = std::string(64, '0');
  if (data[0] & 2) options.decoded_content_length = data[1];
  if (data[0] & 4) options.declared_trailers = {"x-amz-checksum-crc32"};
  ChunkedDecoder decoder(options);
  uint64_t decoded = 0;
  auto sink = [&decoded](std::string_view payload) {
    decoded += payload.size();
    return stocktake::Status::OK();
  };
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  size_t slice = 1 + data[1] % 17;
  while (!body.empty()) {
    size_t n = std::min(slice, body.size());
    if (!decoder.Feed(body.substr(0, n), sink).ok()) return 0;
    body.remove_prefix(n);
  }
  (void)decoder.Finish();
  return 0;
}
