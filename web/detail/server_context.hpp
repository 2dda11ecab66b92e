#pragma once
// What the network sessions (http_session.cpp, ws_session.cpp) share, owned
// by WebServer::Impl. Internal to web/; no Beast here.
//
// Threading: everything here is used on the io thread only.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/ports.hpp"
#include "domain/config.hpp"
#include "web/api_router.hpp"
#include "web/ws_hub.hpp"

namespace callboard::web::detail {

// A connection the server can drop at shutdown.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void close_now() = 0;
};

// Open HTTP connections (weakly held), so stop() need not wait for a
// browser's idle keep-alive connection to time out.
class ConnectionSet {
 public:
  void add(const std::shared_ptr<Closable>& c);
  void close_all();

 private:
  std::vector<std::weak_ptr<Closable>> items_;
  std::size_t prune_at_ = 64;
};

struct ServerContext {
  ApiRouter* router = nullptr;
  WsHub* hub = nullptr;
  actors::HttpMetrics* metrics = nullptr;
  ConnectionSet* connections = nullptr;
  // The frames a page gets when its socket opens: hello, then any pop that
  // is still ringing for the agent, then, for a socket that gets the
  // supervisor board, the board (or the deltas after `since`, when the page
  // reconnects holding the board at that sequence).
  std::function<std::vector<std::string>(const domain::AgentConfig& agent, bool board,
                                          std::optional<std::uint64_t> since)>
      greeting;
  std::size_t ws_queue_messages = 256;
  std::size_t ws_queue_bytes = 4 * 1024 * 1024;
  bool stopping = false;
};

// Prometheus-friendly method label: the standard methods as they are, any
// other token as "OTHER" (bounded label set).
const char* method_label(std::string_view method);

}  // namespace callboard::web::detail
