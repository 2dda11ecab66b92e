#include "domain/routing.hpp"

#include <algorithm>

namespace callboard::domain {

const char* to_string(StepKind k) {
  switch (k) {
    case StepKind::responsible: return "responsible";
    case StepKind::ring_all: return "ring_all";
  }
  return "unknown";
}

std::vector<RouteStep> plan_route(const Classification& who, const EntryPointConfig& entry,
                                  const RoutingConfig& routing) {
  std::vector<RouteStep> steps;
  if (who.client != 0 && !who.responsible.empty()) {
    steps.push_back({StepKind::responsible, entry.department,
                     Duration(routing.responsible_timeout_s) * kMicrosPerSecond});
  }
  steps.push_back({StepKind::ring_all, entry.department,
                   Duration(routing.department_timeout_s) * kMicrosPerSecond});
  return steps;
}

std::vector<AgentId> select_targets(const RouteStep& step, const Classification& who,
                                    const std::vector<AgentCandidate>& agents,
                                    const std::vector<AgentId>& already_offered) {
  auto free_now = [&](const AgentCandidate& a) {
    return a.registered && a.state == AgentState::available &&
           std::find(already_offered.begin(), already_offered.end(), a.id) ==
               already_offered.end();
  };
  std::vector<AgentId> out;
  for (const auto& a : agents) {
    if (!free_now(a)) continue;
    bool wanted = step.kind == StepKind::responsible ? a.id == who.responsible
                                                     : a.department == step.department;
    if (wanted) out.push_back(a.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace callboard::domain
