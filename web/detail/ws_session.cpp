// One agent page's WebSocket: handshake, the bounded send queue, reading
// (and ignoring) what the page sends, keep-alive pings and close.
#include "web/detail/ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <string>
#include <utility>

namespace callboard::web::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

class WsSession final : public WsSink, public Closable, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, WsAuthorization auth, ServerContext& ctx)
      : ws_(std::move(stream)),
        ctx_(ctx),
        agent_(*auth.agent),
        session_id_(std::move(auth.session.id)),
        since_(auth.since),
        queue_(ctx.ws_queue_messages, ctx.ws_queue_bytes) {}

  ~WsSession() override {
    if (opened_) ctx_.metrics->websocket_closed();
  }

  void run(http::request<http::string_body> request) {
    // Beast's suggested server timeouts: a handshake deadline, and a ping
    // after an idle spell, closing the socket if no pong comes back.
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "callboard"); }));
    // Pages send nothing the server needs; a large frame is an abuse.
    ws_.read_message_max(4096);
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  void send(std::shared_ptr<const std::string> text) override {
    if (closing_ || dead_) return;
    if (!queue_.push(std::move(text))) {
      // The page is not keeping up (or the path is dead): drop it rather
      // than buffer without bound or slow the pushes to others.
      close_now();
      return;
    }
    if (!writing_) write_next();
  }

  void close(bool policy) override {
    if (closing_ || dead_) return;
    closing_ = true;
    close_code_ = policy ? websocket::close_code::policy_error : websocket::close_code::going_away;
    queue_.clear();
    if (!writing_) start_close();
  }

  void close_now() override {
    if (dead_) return;
    dead_ = true;
    ctx_.hub->remove(this);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      // A failed handshake: Beast already answered the client.
      ctx_.metrics->request("GET", 400);
      return;
    }
    opened_ = true;
    ctx_.metrics->request("GET", 101);
    ctx_.metrics->websocket_opened();
    if (ctx_.stopping) {
      close(false);
      return;
    }
    // Supervisors and admins watch the board on the same socket.
    const bool board = agent_.role != domain::Role::agent;
    ctx_.hub->add(agent_.login, session_id_, shared_from_this(), board);
    for (auto& frame : ctx_.greeting(agent_, board, since_))
      send(std::make_shared<const std::string>(std::move(frame)));
    read_next();
  }

  void read_next() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      // Closed by the page, timed out, or too large a frame: the end.
      end();
      return;
    }
    in_.consume(in_.size());
    read_next();
  }

  void write_next() {
    // The frame in flight is held here, not in the queue, so clearing the
    // queue (close) cannot free the buffer Beast is writing from.
    in_flight_ = queue_.front();
    queue_.pop();
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(*in_flight_),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    in_flight_.reset();
    if (ec) {
      end();
      return;
    }
    if (closing_) {
      start_close();
    } else if (!queue_.empty()) {
      write_next();
    }
  }

  void start_close() {
    if (dead_) return;
    ws_.async_close(websocket::close_reason(close_code_),
                    [self = shared_from_this()](beast::error_code) { self->end(); });
  }

  void end() {
    if (!dead_) {
      dead_ = true;
      ctx_.hub->remove(this);
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  ServerContext& ctx_;
  domain::AgentConfig agent_;
  std::string session_id_;
  std::optional<std::uint64_t> since_;
  OutboundQueue queue_;
  std::shared_ptr<const std::string> in_flight_;
  beast::flat_buffer in_;
  websocket::close_code close_code_ = websocket::close_code::normal;
  bool opened_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool dead_ = false;
};

}  // namespace

void start_websocket(beast::tcp_stream stream, http::request<http::string_body> request,
                     WsAuthorization auth, ServerContext& ctx) {
  // Not added to ctx.connections: at shutdown the hub closes WebSockets
  // with a close frame instead.
  auto session = std::make_shared<WsSession>(std::move(stream), std::move(auth), ctx);
  session->run(std::move(request));
}

}  // namespace callboard::web::detail
