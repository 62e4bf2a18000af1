#include "s3/http/http_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace stocktake::s3::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

const std::string* ClientResponse::FindHeader(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return &v;
  }
  return nullptr;
}

struct HttpClient::Impl {
  std::string host;
  std::string port;
  int timeout_seconds;
  asio::io_context io;
  std::unique_ptr<tcp::socket> socket;
  beast::flat_buffer buffer;

  Status Connect() {
    socket = std::make_unique<tcp::socket>(io);
    beast::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec) return Status::Unavailable("cannot resolve " + host + ": " + ec.message());
    asio::connect(*socket, endpoints, ec);
    if (ec) return Status::Unavailable("cannot connect to " + host + ":" + port + ": " + ec.message());
    timeval tv{timeout_seconds, 0};
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    socket->set_option(tcp::no_delay(true), ec);
    buffer.clear();
    return Status::OK();
  }

  Result<ClientResponse> SendOnce(const ClientRequest& request, const std::string& host_header,
                                  bool* retryable) {
    *retryable = false;
    bool fresh = socket == nullptr;
    if (fresh) RETURN_IF_ERROR(Connect());
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), request.target,
                                           11};
    req.set(bhttp::field::host, host_header);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    req.body().assign(request.body.data(), request.body.size());
    req.prepare_payload();
    beast::error_code ec;
    bhttp::write(*socket, req, ec);
    if (ec) {
      socket.reset();
      *retryable = !fresh;
      return Status::Unavailable("sending request: " + ec.message());
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(uint64_t{8} << 30);
    if (request.method == "HEAD") parser.skip(true);
    bhttp::read(*socket, buffer, parser, ec);
    if (ec) {
      socket.reset();
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
    if (!res.keep_alive()) socket.reset();
    return out;
  }
};

HttpClient::HttpClient(std::string host, std::string port, int timeout_seconds)
    : impl_(new Impl) {
  impl_->host = std::move(host);
  impl_->port = std::move(port);
  impl_->timeout_seconds = timeout_seconds;
  host_header_ = impl_->host;
  if (impl_->port != "80") host_header_ += ":" + impl_->port;
}

HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::Send(const ClientRequest& request) {
  bool retryable = false;
  auto response = impl_->SendOnce(request, host_header_, &retryable);
  if (!response.ok() && retryable) response = impl_->SendOnce(request, host_header_, &retryable);
  return response;
}

}  // namespace stocktake::s3::http
