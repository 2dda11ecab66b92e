#pragma once
// The agent aggregate: one state machine per agent, as decide/evolve.
//
//                register            offer(call)           connected(call)
//   offline ─────────────► available ───────────► ringing ───────────────► on_call
//      ▲    ◄───────────── │  ▲   ▲ ◄── withdraw(call) ──┘                     │
//      │     unregister    │  │   │                                  finished(call)
//      │                   │  │   └──── wrap-up done ◄──── wrap_up ◄──────────┘
//      │                   ▼  │ resume
//      │                  paused  (a flag: set while busy, he goes to paused
//      │                          instead of available when the call lets go)
//      └─ unregister / finished (when his phone is no longer registered)
//
// An offer is accepted only when the agent is registered, available and not
// paused: the agent actor is the single place that takes this decision, so
// two calls racing for one agent never both get him. N offers in a row that
// he lets ring out (or declines) pause him.

#include <string>
#include <vector>

#include "domain/events.hpp"

namespace callboard::domain {

struct AgentStatus {
  AgentId id;
  AgentState state = AgentState::offline;
  bool registered = false;
  std::string contact;
  CallId call;  // set while ringing, on a call or in its wrap-up
  bool paused = false;
  std::string pause_reason;
  // Offers in a row he did not answer. Kept by the actor, not in the log: a
  // restart starts everyone afresh.
  std::uint32_t missed_in_row = 0;
};

struct AgentPolicy {
  Duration wrap_up = 0;                // after-call work; 0: none
  std::uint32_t max_missed_offers = 3;  // 0: never pause him for it
};

enum class OfferReply { accepted, busy, offline, paused };
const char* to_string(OfferReply r);

struct OfferDecision {
  OfferReply reply = OfferReply::offline;
  std::vector<Event> events;
};

// decide: what happened, given the current status. Pure; evolve() applies.
std::vector<Event> agent_registered(const AgentStatus& s, const std::string& contact);
std::vector<Event> agent_unregistered(const AgentStatus& s, const std::string& reason);
OfferDecision agent_offer(const AgentStatus& s, const CallId& call);
// The call no longer rings him; `reason` as in OfferFailed ("no_answer",
// "declined", "busy", "answered_elsewhere", "cancelled", ...). Ignored unless
// he is ringing for that call. An unanswered offer counts toward the pause.
std::vector<Event> agent_offer_withdrawn(const AgentStatus& s, const CallId& call,
                                         const std::string& reason, const AgentPolicy& policy);
std::vector<Event> agent_connected(const AgentStatus& s, const CallId& call);
// The call ended: wrap-up when the policy has one, else free.
std::vector<Event> agent_call_finished(const AgentStatus& s, const CallId& call,
                                       const AgentPolicy& policy);
std::vector<Event> agent_wrap_up_done(const AgentStatus& s, const CallId& call);
std::vector<Event> agent_pause(const AgentStatus& s, const std::string& reason, const AgentId& by);
std::vector<Event> agent_resume(const AgentStatus& s, const AgentId& by);

// True when an offer reason means he let it ring or turned it down.
bool counts_as_missed(const std::string& reason);

AgentStatus evolve(AgentStatus s, const Event& e);

}  // namespace callboard::domain
