// The API router driven directly (no sockets): a memory log with the demo
// data, the real session store, throttle, password book and worker.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "demo_data.hpp"
#include "web/api_router.hpp"
#include "web/json_util.hpp"

using namespace callboard;
using namespace callboard::web;
using nlohmann::json;

namespace {

constexpr domain::Duration kMin = 60 * domain::kMicrosPerSecond;

struct CountingMetrics final : actors::HttpMetrics {
  int login_failures = 0;
  void request(std::string_view, int) override {}
  void login_failed() override { ++login_failures; }
  void websocket_opened() override {}
  void websocket_closed() override {}
};

// Stands in for the io thread: the worker posts here, the test runs them.
class PostQueue {
 public:
  void post(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(f));
    }
    cv_.notify_one();
  }
  // Runs posted functions until `done` holds; false on a 10 s deadline.
  bool run_until(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      std::function<void()> f;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!cv_.wait_until(lock, deadline, [&] { return !items_.empty(); })) return false;
        f = std::move(items_.front());
        items_.pop_front();
      }
      f();
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> items_;
};

struct Reply {
  int status = 0;
  json body;
  HttpResponse raw;
  std::string header(const std::string& name) const {
    for (const auto& [n, v] : raw.headers) {
      if (n == name) return v;
    }
    return {};
  }
};

struct Fixture {
  domain::Config config = testing::demo_config();
  domain::ManualClock clock;
  std::unique_ptr<storage::EventLog> log = storage::make_memory_log();
  storage::ViewHost views;
  domain::PhoneNumbers phones{"BY"};
  SessionStore sessions{clock, SessionPolicy{}};
  LoginThrottle throttle{clock, ThrottlePolicy{}};
  std::optional<PasswordBook> passwords;
  BoundedWorker worker{8};
  CountingMetrics metrics;
  PostQueue posted;
  std::vector<std::string> ended_sessions;
  std::unique_ptr<ApiRouter> router;

  Fixture() {
    BOOST_REQUIRE(log->append(testing::demo_events(clock.now()), false).is_ok());
    BOOST_REQUIRE(views.rebuild(*log).is_ok());
    auto book = PasswordBook::build(config.agents, PasswordStrength::minimum());
    BOOST_REQUIRE(book.is_ok());
    passwords.emplace(std::move(book.value()));
    RouterDeps d;
    d.config = &config;
    d.views = &views;
    d.log = log.get();
    d.clock = &clock;
    d.phones = &phones;
    d.sessions = &sessions;
    d.throttle = &throttle;
    d.passwords = &*passwords;
    d.worker = &worker;
    d.metrics = &metrics;
    d.post = [this](std::function<void()> f) { posted.post(std::move(f)); };
    d.session_ended = [this](const std::string& id) { ended_sessions.push_back(id); };
    router = std::make_unique<ApiRouter>(std::move(d));
  }
  ~Fixture() { worker.stop(); }

  Reply call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& cookie = "", const std::string& csrf = "",
             const std::string& content_type = "application/json") {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.cookie = cookie;
    req.csrf_token = csrf;
    req.content_type = content_type;
    std::optional<HttpResponse> got;
    router->handle(req, [&](HttpResponse r) { got = std::move(r); });
    BOOST_REQUIRE(posted.run_until([&] { return got.has_value(); }));
    Reply out;
    out.status = got->status;
    out.raw = *got;
    if (!got->body.empty() && got->content_type.rfind("application/json", 0) == 0)
      out.body = json::parse(got->body);
    return out;
  }

  struct Login {
    std::string cookie;
    std::string csrf;
  };
  Login login(const std::string& user, const std::string& password) {
    Reply r = call("POST", "/api/login", json{{"login", user}, {"password", password}}.dump());
    BOOST_REQUIRE_EQUAL(r.status, 200);
    std::string set = r.header("Set-Cookie");
    return {set.substr(0, set.find(';')), r.body["csrf"]};
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(api_router, Fixture)

BOOST_AUTO_TEST_CASE(health_needs_no_session) {
  Reply r = call("GET", "/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body["status"] == "ok");
  BOOST_TEST(r.header("Cache-Control") == "no-store");
}

BOOST_AUTO_TEST_CASE(login_sets_a_protected_cookie_and_returns_the_profile) {
  Reply r = call("POST", "/api/login", R"({"login":"ivanov","password":"ivanov-pass"})");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body["login"] == "ivanov");
  BOOST_TEST(r.body["name"] == "Иван Иванов");
  BOOST_TEST(r.body["role"] == "agent");
  BOOST_TEST(r.body["department"] == "sales");
  BOOST_TEST(r.body["csrf"].get<std::string>().size() == 64u);
  std::string cookie = r.header("Set-Cookie");
  BOOST_TEST(cookie.find("HttpOnly") != std::string::npos);
  BOOST_TEST(cookie.find("SameSite=Strict") != std::string::npos);

  std::string jar = cookie.substr(0, cookie.find(';'));
  Reply me = call("GET", "/api/me", "", jar);
  BOOST_TEST(me.status == 200);
  BOOST_TEST(me.body["state"] == "available");
  BOOST_TEST(me.body["registered"] == true);
  BOOST_TEST(me.body["csrf"] == r.body["csrf"]);
}

BOOST_AUTO_TEST_CASE(each_login_gets_a_new_session_and_ends_the_old_one) {
  Login first = login("ivanov", "ivanov-pass");
  Reply again = call("POST", "/api/login", R"({"login":"ivanov","password":"ivanov-pass"})", first.cookie);
  BOOST_TEST(again.status == 200);
  std::string second = again.header("Set-Cookie");
  BOOST_TEST(second.substr(0, second.find(';')) != first.cookie);
  BOOST_TEST(ended_sessions.size() == 1u);
  BOOST_TEST(call("GET", "/api/me", "", first.cookie).status == 401);
}

BOOST_AUTO_TEST_CASE(wrong_password_and_unknown_login_are_401_and_counted) {
  Reply wrong = call("POST", "/api/login", R"({"login":"ivanov","password":"nope"})");
  BOOST_TEST(wrong.status == 401);
  BOOST_TEST(wrong.body["error"] == "invalid_credentials");
  BOOST_TEST(wrong.header("Set-Cookie").empty());
  Reply unknown = call("POST", "/api/login", R"({"login":"ghost","password":"x"})");
  BOOST_TEST(unknown.status == 401);
  BOOST_TEST(unknown.body["error"] == "invalid_credentials");
  BOOST_TEST(metrics.login_failures == 2);
}

BOOST_AUTO_TEST_CASE(repeated_failures_are_throttled_with_retry_after) {
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(call("POST", "/api/login", R"({"login":"petrova","password":"bad"})").status == 401);
  }
  // Locked now: even the right password gets 429 without being checked.
  Reply locked = call("POST", "/api/login", R"({"login":"petrova","password":"petrova-pass"})");
  BOOST_TEST(locked.status == 429);
  BOOST_TEST(locked.body["error"] == "too_many_attempts");
  BOOST_TEST(locked.header("Retry-After") == "1");
  BOOST_TEST(locked.body["retry_after_s"] == 1);
  // Others are unaffected; after the delay the right password works.
  BOOST_TEST(call("POST", "/api/login", R"({"login":"ivanov","password":"ivanov-pass"})").status == 200);
  clock.advance(domain::kMicrosPerSecond);
  BOOST_TEST(call("POST", "/api/login", R"({"login":"petrova","password":"petrova-pass"})").status == 200);
}

BOOST_AUTO_TEST_CASE(login_input_is_validated) {
  Reply bad_json = call("POST", "/api/login", R"({"login":"ivanov",)");
  BOOST_TEST(bad_json.status == 400);
  BOOST_TEST(bad_json.body["error"] == "bad_request");
  BOOST_TEST(bad_json.body["field"] == "");
  Reply wrong_type = call("POST", "/api/login", R"({"login":"ivanov","password":12345})");
  BOOST_TEST(wrong_type.status == 400);
  BOOST_TEST(wrong_type.body["field"] == "password");
  Reply missing = call("POST", "/api/login", R"({"password":"x"})");
  BOOST_TEST(missing.body["field"] == "login");
  Reply form = call("POST", "/api/login", "login=ivanov&password=x", "", "",
                    "application/x-www-form-urlencoded");
  BOOST_TEST(form.status == 415);
  BOOST_TEST(metrics.login_failures == 0);
}

BOOST_AUTO_TEST_CASE(logout_needs_the_csrf_token_and_ends_the_session) {
  Login s = login("ivanov", "ivanov-pass");
  Reply no_token = call("POST", "/api/logout", "", s.cookie);
  BOOST_TEST(no_token.status == 403);
  BOOST_TEST(no_token.body["error"] == "csrf");
  // A token off by its first digit (one that differs from the real one).
  std::string wrong = (s.csrf[0] == '0' ? "1" : "0") + s.csrf.substr(1);
  BOOST_TEST(call("POST", "/api/logout", "", s.cookie, wrong).status == 403);
  Reply ok = call("POST", "/api/logout", "", s.cookie, s.csrf);
  BOOST_TEST(ok.status == 204);
  BOOST_TEST(ok.header("Set-Cookie").find("Max-Age=0") != std::string::npos);
  BOOST_TEST(ended_sessions.size() == 1u);
  Reply after = call("GET", "/api/me", "", s.cookie);
  BOOST_TEST(after.status == 401);
  BOOST_TEST(after.body["error"] == "unauthenticated");
}

BOOST_AUTO_TEST_CASE(idle_sessions_expire) {
  Login s = login("ivanov", "ivanov-pass");
  clock.advance(29 * kMin);
  BOOST_TEST(call("GET", "/api/me", "", s.cookie).status == 200);
  clock.advance(30 * kMin);
  Reply r = call("GET", "/api/me", "", s.cookie);
  BOOST_TEST(r.status == 401);
  BOOST_TEST(r.body["error"] == "session_expired");
  BOOST_TEST(call("GET", "/api/me").body["error"] == "unauthenticated");
}

BOOST_AUTO_TEST_CASE(supervisor_routes_refuse_agents) {
  Login agent = login("ivanov", "ivanov-pass");
  Reply r = call("GET", "/api/agents", "", agent.cookie);
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.body["error"] == "forbidden");
  BOOST_TEST(call("GET", "/api/events?stream=call/hist-1", "", agent.cookie).status == 403);

  Login sup = login("sidorov", "sidorov-pass");
  Reply board = call("GET", "/api/agents", "", sup.cookie);
  BOOST_TEST(board.status == 200);
  BOOST_TEST(board.body["agents"].size() == 4u);
  BOOST_TEST(board.body["agents"][0]["login"] == "ivanov");
  BOOST_TEST(board.body["agents"][0]["state"] == "available");
  BOOST_TEST(board.body["agents"][1]["state"] == "offline");
}

BOOST_AUTO_TEST_CASE(client_card_history_and_lookup_by_phone) {
  Login s = login("ivanov", "ivanov-pass");
  Reply card = call("GET", "/api/clients/1", "", s.cookie);
  BOOST_TEST(card.status == 200);
  BOOST_TEST(card.body["company"] == "ООО «Ромашка»");
  BOOST_TEST(card.body["deals"][0]["stage"] == "proposal");

  Reply history = call("GET", "/api/clients/1/history?limit=3", "", s.cookie);
  BOOST_TEST(history.status == 200);
  auto& entries = history.body["entries"];
  BOOST_TEST(entries.size() == 3u);
  BOOST_TEST(entries[0]["kind"] == "call");
  BOOST_TEST(entries[0]["id"] == "hist-2");
  BOOST_TEST(entries[1]["kind"] == "note");
  BOOST_TEST(entries[1]["text"] == "Просит КП до пятницы");
  BOOST_TEST(entries[0]["time_us"].get<std::int64_t>() > entries[1]["time_us"].get<std::int64_t>());

  for (const char* q : {"%2B375291234567", "+375291234567", "8%20029%20123-45-67", "%2B375%20(29)%20123%2045%2067"}) {
    Reply found = call("GET", std::string("/api/clients?phone=") + q, "", s.cookie);
    BOOST_TEST(found.status == 200, q);
    BOOST_TEST(found.body["phone"] == testing::kKnownNumber, q);
    BOOST_TEST(found.body["clients"].size() == 1u, q);
  }
  Reply nobody = call("GET", "/api/clients?phone=%2B375290000000", "", s.cookie);
  BOOST_TEST(nobody.status == 200);
  BOOST_TEST(nobody.body["clients"].empty());
  Reply bad = call("GET", "/api/clients?phone=hello", "", s.cookie);
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.body["error"] == "invalid_phone");
  BOOST_TEST(call("GET", "/api/clients", "", s.cookie).body["field"] == "phone");
}

BOOST_AUTO_TEST_CASE(bad_ids_are_400_and_unknown_ids_404) {
  Login s = login("ivanov", "ivanov-pass");
  BOOST_TEST(call("GET", "/api/clients/999", "", s.cookie).status == 404);
  Reply abc = call("GET", "/api/clients/abc", "", s.cookie);
  BOOST_TEST(abc.status == 400);
  BOOST_TEST(abc.body["field"] == "id");
  BOOST_TEST(call("GET", "/api/clients/1/history?limit=0", "", s.cookie).body["field"] == "limit");
  BOOST_TEST(call("GET", "/api/clients/999/history", "", s.cookie).status == 404);
  Reply c = call("GET", "/api/calls/hist-1", "", s.cookie);
  BOOST_TEST(c.status == 200);
  BOOST_TEST(c.body["outcome"] == "answered");
  BOOST_TEST(c.body["talk_s"].get<double>() == 185.0);
  BOOST_TEST(call("GET", "/api/calls/nope", "", s.cookie).status == 404);
  BOOST_TEST(call("GET", "/api/calls/a%20b", "", s.cookie).status == 400);
}

BOOST_AUTO_TEST_CASE(events_of_a_stream_for_admins) {
  Login admin = login("admin", "admin-pass");
  Reply r = call("GET", "/api/events?stream=call/hist-1", "", admin.cookie);
  BOOST_TEST(r.status == 200);
  auto& events = r.body["events"];
  BOOST_REQUIRE(events.size() == 5u);
  BOOST_TEST(events[0]["type"] == "CallReceived");
  BOOST_TEST(events[0]["version"] == 1);
  BOOST_TEST(events[0]["fields"]["caller"] == testing::kKnownNumber);
  BOOST_TEST(events[4]["type"] == "CallEnded");
  BOOST_TEST(events[4]["fields"]["outcome"] == "answered");
  BOOST_TEST(call("GET", "/api/events?stream=call/hist-1&limit=2", "", admin.cookie).body["truncated"] == true);
  BOOST_TEST(call("GET", "/api/events", "", admin.cookie).body["field"] == "stream");
  BOOST_TEST(call("GET", "/api/events?stream=call/none", "", admin.cookie).body["events"].empty());
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods) {
  Login s = login("ivanov", "ivanov-pass");
  Reply none = call("GET", "/api/nothing", "", s.cookie);
  BOOST_TEST(none.status == 404);
  BOOST_TEST(none.body["error"] == "not_found");
  Reply post_me = call("POST", "/api/me", "{}", s.cookie, s.csrf);
  BOOST_TEST(post_me.status == 405);
  BOOST_TEST(post_me.header("Allow") == "GET");
  BOOST_TEST(call("DELETE", "/app.js").status == 405);
  BOOST_TEST(call("GET", "/ws").status == 426);
  BOOST_TEST(call("GET", "/%zz").status == 400);
  // No static directory in this fixture: files are 404, traversal 404 too.
  BOOST_TEST(call("GET", "/app.js").status == 404);
}

BOOST_AUTO_TEST_CASE(websocket_upgrades_need_a_session_and_our_origin) {
  Login s = login("ivanov", "ivanov-pass");
  HttpRequest req;
  req.method = "GET";
  req.target = "/ws";
  req.host = "127.0.0.1:8080";
  BOOST_TEST(router->authorize_websocket(req).refusal.status == 401);
  req.cookie = s.cookie;
  WsAuthorization ok = router->authorize_websocket(req);
  BOOST_TEST(ok.ok);
  BOOST_TEST(ok.agent->login == "ivanov");
  req.origin = "http://127.0.0.1:8080";
  BOOST_TEST(router->authorize_websocket(req).ok);
  req.origin = "http://evil.example";
  WsAuthorization evil = router->authorize_websocket(req);
  BOOST_TEST(!evil.ok);
  BOOST_TEST(evil.refusal.status == 403);
}

BOOST_AUTO_TEST_SUITE_END()
