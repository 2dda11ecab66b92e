#pragma once
// The panel server: HTTP JSON API, WebSocket pushes and the static panel,
// on Boost.Beast (kept out of this header). It is the PanelPort the call
// actors use to pop a client's card on an agent's page while his phone rings.
//
// Threading: start() and stop() from one owning thread. Beast runs on one io
// thread of its own; the session store, the WebSocket registry and every
// handler live there. screen_pop()/pop_closed() may be called from any thread:
// they post to the io thread and return at once. Password checks run on a
// second, worker thread so a slow argon2id verify does not stall requests.
//
// The supervisor board (board_feed.hpp): the feed's subscriber, on the
// log's delivery thread, turns each batch into a numbered board delta while
// a supervisor watches; the io thread keeps the last ones and sends them to
// every board socket (and to a page that reconnects with ?since=).
//
// Ownership: everything in WebDeps is borrowed and must outlive the server.
// Attach the ViewHost to the EventFeed before starting the server, so a
// state push (and a board delta) reads views that already hold the batch.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/crm_port.hpp"
#include "actors/originate_port.hpp"
#include "actors/ports.hpp"
#include "domain/clock.hpp"
#include "domain/config.hpp"
#include "domain/status.hpp"
#include "storage/event_log.hpp"
#include "storage/group_commit.hpp"
#include "storage/view_host.hpp"
#include "web/agent_control.hpp"

namespace callboard::web {

struct WebOptions {
  // Session timeouts (see SessionPolicy).
  domain::Duration idle_timeout = 30LL * 60 * domain::kMicrosPerSecond;
  domain::Duration absolute_timeout = 12LL * 3600 * domain::kMicrosPerSecond;
  // How often expired sessions are swept and their WebSockets closed
  // (real time, not the Clock seam: it only bounds how late that happens).
  std::int64_t sweep_interval_ms = 15000;
  // Argon2id cost for hashing plain passwords from the config. Tests use
  // the minimum to start fast.
  bool fast_password_hashing = false;
  // Per-WebSocket send queue; a page that falls this far behind is dropped.
  std::size_t ws_queue_messages = 256;
  std::size_t ws_queue_bytes = 4 * 1024 * 1024;
  // Password checks waiting for the worker; more are refused with 503.
  std::size_t max_pending_logins = 64;
  // CRM writes block a thread each until durable: this many threads, each
  // with this many queued (more are refused with 503 busy).
  std::size_t crm_threads = 8;
  std::size_t crm_queue_per_thread = 64;
  // Supervisor board deltas kept for pages that reconnect (board_feed.hpp).
  std::size_t board_deltas_kept = 2048;
};

struct WebDeps {
  const domain::Config* config = nullptr;  // agents, listen.http, default_region
  storage::ViewHost* views = nullptr;      // read models
  storage::EventFeed* feed = nullptr;      // committed events, for live state pushes; may be null
  const storage::EventLog* log = nullptr;  // for /api/events; may be null (503)
  actors::CrmPort* crm = nullptr;          // CRM writes; may be null (503)
  actors::HttpMetrics* metrics = nullptr;
  std::string static_dir;                  // empty: default_static_dir() (web/static_files.hpp)
  const domain::Clock* clock = nullptr;    // session timeouts, login throttling
  std::function<Status()> reload;          // POST /api/admin/reload; may be null (503)
  AgentControl* agents = nullptr;          // pause/resume agents; may be null (503)
  actors::OriginatePort* originate = nullptr;  // click-to-call; may be null (503)
  WebOptions options;
};

class WebServer final : public actors::PanelPort {
 public:
  // Hashes plain passwords, binds config->listen.http (port 0: any free
  // port, see port()) and starts the io and worker threads.
  // Errors: invalid_argument (a missing dependency, a bad password_hash, a
  // bad listen address), not_found (static_dir missing), io_error (the port
  // is taken or cannot be bound; the message names host:port).
  static Result<std::unique_ptr<WebServer>> start(WebDeps deps);

  ~WebServer() override;  // stop()
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Stops accepting, closes WebSockets (close frame, then up to ~1 s for
  // them to finish), stops the threads. Idempotent; pushes after it are
  // ignored.
  void stop();

  // The bound TCP port.
  std::uint16_t port() const;

  // Thread-safe; post to the io thread. The pop is pushed to every open
  // page of the agent, and re-sent to a page he opens before pop_closed.
  void screen_pop(const domain::AgentId& agent, const actors::ScreenPop& pop) override;
  void pop_closed(const domain::AgentId& agent, const domain::CallId& call,
                  const std::string& reason) override;

  struct Impl;

 private:
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard::web
