#include "s3client/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <map>
#include <mutex>

#include "s3client/tls_error.h"

namespace stocktake::s3::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

const std::string* ClientResponse::FindHeader(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return &v;
  }
  return nullptr;
}

namespace {

// One verifying TLS context per CA bundle for the whole process: loading the system store
// costs milliseconds, and scans open many clients. SSL_CTX may be shared between threads.
Result<std::shared_ptr<ssl::context>> ClientTlsContext(const std::string& ca_bundle) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<ssl::context>> contexts;
  std::lock_guard lock(mu);
  auto it = contexts.find(ca_bundle);
  if (it != contexts.end()) return it->second;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  // TLS 1.2 and 1.3 only (RFC 8996 deprecates the older versions).
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context->set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (ca_bundle.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) return Status::Unavailable("cannot load the system CA store: " + ec.message());
  } else {
    context->load_verify_file(ca_bundle, ec);
    if (ec) return Status::InvalidArgument("CA bundle " + ca_bundle + ": " + TlsErrorText(ec));
  }
  contexts.emplace(ca_bundle, context);
  return context;
}

bool IsIpAddress(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  std::shared_ptr<ssl::context> tls_context;  // loaded on the first TLS connection
  asio::io_context io;
  std::unique_ptr<tcp::socket> socket;
  std::unique_ptr<beast::ssl_stream<tcp::socket&>> tls;  // over `socket` when options.tls
  beast::flat_buffer buffer;

  void Disconnect() {
    tls.reset();
    socket.reset();
  }
  bool connected() const { return socket != nullptr; }

  Status Connect() {
    Disconnect();
    const std::string& host = options.host;
    const std::string& port = options.port;
    if (options.tls && !tls_context) {
      ASSIGN_OR_RETURN(tls_context, ClientTlsContext(options.ca_bundle));
    }
    socket = std::make_unique<tcp::socket>(io);
    beast::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec) return Status::Unavailable("cannot resolve " + host + ": " + ec.message());
    asio::connect(*socket, endpoints, ec);
    if (ec)
      return Status::Unavailable("cannot connect to " + host + ":" + port + ": " + ec.message());
    timeval tv{options.timeout_seconds, 0};
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    socket->set_option(tcp::no_delay(true), ec);
    buffer.clear();
    if (options.tls) {
      Status st = Handshake();
      if (!st.ok()) {
        Disconnect();
        return st;
      }
    }
    return Status::OK();
  }

  // SNI, then the handshake; OpenSSL checks the chain against the trusted CAs and the
  // certificate's names against the host (RFC 6125: DNS names, or an IP address SAN).
  Status Handshake() {
    tls = std::make_unique<beast::ssl_stream<tcp::socket&>>(*socket, *tls_context);
    SSL* native = tls->native_handle();
    const std::string& host = options.host;
    bool ip = IsIpAddress(host);
    bool named = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), host.c_str()) == 1
                    : SSL_set_tlsext_host_name(native, host.c_str()) == 1 &&
                          SSL_set1_host(native, host.c_str()) == 1;
    if (!named) return Status::InvalidArgument("cannot use TLS host name " + host);
    beast::error_code ec;
    tls->handshake(ssl::stream_base::client, ec);
    if (!ec) return Status::OK();
    std::string reason = TlsErrorText(ec);
    long verify = SSL_get_verify_result(native);
    if (verify != X509_V_OK) {
      reason = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      bool name_mismatch =
          verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH;
      reason += name_mismatch ? " (the certificate does not name " + host + ")"
                              : " (trust its CA with --ca-bundle or AWS_CA_BUNDLE)";
    }
    return Status::Unavailable("TLS handshake with " + host + ":" + options.port + ": " + reason);
  }

  template <class Stream>
  Result<ClientResponse> Exchange(Stream& stream, const ClientRequest& request,
                                  const std::string& host_header, bool fresh, bool* retryable) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), request.target,
                                           11};
    req.set(bhttp::field::host, host_header);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    req.body().assign(request.body.data(), request.body.size());
    req.prepare_payload();
    beast::error_code ec;
    bhttp::write(stream, req, ec);
    if (ec) {
      Disconnect();
      *retryable = !fresh;
      return Status::Unavailable("sending request: " + ec.message());
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(uint64_t{8} << 30);
    if (request.method == "HEAD") parser.skip(true);
    bhttp::read(stream, buffer, parser, ec);
    if (ec) {
      Disconnect();
      *retryable = !fresh;
      return Status::Unavailable("reading response: " + ec.message());
    }
    auto& res = parser.get();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string().data(), field.name_string().size());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) Disconnect();
    return out;
  }

  Result<ClientResponse> SendOnce(const ClientRequest& request, const std::string& host_header,
                                  bool* retryable) {
    *retryable = false;
    bool fresh = !connected();
    if (fresh) RETURN_IF_ERROR(Connect());
    if (tls) return Exchange(*tls, request, host_header, fresh, retryable);
    return Exchange(*socket, request, host_header, fresh, retryable);
  }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(new Impl) {
  impl_->options = std::move(options);
  host_header_ = impl_->options.host;
  // The scheme's default port is left out, as SDKs do (it is part of the SigV4 signature).
  if (impl_->options.port != (impl_->options.tls ? "443" : "80")) {
    host_header_ += ":" + impl_->options.port;
  }
}

HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::Send(const ClientRequest& request) {
  bool retryable = false;
  auto response = impl_->SendOnce(request, host_header_, &retryable);
  if (!response.ok() && retryable) response = impl_->SendOnce(request, host_header_, &retryable);
  return response;
}

}  // namespace stocktake::s3::http
