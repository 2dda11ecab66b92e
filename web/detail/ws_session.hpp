#pragma once
// Hand-off from an HTTP connection to a WebSocket once the upgrade request
// is authorised. Internal to web/; included by the two Beast TUs only.

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "web/api_router.hpp"
#include "web/detail/server_context.hpp"

namespace callboard::web::detail {

// Completes the handshake on `stream` and serves the socket until it closes.
// Call on the io thread; `ctx` must outlive the socket.
void start_websocket(boost::beast::tcp_stream stream,
                     boost::beast::http::request<boost::beast::http::string_body> request,
                     WsAuthorization auth, ServerContext& ctx);

}  // namespace callboard::web::detail
