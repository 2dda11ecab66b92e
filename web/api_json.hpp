#pragma once
// The JSON shapes of the read models, shared by the HTTP API and the
// WebSocket pushes so a client card looks the same in both (docs/api.md).
// Every time is written twice: "<name>" as an ISO-8601 UTC string
// ("2026-11-27T09:45:00.123456Z") and "<name>_us" as microseconds since the
// epoch; an unset time (0) is null in both.
//
// Pure functions; any thread. `config` resolves agent logins to names.

#include <string>

#include <nlohmann/json.hpp>

#include "domain/config.hpp"
#include "domain/events.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::web {

// "2026-11-27T09:45:00.123456Z" for microseconds since the epoch (UTC).
std::string iso8601(domain::Timestamp us);

// Sets obj[name] and obj[name + "_us"].
void put_time(nlohmann::json& obj, const std::string& name, domain::Timestamp us);

nlohmann::json call_json(const domain::CallRecord& call, const domain::Config& config);
nlohmann::json card_json(const domain::ClientCard& card, const domain::Config& config);
nlohmann::json history_entry_json(const domain::HistoryEntry& entry, const domain::CrmViews& views,
                                  const domain::Config& config);
// The agent's live view: state, since, registered, contact, call.
nlohmann::json agent_json(const domain::AgentView& agent);
// {sequence, time, time_us, stream, version, type, fields:{name: value}}.
nlohmann::json event_json(const domain::RecordedEvent& event);

}  // namespace callboard::web
