#pragma once
// The Beast side of the server, behind two small entry points so that only
// http_session.cpp and ws_session.cpp instantiate Beast's async machinery.
// Internal to web/.
//
// Threading: call everything here on the io thread, except start_listener,
// which runs before the io thread starts.

#include <cstdint>
#include <memory>

#include "domain/config.hpp"
#include "domain/status.hpp"
#include "web/detail/server_context.hpp"

namespace boost::asio {
class io_context;
}

namespace callboard::web::detail {

class Listener {
 public:
  virtual ~Listener() = default;
  virtual std::uint16_t port() const = 0;
  // Stops accepting and closes the listening socket.
  virtual void stop() = 0;
};

// Binds and starts accepting. Errors: invalid_argument for an address that
// does not parse, io_error naming host:port when it cannot be bound.
Result<std::shared_ptr<Listener>> start_listener(boost::asio::io_context& ioc,
                                                 const domain::Endpoint& at, ServerContext& ctx);

}  // namespace callboard::web::detail
