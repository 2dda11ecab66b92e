#pragma once
// What start-up writes before the server takes calls, decided from the
// views the log rebuilt and the configuration:
//   - a CallInterrupted for every call with no end (the server stopped while
//     it was up; its legs are gone with the old process);
//   - an AgentCreated for every configured agent the log does not know;
//   - for every agent the log left registered or busy: AgentUnregistered and
//     AgentStateChanged(offline), since registrations live in memory and
//     phones register again after a restart.
// Pure: the composition root appends what this returns.

#include <string>
#include <vector>

#include "domain/config.hpp"
#include "domain/events.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::domain {

struct StreamEvent {
  std::string stream;
  Event event;
};

std::vector<StreamEvent> startup_recovery(const CrmViews& views, const Config& config);

}  // namespace callboard::domain
