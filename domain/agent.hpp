#pragma once
// The agent aggregate: one state machine per agent, as decide/evolve.
//
//                register            offer(call)           connected(call)
//   offline ─────────────► available ───────────► ringing ───────────────► on_call
//      ▲    ◄───────────── │  ▲   ▲ ◄── withdraw(call) ──┘                     │
//      │     unregister    │  │   └────────────── finished(call) ─────────────┘
//      └─ unregister / finished (when his phone is no longer registered) ───────┘
//
// An offer is accepted only when the agent is registered and available: the
// agent actor is the single place that takes this decision, so two calls
// racing for one agent never both get him.

#include <string>
#include <vector>

#include "domain/events.hpp"

namespace callboard::domain {

struct AgentStatus {
  AgentId id;
  AgentState state = AgentState::offline;
  bool registered = false;
  std::string contact;
  CallId call;  // set while ringing or on a call
};

enum class OfferReply { accepted, busy, offline };
const char* to_string(OfferReply r);

struct OfferDecision {
  OfferReply reply = OfferReply::offline;
  std::vector<Event> events;
};

// decide: what happened, given the current status. Pure; evolve() applies.
std::vector<Event> agent_registered(const AgentStatus& s, const std::string& contact);
std::vector<Event> agent_unregistered(const AgentStatus& s, const std::string& reason);
OfferDecision agent_offer(const AgentStatus& s, const CallId& call);
// The call no longer rings him (answered elsewhere, cancelled, timed out,
// his leg failed). Ignored unless he is ringing for that call.
std::vector<Event> agent_offer_withdrawn(const AgentStatus& s, const CallId& call);
std::vector<Event> agent_connected(const AgentStatus& s, const CallId& call);
std::vector<Event> agent_call_finished(const AgentStatus& s, const CallId& call);

AgentStatus evolve(AgentStatus s, const Event& e);

}  // namespace callboard::domain
