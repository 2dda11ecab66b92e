#include "domain/startup.hpp"

namespace callboard::domain {

std::vector<StreamEvent> startup_recovery(const CrmViews& views, const Config& config) {
  std::vector<StreamEvent> out;
  for (const auto& call : views.open_calls())
    out.push_back({call_stream(call), CallInterrupted{call, "server restarted"}});
  for (const auto& a : config.agents) {
    const AgentView* known = views.agent(a.login);
    if (!known) {
      out.push_back({agent_stream(a.login), AgentCreated{a.login, a.name, a.department}});
      continue;
    }
    if (known->registered)
      out.push_back({agent_stream(a.login), AgentUnregistered{a.login, "server restarted"}});
    if (known->state != AgentState::offline)
      out.push_back({agent_stream(a.login),
                     AgentStateChanged{a.login, AgentState::offline, "server restarted", ""}});
  }
  return out;
}

}  // namespace callboard::domain
