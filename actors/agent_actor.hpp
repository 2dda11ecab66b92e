#pragma once
// One actor per agent: the only place his state changes (domain/agent.hpp),
// so offers from racing calls are decided one at a time. Every change is
// appended to agent/<login> and reported to the routing supervisor. The
// wrap-up after a call is a delayed message to himself.
//
// Messages:
//   (reg_atom, contact) / (unreg_atom, reason)      from the telephony adapter
//   (offer_atom, call) -> int (domain::OfferReply)   from call actors
//   (withdraw_atom, call, reason), (connect_atom, call), (finish_atom, call)
//   (wrapped_atom, call)                             his wrap-up timer
//   (pause_atom, reason, by), (resume_atom, by)      the panel, a supervisor
//   (policy_atom, wrap-up µs, max missed offers)     after a config reload
//   (get_atom) -> (state int, registered, call, paused)  for tests and tools

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/agent_actor_init.hpp"
#include "actors/services.hpp"
#include "actors/stream_writer.hpp"
#include "domain/agent.hpp"

namespace callboard::actors {

struct AgentActorState {
  Services services;
  domain::AgentStatus status;
  domain::AgentPolicy policy;
  StreamWriter writer{"", 0};
  caf::actor supervisor;
  static inline const char* name = "agent";
};

caf::behavior agent_actor(caf::stateful_actor<AgentActorState>* self, Services services,
                          AgentInit init, caf::actor supervisor);

}  // namespace callboard::actors
