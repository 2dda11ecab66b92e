// The panel's own routes of ApiRouter: an agent's available/paused switch,
// a supervisor forcing an agent's state, the supervisor board, and a call's
// result. Dispatch, sessions and roles are in api_router.cpp.
#include <algorithm>

#include "domain/client.hpp"
#include "web/api_json.hpp"
#include "web/api_router.hpp"
#include "web/board_json.hpp"
#include "web/crm_json.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {

using nlohmann::json;

// A forced log-out is recorded as a pause whose reason starts with this, so
// the log and the board say why the agent gets no calls (docs/api.md).
constexpr const char* kLoggedOutPrefix = "logged_out: ";

bool valid_call_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '@';
  });
}

struct StateRequest {
  std::string state;
  std::string reason;
};

// {"state": one of `allowed`, "reason": text} (reason required unless the
// state is "available").
std::optional<StateRequest> read_state_request(const std::string& raw, std::initializer_list<const char*> allowed,
                                               HttpResponse& refusal) {
  FieldError error;
  auto body = parse_object(raw, error);
  std::optional<std::string> reason;
  StateRequest r;
  if (!body || !only_fields(*body, {"state", "reason"}, error) || !read_string(*body, "state", 1, 32, r.state, error) ||
      !opt_string(*body, "reason", domain::kMaxReasonBytes, reason, error)) {
    refusal = bad_request(error);
    return std::nullopt;
  }
  std::string names;
  bool known = false;
  for (const char* a : allowed) {
    known = known || r.state == a;
    names += names.empty() ? a : std::string(", ") + a;
  }
  if (!known) {
    refusal = bad_request({"state", "'state' is one of " + names});
    return std::nullopt;
  }
  r.reason = domain::trimmed(reason.value_or(""));
  if (r.state != "available") {
    if (Status s = domain::check_text("reason", r.reason, 1, domain::kMaxReasonBytes); !s) {
      refusal = bad_request({"reason", r.reason.empty() ? "a pause needs a 'reason'" : s.message()});
      return std::nullopt;
    }
  }
  return r;
}

HttpResponse not_running() {
  return error_response(503, "unavailable", "agent states cannot change while the server starts or stops")
      .header("Retry-After", "1");
}

}  // namespace

HttpResponse ApiRouter::post_my_state(const Context& ctx) {
  HttpResponse refusal;
  auto r = read_state_request(ctx.request.body, {"available", "paused"}, refusal);
  if (!r) return refusal;
  if (!deps_.agents) return not_running();
  const std::string& me = ctx.agent->login;
  const bool asked = r->state == "available" ? deps_.agents->resume(me, me) : deps_.agents->pause(me, r->reason, me);
  if (!asked) return not_running();
  // Asynchronous: the agent's actor decides; the "state" push confirms.
  return json_response({{"login", me},
                        {"state", r->state},
                        {"reason", r->reason.empty() ? json(nullptr) : json(r->reason)}},
                       202);
}

HttpResponse ApiRouter::post_agent_state(const Context& ctx) {
  const std::string& login = ctx.params[0];
  const domain::AgentConfig* target = login.size() <= 64 ? deps_.config->find_agent(login) : nullptr;
  if (!target) return error_response(404, "not_found", "no agent '" + login.substr(0, 64) + "'");
  HttpResponse refusal;
  auto r = read_state_request(ctx.request.body, {"available", "paused", "logged_out"}, refusal);
  if (!r) return refusal;
  if (!deps_.agents) return not_running();
  const std::string& by = ctx.agent->login;
  bool asked = false;
  std::size_t closed = 0;
  if (r->state == "available") {
    asked = deps_.agents->resume(target->login, by);
  } else if (r->state == "paused") {
    asked = deps_.agents->pause(target->login, r->reason, by);
  } else {
    // Logged out: no calls (a pause the log names as such), and his pages
    // are signed out: their sessions end and their sockets close (1008).
    asked = deps_.agents->pause(target->login, kLoggedOutPrefix + r->reason, by);
    if (asked) {
      for (const auto& id : deps_.sessions->remove_login(target->login)) {
        ++closed;
        if (deps_.session_ended) deps_.session_ended(id);
      }
    }
  }
  if (!asked) return not_running();
  return json_response({{"login", target->login},
                        {"state", r->state},
                        {"reason", r->reason.empty() ? json(nullptr) : json(r->reason)},
                        {"by", by},
                        {"sessions_closed", closed}},
                       202);
}

HttpResponse ApiRouter::get_board(const Context&) {
  const domain::Timestamp now = deps_.clock->now();
  return json_response(deps_.views->read(
      [&](const domain::CrmViews& v) { return board_snapshot(v, *deps_.config, now); }));
}

void ApiRouter::post_call_result(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"call", "result"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  domain::RecordCallResult c;
  c.client = id;
  if (!read_string(*body, "call", 1, 128, c.call, error) || !read_string(*body, "result", 1, 32, c.result, error))
    return respond(bad_request(error));
  if (!valid_call_id(c.call)) return respond(bad_request({"call", "'call' is not a call id"}));
  const bool known = deps_.views->read([&](const domain::CrmViews& v) { return v.call(c.call) != nullptr; });
  if (!known) return respond(error_response(404, "not_found", "no call " + c.call, "call"));
  command({c, ctx.agent->login, version}, std::move(respond), [c](const domain::CommandOutcome& o) {
    json j = outcome_json(o);
    j["call"] = c.call;
    j["result"] = c.result;
    return json_response(j, 201);
  });
}

}  // namespace callboard::web
