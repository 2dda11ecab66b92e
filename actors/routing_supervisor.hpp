#pragma once
// The routing supervisor: the entry point of every call and the keeper of
// the live agent board. It spawns one agent actor per configured agent and
// one call actor per call (and monitors them), classifies callers, turns a
// call into a routing plan, answers call actors' "who is free now" questions,
// and forwards telephony signals to the actor they concern.
//
// Messages:
//   (incoming_atom, call, caller, caller_name, dialled)     telephony
//   (leg_atom, ...), (caller_atom, ...)                      -> the call actor
//   (reg_atom, agent, contact), (unreg_atom, agent, reason)  -> the agent actor
//   (status_atom, agent, state, registered)                  from agent actors
//   (targets_atom, kind, department, responsible, exclude) -> vector<AgentId>
//   (abort_atom, reason) -> size_t: ends every call, replies when all are down
//   (get_atom) -> size_t: calls in progress

#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/agent_actor.hpp"
#include "actors/call_actor.hpp"
#include "domain/routing.hpp"

namespace callboard::actors {

struct SupervisorState {
  Services services;
  std::map<domain::AgentId, domain::AgentCandidate> board;
  std::shared_ptr<AgentDirectory> agents;
  std::unordered_map<domain::CallId, caf::actor> calls;
  std::map<caf::actor_addr, domain::CallId> call_ids;
  std::vector<caf::typed_response_promise<std::size_t>> drained;  // abort requests awaiting the last call
  static inline const char* name = "routing-supervisor";
};

// agents: the initial state of every configured agent, by login.
caf::behavior routing_supervisor(caf::stateful_actor<SupervisorState>* self, Services services,
                                 std::map<domain::AgentId, AgentInit> agents);

}  // namespace callboard::actors
