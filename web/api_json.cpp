#include "web/api_json.hpp"

#include <cstdio>
#include <ctime>
#include <string_view>
#include <tuple>
#include <utility>

namespace callboard::web {

namespace {

using nlohmann::json;

std::string agent_name(const domain::Config& config, const domain::AgentId& login) {
  if (login.empty()) return {};
  const domain::AgentConfig* a = config.find_agent(login);
  return a ? a->name : login;
}

double seconds(domain::Duration us) {
  // Milliseconds are as fine as a person reads a call's length.
  return static_cast<double>(us / 1000) / 1000.0;
}

// Event field values by type; enums are written by name, never by number.
json field_value(const std::string& v) { return v; }
json field_value(bool v) { return v; }
json field_value(std::int32_t v) { return v; }
json field_value(std::int64_t v) { return v; }
json field_value(std::uint64_t v) { return v; }
json field_value(domain::AgentState v) { return domain::to_string(v); }
json field_value(domain::CallOutcome v) { return domain::to_string(v); }
json field_value(domain::EndedBy v) { return domain::to_string(v); }
json field_value(domain::TaskKind v) { return domain::to_string(v); }
json field_value(const std::vector<std::string>& v) { return v; }

std::vector<std::string_view> split_fields(std::string_view names) {
  std::vector<std::string_view> out;
  while (!names.empty()) {
    std::size_t comma = names.find(',');
    out.push_back(names.substr(0, comma));
    names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
  }
  return out;
}

template <class E>
json fields_json(const E& e) {
  const auto names = split_fields(E::kFields);
  json out = json::object();
  std::size_t i = 0;
  std::apply(
      [&](const auto&... values) {
        // kFields and tie() are written side by side in events.hpp; a
        // mismatch in count would be a bug there, so name extras by index.
        ((out[i < names.size() ? std::string(names[i]) : "field" + std::to_string(i)] =
              field_value(values),
          ++i),
         ...);
      },
      e.tie());
  return out;
}

const char* history_kind(domain::HistoryEntry::Kind k) {
  switch (k) {
    case domain::HistoryEntry::Kind::call: return "call";
    case domain::HistoryEntry::Kind::note: return "note";
    case domain::HistoryEntry::Kind::deal: return "deal";
    case domain::HistoryEntry::Kind::task: return "task";
    case domain::HistoryEntry::Kind::result: return "result";
  }
  return "unknown";
}

}  // namespace

std::string iso8601(domain::Timestamp us) {
  std::int64_t secs = us / domain::kMicrosPerSecond;
  std::int64_t frac = us % domain::kMicrosPerSecond;
  if (frac < 0) {
    frac += domain::kMicrosPerSecond;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

void put_time(json& obj, const std::string& name, domain::Timestamp us) {
  if (us == 0) {
    obj[name] = nullptr;
    obj[name + "_us"] = nullptr;
  } else {
    obj[name] = iso8601(us);
    obj[name + "_us"] = us;
  }
}

json call_json(const domain::CallRecord& c, const domain::Config& config) {
  json j = {{"id", c.id},
            {"client", c.client == 0 ? json(nullptr) : json(c.client)},
            {"caller", c.caller},
            {"dialled", c.dialled},
            {"direction", domain::to_string(c.direction)},
            {"source", c.source.empty() ? json(nullptr) : json(c.source)},
            {"agent", c.agent.empty() ? json(nullptr) : json(c.agent)},
            {"agent_name", c.agent.empty() ? json(nullptr) : json(agent_name(config, c.agent))},
            {"outcome", c.outcome ? json(domain::to_string(*c.outcome)) : json(nullptr)},
            {"ended_by", c.ended ? json(domain::to_string(c.ended_by)) : json(nullptr)},
            {"wait_s", seconds(c.wait())},
            {"talk_s", seconds(c.talk())}};
  put_time(j, "received", c.received);
  put_time(j, "answered", c.answered);
  put_time(j, "ended", c.ended);
  return j;
}

json card_json(const domain::ClientCard& card, const domain::Config& config) {
  const domain::Client& c = card.client;
  json deals = json::array();
  for (const auto& d : c.deals) {
    deals.push_back({{"id", d.id},
                     {"title", d.title},
                     {"stage", d.stage},
                     {"amount", d.amount},
                     {"currency", d.currency},
                     {"closed", d.closed},
                     {"won", d.won}});
  }
  json last_calls = json::array();
  for (const auto& call : card.last_calls) last_calls.push_back(call_json(call, config));
  json responsible = nullptr;
  if (!c.responsible.empty()) {
    std::string name = card.responsible_name.empty() ? agent_name(config, c.responsible)
                                                     : card.responsible_name;
    responsible = {{"login", c.responsible}, {"name", name}};
  }
  json j = {{"id", c.id},          {"name", c.name},     {"company", c.company},
            {"email", c.email},    {"phones", c.phones}, {"responsible", responsible},
            {"tags", c.tags},      {"deals", deals},     {"last_calls", last_calls}};
  put_time(j, "created", c.created);
  j["version"] = c.version;  // the client's stream version: send it back to detect a concurrent change
  return j;
}

json history_entry_json(const domain::HistoryEntry& e, const domain::CrmViews& views,
                        const domain::Config& config) {
  json j = json::object();
  if (e.kind == domain::HistoryEntry::Kind::call) {
    if (const domain::CallRecord* r = views.call(e.call)) j = call_json(*r, config);
    else j["id"] = e.call;
  } else {
    j["text"] = e.text;
    j["agent"] = e.agent.empty() ? json(nullptr) : json(e.agent);
    j["agent_name"] = e.agent.empty() ? json(nullptr) : json(agent_name(config, e.agent));
    j["call"] = e.call.empty() ? json(nullptr) : json(e.call);
    // What happened to the deal or task, and which one (docs/api.md).
    static constexpr const char* kActions[] = {nullptr, "opened", "stage", "amount", "won",
                                               "lost",  "created", "done"};
    const auto a = static_cast<std::size_t>(e.action);
    if (a > 0 && a < std::size(kActions)) j["action"] = kActions[a];
    if (e.kind == domain::HistoryEntry::Kind::result) j["result"] = e.text;  // CallResultRecorded
    if (e.ref != 0) j[e.kind == domain::HistoryEntry::Kind::deal ? "deal" : e.kind == domain::HistoryEntry::Kind::note ? "note" : "task"] = e.ref;
  }
  j["kind"] = history_kind(e.kind);
  put_time(j, "time", e.time);
  return j;
}

json agent_json(const domain::AgentView& a) {
  json j = {{"login", a.id},
            {"name", a.name},
            {"department", a.department},
            {"state", domain::to_string(a.state)},
            {"registered", a.registered},
            {"contact", a.contact},
            {"call", a.call.empty() ? json(nullptr) : json(a.call)}};
  put_time(j, "since", a.since);
  return j;
}

json event_json(const domain::RecordedEvent& e) {
  json j = {{"sequence", e.sequence},
            {"stream", e.stream},
            {"version", e.stream_version},
            {"type", domain::name_of(e.event)},
            {"type_tag", static_cast<int>(domain::type_of(e.event))},
            {"fields", std::visit([](const auto& ev) { return fields_json(ev); }, e.event)}};
  put_time(j, "time", e.time);
  return j;
}

}  // namespace callboard::web
