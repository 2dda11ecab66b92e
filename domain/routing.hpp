#pragma once
// Routing policy: a call becomes a plan, a chain of steps (the ladder), each
// ringing some agents for a while, holding the call in a queue, or ending it.
// Targets are chosen when a step starts, from the agents' states at that
// moment. Pure functions; the routing supervisor and the call actors run
// them.
//
//   closed (opening hours)  -> [off-hours target]
//   known caller            -> [responsible] [department] [fallback...]
//   unknown caller          -> [per the entry point's rule] [fallback...]
//   fallback (default)      -> [the department's queue]
// A step with no free target is skipped; after the last step the caller gets
// 480 Temporarily Unavailable.

#include <map>
#include <string>
#include <vector>

#include "domain/config.hpp"
#include "domain/random.hpp"
#include "domain/types.hpp"

namespace callboard::domain {

// What is known about the caller when the call arrives.
struct Classification {
  std::string caller;   // E.164 when it parsed, else as sent
  ClientId client = 0;  // 0: unknown number
  std::string client_name;
  AgentId responsible;
  std::string region;    // "BY"
  std::string location;  // "Минск"
};

enum class StepKind { responsible, department, agents, auto_assign, queue, reject };
const char* to_string(StepKind k);

struct RouteStep {
  StepKind kind = StepKind::department;
  std::string rule;        // recorded in RoutingDecided: "responsible", "ring_all", "regional", ...
  std::string department;  // department, auto_assign, queue
  std::vector<AgentId> agents;  // agents, in the order a linear hunt tries them
  Strategy strategy = Strategy::ring_all;
  Duration timeout = 0;    // a ring-all step, or each agent of a hunt
  Duration max_wait = 0;   // queue
  Duration announce = 0;   // queue: 182 again this often
  int status = 480;        // reject
  std::string reason;      // reject
  CallOutcome outcome = CallOutcome::no_agent;  // reject
  // A hunt rings one agent at a time and tries the next when he does not
  // answer; a ring-all rings everyone at once, once.
  bool hunt() const { return strategy != Strategy::ring_all; }
  // Its agents are chosen by the routing supervisor (select_targets below);
  // the other kinds queue, auto-assign or reject.
  bool finds_targets() const {
    return kind == StepKind::responsible || kind == StepKind::department || kind == StepKind::agents;
  }
};

// The ladder for a call to `entry` at `now`.
std::vector<RouteStep> plan_route(const Classification& who, const EntryPointConfig& entry,
                                  const Config& config, Timestamp now);

// An agent as routing sees him.
struct AgentCandidate {
  AgentId id;
  std::string department;
  AgentState state = AgentState::offline;
  bool registered = false;
  bool paused = false;
  Timestamp idle_since = 0;      // when he last became available
  std::uint32_t calls_today = 0; // calls he answered today
  std::size_t order = 0;         // position in the configuration (linear)
  bool free() const { return registered && !paused && state == AgentState::available; }
};

// What strategies remember between calls: the agent rung last, per
// department (round robin) and per auto-assign rotation.
struct RoutingMemory {
  std::map<std::string, AgentId> last_rung;
};

// The agents a step should offer the call to now, among the free ones not
// offered this call before: all of them for ring-all (sorted by id), one for
// a hunt. Round robin records its choice in `memory`.
std::vector<AgentId> select_targets(const RouteStep& step, const Classification& who,
                                    const std::vector<AgentCandidate>& agents,
                                    const std::vector<AgentId>& exclude, RoutingMemory& memory,
                                    Random& random);

// Auto-assign: the next manager of the department by fair rotation (after
// the one assigned last), preferring free ones; empty when the department
// has nobody.
AgentId pick_owner(const std::string& department, const std::vector<AgentCandidate>& agents,
                   RoutingMemory& memory);

}  // namespace callboard::domain
