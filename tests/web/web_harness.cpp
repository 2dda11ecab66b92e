// web_harness: the real WebServer on 127.0.0.1 with an in-memory event log
// seeded with the demo data (demo_data.hpp), for the API tests (Python) and
// the browser tests (Playwright). Driven through stdin, one command a line;
// each gets one reply line on stdout ("ok ..." or "error ...").
//
//   pop <agent> <client-id|unknown> <number> [caller name...]
//        records CallReceived/CallClassified/AgentOffered/AgentStateChanged
//        (ringing) and calls PanelPort::screen_pop -> "ok pop <call> <received_us>"
//   close <agent> <call> <reason>      PanelPort::pop_closed -> "ok close"
//   state <agent> <state> [reason]     AgentStateChanged -> "ok state"
//   register <agent> | unregister <agent>                 -> "ok register"
//   flood <agent> <count> <bytes> [first]  count screen pops (no events
//        recorded), calls flood-<first>..., each with a caller name of
//        `bytes` bytes -> "ok flood"
//   advance <seconds>    moves the server's clock forward -> "ok advance <now_us>"
//   metrics   -> "ok metrics {json}" (HttpMetrics counts)
//   quit      -> stops the server, exits 0 (so does end of input)
//
// Start-up prints "ready <port>" once the server listens.
// Flags: --port N (0: any free port), --static-dir DIR, --idle-timeout-s N,
//        --absolute-timeout-s N, --slow-hash (interactive argon2id cost).

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "demo_data.hpp"
#include "domain/phone.hpp"
#include "storage/group_commit.hpp"
#include "storage/view_host.hpp"
#include "web/session_store.hpp"
#include "web/web_server.hpp"

using namespace callboard;

namespace {

// Real time plus an offset the test can push forward ("advance").
class OffsetClock final : public domain::Clock {
 public:
  domain::Timestamp now() const override {
    auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count() + offset_.load();
  }
  void advance(domain::Duration d) { offset_ += d; }

 private:
  std::atomic<domain::Duration> offset_{0};
};

class CountingMetrics final : public actors::HttpMetrics {
 public:
  void request(std::string_view method, int status) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[std::string(method) + " " + std::to_string(status)];
  }
  void login_failed() override { ++login_failed_; }
  void websocket_opened() override { ++ws_opened_; }
  void websocket_closed() override { ++ws_closed_; }
  std::string to_json() {
    std::lock_guard<std::mutex> lock(mutex_);
    nlohmann::json j = {{"requests", requests_},
                        {"login_failed", login_failed_.load()},
                        {"ws_opened", ws_opened_.load()},
                        {"ws_closed", ws_closed_.load()}};
    return j.dump();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> requests_;
  std::atomic<int> login_failed_{0};
  std::atomic<int> ws_opened_{0};
  std::atomic<int> ws_closed_{0};
};

struct Harness {
  domain::Config config = web::testing::demo_config();
  OffsetClock clock;
  std::unique_ptr<storage::EventLog> log = storage::make_memory_log();
  storage::ViewHost views;
  std::unique_ptr<storage::GroupCommitLog> commits;
  domain::PhoneNumbers phones{"BY"};
  CountingMetrics metrics;
  std::unique_ptr<web::WebServer> server;
  int next_call = 1;

  std::string append(std::vector<storage::NewEvent> events) {
    auto r = commits->append(std::move(events));
    return r.is_ok() ? std::string() : r.status().to_string();
  }

  template <class E>
  storage::NewEvent event(std::string stream, E e) {
    storage::NewEvent n;
    n.stream = std::move(stream);
    n.time = clock.now();
    n.event = std::move(e);
    return n;
  }

  bool known_agent(const std::string& a) const { return config.find_agent(a) != nullptr; }

  std::string pop(std::istringstream& in) {
    std::string agent, client_text, number;
    in >> agent >> client_text >> number;
    std::string caller_name;
    std::getline(in, caller_name);
    if (!caller_name.empty() && caller_name.front() == ' ') caller_name.erase(0, 1);
    if (!known_agent(agent) || number.empty()) return "error usage: pop <agent> <client-id|unknown> <number>";
    actors::ScreenPop pop;
    domain::ClientId client = 0;
    if (client_text != "unknown") {
      client = std::strtoull(client_text.c_str(), nullptr, 10);
      pop.card = views.read([&](const domain::CrmViews& v) { return v.card(client, 5); });
      if (!pop.card) return "error no client " + client_text;
    }
    pop.call = "h" + std::to_string(next_call++) + "-" + web::random_token(4);
    pop.caller = phones.normalize(number).value_or(number);
    pop.caller_name = caller_name;
    pop.dialled = "100";
    pop.entry_point_name = config.entry_points.at(0).name;
    domain::PhoneRegion region = phones.region(pop.caller, "ru");
    pop.region = region.country;
    pop.location = region.location;

    const std::string s = domain::call_stream(pop.call);
    const domain::Timestamp received = clock.now();
    std::vector<storage::NewEvent> events;
    events.push_back(event(s, domain::CallReceived{pop.call, pop.caller, pop.dialled, caller_name}));
    events.back().time = received;
    events.push_back(event(s, domain::CallClassified{pop.call, client,
                                                     pop.card ? pop.card->client.responsible : "",
                                                     pop.region}));
    events.push_back(event(s, domain::AgentOffered{pop.call, agent}));
    events.push_back(event(domain::agent_stream(agent),
                           domain::AgentStateChanged{agent, domain::AgentState::ringing, "", pop.call}));
    std::string err = append(std::move(events));
    if (!err.empty()) return "error " + err;
    server->screen_pop(agent, pop);
    return "ok pop " + pop.call + " " + std::to_string(received);
  }

  std::string handle(const std::string& line) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd == "pop") return pop(in);
    if (cmd == "close") {
      std::string agent, call, reason;
      in >> agent >> call >> reason;
      if (!known_agent(agent) || call.empty()) return "error usage: close <agent> <call> <reason>";
      server->pop_closed(agent, call, reason.empty() ? "ended" : reason);
      return "ok close";
    }
    if (cmd == "state") {
      std::string agent, state_text, reason;
      in >> agent >> state_text;
      std::getline(in, reason);
      domain::AgentState state;
      if (!known_agent(agent) || !domain::parse(state_text, state)) return "error usage: state <agent> <state>";
      std::string err = append({event(domain::agent_stream(agent), domain::AgentStateChanged{agent, state, reason, ""})});
      return err.empty() ? "ok state" : "error " + err;
    }
    if (cmd == "register" || cmd == "unregister") {
      std::string agent;
      in >> agent;
      if (!known_agent(agent)) return "error unknown agent";
      std::string err =
          cmd == "register"
              ? append({event(domain::agent_stream(agent),
                              domain::AgentRegistered{agent, "sip:" + agent + "@127.0.0.1:5070"})})
              : append({event(domain::agent_stream(agent), domain::AgentUnregistered{agent, "unregistered"})});
      return err.empty() ? "ok " + cmd : "error " + err;
    }
    if (cmd == "flood") {
      std::string agent;
      int count = 0;
      int first = 0;
      std::size_t bytes = 0;
      in >> agent >> count >> bytes;
      if (!(in >> first)) first = 0;
      if (!known_agent(agent) || count <= 0 || bytes > (1u << 20)) return "error usage: flood <agent> <count> <bytes>";
      actors::ScreenPop pop;
      pop.caller = "+375290000000";
      pop.caller_name.assign(bytes, 'x');
      for (int i = 0; i < count; ++i) {
        pop.call = "flood-" + std::to_string(first + i);
        server->screen_pop(agent, pop);
      }
      return "ok flood";
    }
    if (cmd == "advance") {
      double seconds = 0;
      if (!(in >> seconds)) return "error usage: advance <seconds>";
      clock.advance(static_cast<domain::Duration>(seconds * domain::kMicrosPerSecond));
      return "ok advance " + std::to_string(clock.now());
    }
    if (cmd == "metrics") return "ok metrics " + metrics.to_json();
    return "error unknown command: " + cmd;
  }
};

long long flag_value(int& i, int argc, char** argv) {
  if (i + 1 >= argc) {
    std::cerr << "missing value for " << argv[i] << "\n";
    std::exit(2);
  }
  return std::atoll(argv[++i]);
}

}  // namespace

int main(int argc, char** argv) {
  // stdout carries the command protocol; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("web_harness"));
  Harness h;
  web::WebDeps deps;
  deps.options.fast_password_hashing = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--port") {
      h.config.listen.http.port = static_cast<std::uint16_t>(flag_value(i, argc, argv));
    } else if (a == "--static-dir" && i + 1 < argc) {
      deps.static_dir = argv[++i];
    } else if (a == "--idle-timeout-s") {
      deps.options.idle_timeout = flag_value(i, argc, argv) * domain::kMicrosPerSecond;
    } else if (a == "--absolute-timeout-s") {
      deps.options.absolute_timeout = flag_value(i, argc, argv) * domain::kMicrosPerSecond;
    } else if (a == "--slow-hash") {
      deps.options.fast_password_hashing = false;
    } else {
      std::cerr << "unknown flag " << a << "\n";
      return 2;
    }
  }

  auto seeded = h.log->append(web::testing::demo_events(h.clock.now()), true);
  if (!seeded) {
    std::cerr << "seeding failed: " << seeded.status().to_string() << "\n";
    return 1;
  }
  if (Status s = h.views.rebuild(*h.log); !s) {
    std::cerr << "rebuild failed: " << s.to_string() << "\n";
    return 1;
  }
  h.commits = std::make_unique<storage::GroupCommitLog>(*h.log);
  h.views.attach(*h.commits);

  deps.config = &h.config;
  deps.views = &h.views;
  deps.feed = h.commits.get();
  deps.log = h.log.get();
  deps.metrics = &h.metrics;
  deps.clock = &h.clock;
  auto server = web::WebServer::start(deps);
  if (!server) {
    std::cerr << "web server: " << server.status().to_string() << "\n";
    return 1;
  }
  h.server = std::move(server.value());
  std::cout << "ready " << h.server->port() << std::endl;

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    if (line == "quit") break;
    std::cout << h.handle(line) << std::endl;
  }
  h.server->stop();
  h.commits->stop();
  std::cout << "bye" << std::endl;
  return 0;
}
