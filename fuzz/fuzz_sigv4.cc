// Fuzz target: the SigV4 parsers of untrusted input — the Authorization header, the presigned
// query, and the canonicalisation of paths, queries and headers — and a full Verify() of the
// input split into a request (it must answer an error or a result, never crash).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "s3/auth/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::s3::auth;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)ParseAuthorizationHeader(input);
  (void)ParsePresignedQuery(input);
  (void)CanonicalUri(input);
  (void)CanonicalQueryString(input, true);

  // First line: path?query; second: Authorization; the rest: header lines "name:value".
  size_t nl = input.find('\n');
  std::string_view target = input.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  size_t q = target.find('?');
  RequestView request;
  request.method = "PUT";
  request.raw_path = target.substr(0, q);
  request.raw_query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  size_t nl2 = rest.find('\n');
  request.headers.emplace_back("authorization", std::string(rest.substr(0, nl2)));
  rest = nl2 == std::string_view::npos ? std::string_view() : rest.substr(nl2 + 1);
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      request.headers.emplace_back(std::string(line.substr(0, colon)),
                                   std::string(line.substr(colon + 1)));
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  auto lookup = [](std::string_view) -> stocktake::Result<std::string> {
    return std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  };
  (void)Verify(request, lookup, 1369353600000, "us-east-1");
  return 0;
}
