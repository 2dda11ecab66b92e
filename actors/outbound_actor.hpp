#pragma once
// One actor per click-to-call: runs the call's OutboundFlow
// (domain/outbound_flow.hpp) and carries out its commands: claiming the
// agent through his actor (the same offer an inbound call makes, so he is
// never on two calls), the telephony effects (originate, dial, connect,
// release), and its timers (delayed messages to itself, so the test
// coordinator drives them). Appends the flow's events to call/<id>.
// Spawned and monitored by the routing supervisor, which forwards the
// call's leg signals to it as to an inbound call's actor.
//
// Messages:
//   (originate_atom) -> (int OriginateCode, call id, message)
//       once, from the supervisor (delegated from whoever asked): answered
//       when his actor accepted and his phone is being rung, or refused
//   (leg_atom, call, leg, LegSignal, status)   forwarded by the supervisor
//   (timeout_atom, int OutboundTimer), (abort_atom, reason)
// A handler that throws ends the call cleanly (OutboundFlow::abort) and
// only this actor stops.

#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/services.hpp"
#include "actors/stream_writer.hpp"
#include "domain/outbound_flow.hpp"

namespace callboard::actors {

struct OutboundInit {
  domain::OutboundCall call;
  caf::actor agent;         // his agent actor
  std::string sip_user;     // his phone's SIP user
  std::string client_name;  // shown on his phone (From display name)
};

struct OutboundActorState {
  Services services;
  std::optional<domain::OutboundFlow> flow;
  StreamWriter writer{"", 0};
  caf::actor agent;
  std::string sip_user;
  std::string client_name;
  caf::response_promise reply;  // the originate request
  bool replied = false;
  static inline const char* name = "outbound-call";
};

caf::behavior outbound_actor(caf::stateful_actor<OutboundActorState>* self, Services services,
                             OutboundInit init);

}  // namespace callboard::actors
