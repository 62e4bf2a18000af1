// Fuzz target: HTTP/1.1 request parsing as the server does it (Beast's parser with the server's
// header limit), including chunked transfer encoding of the body.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t offset = 0;
  while (offset < size && !ec && !parser.is_done()) {
    size_t used = parser.put(boost::asio::buffer(data + offset, size - offset), ec);
    if (ec == http::error::need_more || used == 0) break;
    offset += used;
  }
  if (parser.is_header_done()) (void)parser.get().target();
  return 0;
}
