#pragma once
// One actor per call: runs the call's CallFlow (domain/call_flow.hpp) and
// carries out its commands: telephony effects, offers to agent actors,
// screen pops, step timers (delayed messages to itself, so the test
// coordinator drives them). Appends the flow's events to call/<id>.
//
// Messages:
//   (leg_atom, call, leg, LegSignal, status), (caller_atom, call, CallerSignal)
//       forwarded by the routing supervisor
//   (qoffer_atom, agent)        the supervisor's queue picked this agent
//   (timeout_atom, attempt, TimerKind), (abort_atom, reason)
// A handler that throws ends the call cleanly (CallFlow::abort) and only
// this actor stops.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/services.hpp"
#include "actors/stream_writer.hpp"
#include "domain/call_flow.hpp"

namespace callboard::actors {

struct AgentHandle {
  caf::actor actor;
  std::string sip_user;
};
using AgentDirectory = std::map<domain::AgentId, AgentHandle>;

struct CallInit {
  domain::CallId id;
  std::string caller_name;
  std::string dialled;
  std::string department;  // the entry point's
  std::string entry_point_name;
  std::string source;  // the entry point's call-tracking source, or empty
  domain::Classification who;
  std::vector<domain::RouteStep> plan;
  // The supervisor's answer for the first step, when it finds targets
  // (CallFlow::start).
  std::optional<std::vector<domain::AgentId>> first_targets;
  std::shared_ptr<const AgentDirectory> agents;
  caf::actor clients;  // the client registry (auto-assign)
};

struct CallActorState {
  Services services;
  std::optional<domain::CallFlow> flow;
  StreamWriter writer{"", 0};
  caf::actor supervisor;
  std::shared_ptr<const AgentDirectory> agents;
  caf::actor clients;
  std::string entry_point_name;
  // The caller's location for screen pops, found on the first pop.
  std::optional<std::string> location;
  int pending_tasks = 0;  // call-back tasks not yet durable
  bool done = false;      // the call is over; quit once pending_tasks is 0
  bool set_up = false;    // answered: its turns left the setup lane (lane_scheduler.hpp)
  static inline const char* name = "call";
};

caf::behavior call_actor(caf::stateful_actor<CallActorState>* self, Services services,
                         CallInit init, caf::actor supervisor);

}  // namespace callboard::actors
