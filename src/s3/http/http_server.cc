#include "s3/http/http_server.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

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
// S3's largest single PUT is 5 GiB; multipart parts are smaller. Beyond this the parser refuses.
constexpr uint64_t kMaxBodyBytes = 5ull * 1024 * 1024 * 1024 + 64 * 1024 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Blocking reads and writes on a connected socket that honour SO_RCVTIMEO / SO_SNDTIMEO (a
// timeout surfaces as error::timed_out). Asio's own synchronous socket operations do not: on
// EAGAIN they poll() without a timeout, so a client that stops sending (or reading) would hold
// its connection thread forever. Models Beast's SyncReadStream and SyncWriteStream; only the
// error_code overloads are used, the throwing ones exist to satisfy the concepts.
class TimedStream {
 public:
  explicit TimedStream(int fd) : fd_(fd) {}

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
    std::array<iovec, kMaxSlices> iov;
    size_t count = Gather(buffers, &iov);
    ec = {};
    if (count == 0) return 0;
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

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers) {
    beast::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers) {
    beast::error_code ec;
    size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
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
};

void SetSocketTimeouts(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
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
  ParserBody(TimedStream& stream, beast::flat_buffer& buffer, Parser& parser)
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
  TimedStream& stream_;
  beast::flat_buffer& buffer_;
  Parser& parser_;
  std::vector<char> storage_;
  bool failed_ = false;
};

class SocketResponder final : public HttpResponder {
 public:
  SocketResponder(TimedStream& stream, const ParserBody& body, bool keep_alive, unsigned version)
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

  TimedStream& stream_;
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
      std::unique_lock lock(mu);
      if (connections.size() >= options.max_connections) {
        lock.unlock();
        socket.close(ec);
        continue;
      }
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
    TimedStream stream(socket.native_handle());
    while (!stopping.load()) {
      Parser parser;
      parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
      parser.body_limit(kMaxBodyBytes);
      bhttp::read_header(stream, buffer, parser, ec);
      if (ec) {
        if (ec == bhttp::error::header_limit) {
          static constexpr std::string_view kTooLarge =
              "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n"
              "Connection: close\r\n\r\n";
          asio::write(stream, asio::buffer(kTooLarge.data(), kTooLarge.size()), ec);
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
      bool keep_alive = msg.keep_alive() && !stopping.load();
      ParserBody body(stream, buffer, parser);
      SocketResponder responder(stream, body, keep_alive, msg.version());
      handler(head, body, responder);
      SetBusy(id, false);
      // A body left unread (an error answered early) would desynchronize the stream: close.
      if (!body.failed() && !body.complete() && responder.sent() && !responder.broken()) {
        LingeringClose(socket, stream);
        break;
      }
      if (!keep_alive || responder.broken() || !responder.sent() || body.failed() ||
          !body.complete()) {
        break;
      }
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    std::lock_guard lock(mu);
    connections.erase(id);
    if (connections.empty()) all_done.notify_all();
  }
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler) : impl_(new Impl) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
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
