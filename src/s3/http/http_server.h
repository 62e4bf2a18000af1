// HttpServer: HTTP/1.1 over Boost.Beast, one thread per connection with blocking I/O and socket
// timeouts (simple, bounded memory per connection: bodies stream through fixed buffers). The
// rest of Stocktake sees only the neutral types below; only this folder includes Beast.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace stocktake::s3::http {

struct HttpRequestHead {
  std::string method;
  std::string target;  // raw request target: path + '?' + query, percent-encoded as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::optional<uint64_t> content_length;
  bool chunked_transfer = false;  // Transfer-Encoding: chunked (decoded by the server)
  std::string remote_address;
  bool secure = false;  // arrived over TLS (the aws:SecureTransport condition key)

  // First value of a header (name lower-case), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
};

// The request body, decoded from HTTP framing (Content-Length or chunked transfer encoding).
class HttpBody {
 public:
  virtual ~HttpBody() = default;
  // Up to max_bytes of the body; an empty view means the end. Views stay valid until the next
  // call.
  virtual Result<std::string_view> Read(size_t max_bytes) = 0;
};

struct HttpResponseHead {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Produces the next slice of a streamed response body; empty = done.
using BodyProducer = std::function<Result<std::string_view>()>;

class HttpResponder {
 public:
  virtual ~HttpResponder() = default;
  // "100 Continue" for clients that sent `Expect: 100-continue`; sent at most once.
  virtual Status SendContinue() = 0;
  virtual Status Send(const HttpResponseHead& head, std::string_view body) = 0;
  // HEAD responses: headers with the given Content-Length and no body.
  virtual Status SendHeadOnly(const HttpResponseHead& head, uint64_t content_length) = 0;
  virtual Status SendStreamed(const HttpResponseHead& head, uint64_t content_length,
                              const BodyProducer& next) = 0;
};

using Handler = std::function<void(const HttpRequestHead&, HttpBody&, HttpResponder&)>;

// A TLS listener's certificate chain and private key, PEM files.
struct TlsOptions {
  std::string cert_file;
  std::string key_file;
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 9000;  // 0 picks a free port
  // Request line + header fields; larger ones get 400 RequestHeaderSectionTooLarge (AWS allows
  // 8 KiB of PUT header, https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html).
  size_t max_header_bytes = 16 * 1024;
  // A connection must deliver its next request header whole within this (idle keep-alive
  // connections and clients trickling a header are closed after it).
  int idle_timeout_seconds = 60;
  int io_timeout_seconds = 120;     // a read or write of a request making no progress fails
  int shutdown_grace_seconds = 25;  // in-flight requests get this long on Stop()
  // Connections served at once; beyond it accepting pauses (clients wait in the listen backlog).
  size_t max_connections = 1024;
  std::optional<TlsOptions> tls;  // set: this listener speaks HTTPS only
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting in a background thread. InvalidArgument when the TLS certificate
  // or key cannot be loaded.
  Status Start();
  uint16_t port() const { return port_; }
  // Stops accepting, closes idle connections, waits (bounded) for in-flight requests.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace stocktake::s3::http
