#pragma once
// What the client registry and the client actors say to each other and to
// the CallCenter. Internal to actors/. The payloads are local-only (never
// serialised: CAF's distribution is not used for the CRM), hence allowed as
// unsafe message types at the bottom.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "domain/client.hpp"
#include "domain/status.hpp"

namespace callboard::actors {

// (crm_atom, CommandEnvelope) -> CrmReply        to the registry and client actors
using crm_atom = caf::atom_constant<caf::atom("crm")>;
// (snap_atom) -> StateReply                      a client actor's state (for a merge)
using snap_atom = caf::atom_constant<caf::atom("snap")>;
// (absorb_atom, CommandEnvelope, ClientState) -> CrmReply   merge, to the survivor
using absorb_atom = caf::atom_constant<caf::atom("absorb")>;
// (durable_atom, request, AppendDone[, CommandOutcome])  the log's answer, to the appender
using durable_atom = caf::atom_constant<caf::atom("durable")>;
// (idle_atom, generation)                        a client actor's idle timer
// (idle_atom, ClientId, handled)                 "passivate me", to the registry
using idle_atom = caf::atom_constant<caf::atom("idle")>;
// (live_atom) -> size_t                          client actors alive (tests, metrics)
using live_atom = caf::atom_constant<caf::atom("live")>;

struct CrmReply {
  Status status;                     // ok, or why the command failed
  domain::CommandOutcome outcome;    // when ok
};

struct StateReply {
  Status status;               // ok, or why the state is not to be had
  domain::ClientState state;
};

struct AppendDone {
  Status status;
  std::uint64_t last_sequence = 0;
};

}  // namespace callboard::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(callboard::domain::CommandEnvelope)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(callboard::domain::ClientState)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(callboard::domain::CommandOutcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(callboard::actors::StateReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(callboard::actors::CrmReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(callboard::actors::AppendDone)
