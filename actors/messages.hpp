#pragma once
// The atoms the actors speak (CAF 0.17: at most 10 characters). Internal to
// actors/: adapters never include CAF. Payloads are plain types (strings,
// integers, vectors of strings), so no custom message type needs an
// inspect() overload; the one exception, a new configuration, is allowed
// as an unsafe (local-only) type at the bottom.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <memory>

#include "domain/config.hpp"

namespace callboard::actors {

// to the routing supervisor, from the telephony adapter
using incoming_atom = caf::atom_constant<caf::atom("incoming")>;   // call, caller, name, dialled
using leg_atom = caf::atom_constant<caf::atom("leg")>;             // call, leg, LegSignal, status
using caller_atom = caf::atom_constant<caf::atom("caller")>;       // call, CallerSignal
using reg_atom = caf::atom_constant<caf::atom("reg")>;             // agent, contact
using unreg_atom = caf::atom_constant<caf::atom("unreg")>;         // agent, reason
using signals_atom = caf::atom_constant<caf::atom("signals")>;     // vector<message>: the above, in order
// to the routing supervisor, from agent and call actors
using status_atom = caf::atom_constant<caf::atom("status")>;       // agent, state, registered, paused
using targets_atom = caf::atom_constant<caf::atom("targets")>;     // RouteStep fields, responsible, exclude
using enqueue_atom = caf::atom_constant<caf::atom("enqueue")>;     // department, call -> bool
using requeue_atom = caf::atom_constant<caf::atom("requeue")>;     // department, call, tried
using leave_atom = caf::atom_constant<caf::atom("leave")>;         // department, call
using owner_atom = caf::atom_constant<caf::atom("owner")>;         // department -> AgentId
using reload_atom = caf::atom_constant<caf::atom("reload")>;       // shared_ptr<const Config>
// click-to-call: agent, client, number -> (int OriginateCode, call, message);
// then, from the supervisor to the outbound call actor, with no arguments
using originate_atom = caf::atom_constant<caf::atom("originate")>;
// to call actors, from the routing supervisor
using qoffer_atom = caf::atom_constant<caf::atom("qoffer")>;       // agent: the queue picked him
// to agent actors, from call actors
using offer_atom = caf::atom_constant<caf::atom("offer")>;         // call -> OfferReply
using withdraw_atom = caf::atom_constant<caf::atom("withdraw")>;   // call, reason
using connect_atom = caf::atom_constant<caf::atom("connect")>;     // call
using finish_atom = caf::atom_constant<caf::atom("finish")>;       // call
using wrapped_atom = caf::atom_constant<caf::atom("wrapped")>;     // call: wrap-up time is over
using pause_atom = caf::atom_constant<caf::atom("pause")>;         // reason, by
using resume_atom = caf::atom_constant<caf::atom("resume")>;       // by
using policy_atom = caf::atom_constant<caf::atom("policy")>;       // wrap-up µs, max missed offers
// to the client registry and client actors
using create_atom = caf::atom_constant<caf::atom("create")>;     // NewClient fields -> (id, error)
using appended_atom = caf::atom_constant<caf::atom("appended")>; // request, error ("" when durable)
// timers and control
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;     // attempt, TimerKind
using abort_atom = caf::atom_constant<caf::atom("abort")>;         // reason
using get_atom = caf::atom_constant<caf::atom("get")>;

// Kinds of leg signals carried by leg_atom (int on the wire).
enum class LegSignal : int { ringing = 1, answered = 2, failed = 3, hung_up = 4 };

// Hands a leg signal (as sent over the actor boundary: an int) to a call
// flow, inbound (domain::CallFlow) or click-to-call (domain::OutboundFlow),
// and gives what it decides to `run`.
template <class Flow, class Run>
void feed_leg_signal(Flow& flow, domain::LegId leg, int signal, int status, Run&& run) {
  switch (static_cast<LegSignal>(signal)) {
    case LegSignal::ringing: run(flow.on_leg_ringing(leg)); break;
    case LegSignal::answered: run(flow.on_leg_answered(leg)); break;
    case LegSignal::failed: run(flow.on_leg_failed(leg, status)); break;
    case LegSignal::hung_up: run(flow.on_leg_hung_up(leg)); break;
  }
}
// Kinds of caller signals carried by caller_atom.
enum class CallerSignal : int { cancelled = 1, hung_up = 2 };

}  // namespace callboard::actors

// A new configuration travels to the supervisor by pointer, inside one
// process only (never serialised).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<const callboard::domain::Config>)
