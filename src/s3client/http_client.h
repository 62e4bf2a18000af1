// HttpClient: a small blocking HTTP/1.1 client over Boost.Beast, one keep-alive connection, plain
// or TLS (OpenSSL through Beast's ssl_stream, certificate and host name verified), for Stocktake's
// own tools (inventory run, report, scan). Not thread-safe: one per thread.
// Moved from s3/http/ (issue 21); the names keep their stocktake::s3::http namespace for now.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace stocktake::s3::http {

struct ClientRequest {
  std::string method;
  std::string target;  // path + '?' + query, already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  const std::string* FindHeader(std::string_view lower_name) const;
};

struct HttpClientOptions {
  std::string host;
  std::string port;
  bool tls = false;
  // TLS: PEM file of the certificate authorities to trust; "" = the system store (as OpenSSL's
  // default verify paths; SSL_CERT_FILE / SSL_CERT_DIR override it).
  std::string ca_bundle;
  int timeout_seconds = 120;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request (reconnecting once if a kept-alive connection was closed by the server).
  // Unavailable for connection and TLS failures (an untrusted certificate says why).
  Result<ClientResponse> Send(const ClientRequest& request);
  const std::string& host_header() const { return host_header_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string host_header_;
};

}  // namespace stocktake::s3::http
