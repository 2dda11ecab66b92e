#pragma once
// The HTTP API without the network: matches a request to a route, checks the
// session, the role and the CSRF token, runs the handler and produces the
// response. web/detail/ feeds it parsed requests and writes what it returns;
// tests can drive it directly.
//
// Threading: call handle() and authorize_websocket() on the io thread only
// (they use the session store and the throttle, which are not thread-safe).
// The responder is called exactly once, on the io thread: at once for most
// routes, later (through RouterDeps::post) for login, whose password check
// runs on the BoundedWorker.

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/crm_port.hpp"
#include "actors/originate_port.hpp"
#include "actors/ports.hpp"
#include "domain/clock.hpp"
#include "domain/config.hpp"
#include "domain/phone.hpp"
#include "storage/event_log.hpp"
#include "storage/view_host.hpp"
#include "web/agent_control.hpp"
#include "web/bounded_worker.hpp"
#include "web/http_message.hpp"
#include "web/login_throttle.hpp"
#include "web/passwords.hpp"
#include "web/request_target.hpp"
#include "web/session_store.hpp"
#include "web/static_files.hpp"
#include "web/worker_pool.hpp"

namespace callboard::web {

// Everything the router reads or uses; it owns none of it. All must outlive
// the router, and the worker must be stopped before the router is destroyed.
struct RouterDeps {
  const domain::Config* config = nullptr;
  storage::ViewHost* views = nullptr;
  const storage::EventLog* log = nullptr;  // null: /api/events answers 503
  // CRM writes: commands block a CRM worker until durable. Either null: the
  // CRM routes that write answer 503.
  actors::CrmPort* crm = nullptr;
  WorkerPool* crm_workers = nullptr;
  const domain::Clock* clock = nullptr;
  const domain::PhoneNumbers* phones = nullptr;
  SessionStore* sessions = nullptr;
  LoginThrottle* throttle = nullptr;
  const PasswordBook* passwords = nullptr;
  BoundedWorker* worker = nullptr;
  actors::HttpMetrics* metrics = nullptr;  // login_failed; the transport counts requests
  const StaticFiles* statics = nullptr;    // null: only the API is served
  // Runs a function on the io thread (the transport's post); used to come
  // back from the worker.
  std::function<void(std::function<void()>)> post;
  // Called on the io thread when a session ends by logout or re-login, so
  // its WebSockets can be closed.
  std::function<void(const std::string& session_id)> session_ended;
  // Reads the configuration file again (POST /api/admin/reload); null: 503.
  std::function<Status()> reload;
  // Pauses and resumes agents (POST /api/me/state, /api/agents/{}/state);
  // null: those routes answer 503.
  AgentControl* agents = nullptr;
  // Click-to-call (POST /api/calls/originate), run on a CRM worker; null:
  // that route answers 503.
  actors::OriginatePort* originate = nullptr;
};

using Responder = std::function<void(HttpResponse)>;

// What an authorised WebSocket upgrade carries over to the socket.
struct WsAuthorization {
  bool ok = false;
  Session session;
  const domain::AgentConfig* agent = nullptr;
  // /ws?since=N: the page holds the supervisor board at sequence N.
  std::optional<std::uint64_t> since;
  HttpResponse refusal;  // when !ok: 400 / 401 / 403 to send instead of upgrading
};

class ApiRouter {
 public:
  explicit ApiRouter(RouterDeps deps);

  void handle(const HttpRequest& request, Responder respond);

  // For GET /ws with an Upgrade: a valid session cookie (else 401
  // unauthenticated / session_expired), an agent that is in the config,
  // and an Origin, when sent, that matches Host (else 403 forbidden_origin).
  WsAuthorization authorize_websocket(const HttpRequest& request);

  // Request bodies larger than this are refused with 413 by the transport.
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;
  // POST /api/clients/import takes a whole CSV file.
  static constexpr std::size_t kMaxImportBytes = 16 * 1024 * 1024;
  // The body limit of a request, from its method and target.
  static std::size_t body_limit_for(std::string_view method, std::string_view target);

 private:
  enum class Access { open, session, supervisor, admin };
  struct Context {
    const HttpRequest& request;
    RequestTarget target;
    std::vector<std::string> params;  // the {} segments of the route
    Session session;
    const domain::AgentConfig* agent = nullptr;
  };
  using SyncHandler = HttpResponse (ApiRouter::*)(const Context&);
  using AsyncHandler = void (ApiRouter::*)(const Context&, Responder);
  struct Route {
    const char* method;
    const char* pattern;  // "/api/clients/{}/history"
    Access access;
    SyncHandler sync = nullptr;
    AsyncHandler async = nullptr;
    bool csv_body = false;  // the body is text/csv rather than JSON
  };

  static const std::vector<Route>& routes();
  static bool match(const char* pattern, const std::string& path, std::vector<std::string>& params);
  // Fills ctx.session / ctx.agent, or returns the 401 to send.
  bool authenticate(Context& ctx, HttpResponse& refusal);

  HttpResponse get_health(const Context& ctx);
  void post_login(const Context& ctx, Responder respond);
  void finish_login(bool ok, const std::string& login, const std::string& old_session,
                    const Responder& respond);
  HttpResponse post_logout(const Context& ctx);
  HttpResponse get_me(const Context& ctx);
  HttpResponse get_clients_by_phone(const Context& ctx);
  HttpResponse get_client(const Context& ctx);
  HttpResponse get_client_history(const Context& ctx);
  HttpResponse get_call(const Context& ctx);
  HttpResponse get_recent_calls(const Context& ctx);
  HttpResponse post_admin_reload(const Context& ctx);
  HttpResponse get_agents(const Context& ctx);
  HttpResponse get_events(const Context& ctx);

  // ---- CRM (api_crm.cpp, api_deals.cpp, api_csv.cpp, api_stats.cpp) --------
  // Runs `work` on a CRM worker (it may block on CrmPort), then answers on
  // the io thread; 503 when the workers are all busy or the CRM is absent.
  void run_crm(Responder respond, std::function<HttpResponse()> work);
  void command(domain::CommandEnvelope env, Responder respond,
               std::function<HttpResponse(const domain::CommandOutcome&)> ok);
  bool path_id(const Context& ctx, std::size_t index, const char* field, std::uint64_t& out,
               HttpResponse& refusal);
  std::optional<nlohmann::json> write_body(const Context& ctx, std::initializer_list<const char*> allowed,
                                           std::optional<std::uint64_t>& version, HttpResponse& refusal);
  std::optional<std::string> phone_field(const std::string& raw, const char* field, HttpResponse& refusal) const;
  HttpResponse client_written(const domain::CommandOutcome& o, int status);
  HttpResponse deal_written(const domain::CommandOutcome& o, domain::DealId deal, int status);

  HttpResponse get_clients(const Context& ctx);
  void post_client(const Context& ctx, Responder respond);
  void patch_client(const Context& ctx, Responder respond);
  void post_client_phone(const Context& ctx, Responder respond);
  void delete_client_phone(const Context& ctx, Responder respond);
  void put_client_responsible(const Context& ctx, Responder respond);
  void post_client_tag(const Context& ctx, Responder respond);
  void delete_client_tag(const Context& ctx, Responder respond);
  void post_clients_merge(const Context& ctx, Responder respond);
  void post_deal(const Context& ctx, Responder respond);
  void patch_deal(const Context& ctx, Responder respond);
  void post_deal_close(const Context& ctx, Responder respond);
  void post_note(const Context& ctx, Responder respond);
  void post_task(const Context& ctx, Responder respond);
  void post_task_done(const Context& ctx, Responder respond);
  HttpResponse get_deals(const Context& ctx);
  HttpResponse get_tasks(const Context& ctx);
  HttpResponse get_call_stats(const Context& ctx);
  void get_clients_export(const Context& ctx, Responder respond);
  void post_clients_import(const Context& ctx, Responder respond);
  void get_views_digest(const Context& ctx, Responder respond);

  // ---- the panel: agent state, the supervisor board, call results (api_agent.cpp)
  HttpResponse post_my_state(const Context& ctx);
  HttpResponse post_agent_state(const Context& ctx);
  HttpResponse get_board(const Context& ctx);
  void post_call_result(const Context& ctx, Responder respond);

  // ---- click-to-call (api_originate.cpp)
  void post_originate(const Context& ctx, Responder respond);

  RouterDeps deps_;
};

}  // namespace callboard::web
