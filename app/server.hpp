#pragma once
// The composition root: the only place that knows every concrete type. It
// opens the log, rebuilds the views, writes start-up recovery events,
// imports the demo clients on a first start, and starts metrics, SIP, the
// panel and the actors, in that order; stop() takes them down in reverse,
// ending calls in progress cleanly first.

#include <memory>
#include <string>

#include "domain/config.hpp"
#include "domain/status.hpp"

namespace callboard::app {

struct ServerOptions {
  bool fast_password_hashing = false;  // tests: cheap argon2id parameters
  std::int64_t session_idle_timeout_s = 30 * 60;
  // A snapshot of the views every this many committed events (0: only at
  // a clean shutdown), in DATA_DIR/snapshots; start-up loads the newest.
  std::uint64_t snapshot_every = 100'000;
  // Client actors idle this long are passivated.
  std::int64_t client_idle_ms = 60'000;
  // Worker threads of the actor system (actors/call_center.hpp).
  std::size_t actor_threads = 1;
  // Nice of the Sofia thread and the actor system's threads
  // (actors/thread_priority.hpp); 0 leaves them as they are.
  int thread_nice = -10;
};

class Server {
 public:
  // Errors name the part that failed: the data directory (locked by another
  // process, unreadable log), or an address that cannot be bound.
  static Result<std::unique_ptr<Server>> start(domain::Config config, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Where it listens, for the start-up banner.
  std::string describe() const;
  void stop();

  // Reads the configuration file again (SIGHUP, POST /api/admin/reload). A
  // valid file applies to new calls, and its SIP credentials to new
  // REGISTERs; calls in progress keep their plan. An invalid one is refused
  // with its error and the running configuration stays. Thread-safe.
  Status reload();

  struct Parts;

 private:
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// The event log's directory inside the data directory.
std::string log_path(const domain::Config& config);
// The views' snapshots' directory inside the data directory.
std::string snapshot_path(const domain::Config& config);

}  // namespace callboard::app
