#pragma once
// One inbound call from arrival to its end, as a pure state machine: each
// input (a SIP signal, an offer reply, a timer, the queue) returns the events
// to record and the commands for the call actor to carry out. The actor adds
// no rules.
//
//          start               first answer               BYE (either side)
//   (new) ───────► routing ─────────────────► answered ─────────────────────► ended
//                   │  ▲ │ step timeout / all legs failed: next attempt or step
//                   │  └─┘
//                   │ queue step          agent offered from the queue answers
//                   ├──────────► queued ──────────────────────────────────────► answered
//                   │             │ max wait: next step; offer not answered: back in line
//                   ├── caller CANCEL (routing or queued) ───────────────────► ended (abandoned)
//                   └── no step left / reject step ──────────────────────────► ended (480, ...)
//
// Every request the flow makes that is answered later (targets, offers,
// timers, the queue's answer) carries an attempt number; an answer for an
// attempt the call has left only releases what it holds.

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "domain/events.hpp"
#include "domain/routing.hpp"

namespace callboard::domain {

enum class TimerKind { ring, queue_wait, announce };

namespace call_cmd {
// Ask the routing supervisor for targets; answer with CallFlow::on_targets().
struct FindTargets { std::uint64_t attempt; RouteStep spec; std::vector<AgentId> exclude; };
// Offer the call to an agent (his actor accepts or refuses);
// answer with CallFlow::on_offer_reply().
struct Offer { std::uint64_t attempt; AgentId agent; };
struct Ring { LegId leg; AgentId agent; };        // INVITE his phone; pop his screen
struct StartTimer { std::uint64_t attempt; TimerKind kind; Duration after; };  // on_timer()
// The queue (kept by the routing supervisor): join it (answer with
// on_enqueued()), go back in line after an offer from it failed, leave it.
struct Enqueue { std::uint64_t attempt; std::string department; };
struct Requeue { std::string department; std::vector<AgentId> tried; };
struct LeaveQueue { std::string department; };
// Pick the new client's owner and create his card; answer with on_owner().
struct AutoAssign { std::uint64_t attempt; std::string department; std::string phone; };
struct Release { LegId leg; };                    // CANCEL or BYE that leg
struct Progress { int status; std::string reason; };  // provisional to the caller
struct Bridge { LegId leg; };                     // 200 to the caller with the leg's SDP
struct Reject { int status; std::string reason; };    // final response to the caller
struct HangUpCaller {};
// Agent-side bookkeeping (the agent actor and his screen).
struct Withdraw { AgentId agent; std::string reason; };  // the offer is over for him
struct Connect { AgentId agent; };                       // he answered: on call
struct Finish { AgentId agent; };                        // his call is over
// Nobody took the call: somebody should call back (a task).
struct MissedCall { ClientId client; AgentId responsible; std::string department; std::string phone; };
struct Done {};                                          // the call is over: stop
}  // namespace call_cmd

using CallCommand =
    std::variant<call_cmd::FindTargets, call_cmd::Offer, call_cmd::Ring, call_cmd::StartTimer,
                 call_cmd::Enqueue, call_cmd::Requeue, call_cmd::LeaveQueue, call_cmd::AutoAssign,
                 call_cmd::Release, call_cmd::Progress, call_cmd::Bridge, call_cmd::Reject,
                 call_cmd::HangUpCaller, call_cmd::Withdraw, call_cmd::Connect, call_cmd::Finish,
                 call_cmd::MissedCall, call_cmd::Done>;

struct CallOutput {
  std::vector<Event> events;  // for the call's stream, in order
  std::vector<CallCommand> commands;
};

class CallFlow {
 public:
  enum class Phase { created, routing, queued, answered, ended };

  // department: the entry point's, for a call-back task when nobody answers;
  // source: the entry point's call-tracking source (CallAttributed), or empty.
  CallFlow(CallId id, std::string caller_name, std::string dialled, std::string department,
           std::string source = {});

  // first_targets: the routing supervisor's answer for the first step when
  // it finds targets (it chose them as it took the call); the flow then
  // offers at once instead of asking with FindTargets.
  CallOutput start(const Classification& who, std::vector<RouteStep> plan,
                   std::optional<std::vector<AgentId>> first_targets = std::nullopt);
  CallOutput on_targets(std::uint64_t attempt, const std::vector<AgentId>& targets);
  CallOutput on_offer_reply(std::uint64_t attempt, const AgentId& agent, bool accepted);
  CallOutput on_timer(std::uint64_t attempt, TimerKind kind);
  CallOutput on_enqueued(std::uint64_t attempt, bool accepted);
  // The queue picked this agent for the call (it is the oldest he serves).
  CallOutput on_queue_offer(const AgentId& agent);
  // The auto-assigned owner and the client created for the caller (an empty
  // owner or client 0: it failed; the call moves on).
  CallOutput on_owner(std::uint64_t attempt, const AgentId& owner, ClientId client);
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
  const std::string& source() const { return source_; }
  std::uint64_t attempt() const { return attempt_; }
  const AgentId* leg_agent(LegId leg) const;

 private:
  enum class LegState { ringing, answered, over };
  struct Leg {
    AgentId agent;
    std::uint64_t attempt = 0;
    LegState state = LegState::ringing;
  };

  const RouteStep& step() const { return plan_[step_]; }
  // known: the step's targets when they were chosen already (start()).
  void start_step(CallOutput& out, const std::vector<AgentId>* known = nullptr);
  // The current step's targets: offered, or the next step when none.
  void take_targets(CallOutput& out, const std::vector<AgentId>& targets);
  void advance(CallOutput& out);
  void offer(CallOutput& out, const std::string& rule, const std::vector<AgentId>& agents,
             Duration timeout);
  void attempt_failed(CallOutput& out);
  void maybe_attempt_over(CallOutput& out);
  void release_leg(CallOutput& out, LegId leg, int sip_status, const std::string& reason);
  void release_all(CallOutput& out, const std::string& reason);
  void leave_queue(CallOutput& out);
  void end(CallOutput& out, CallOutcome outcome, EndedBy by, int sip_status);
  bool attempt_has_live_legs() const;

  CallId id_;
  std::string caller_name_;
  std::string dialled_;
  std::string department_;
  std::string source_;
  Classification who_;
  std::vector<RouteStep> plan_;
  Phase phase_ = Phase::created;
  std::size_t step_ = 0;
  std::uint64_t attempt_ = 0;
  std::uint64_t queue_attempt_ = 0;   // the attempt that joined the queue
  std::set<AgentId> pending_offers_;  // offers of the current attempt awaiting a reply
  std::vector<AgentId> offered_;      // every agent offered this call
  std::map<LegId, Leg> legs_;
  LegId next_leg_ = 1;
  LegId answered_leg_ = 0;
  bool ringing_relayed_ = false;
};

}  // namespace callboard::domain
