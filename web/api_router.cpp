// Dispatch, sessions, roles, CSRF and the login flow. The CRM read handlers
// are in api_handlers.cpp.
#include "web/api_router.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

#include "web/api_json.hpp"
#include "web/cookies.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {

bool changes_state(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool is_json(const std::string& content_type) {
  std::string lower(content_type.substr(0, content_type.find(';')));
  lower.erase(std::remove_if(lower.begin(), lower.end(), [](unsigned char c) { return std::isspace(c); }),
              lower.end());
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "application/json";
}

bool is_csv(const std::string& content_type) {
  std::string lower(content_type.substr(0, content_type.find(';')));
  lower.erase(std::remove_if(lower.begin(), lower.end(), [](unsigned char c) { return std::isspace(c); }),
              lower.end());
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "text/csv";
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Headers every response carries: API responses are private and never
// cached; the panel's pages may not be framed and may load only our own
// scripts, styles and sockets.
HttpResponse finish(HttpResponse r, bool api) {
  r.header("X-Content-Type-Options", "nosniff");
  if (api) {
    r.header("Cache-Control", "no-store");
  } else {
    r.header("X-Frame-Options", "DENY");
    r.header("Content-Security-Policy",
             "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
             "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    r.header("Referrer-Policy", "no-referrer");
  }
  return r;
}

// "http://127.0.0.1:8080" -> "127.0.0.1:8080"; "" when it is not an origin.
std::string origin_host(const std::string& origin) {
  std::size_t scheme = origin.find("://");
  if (scheme == std::string::npos) return {};
  std::string host = origin.substr(scheme + 3);
  if (host.find('/') != std::string::npos) return {};
  const std::string s = origin.substr(0, scheme);
  // Browsers omit the default port in Origin but may send it in Host.
  if (s == "http" && host.find(':') == std::string::npos) host += ":80";
  if (s == "https" && host.find(':') == std::string::npos) host += ":443";
  return host;
}

std::string host_with_port(const std::string& host, const std::string& origin) {
  if (host.find(':') != std::string::npos || host.empty()) return host;
  return host + (starts_with(origin, "https:") ? ":443" : ":80");
}

}  // namespace

ApiRouter::ApiRouter(RouterDeps deps) : deps_(std::move(deps)) {}

std::size_t ApiRouter::body_limit_for(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  return method == "POST" && path == "/api/clients/import" ? kMaxImportBytes : kMaxBodyBytes;
}

const std::vector<ApiRouter::Route>& ApiRouter::routes() {
  static const std::vector<Route> kRoutes{
      {"GET", "/healthz", Access::open, &ApiRouter::get_health},
      {"POST", "/api/login", Access::open, nullptr, &ApiRouter::post_login},
      {"POST", "/api/logout", Access::session, &ApiRouter::post_logout},
      {"GET", "/api/me", Access::session, &ApiRouter::get_me},
      {"GET", "/api/clients", Access::session, &ApiRouter::get_clients},
      // CRM (api_crm.cpp, api_deals.cpp, api_csv.cpp, api_stats.cpp). The
      // fixed paths come before /api/clients/{} so they are not read as ids.
      {"POST", "/api/clients", Access::session, nullptr, &ApiRouter::post_client},
      {"GET", "/api/clients/export", Access::supervisor, nullptr, &ApiRouter::get_clients_export},
      {"POST", "/api/clients/import", Access::supervisor, nullptr, &ApiRouter::post_clients_import, true},
      {"POST", "/api/clients/merge", Access::supervisor, nullptr, &ApiRouter::post_clients_merge},
      {"GET", "/api/clients/{}", Access::session, &ApiRouter::get_client},
      {"PATCH", "/api/clients/{}", Access::session, nullptr, &ApiRouter::patch_client},
      {"GET", "/api/clients/{}/history", Access::session, &ApiRouter::get_client_history},
      {"POST", "/api/clients/{}/phones", Access::session, nullptr, &ApiRouter::post_client_phone},
      {"DELETE", "/api/clients/{}/phones/{}", Access::session, nullptr, &ApiRouter::delete_client_phone},
      {"PUT", "/api/clients/{}/responsible", Access::session, nullptr, &ApiRouter::put_client_responsible},
      {"POST", "/api/clients/{}/tags", Access::session, nullptr, &ApiRouter::post_client_tag},
      {"DELETE", "/api/clients/{}/tags/{}", Access::session, nullptr, &ApiRouter::delete_client_tag},
      {"POST", "/api/clients/{}/deals", Access::session, nullptr, &ApiRouter::post_deal},
      {"PATCH", "/api/clients/{}/deals/{}", Access::session, nullptr, &ApiRouter::patch_deal},
      {"POST", "/api/clients/{}/deals/{}/close", Access::session, nullptr, &ApiRouter::post_deal_close},
      {"POST", "/api/clients/{}/notes", Access::session, nullptr, &ApiRouter::post_note},
      {"POST", "/api/clients/{}/tasks", Access::session, nullptr, &ApiRouter::post_task},
      {"GET", "/api/deals", Access::session, &ApiRouter::get_deals},
      {"GET", "/api/tasks", Access::session, &ApiRouter::get_tasks},
      {"POST", "/api/tasks", Access::session, nullptr, &ApiRouter::post_task},
      {"POST", "/api/tasks/{}/done", Access::session, nullptr, &ApiRouter::post_task_done},
      {"GET", "/api/stats/calls", Access::supervisor, &ApiRouter::get_call_stats},
      {"GET", "/api/admin/views", Access::supervisor, nullptr, &ApiRouter::get_views_digest},
      {"GET", "/api/calls", Access::supervisor, &ApiRouter::get_recent_calls},
      {"POST", "/api/calls/originate", Access::session, nullptr, &ApiRouter::post_originate},
      {"GET", "/api/calls/{}", Access::session, &ApiRouter::get_call},
      {"GET", "/api/agents", Access::supervisor, &ApiRouter::get_agents},
      // The panel's agent and supervisor routes (api_agent.cpp).
      {"POST", "/api/me/state", Access::session, &ApiRouter::post_my_state},
      {"POST", "/api/agents/{}/state", Access::supervisor, &ApiRouter::post_agent_state},
      {"GET", "/api/board", Access::supervisor, &ApiRouter::get_board},
      {"POST", "/api/clients/{}/call-results", Access::session, nullptr, &ApiRouter::post_call_result},
      {"GET", "/api/events", Access::supervisor, &ApiRouter::get_events},
      {"POST", "/api/admin/reload", Access::admin, &ApiRouter::post_admin_reload},
  };
  return kRoutes;
}

bool ApiRouter::match(const char* pattern, const std::string& path, std::vector<std::string>& params) {
  params.clear();
  std::string_view p(pattern);
  std::string_view s(path);
  while (!p.empty() || !s.empty()) {
    if (p.empty() || s.empty() || p.front() != '/' || s.front() != '/') return false;
    p.remove_prefix(1);
    s.remove_prefix(1);
    std::string_view pseg = p.substr(0, std::min(p.find('/'), p.size()));
    std::string_view sseg = s.substr(0, std::min(s.find('/'), s.size()));
    if (pseg == "{}") {
      if (sseg.empty()) return false;
      params.emplace_back(sseg);
    } else if (pseg != sseg) {
      return false;
    }
    p.remove_prefix(pseg.size());
    s.remove_prefix(sseg.size());
  }
  return true;
}

void ApiRouter::handle(const HttpRequest& request, Responder respond) {
  auto target = parse_target(request.target);
  if (!target) {
    respond(finish(error_response(400, "bad_path", target.status().message()), true));
    return;
  }
  const std::string& path = target->path;
  const bool api = starts_with(path, "/api/") || path == "/api" || path == "/healthz";
  // HEAD is GET without a body; the transport drops the body.
  const std::string method = request.method == "HEAD" ? "GET" : request.method;

  if (!api) {
    if (path == "/ws") {
      respond(finish(error_response(426, "upgrade_required", "GET /ws must be a WebSocket upgrade"), true)
                  .header("Upgrade", "websocket"));
      return;
    }
    if (method != "GET") {
      respond(finish(error_response(405, "method_not_allowed", "static files are GET only"), false)
                  .header("Allow", "GET, HEAD"));
      return;
    }
    if (!deps_.statics) {
      respond(finish(error_response(404, "not_found", "no such resource"), false));
      return;
    }
    respond(finish(deps_.statics->serve(path), false));
    return;
  }

  Context ctx{request, std::move(target.value()), {}, {}, nullptr};
  const Route* found = nullptr;
  std::string allowed;
  for (const Route& r : routes()) {
    if (!match(r.pattern, ctx.target.path, ctx.params)) continue;
    if (method == r.method) {
      found = &r;
      break;
    }
    allowed += allowed.empty() ? r.method : std::string(", ") + r.method;
  }
  if (!found) {
    if (!allowed.empty()) {
      respond(finish(error_response(405, "method_not_allowed",
                                    request.method + " is not allowed here; use " + allowed),
                     true)
                  .header("Allow", allowed));
    } else {
      respond(finish(error_response(404, "not_found", "no such route: " + ctx.target.path), true));
    }
    return;
  }

  if (found->access != Access::open) {
    HttpResponse refusal;
    if (!authenticate(ctx, refusal)) {
      respond(finish(std::move(refusal), true));
      return;
    }
    if (found->access == Access::supervisor && ctx.agent->role == domain::Role::agent) {
      respond(finish(error_response(403, "forbidden", "this needs the supervisor or admin role"), true));
      return;
    }
    if (found->access == Access::admin && ctx.agent->role != domain::Role::admin) {
      respond(finish(error_response(403, "forbidden", "this needs the admin role"), true));
      return;
    }
    if (changes_state(method) && !SessionStore::csrf_matches(ctx.session, request.csrf_token)) {
      respond(finish(error_response(403, "csrf", "missing or wrong X-CSRF-Token header"), true));
      return;
    }
  }
  if (changes_state(method) && !request.body.empty() &&
      !(found->csv_body ? is_csv(request.content_type) : is_json(request.content_type))) {
    respond(finish(error_response(415, "unsupported_media_type",
                                  found->csv_body ? "send the body as text/csv" : "send the body as application/json"),
                   true));
    return;
  }
  if (found->async) {
    (this->*found->async)(ctx, [respond = std::move(respond)](HttpResponse r) {
      respond(finish(std::move(r), true));
    });
  } else {
    respond(finish((this->*found->sync)(ctx), true));
  }
}

bool ApiRouter::authenticate(Context& ctx, HttpResponse& refusal) {
  auto id = find_cookie(ctx.request.cookie, kSessionCookie);
  if (!id) {
    refusal = error_response(401, "unauthenticated", "log in first");
    return false;
  }
  SessionLookup found = deps_.sessions->lookup(*id);
  if (found.check == SessionCheck::expired) {
    refusal = error_response(401, "session_expired", "the session has expired; log in again");
    refusal.header("Set-Cookie", expired_session_cookie());
    return false;
  }
  const domain::AgentConfig* agent =
      found.check == SessionCheck::ok ? deps_.config->find_agent(found.session.login) : nullptr;
  if (!agent) {
    refusal = error_response(401, "unauthenticated", "log in first");
    return false;
  }
  ctx.session = std::move(found.session);
  ctx.agent = agent;
  return true;
}

WsAuthorization ApiRouter::authorize_websocket(const HttpRequest& request) {
  WsAuthorization out;
  if (!request.origin.empty() &&
      origin_host(request.origin) != host_with_port(request.host, request.origin)) {
    out.refusal = finish(error_response(403, "forbidden_origin",
                                        "the page's origin does not match this server"),
                         true);
    return out;
  }
  auto target = parse_target(request.target);
  if (!target) {
    out.refusal = finish(error_response(400, "bad_path", target.status().message()), true);
    return out;
  }
  Context ctx{request, std::move(target.value()), {}, {}, nullptr};
  if (!authenticate(ctx, out.refusal)) {
    out.refusal = finish(std::move(out.refusal), true);
    return out;
  }
  if (auto it = ctx.target.query.find("since"); it != ctx.target.query.end()) {
    FieldError error;
    std::uint64_t since = 0;
    if (!parse_uint(it->second, "since", 0, UINT64_MAX - 1, since, error)) {
      out.refusal = finish(bad_request(error), true);
      return out;
    }
    out.since = since;
  }
  out.ok = true;
  out.session = std::move(ctx.session);
  out.agent = ctx.agent;
  return out;
}

HttpResponse ApiRouter::get_health(const Context&) { return json_response({{"status", "ok"}}); }

void ApiRouter::post_login(const Context& ctx, Responder respond) {
  FieldError error;
  auto body = parse_object(ctx.request.body, error);
  std::string login;
  std::string password;
  if (!body || !read_string(*body, "login", 1, 64, login, error) ||
      !read_string(*body, "password", 1, 1024, password, error)) {
    respond(bad_request(error));
    return;
  }
  if (auto wait = deps_.throttle->retry_after(login)) {
    const long long secs = (*wait + domain::kMicrosPerSecond - 1) / domain::kMicrosPerSecond;
    HttpResponse r = json_response({{"error", "too_many_attempts"},
                                    {"message", "too many failed logins; try again later"},
                                    {"retry_after_s", secs}},
                                   429);
    r.header("Retry-After", std::to_string(secs));
    respond(std::move(r));
    return;
  }
  std::string old_session = find_cookie(ctx.request.cookie, kSessionCookie).value_or("");
  auto shared_respond = std::make_shared<Responder>(std::move(respond));
  bool queued = deps_.worker->submit(
      [this, login, password = std::move(password), old_session, shared_respond]() mutable {
        const bool ok = deps_.passwords->verify(login, password);
        sodium_memzero(password.data(), password.size());
        deps_.post([this, ok, login, old_session, shared_respond] {
          finish_login(ok, login, old_session, *shared_respond);
        });
      });
  if (!queued) {
    (*shared_respond)(error_response(503, "busy", "too many logins at once; try again").header("Retry-After", "1"));
  }
}

void ApiRouter::finish_login(bool ok, const std::string& login, const std::string& old_session,
                             const Responder& respond) {
  const domain::AgentConfig* agent = ok ? deps_.config->find_agent(login) : nullptr;
  if (!agent) {
    deps_.throttle->record_failure(login);
    deps_.metrics->login_failed();
    respond(error_response(401, "invalid_credentials", "wrong login or password"));
    return;
  }
  deps_.throttle->record_success(login);
  // A fresh id at every login: a session id planted before login (fixation)
  // never becomes authenticated.
  if (!old_session.empty()) {
    deps_.sessions->remove(old_session);
    if (deps_.session_ended) deps_.session_ended(old_session);
  }
  Session s = deps_.sessions->create(login);
  HttpResponse r = json_response({{"login", agent->login},
                                  {"name", agent->name},
                                  {"role", domain::to_string(agent->role)},
                                  {"department", agent->department},
                                  {"csrf", s.csrf}});
  r.header("Set-Cookie", session_cookie(s.id));
  respond(std::move(r));
}

HttpResponse ApiRouter::post_admin_reload(const Context&) {
  if (!deps_.reload) return error_response(503, "unavailable", "reloading is not wired in this server");
  Status s = deps_.reload();
  if (!s) return error_response(400, "invalid_config", s.message());
  return json_response({{"status", "reloaded"}});
}

HttpResponse ApiRouter::post_logout(const Context& ctx) {
  deps_.sessions->remove(ctx.session.id);
  if (deps_.session_ended) deps_.session_ended(ctx.session.id);
  HttpResponse r = no_content();
  r.header("Set-Cookie", expired_session_cookie());
  return r;
}

HttpResponse ApiRouter::get_me(const Context& ctx) {
  nlohmann::json j = {{"login", ctx.agent->login},
                      {"name", ctx.agent->name},
                      {"role", domain::to_string(ctx.agent->role)},
                      {"department", ctx.agent->department},
                      {"csrf", ctx.session.csrf}};
  deps_.views->read([&](const domain::CrmViews& v) {
    const domain::AgentView* view = v.agent(ctx.agent->login);
    j["state"] = domain::to_string(view ? view->state : domain::AgentState::offline);
    put_time(j, "since", view ? view->since : 0);
    j["registered"] = view ? view->registered : false;
    j["paused"] = view ? view->paused : false;
    j["pause_reason"] = view && view->paused ? nlohmann::json(view->pause_reason) : nlohmann::json(nullptr);
    return 0;
  });
  // What the panel's forms offer: the deal pipeline and the call results.
  j["deal_stages"] = deps_.config->deal_stages;
  j["call_results"] = std::vector<std::string>(std::begin(domain::kCallResults), std::end(domain::kCallResults));
  j["server_time_us"] = deps_.clock->now();
  return json_response(j);
}

}  // namespace callboard::web
