#pragma once
// The JSON text frames the server pushes to an agent's page (docs/api.md,
// "WebSocket"). Pure functions; any thread.

#include <string>

#include "actors/ports.hpp"
#include "domain/config.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::web {

// {"type":"hello", login, name, role, state, since, since_us, registered,
//  paused, pause_reason, call, server_time_us}. `view` may be null: an agent with no events yet is
// offline and unregistered.
std::string hello_message(const domain::AgentConfig& agent, const domain::AgentView* view,
                          domain::Timestamp now);

// {"type":"state", state, since, since_us, registered, paused, pause_reason,
//  call, server_time_us}.
std::string state_message(const domain::AgentView& view, domain::Timestamp now);

// {"type":"pop", call, caller, caller_name, dialled, entry_point, region,
//  location, card:{...}|null, server_time_us}.
std::string pop_message(const actors::ScreenPop& pop, const domain::Config& config,
                        domain::Timestamp now);

// {"type":"pop_closed", call, reason}.
std::string pop_closed_message(const domain::CallId& call, const std::string& reason);

}  // namespace callboard::web
