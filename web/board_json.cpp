#include "web/board_json.hpp"

#include <map>

#include "web/api_json.hpp"
#include "web/crm_json.hpp"

namespace callboard::web {

using nlohmann::json;

namespace {

std::string agent_name(const domain::Config& config, const domain::AgentId& login) {
  const domain::AgentConfig* a = config.find_agent(login);
  return a ? a->name : login;
}

json waiting_json(const domain::QueuedCall& w, std::size_t position, const domain::CrmViews& views,
                  const domain::Config& config) {
  json j = {{"call", w.call}, {"position", position}};
  const domain::CallRecord* r = views.call(w.call);
  j["caller"] = r ? r->caller : std::string();
  const domain::Client* c = r && r->client ? views.client(r->client) : nullptr;
  j["client"] = c ? json(c->id) : json(nullptr);
  j["client_name"] = c ? json(c->name) : json(nullptr);
  put_time(j, "since", w.since);
  put_time(j, "received", r ? r->received : 0);
  j["offered"] = w.offered.empty() ? json(nullptr) : json(w.offered);
  j["offered_name"] = w.offered.empty() ? json(nullptr) : json(agent_name(config, w.offered));
  return j;
}

json queue_json(const std::string& id, const std::string& name, const std::vector<domain::QueuedCall>& calls,
                const domain::CrmViews& views, const domain::Config& config) {
  json waiting = json::array();
  for (std::size_t i = 0; i < calls.size(); ++i) waiting.push_back(waiting_json(calls[i], i + 1, views, config));
  json j = {{"id", id}, {"name", name}, {"waiting", waiting}};
  // The queue serves the oldest first, so the longest wait is the first's.
  j["longest_since_us"] = calls.empty() ? json(nullptr) : json(calls.front().since);
  return j;
}

bool is_agent_event(const domain::Event& e, domain::AgentId& who) {
  if (auto* s = std::get_if<domain::AgentStateChanged>(&e)) who = s->agent;
  else if (auto* r = std::get_if<domain::AgentRegistered>(&e)) who = r->agent;
  else if (auto* u = std::get_if<domain::AgentUnregistered>(&e)) who = u->agent;
  else if (auto* p = std::get_if<domain::AgentPauseChanged>(&e)) who = p->agent;
  else if (auto* c = std::get_if<domain::AgentCreated>(&e)) who = c->agent;
  else return false;
  return true;
}

}  // namespace

BoardChanges board_changes(const std::vector<domain::RecordedEvent>& batch, const domain::CrmViews& views,
                           std::uint64_t& queue_version) {
  BoardChanges out;
  domain::AgentId who;
  for (const auto& e : batch) {
    if (is_agent_event(e.event, who)) out.agents.insert(who);
    else if (std::holds_alternative<domain::CallEnded>(e.event) ||
             std::holds_alternative<domain::CallInterrupted>(e.event))
      out.departments = true;
  }
  const std::uint64_t v = views.queue_board().version();
  if (v != queue_version) {
    out.queues = true;
    queue_version = v;
  }
  return out;
}

json board_queues(const domain::CrmViews& views, const domain::Config& config) {
  const domain::QueueBoard& board = views.queue_board();
  std::map<std::string, std::vector<domain::QueuedCall>> by_queue;
  for (auto& w : board.all()) by_queue[w.queue].push_back(std::move(w));
  json out = json::array();
  for (const auto& d : config.departments) {
    auto it = by_queue.find(d.id);
    if (!d.queue.enabled && it == by_queue.end()) continue;
    out.push_back(queue_json(d.id, d.name, it == by_queue.end() ? std::vector<domain::QueuedCall>{} : it->second,
                             views, config));
    if (it != by_queue.end()) by_queue.erase(it);
  }
  // Queues of departments a reloaded configuration no longer has.
  for (const auto& [id, calls] : by_queue) out.push_back(queue_json(id, id, calls, views, config));
  return out;
}

json board_agent(const domain::AgentConfig& agent, const domain::CrmViews& views) {
  const domain::AgentView* v = views.agent(agent.login);
  json j = {{"login", agent.login},
            {"name", agent.name},
            {"department", agent.department},
            {"role", domain::to_string(agent.role)},
            {"state", domain::to_string(v ? v->state : domain::AgentState::offline)},
            {"registered", v ? v->registered : false},
            {"paused", v ? v->paused : false},
            {"pause_reason", v && v->paused ? json(v->pause_reason) : json(nullptr)},
            {"call", v && !v->call.empty() ? json(v->call) : json(nullptr)}};
  put_time(j, "since", v ? v->since : 0);
  return j;
}

json board_departments(const domain::CrmViews& views, const domain::Config& config, domain::Timestamp now) {
  domain::StatsQuery q;
  q.by = domain::StatsQuery::By::department;
  q.from_day = q.to_day = domain::CallStats::day_of(now);
  q.per_day = false;
  q.service_level_within = kBoardServiceLevelS * domain::kMicrosPerSecond;
  auto rows = views.call_stats(q, [&config](const std::string& dialled) {
    const domain::EntryPointConfig* e = config.find_entry_point(dialled);
    return e ? e->department : std::string();
  });
  std::map<std::string, domain::CallSummary> by_department;
  for (const auto& r : rows) by_department[r.key] = r.summary;
  json out = json::array();
  for (const auto& d : config.departments) {
    const domain::CallSummary s = by_department.count(d.id) ? by_department[d.id] : domain::CallSummary{};
    out.push_back({{"department", d.id},
                   {"name", d.name},
                   {"offered", s.offered},
                   {"answered", s.answered},
                   {"abandoned", s.abandoned},
                   {"missed", s.missed},
                   {"average_wait_s", s.average_wait_s},
                   {"service_level", s.service_level ? json(*s.service_level) : json(nullptr)}});
  }
  return out;
}

json board_snapshot(const domain::CrmViews& views, const domain::Config& config, domain::Timestamp now) {
  json agents = json::array();
  for (const auto& a : config.agents) agents.push_back(board_agent(a, views));
  return {{"seq", views.last_sequence()},
          {"day", day_string(domain::CallStats::day_of(now))},
          {"service_level_s", kBoardServiceLevelS},
          {"server_time_us", now},
          {"queues", board_queues(views, config)},
          {"agents", agents},
          {"departments", board_departments(views, config, now)}};
}

json board_delta_body(const domain::CrmViews& views, const domain::Config& config, const BoardChanges& changes,
                      domain::Timestamp now) {
  json j = {{"server_time_us", now}};
  if (changes.queues) j["queues"] = board_queues(views, config);
  if (!changes.agents.empty()) {
    json agents = json::array();
    for (const auto& login : changes.agents) {
      // Agents of no configuration (removed by a reload) are not on the board.
      if (const domain::AgentConfig* a = config.find_agent(login)) agents.push_back(board_agent(*a, views));
    }
    if (!agents.empty()) j["agents"] = agents;
  }
  if (changes.departments) {
    j["day"] = day_string(domain::CallStats::day_of(now));
    j["departments"] = board_departments(views, config, now);
  }
  return j;
}

}  // namespace callboard::web
