#pragma once
// Routing policy: a call becomes a plan, a chain of steps, each ringing some
// agents for a while; targets are chosen when a step starts, from the agents'
// states at that moment. Pure functions; the routing supervisor and the call
// actors run them.
//
// Known caller with a responsible manager:  [responsible] -> [department, ring all]
// Unknown caller, or no responsible:         [department, ring all]
// A step with no free target is skipped; after the last step the caller gets
// 480 Temporarily Unavailable.

#include <string>
#include <vector>

#include "domain/config.hpp"
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

enum class StepKind { responsible, ring_all };
const char* to_string(StepKind k);

struct RouteStep {
  StepKind kind = StepKind::ring_all;
  std::string department;
  Duration timeout = 0;
};

std::vector<RouteStep> plan_route(const Classification& who, const EntryPointConfig& entry,
                                  const RoutingConfig& routing);

struct AgentCandidate {
  AgentId id;
  std::string department;
  AgentState state = AgentState::offline;
  bool registered = false;
};

// The agents a step should offer the call to now: free (registered and
// available) and not offered this call before. Sorted by id.
std::vector<AgentId> select_targets(const RouteStep& step, const Classification& who,
                                    const std::vector<AgentCandidate>& agents,
                                    const std::vector<AgentId>& already_offered);

}  // namespace callboard::domain
