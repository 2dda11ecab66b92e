// The listening socket and one HTTP/1.1 connection: read a request (bounded
// header and body), hand it to the ApiRouter or upgrade it to a WebSocket,
// write the response, keep the connection alive or close it.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "web/detail/transport.hpp"
#include "web/detail/ws_session.hpp"
#include "web/json_util.hpp"

namespace callboard::web::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kReadTimeout{30};
constexpr std::chrono::seconds kWriteTimeout{30};
constexpr std::chrono::seconds kDrainTimeout{2};
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kDrainLimit = 1024 * 1024;

std::string header_value(const http::request<http::string_body>& req, http::field f) {
  auto it = req.find(f);
  return it == req.end() ? std::string() : std::string(it->value());
}

HttpRequest to_plain(http::request<http::string_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  // Several Cookie headers are legal (HTTP/2 proxies split them); join them.
  for (auto it = req.find(http::field::cookie); it != req.end() && it->name() == http::field::cookie; ++it) {
    if (!r.cookie.empty()) r.cookie += "; ";
    r.cookie += std::string(it->value());
  }
  auto csrf = req.find("X-CSRF-Token");
  r.csrf_token = csrf == req.end() ? std::string() : std::string(csrf->value());
  r.content_type = header_value(req, http::field::content_type);
  r.origin = header_value(req, http::field::origin);
  r.host = header_value(req, http::field::host);
  r.body = std::move(req.body());
  return r;
}

class HttpSession final : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, ServerContext& ctx) : stream_(std::move(socket)), ctx_(ctx) {}

  void run() { read_next(); }

  void close_now() override {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  void read_next() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The largest limit any route has; the header says which one applies
    // (Beast checks Content-Length against it while reading the header).
    parser_->body_limit(ApiRouter::kMaxImportBytes);
    stream_.expires_after(kReadTimeout);
    http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) ec = self->limit_body();
      if (ec) {
        self->on_read(ec);
        return;
      }
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code ec2, std::size_t) { self->on_read(ec2); });
    });
  }

  // A CSV import may carry a whole client base; every other request is small.
  beast::error_code limit_body() {
    const auto& head = parser_->get();
    body_limit_ = ApiRouter::body_limit_for(
        std::string_view(head.method_string().data(), head.method_string().size()),
        std::string_view(head.target().data(), head.target().size()));
    if (auto length = parser_->content_length(); length && *length > body_limit_)
      return http::error::body_limit;
    parser_->body_limit(body_limit_);  // chunked bodies are counted as they come
    return {};
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset || ctx_.stopping) {
      close_now();
      return;
    }
    const std::string method = parser_->is_header_done()
                                   ? std::string(parser_->get().method_string())
                                   : std::string("OTHER");
    if (ec == http::error::body_limit) {
      reply_and_close(method, error_response(413, "too_large",
                                             "the request body is larger than " +
                                                 std::to_string(body_limit_) + " bytes"));
      return;
    }
    if (ec == http::error::header_limit) {
      reply_and_close(method, error_response(431, "headers_too_large", "the request headers are too large"));
      return;
    }
    if (ec) {
      reply_and_close(method, bad_request({"", "malformed HTTP request: " + ec.message()}));
      return;
    }

    http::request<http::string_body> req = parser_->release();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    method_ = std::string(req.method_string());

    if (beast::websocket::is_upgrade(req)) {
      HttpRequest plain = to_plain(req);
      auto target = parse_target(plain.target);
      if (!target || target->path != "/ws") {
        reply_and_close(method_, error_response(404, "not_found", "WebSockets are served at /ws only"));
        return;
      }
      WsAuthorization auth = ctx_.router->authorize_websocket(plain);
      if (!auth.ok) {
        reply_and_close(method_, std::move(auth.refusal));
        return;
      }
      // The parser consumed exactly the request; nothing of the WebSocket
      // stream can be in buffer_ yet, as a client must wait for the 101.
      start_websocket(std::move(stream_), std::move(req), std::move(auth), ctx_);
      return;
    }

    ctx_.router->handle(to_plain(req), [self = shared_from_this()](HttpResponse r) {
      self->write(std::move(r));
    });
  }

  void reply_and_close(const std::string& method, HttpResponse r) {
    method_ = method;
    keep_alive_ = false;
    drain_after_write_ = true;
    write(std::move(r));
  }

  void write(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status),
                                                                   version_ ? version_ : 11);
    res->set(http::field::server, "callboard");
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->insert(name, value);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_ && !ctx_.stopping);
    res->prepare_payload();
    if (head_) res->body().clear();  // Content-Length still names the GET body's size
    ctx_.metrics->request(method_label(method_), r.status);

    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        self->on_write(ec, res->keep_alive());
                      });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (ec) {
      close_now();
      return;
    }
    if (keep_alive) {
      read_next();
      return;
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (drain_after_write_) {
      drain();
    } else {
      stream_.socket().close(ignored);
    }
  }

  // After refusing a request whose body is still arriving (413), read and
  // discard for a moment before closing: closing with unread data makes the
  // kernel send RST, and the client would lose our response.
  void drain() {
    stream_.expires_after(kDrainTimeout);
    stream_.async_read_some(asio::buffer(scratch_), [self = shared_from_this()](beast::error_code ec,
                                                                              std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kDrainLimit) {
        self->close_now();
        return;
      }
      self->drain();
    });
  }

  beast::tcp_stream stream_;
  ServerContext& ctx_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t body_limit_ = ApiRouter::kMaxBodyBytes;  // of the request being read
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  bool drain_after_write_ = false;
  std::string method_;
  std::array<char, 8192> scratch_{};
  std::size_t drained_ = 0;
};

class TcpListener final : public Listener, public std::enable_shared_from_this<TcpListener> {
 public:
  TcpListener(asio::io_context& ioc, ServerContext& ctx) : ioc_(ioc), acceptor_(ioc), ctx_(ctx) {}

  Status open(const domain::Endpoint& at) {
    beast::error_code ec;
    // No resolver here: the address is taken literally, except the one name
    // every config writer expects to work.
    auto address = asio::ip::make_address(at.host == "localhost" ? "127.0.0.1" : at.host, ec);
    if (ec) return Status::invalid_argument("listen.http: '" + at.host + "' is not an IP address");
    tcp::endpoint endpoint(address, at.port);
    const std::string where = at.to_string();
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return Status::io_error("cannot open a socket for " + where + ": " + ec.message());
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) return Status::io_error("cannot listen on " + where + ": " + ec.message());
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::io_error("cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint(ec).port();
    return Status::ok();
  }

  void accept_next() {
    acceptor_.async_accept(ioc_, [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  std::uint16_t port() const override { return port_; }

  void stop() override {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      auto session = std::make_shared<HttpSession>(std::move(socket), ctx_);
      ctx_.connections->add(session);
      session->run();
    }
    // Other accept errors (EMFILE, ECONNABORTED) concern one connection;
    // keep accepting.
    accept_next();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  ServerContext& ctx_;
  std::uint16_t port_ = 0;
};

}  // namespace

Result<std::shared_ptr<Listener>> start_listener(asio::io_context& ioc, const domain::Endpoint& at,
                                                 ServerContext& ctx) {
  auto listener = std::make_shared<TcpListener>(ioc, ctx);
  Status s = listener->open(at);
  if (!s) return s;
  listener->accept_next();
  return std::shared_ptr<Listener>(listener);
}

}  // namespace callboard::web::detail
