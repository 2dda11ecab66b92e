#pragma once
// The routing supervisor: the entry point of every call, the keeper of the
// live agent board and of the queues. It spawns one agent actor per
// configured agent and one call actor per call (and monitors them),
// classifies callers, turns a call into a routing plan, answers call actors'
// "who now" questions with the step's strategy, holds calls in line and hands
// each freed agent the oldest call he serves.
//
// Messages:
//   (incoming_atom, call, caller, caller_name, dialled)     telephony
//   (leg_atom, ...), (caller_atom, ...)                      -> the call actor
//   (reg_atom, agent, contact), (unreg_atom, agent, reason)  -> the agent actor
//   (pause_atom, agent, reason, by), (resume_atom, agent, by) -> the agent actor
//   (status_atom, agent, state, registered, paused)          from agent actors
//   (targets_atom, kind, department, agents, strategy, rule, responsible, exclude)
//       -> vector<AgentId>                                   from call actors
//   (enqueue_atom, department, call) -> bool; (requeue_atom, department, call,
//       tried); (leave_atom, department, call); (owner_atom, department) -> AgentId
//   (originate_atom, agent, client, number) -> (int OriginateCode, call, message)
//       click-to-call: spawns an outbound call actor (outbound_actor.hpp)
//   (reload_atom, shared_ptr<const Config>): new calls follow the new rules
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
#include "domain/call_queues.hpp"
#include "domain/routing.hpp"

namespace callboard::actors {

struct SupervisorState {
  Services services;  // services.config is the current configuration
  std::map<domain::AgentId, domain::AgentCandidate> board;
  std::map<std::string, std::vector<domain::AgentId>> members;  // the board by department
  // The queues each agent serves, from the configuration (sync_agents());
  // Config::find_agent is a linear search, too slow for dispatch().
  std::unordered_map<domain::AgentId, std::vector<std::string>> served;
  // The other way round: the agents serving each queue. Dispatch looks only
  // at the agents a change concerns, never at the whole board.
  std::unordered_map<std::string, std::vector<domain::AgentId>> servers;
  // Agents handed a queued call (which one), not yet ringing for it.
  std::map<domain::AgentId, domain::CallId> promised;
  std::shared_ptr<AgentDirectory> agents;
  std::unordered_map<domain::CallId, caf::actor> calls;
  std::map<caf::actor_addr, domain::CallId> call_ids;
  domain::CallQueues queues;
  domain::RoutingMemory memory;
  caf::actor clients;  // the client registry (auto-assign creates cards)
  std::int64_t today = -1;  // UTC day of calls_today
  std::vector<caf::typed_response_promise<std::size_t>> drained;  // abort requests awaiting the last call
  static inline const char* name = "routing-supervisor";
};

// agents: the initial state of every configured agent, by login.
caf::behavior routing_supervisor(caf::stateful_actor<SupervisorState>* self, Services services,
                                 std::map<domain::AgentId, AgentInit> agents, caf::actor clients);

}  // namespace callboard::actors
