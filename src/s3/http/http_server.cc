#include "s3/http/http_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "s3client/tls_error.h"

namespace stocktake::s3::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

const std::string* HttpRequestHead::FindHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return &v;
  }
  return nullptr;
}

namespace {

constexpr size_t kBodyBufferBytes = 256 * 1024;
// After answering a request whose body was left unread (an early error), the connection is
// closed "lingering" as nginx does: the response is followed by a FIN and the rest of the body is
// read and discarded for a while. Closing at once with unread bytes makes the kernel send a RST,
// which can destroy the response in the client's receive buffer before it reads it (boto3 then
// reports a bare "400"/"404" or a connection error instead of the S3 error).
constexpr int kLingerSeconds = 5;
constexpr int kLingerReadTimeoutMs = 1000;
// How long a closing TLS connection waits for the client's close_notify.
constexpr int kTlsCloseTimeoutSeconds = 1;
// S3's largest single PUT is 5 GiB; multipart parts are smaller. Beyond this the parser refuses.
constexpr uint64_t kMaxBodyBytes = 5ull * 1024 * 1024 * 1024 + 64 * 1024 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The throwing read_some/write_some of Beast's SyncReadStream and SyncWriteStream concepts, over
// the error_code overloads of `Stream` (the derived class, which brings these in with `using`).
template <class Stream>
class ThrowingSyncStream {
 public:
  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers) {
    beast::error_code ec;
    size_t n = static_cast<Stream*>(this)->read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers) {
    beast::error_code ec;
    size_t n = static_cast<Stream*>(this)->write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }
};

// Blocking reads and writes on a connected socket that honour SO_RCVTIMEO / SO_SNDTIMEO (a
// timeout surfaces as error::timed_out). Asio's own synchronous socket operations do not: on
// EAGAIN they poll() without a timeout, so a client that stops sending (or reading) would hold
// its connection thread forever. Models Beast's SyncReadStream and SyncWriteStream; only the
// error_code overloads are used, the throwing ones exist to satisfy the concepts. It is also the
// lowest layer of the TLS stream (ConnectionStream), which needs an executor it never runs.
class TimedStream : public ThrowingSyncStream<TimedStream> {
 public:
  using ThrowingSyncStream::read_some;
  using ThrowingSyncStream::write_some;
  using lowest_layer_type = TimedStream;
  using executor_type = asio::any_io_executor;

  explicit TimedStream(tcp::socket& socket)
      : fd_(socket.native_handle()), executor_(socket.get_executor()) {}
  lowest_layer_type& lowest_layer() { return *this; }
  const lowest_layer_type& lowest_layer() const { return *this; }
  executor_type get_executor() const { return executor_; }

  // Reads fail with timed_out once `deadline` has passed (checked before each read, so a client
  // trickling bytes is cut off at most one receive timeout after it).
  void set_read_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }
  void clear_read_deadline() { deadline_ = std::chrono::steady_clock::time_point::max(); }

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
    std::array<iovec, kMaxSlices> iov;
    size_t count = Gather(buffers, &iov);
    ec = {};
    if (count == 0) return 0;
    if (std::chrono::steady_clock::now() >= deadline_) {
      ec = asio::error::timed_out;
      return 0;
    }
    while (true) {
      ssize_t got = ::readv(fd_, iov.data(), static_cast<int>(count));
      if (got > 0) return static_cast<size_t>(got);
      if (got == 0) {
        ec = asio::error::eof;
        return 0;
      }
      if (errno != EINTR) {
        ec = ErrnoError();
        return 0;
      }
    }
  }

  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers, beast::error_code& ec) {
    std::array<iovec, kMaxSlices> iov;
    size_t count = Gather(buffers, &iov);
    ec = {};
    if (count == 0) return 0;
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = count;
    while (true) {
      // MSG_NOSIGNAL: a client gone away is an error here, not a SIGPIPE.
      ssize_t sent = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
      if (sent >= 0) return static_cast<size_t>(sent);
      if (errno != EINTR) {
        ec = ErrnoError();
        return 0;
      }
    }
  }

 private:
  static constexpr size_t kMaxSlices = 16;  // a partial read/write is fine: callers loop

  template <class BufferSequence>
  static size_t Gather(const BufferSequence& buffers, std::array<iovec, kMaxSlices>* iov) {
    size_t count = 0;
    for (auto it = asio::buffer_sequence_begin(buffers);
         it != asio::buffer_sequence_end(buffers) && count < kMaxSlices; ++it) {
      auto buffer = *it;
      if (buffer.size() == 0) continue;
      (*iov)[count++] =
          iovec{const_cast<void*>(static_cast<const void*>(buffer.data())), buffer.size()};
    }
    return count;
  }

  static beast::error_code ErrnoError() {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return asio::error::timed_out;
    return beast::error_code(errno, boost::system::system_category());
  }

  int fd_;
  executor_type executor_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
};

// What requests are read from and responses written to: the timed socket itself, or TLS over it
// (Beast's ssl_stream, OpenSSL), so that the socket timeouts hold for TLS connections too.
class ConnectionStream : public ThrowingSyncStream<ConnectionStream> {
 public:
  using ThrowingSyncStream::read_some;
  using ThrowingSyncStream::write_some;

  explicit ConnectionStream(TimedStream& raw) : raw_(raw) {}

  // The server side of the TLS handshake; afterwards all bytes go through TLS.
  beast::error_code AcceptTls(asio::ssl::context& context) {
    tls_ = std::make_unique<beast::ssl_stream<TimedStream&>>(raw_, context);
    beast::error_code ec;
    tls_->handshake(asio::ssl::stream_base::server, ec);
    return ec;
  }
  bool secure() const { return tls_ != nullptr; }

  // Before the server closes a TLS connection: close_notify, so the client can tell the end
  // from a truncation. The wait for the client's own close_notify is bounded by the socket's
  // receive timeout, which the caller shortens first.
  void EndTls() {
    beast::error_code ec;
    if (tls_) tls_->shutdown(ec);
  }

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
    return tls_ ? tls_->read_some(buffers, ec) : raw_.read_some(buffers, ec);
  }
  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers, beast::error_code& ec) {
    return tls_ ? tls_->write_some(buffers, ec) : raw_.write_some(buffers, ec);
  }

 private:
  TimedStream& raw_;
  std::unique_ptr<beast::ssl_stream<TimedStream&>> tls_;
};

// A TLS connection starts with a handshake record (RFC 8446 §5.1, ContentType handshake = 22).
// Anything else on the HTTPS port is most likely plain HTTP: it gets a plain-text 400 (as nginx
// answers) instead of a dropped connection.
constexpr int kTlsHandshakeRecord = 22;

// The first byte the client sent, left unread; -1 when it sent none in time (or closed).
int PeekFirstByte(int fd) {
  unsigned char first = 0;
  ssize_t got;
  do {
    got = ::recv(fd, &first, 1, MSG_PEEK);
  } while (got < 0 && errno == EINTR);
  return got == 1 ? first : -1;
}

constexpr std::string_view kPlainHttpOnTlsPort =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 58\r\n"
    "Connection: close\r\n\r\nThis port speaks HTTPS: send the request with https:// URLs\n";

Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const TlsOptions& tls) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  // TLS 1.2 and 1.3 only (older versions are deprecated by RFC 8996).
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) {
    return Status::InvalidArgument("TLS certificate " + tls.cert_file + ": " + TlsErrorText(ec));
  }
  context->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument("TLS key " + tls.key_file + ": " + TlsErrorText(ec));
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Status::InvalidArgument("TLS key " + tls.key_file + " does not match certificate " +
                                   tls.cert_file);
  }
  return context;
}

void SetSocketTimeouts(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void SetReceiveTimeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

// Requests refused by this layer, before any S3 processing, still get an S3 XML error (AWS
// answers an oversized header section with this code). The S3 error table lives above this
// library, hence the literal; the request id is random, as S3's.
std::string RejectionResponse(std::string_view status_line, std::string_view code,
                              std::string_view message) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::random_device random;
  std::string request_id;
  for (int i = 0; i < 16; ++i) request_id.push_back(kHex[random() & 0xf]);
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" +
                     std::string(code) + "</Code><Message>" + std::string(message) +
                     "</Message><RequestId>" + request_id + "</RequestId></Error>";
  return "HTTP/1.1 " + std::string(status_line) +
         "\r\nContent-Type: application/xml\r\nx-amz-request-id: " + request_id +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

using Parser = bhttp::request_parser<bhttp::buffer_body>;

// Beast writes field values as given: a CR or LF inside one would end the header early and let
// the rest be read as other headers or a body (response splitting). Ops validate what they echo;
// this is the last line of defence.
template <class Message>
void SetHeaders(Message& res, const HttpResponseHead& head) {
  for (const auto& [name, value] : head.headers) {
    if (value.find_first_of("\r\n") == std::string::npos) {
      res.set(name, value);
    } else {
      std::string clean = value;
      std::replace_if(
          clean.begin(), clean.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
      res.set(name, clean);
    }
  }
}

class ParserBody final : public HttpBody {
 public:
  ParserBody(ConnectionStream& stream, beast::flat_buffer& buffer, Parser& parser)
      : stream_(stream), buffer_(buffer), parser_(parser), storage_(kBodyBufferBytes) {}

  Result<std::string_view> Read(size_t max_bytes) override {
    if (parser_.is_done()) return std::string_view();
    size_t want = std::min(max_bytes, storage_.size());
    parser_.get().body().data = storage_.data();
    parser_.get().body().size = want;
    beast::error_code ec;
    bhttp::read(stream_, buffer_, parser_, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      failed_ = true;
      return Status::IOError("reading request body: " + ec.message());
    }
    size_t got = want - parser_.get().body().size;
    return std::string_view(storage_.data(), got);
  }

  bool complete() const { return parser_.is_done(); }
  bool failed() const { return failed_; }

 private:
  ConnectionStream& stream_;
  beast::flat_buffer& buffer_;
  Parser& parser_;
  std::vector<char> storage_;
  bool failed_ = false;
};

class SocketResponder final : public HttpResponder {
 public:
  SocketResponder(ConnectionStream& stream, const ParserBody& body, bool keep_alive,
                  unsigned version)
      : stream_(stream), body_(body), keep_alive_(keep_alive), version_(version) {}

  Status SendContinue() override {
    if (continue_sent_ || sent_) return Status::OK();
    continue_sent_ = true;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    beast::error_code ec;
    asio::write(stream_, asio::buffer(kContinue.data(), kContinue.size()), ec);
    if (ec) return Status::IOError("sending 100-continue: " + ec.message());
    return Status::OK();
  }

  Status Send(const HttpResponseHead& head, std::string_view body) override {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(head.status), version_};
    SetHeaders(res, head);
    res.body().assign(body.data(), body.size());
    res.prepare_payload();
    res.keep_alive(KeepAlive());
    sent_ = true;
    beast::error_code ec;
    bhttp::write(stream_, res, ec);
    if (ec) return Status::IOError("writing response: " + ec.message());
    return Status::OK();
  }

  Status SendHeadOnly(const HttpResponseHead& head, uint64_t content_length) override {
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(head.status), version_};
    SetHeaders(res, head);
    res.content_length(content_length);
    res.keep_alive(KeepAlive());
    sent_ = true;
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    beast::error_code ec;
    bhttp::write_header(stream_, sr, ec);
    if (ec) return Status::IOError("writing response: " + ec.message());
    return Status::OK();
  }

  Status SendStreamed(const HttpResponseHead& head, uint64_t content_length,
                      const BodyProducer& next) override {
    bhttp::response<bhttp::buffer_body> res{static_cast<bhttp::status>(head.status), version_};
    SetHeaders(res, head);
    res.content_length(content_length);
    res.keep_alive(KeepAlive());
    res.body().data = nullptr;
    res.body().more = true;
    sent_ = true;
    bhttp::response_serializer<bhttp::buffer_body> sr{res};
    beast::error_code ec;
    bhttp::write_header(stream_, sr, ec);
    if (ec) return Status::IOError("writing response header: " + ec.message());
    uint64_t sent = 0;
    while (sent < content_length) {
      auto chunk = next();
      if (!chunk.ok() || chunk->empty()) {
        // Headers are out: the only honest signal left is to drop the connection.
        broken_ = true;
        return chunk.ok() ? Status::Internal("object data ended early") : chunk.status();
      }
      res.body().data = const_cast<char*>(chunk->data());
      res.body().size = chunk->size();
      res.body().more = true;
      bhttp::write(stream_, sr, ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        broken_ = true;
        return Status::IOError("writing response body: " + ec.message());
      }
      sent += chunk->size();
    }
    res.body().data = nullptr;
    res.body().more = false;
    bhttp::write(stream_, sr, ec);
    if (ec && ec != bhttp::error::need_buffer) {
      broken_ = true;
      return Status::IOError("finishing response: " + ec.message());
    }
    return Status::OK();
  }

  bool sent() const { return sent_; }
  bool broken() const { return broken_; }

 private:
  // A request body not read to its end (an error answered early) cannot be skipped reliably,
  // so the connection ends after this response: tell the client (Connection: close) so it does
  // not send its next request on it.
  bool KeepAlive() const { return keep_alive_ && body_.complete() && !body_.failed(); }

  ConnectionStream& stream_;
  const ParserBody& body_;
  bool keep_alive_;
  unsigned version_;
  bool continue_sent_ = false;
  bool sent_ = false;
  bool broken_ = false;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;
  std::unique_ptr<asio::ssl::context> tls_context;  // null: plain HTTP
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread accept_thread;
  std::atomic<bool> stopping{false};

  struct Connection {
    int fd;
    bool busy;
  };
  std::mutex mu;
  std::condition_variable all_done;
  std::condition_variable slot_free;  // a connection ended (AcceptLoop waits at the limit)
  std::map<uint64_t, Connection> connections;
  uint64_t next_id = 0;

  void AcceptLoop() {
    while (!stopping.load()) {
      tcp::socket socket{io};
      beast::error_code ec;
      acceptor.accept(socket, ec);
      if (ec) {
        if (stopping.load()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      // Back-pressure: at the connection limit, stop accepting until one ends; new clients wait
      // in the kernel's listen backlog instead of being refused.
      std::unique_lock lock(mu);
      slot_free.wait(
          lock, [&] { return connections.size() < options.max_connections || stopping.load(); });
      if (stopping.load()) return;
      uint64_t id = next_id++;
      connections[id] = Connection{socket.native_handle(), false};
      lock.unlock();
      std::thread([this, id, s = std::move(socket)]() mutable {
        Serve(id, std::move(s));
      }).detach();
    }
  }

  // Sends FIN after the response, then reads and discards what the client still sends (the
  // rest of its body) until it closes, kLingerSeconds pass, or it pauses for
  // kLingerReadTimeoutMs. Stop() shutting the socket down ends it early.
  static void LingeringClose(tcp::socket& socket, TimedStream& stream) {
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    timeval tv{0, kLingerReadTimeoutMs * 1000};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kLingerSeconds);
    std::vector<char> sink(64 * 1024);
    while (std::chrono::steady_clock::now() < deadline) {
      stream.read_some(asio::buffer(sink), ec);
      if (ec) return;  // EOF, reset, or a pause longer than the read timeout
    }
  }

  void SetBusy(uint64_t id, bool busy) {
    std::lock_guard lock(mu);
    connections[id].busy = busy;
  }

  void Serve(uint64_t id, tcp::socket socket) {
    SetSocketTimeouts(socket.native_handle(), options.io_timeout_seconds);
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    std::string remote;
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) remote = endpoint.address().to_string();
    beast::flat_buffer buffer;
    TimedStream raw(socket);
    ConnectionStream stream(raw);
    if (tls_context && !AcceptTls(socket, raw, stream)) {
      EndConnection(id, socket);
      return;
    }
    while (!stopping.load()) {
      Parser parser;
      parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
      parser.body_limit(kMaxBodyBytes);
      // The next request's header must arrive whole within the idle timeout: neither an idle
      // keep-alive connection nor a client trickling its header holds a thread longer.
      ec = WithinIdleTimeout(socket, raw, [&] {
        beast::error_code read_ec;
        bhttp::read_header(stream, buffer, parser, read_ec);
        return read_ec;
      });
      if (ec) {
        std::string response;
        if (ec == bhttp::error::header_limit) {
          response =
              RejectionResponse("400 Bad Request", "RequestHeaderSectionTooLarge",
                                "Your request header section exceeds the maximum allowed size.");
        } else if (ec == bhttp::error::body_limit) {  // a Content-Length beyond kMaxBodyBytes
          response =
              RejectionResponse("400 Bad Request", "EntityTooLarge",
                                "Your proposed upload exceeds the maximum allowed object size.");
        }
        if (!response.empty()) {
          asio::write(stream, asio::buffer(response), ec);
          if (!ec && !stream.secure()) LingeringClose(socket, raw);
        }
        break;
      }
      SetBusy(id, true);
      const auto& msg = parser.get();
      HttpRequestHead head;
      head.method = std::string(msg.method_string());
      head.target = std::string(msg.target());
      for (const auto& field : msg) {
        head.headers.emplace_back(
            Lower(std::string_view(field.name_string().data(), field.name_string().size())),
            std::string(field.value()));
      }
      if (parser.content_length()) head.content_length = *parser.content_length();
      head.chunked_transfer = parser.chunked();
      head.remote_address = remote;
      head.secure = stream.secure();
      bool keep_alive = msg.keep_alive() && !stopping.load();
      ParserBody body(stream, buffer, parser);
      SocketResponder responder(stream, body, keep_alive, msg.version());
      handler(head, body, responder);
      SetBusy(id, false);
      // A body left unread (an error answered early) would desynchronize the stream: close.
      if (!body.failed() && !body.complete() && responder.sent() && !responder.broken()) {
        LingeringClose(socket, raw);
        break;
      }
      if (!keep_alive || responder.broken() || !responder.sent() || body.failed() ||
          !body.complete()) {
        if (stream.secure() && !responder.broken()) {
          SetSocketTimeouts(socket.native_handle(), kTlsCloseTimeoutSeconds);
          stream.EndTls();
        }
        break;
      }
    }
    EndConnection(id, socket);
  }

  // Plain HTTP on the TLS port is answered in plain text; a failed handshake just ends.
  // The first bytes and the handshake, like a request header, must arrive within the idle
  // timeout.
  bool AcceptTls(tcp::socket& socket, TimedStream& raw, ConnectionStream& stream) {
    SetReceiveTimeout(socket.native_handle(), options.idle_timeout_seconds);
    int first = PeekFirstByte(socket.native_handle());
    if (first < 0) return false;
    if (first != kTlsHandshakeRecord) {
      beast::error_code ec;
      asio::write(raw, asio::buffer(kPlainHttpOnTlsPort.data(), kPlainHttpOnTlsPort.size()), ec);
      if (!ec) LingeringClose(socket, raw);
      return false;
    }
    beast::error_code ec =
        WithinIdleTimeout(socket, raw, [&] { return stream.AcceptTls(*tls_context); });
    if (ec) spdlog::debug("TLS handshake failed: {}", TlsErrorText(ec));
    return !ec;
  }

  // Runs `read` (returning its error) with the idle timeout: each read waits at most that long and
  // all of them end by it; afterwards reads are back to the I/O timeout.
  template <class Read>
  beast::error_code WithinIdleTimeout(tcp::socket& socket, TimedStream& raw, Read read) {
    SetReceiveTimeout(socket.native_handle(), options.idle_timeout_seconds);
    raw.set_read_deadline(std::chrono::steady_clock::now() +
                          std::chrono::seconds(options.idle_timeout_seconds));
    beast::error_code ec = read();
    raw.clear_read_deadline();
    SetReceiveTimeout(socket.native_handle(), options.io_timeout_seconds);
    return ec;
  }

  void EndConnection(uint64_t id, tcp::socket& socket) {
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    std::lock_guard lock(mu);
    connections.erase(id);
    slot_free.notify_one();
    if (connections.empty()) all_done.notify_all();
  }
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler) : impl_(new Impl) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  if (impl_->options.tls) {
    ASSIGN_OR_RETURN(impl_->tls_context, MakeTlsContext(*impl_->options.tls));
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return Status::InvalidArgument("bad address " + impl_->options.address);
  tcp::endpoint endpoint{address, impl_->options.port};
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl_->options.address + ":" +
                               std::to_string(impl_->options.port) + ": " + ec.message());
  }
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([this] { impl_->AcceptLoop(); });
  return Status::OK();
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  {
    std::lock_guard lock(impl_->mu);  // no missed wake-up between the check and the wait
    impl_->slot_free.notify_all();
  }
  beast::error_code ec;
  // Wake the blocking accept(): shutting the listening socket down makes it return.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  impl_->acceptor.close(ec);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  std::unique_lock lock(impl_->mu);
  for (auto& [id, conn] : impl_->connections) {
    if (!conn.busy) ::shutdown(conn.fd, SHUT_RDWR);  // idle keep-alive: close now
  }
  impl_->all_done.wait_for(lock, std::chrono::seconds(impl_->options.shutdown_grace_seconds),
                           [&] { return impl_->connections.empty(); });
  for (auto& [id, conn] : impl_->connections) ::shutdown(conn.fd, SHUT_RDWR);
  impl_->all_done.wait_for(lock, std::chrono::seconds(2),
                           [&] { return impl_->connections.empty(); });
}

}  // namespace stocktake::s3::http
