#pragma once
// The atoms the actors speak (CAF 0.17: at most 10 characters). Internal to
// actors/: adapters never include CAF. Payloads are plain types (strings,
// integers, vectors of strings), so no custom message type needs an
// inspect() overload.

#include <caf/atom.hpp>

namespace callboard::actors {

// to the routing supervisor, from the telephony adapter
using incoming_atom = caf::atom_constant<caf::atom("incoming")>;   // call, caller, name, dialled
using leg_atom = caf::atom_constant<caf::atom("leg")>;             // call, leg, LegSignal, status
using caller_atom = caf::atom_constant<caf::atom("caller")>;       // call, CallerSignal
using reg_atom = caf::atom_constant<caf::atom("reg")>;             // agent, contact
using unreg_atom = caf::atom_constant<caf::atom("unreg")>;         // agent, reason
// to the routing supervisor, from agent and call actors
using status_atom = caf::atom_constant<caf::atom("status")>;       // agent, state, registered
using targets_atom = caf::atom_constant<caf::atom("targets")>;     // step kind, dept, responsible, exclude
// to agent actors, from call actors
using offer_atom = caf::atom_constant<caf::atom("offer")>;         // call -> OfferReply
using withdraw_atom = caf::atom_constant<caf::atom("withdraw")>;   // call, reason
using connect_atom = caf::atom_constant<caf::atom("connect")>;     // call
using finish_atom = caf::atom_constant<caf::atom("finish")>;       // call
// to the client registry and client actors
using create_atom = caf::atom_constant<caf::atom("create")>;     // NewClient fields -> (id, error)
using appended_atom = caf::atom_constant<caf::atom("appended")>; // request, error ("" when durable)
// timers and control
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;     // step
using abort_atom = caf::atom_constant<caf::atom("abort")>;         // reason
using get_atom = caf::atom_constant<caf::atom("get")>;

// Kinds of leg signals carried by leg_atom (int on the wire).
enum class LegSignal : int { ringing = 1, answered = 2, failed = 3, hung_up = 4 };
// Kinds of caller signals carried by caller_atom.
enum class CallerSignal : int { cancelled = 1, hung_up = 2 };

}  // namespace callboard::actors
