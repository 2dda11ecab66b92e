#pragma once
// One inbound call from arrival to its end, as a pure state machine: each
// input (a SIP signal, an offer reply, a timer) returns the events to record
// and the commands for the call actor to carry out. The actor adds no rules.
//
//            start                first answer              BYE (either side)
//   (new) ─────────► routing ──────────────────► answered ──────────────────► ended
//                     │  ▲ step timeout / all legs failed: next step
//                     │  └──┘
//                     ├── caller CANCEL ─────────────────────────────────────► ended (abandoned)
//                     └── no step left ──────────────────────────────────────► ended (480)
//
// Within a step every accepted target rings on its own leg; the first 200
// wins and every other leg is released. Offer replies and leg signals that
// arrive late (after their step or after the end) only release what they hold.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "domain/events.hpp"
#include "domain/routing.hpp"

namespace callboard::domain {

namespace call_cmd {
// Ask the routing supervisor for this step's targets; answer with
// CallFlow::on_targets().
struct FindTargets { std::size_t step; RouteStep spec; std::vector<AgentId> exclude; };
// Offer the call to an agent (his actor accepts or refuses); answer with
// CallFlow::on_offer_reply().
struct Offer { std::size_t step; AgentId agent; };
struct Ring { LegId leg; AgentId agent; };                 // INVITE his phone; pop his screen
struct StartTimer { std::size_t step; Duration after; };   // CallFlow::on_step_timeout()
struct Release { LegId leg; };                             // CANCEL or BYE that leg
struct Progress { int status; std::string reason; };       // provisional to the caller
struct Bridge { LegId leg; };                              // 200 to the caller with the leg's SDP
struct Reject { int status; std::string reason; };         // final response to the caller
struct HangUpCaller {};
// Agent-side bookkeeping (the agent actor and his screen).
struct Withdraw { AgentId agent; std::string reason; };  // the offer is over for him
struct Connect { AgentId agent; };                       // he answered: on call
struct Finish { AgentId agent; };                        // his call is over
struct Done {};                                          // the call is over: stop
}  // namespace call_cmd

using CallCommand =
    std::variant<call_cmd::FindTargets, call_cmd::Offer, call_cmd::Ring, call_cmd::StartTimer,
                 call_cmd::Release, call_cmd::Progress, call_cmd::Bridge, call_cmd::Reject,
                 call_cmd::HangUpCaller, call_cmd::Withdraw, call_cmd::Connect, call_cmd::Finish,
                 call_cmd::Done>;

struct CallOutput {
  std::vector<Event> events;  // for the call's stream, in order
  std::vector<CallCommand> commands;
};

class CallFlow {
 public:
  enum class Phase { created, routing, answered, ended };

  CallFlow(CallId id, std::string caller_raw, std::string caller_name, std::string dialled);

  CallOutput start(const Classification& who, std::vector<RouteStep> plan);
  CallOutput on_targets(std::size_t step, const std::vector<AgentId>& targets);
  CallOutput on_offer_reply(std::size_t step, const AgentId& agent, bool accepted);
  CallOutput on_step_timeout(std::size_t step);
  CallOutput on_leg_ringing(LegId leg);
  CallOutput on_leg_answered(LegId leg);
  CallOutput on_leg_failed(LegId leg, int sip_status);
  CallOutput on_leg_hung_up(LegId leg);
  CallOutput on_caller_cancelled();
  CallOutput on_caller_hung_up();
  // The call must end now (the actor is failing or the server stops).
  CallOutput abort(const std::string& reason);

  const CallId& id() const { return id_; }
  Phase phase() const { return phase_; }
  const Classification& classification() const { return who_; }
  const std::string& dialled() const { return dialled_; }
  const std::string& caller_name() const { return caller_name_; }
  // The agent a leg rings, or nullptr.
  const AgentId* leg_agent(LegId leg) const;

 private:
  enum class LegState { ringing, answered, over };
  struct Leg {
    AgentId agent;
    std::size_t step = 0;
    LegState state = LegState::ringing;
  };

  void advance(CallOutput& out);
  void start_step(CallOutput& out);
  void maybe_step_exhausted(CallOutput& out);
  void release_leg(CallOutput& out, LegId leg, int sip_status, const std::string& reason);
  void release_all(CallOutput& out, const std::string& reason);
  void end(CallOutput& out, CallOutcome outcome, EndedBy by, int sip_status);
  bool step_has_live_legs() const;

  CallId id_;
  std::string caller_raw_;
  std::string caller_name_;
  std::string dialled_;
  Classification who_;
  std::vector<RouteStep> plan_;
  Phase phase_ = Phase::created;
  std::size_t step_ = 0;
  std::set<AgentId> pending_offers_;  // offers of the current step awaiting a reply
  std::vector<AgentId> offered_;      // every agent offered this call
  std::map<LegId, Leg> legs_;
  LegId next_leg_ = 1;
  LegId answered_leg_ = 0;
  bool ringing_relayed_ = false;
};

}  // namespace callboard::domain
