// The CRM read routes of ApiRouter: clients, history, calls, the agent
// board and the raw event stream. Dispatch and auth are in api_router.cpp.
#include <algorithm>

#include "web/api_json.hpp"
#include "web/api_router.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {

using nlohmann::json;

// Reads an optional unsigned query parameter; `fallback` when absent.
bool query_uint(const RequestTarget& t, const char* name, std::uint64_t min, std::uint64_t max,
                std::uint64_t fallback, std::uint64_t& out, FieldError& error) {
  auto it = t.query.find(name);
  if (it == t.query.end()) {
    out = fallback;
    return true;
  }
  return parse_uint(it->second, name, min, max, out, error);
}

bool valid_call_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == '@';
         });
}

constexpr std::uint64_t kMaxClientId = 9'007'199'254'740'991;  // 2^53-1: exact in JavaScript

}  // namespace

HttpResponse ApiRouter::get_clients_by_phone(const Context& ctx) {
  auto it = ctx.target.query.find("phone");
  if (it == ctx.target.query.end() || it->second.empty()) {
    return bad_request({"phone", "'phone' is required: GET /api/clients?phone=<number>"});
  }
  if (it->second.size() > 64) {
    return error_response(400, "invalid_phone", "'phone' is not a phone number", "phone");
  }
  auto e164 = deps_.phones->normalize(it->second);
  if (!e164) {
    return error_response(400, "invalid_phone", "'" + it->second + "' is not a phone number", "phone");
  }
  json clients = json::array();
  deps_.views->read([&](const domain::CrmViews& v) {
    if (auto id = v.client_by_phone(*e164)) {
      if (auto card = v.card(*id, 5)) clients.push_back(card_json(*card, *deps_.config));
    }
    return 0;
  });
  return json_response({{"phone", *e164}, {"clients", clients}});
}

HttpResponse ApiRouter::get_client(const Context& ctx) {
  FieldError error;
  std::uint64_t id = 0;
  if (!parse_uint(ctx.params[0], "id", 1, kMaxClientId, id, error)) return bad_request(error);
  std::optional<json> body = deps_.views->read([&](const domain::CrmViews& v) -> std::optional<json> {
    auto card = v.card(id, 10);
    if (!card) return std::nullopt;
    return card_json(*card, *deps_.config);
  });
  if (!body) return error_response(404, "not_found", "no client " + std::to_string(id));
  return json_response(*body);
}

HttpResponse ApiRouter::get_client_history(const Context& ctx) {
  FieldError error;
  std::uint64_t id = 0;
  std::uint64_t limit = 0;
  if (!parse_uint(ctx.params[0], "id", 1, kMaxClientId, id, error)) return bad_request(error);
  if (!query_uint(ctx.target, "limit", 1, 500, 50, limit, error)) return bad_request(error);
  std::optional<json> entries = deps_.views->read([&](const domain::CrmViews& v) -> std::optional<json> {
    const domain::Client* c = v.client(id);
    if (!c) return std::nullopt;
    json out = json::array();
    for (const auto& e : v.history(id, limit)) out.push_back(history_entry_json(e, v, *deps_.config));
    return out;
  });
  if (!entries) return error_response(404, "not_found", "no client " + std::to_string(id));
  return json_response({{"client", id}, {"entries", *entries}});
}

HttpResponse ApiRouter::get_call(const Context& ctx) {
  const std::string& id = ctx.params[0];
  if (!valid_call_id(id)) return bad_request({"id", "'id' is not a call id"});
  std::optional<json> body = deps_.views->read([&](const domain::CrmViews& v) -> std::optional<json> {
    const domain::CallRecord* r = v.call(id);
    if (!r) return std::nullopt;
    return call_json(*r, *deps_.config);
  });
  if (!body) return error_response(404, "not_found", "no call " + id);
  return json_response(*body);
}

HttpResponse ApiRouter::get_recent_calls(const Context& ctx) {
  std::size_t limit = 50;
  if (auto it = ctx.target.query.find("limit"); it != ctx.target.query.end()) {
    const std::string& text = it->second;
    if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(text) < 1 || std::stoul(text) > domain::CrmViews::kRecentCalls)
      return bad_request({"limit", "'limit' must be a whole number from 1 to 1000"});
    limit = std::stoul(text);
  }
  json calls = json::array();
  deps_.views->read([&](const domain::CrmViews& v) {
    for (const auto& r : v.recent_calls(limit)) calls.push_back(call_json(r, *deps_.config));
    return 0;
  });
  return json_response({{"calls", calls}});
}

HttpResponse ApiRouter::get_agents(const Context&) {
  json agents = json::array();
  deps_.views->read([&](const domain::CrmViews& v) {
    // Every configured agent is on the board, with or without events yet.
    for (const auto& a : deps_.config->agents) {
      domain::AgentView fallback;
      fallback.id = a.login;
      const domain::AgentView* view = v.agent(a.login);
      json j = agent_json(view ? *view : fallback);
      j["name"] = a.name;
      j["department"] = a.department;
      j["role"] = domain::to_string(a.role);
      agents.push_back(std::move(j));
    }
    return 0;
  });
  return json_response({{"agents", agents}, {"server_time_us", deps_.clock->now()}});
}

HttpResponse ApiRouter::get_events(const Context& ctx) {
  auto it = ctx.target.query.find("stream");
  if (it == ctx.target.query.end() || it->second.empty()) {
    return bad_request({"stream", "'stream' is required, e.g. stream=call/abc"});
  }
  const std::string& stream = it->second;
  if (stream.size() > 200) return bad_request({"stream", "'stream' is too long"});
  FieldError error;
  std::uint64_t limit = 0;
  std::uint64_t from = 0;
  if (!query_uint(ctx.target, "limit", 1, 10000, 1000, limit, error)) return bad_request(error);
  if (!query_uint(ctx.target, "from", 1, UINT64_MAX - 1, 1, from, error)) return bad_request(error);
  if (!deps_.log) return error_response(503, "unavailable", "the event log is not attached");

  json events = json::array();
  bool truncated = false;
  Status s = deps_.log->read_stream(stream, from, [&](const domain::RecordedEvent& e) {
    if (events.size() >= limit) {
      truncated = true;
      return false;
    }
    events.push_back(event_json(e));
    return true;
  });
  if (!s) return error_response(500, "internal", "reading the log failed: " + s.to_string());
  return json_response({{"stream", stream}, {"events", events}, {"truncated", truncated}});
}

}  // namespace callboard::web
