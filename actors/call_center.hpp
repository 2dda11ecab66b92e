#pragma once
// The actor layer as the rest of the server sees it: owns the CAF actor
// system, the routing supervisor, the agent actors and the client registry,
// turns the telephony adapter's signals into messages, runs CRM commands
// (CrmPort) and places click-to-call calls (OriginatePort). No CAF in this
// header.
//
// Thread-safety: signals() may be called from any thread (the Sofia thread
// in practice); execute()/execute_all()/create_client()/originate() from any
// thread that may block (see crm_port.hpp). shutdown() from the owning
// thread, once.

#include <chrono>
#include <map>
#include <memory>

#include "actors/agent_actor_init.hpp"
#include "actors/crm_port.hpp"
#include "actors/originate_port.hpp"
#include "actors/ports.hpp"
#include "actors/services.hpp"
#include "domain/client.hpp"

namespace callboard::actors {

struct CallCenterOptions {
  // CAF scheduler workers. One by default: routing is serialised on the
  // supervisor anyway, and with two workers most messages between actors
  // woke the other worker (a futex wake and a context switch each). In
  // bench/routing one worker cost 0.61 ms of CPU per call at 2000 calls/s
  // against 0.73 ms with two, and passed 2400 calls/s where two failed.
  std::size_t threads = 1;
  // Nice of every thread the actor system starts (thread_priority.hpp); 0:
  // unchanged.
  int thread_nice = 0;
  // Ring, queue, wrap-up and idle timers fire up to this much late
  // (timer_service.hpp); 0: on their exact deadlines.
  std::chrono::milliseconds timer_granularity{20};
  // Client actors idle this long are passivated (client_actor.hpp).
  std::chrono::milliseconds client_idle{60'000};
  // How long a CRM command may take before the caller gets `unavailable`.
  std::chrono::milliseconds crm_timeout{10'000};
};

// services.log must be set (client actors read their streams from it).
class CallCenter final : public CrmPort, public OriginatePort {
 public:
  // agents: every configured agent's state after start-up recovery.
  CallCenter(Services services, std::map<domain::AgentId, AgentInit> agents,
             CallCenterOptions options = {});
  CallCenter(const CallCenter&) = delete;
  CallCenter& operator=(const CallCenter&) = delete;
  ~CallCenter() override;

  CallSignals& signals();

  // An agent's pause (the panel, a supervisor): no offers until resume.
  // Asynchronous; the change shows in the views once durable.
  void pause_agent(const domain::AgentId& agent, const std::string& reason, const domain::AgentId& by);
  void resume_agent(const domain::AgentId& agent, const domain::AgentId& by);

  // New calls follow the new configuration (entry points, departments,
  // strategies, queues, hours, agents); calls in progress keep their plan.
  // REQUIRES: a configuration that passed validation.
  void reload(std::shared_ptr<const domain::Config> config);

  // CRM commands through the client registry, answered once durable
  // (crm_port.hpp for the errors). Block the calling thread.
  Result<domain::CommandOutcome> execute(const domain::CommandEnvelope& command) override;
  std::vector<Result<domain::CommandOutcome>> execute_all(
      const std::vector<domain::CommandEnvelope>& commands) override;

  // Creates a client (execute(CreateClient)) and returns its id. Errors:
  // as execute().
  Result<domain::ClientId> create_client(const domain::NewClient& client);

  // Click-to-call (originate_port.hpp): claims the agent and rings his
  // phone, then the client. Blocks until his actor accepted or refused.
  OriginateReply originate(const OriginateRequest& request) override;

  // Client actors alive now (passivation makes this small). Blocks.
  std::size_t live_clients();

  // Ends every call in progress (its legs released, its events appended),
  // then stops the actors. Idempotent.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard::actors
