#pragma once
// The actor layer as the rest of the server sees it: owns the CAF actor
// system, the routing supervisor and the agent actors, and turns the
// telephony adapter's signals into messages. No CAF in this header.
//
// Thread-safety: signals() may be called from any thread (the Sofia thread
// in practice). shutdown() from the owning thread, once.

#include <map>
#include <memory>

#include "actors/agent_actor_init.hpp"
#include "actors/ports.hpp"
#include "actors/services.hpp"
#include "domain/client.hpp"

namespace callboard::actors {

struct CallCenterOptions {
  std::size_t threads = 2;  // CAF scheduler workers
};

class CallCenter {
 public:
  // agents: every configured agent's state after start-up recovery.
  CallCenter(Services services, std::map<domain::AgentId, AgentInit> agents,
             CallCenterOptions options = {});
  ~CallCenter();
  CallCenter(const CallCenter&) = delete;
  CallCenter& operator=(const CallCenter&) = delete;

  CallSignals& signals();

  // Creates a client through the client registry and waits until its events
  // are durable. Errors: invalid_argument (a phone taken, an unknown agent,
  // no name), io_error, unavailable (timeout or shutting down). Blocks: call
  // it from a thread that may wait (start-up, an HTTP worker).
  Result<domain::ClientId> create_client(const domain::NewClient& client);

  // Ends every call in progress (its legs released, its events appended),
  // then stops the actors. Idempotent.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard::actors
