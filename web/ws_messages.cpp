#include "web/ws_messages.hpp"

#include "web/api_json.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

using nlohmann::json;

namespace {
void put_agent_state(json& j, const domain::AgentView* view) {
  j["state"] = domain::to_string(view ? view->state : domain::AgentState::offline);
  put_time(j, "since", view ? view->since : 0);
  j["registered"] = view ? view->registered : false;
  j["paused"] = view ? view->paused : false;
  j["pause_reason"] = view && view->paused ? json(view->pause_reason) : json(nullptr);
  // The call he rings for or talks on: a page opened mid-call finds it again.
  j["call"] = view && !view->call.empty() ? json(view->call) : json(nullptr);
}
}  // namespace

std::string hello_message(const domain::AgentConfig& agent, const domain::AgentView* view,
                          domain::Timestamp now) {
  json j = {{"type", "hello"},
            {"login", agent.login},
            {"name", agent.name},
            {"role", domain::to_string(agent.role)},
            {"department", agent.department}};
  put_agent_state(j, view);
  j["server_time_us"] = now;
  return dump_json(j);
}

std::string state_message(const domain::AgentView& view, domain::Timestamp now) {
  json j = {{"type", "state"}, {"login", view.id}};
  put_agent_state(j, &view);
  j["server_time_us"] = now;
  return dump_json(j);
}

std::string pop_message(const actors::ScreenPop& pop, const domain::Config& config,
                        domain::Timestamp now) {
  json j = {{"type", "pop"},
            {"call", pop.call},
            {"caller", pop.caller},
            {"caller_name", pop.caller_name},
            {"dialled", pop.dialled},
            {"entry_point", pop.entry_point_name},
            {"region", pop.region},
            {"location", pop.location},
            {"source", pop.source.empty() ? json(nullptr) : json(pop.source)},
            {"card", pop.card ? card_json(*pop.card, config) : json(nullptr)},
            {"server_time_us", now}};
  return dump_json(j);
}

std::string pop_closed_message(const domain::CallId& call, const std::string& reason) {
  return dump_json({{"type", "pop_closed"}, {"call", call}, {"reason", reason}});
}

}  // namespace callboard::web
