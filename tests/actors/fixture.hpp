#pragma once
// The actor-test fixture: the routing supervisor, its agent actors and the
// client registry under CAF's test coordinator (deterministic: nothing runs
// until run(), timers fire only when told), with recording telephony and
// panel ports and an event sink that commits at once.

#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include "actors/client_actor.hpp"
#include "actors/messages.hpp"
#include "actors/routing_supervisor.hpp"
#include "actors/timer_service.hpp"
#include "fakes.hpp"

namespace callboard::test {

using namespace callboard::actors;



// As the server runs them: ring, queue and wrap-up timers through the
// timer service, rounded up to this.
constexpr std::chrono::milliseconds kTimerGranularity{20};
constexpr const char* kKnownCaller = "+375291111111";  // client 1, responsible a1
constexpr const char* kUnknownCaller = "+375297777777";

inline std::shared_ptr<domain::Config> test_config() {
  auto c = std::make_shared<domain::Config>();
  c->departments = {{"sales", "Sales"}};
  for (int i = 1; i <= 3; ++i) {
    domain::AgentConfig a;
    a.login = "a" + std::to_string(i);
    a.name = "Agent " + std::to_string(i);
    a.department = "sales";
    a.sip_user = "20" + std::to_string(i);
    c->agents.push_back(a);
  }
  c->entry_points = {{"100", "Sales line", "sales"}};
  return c;
}

// What the actors are given: recording ports, an event sink that commits
// at once, and a CRM that knows one client (kKnownCaller), managed by a1.
struct TestServices {
  TestServices() {
    sink.submit({{domain::client_stream(1), clock.now(), 0, domain::ClientCreated{1, "Иван Петров", "ООО Ромашка", ""}},
                 {domain::client_stream(1), clock.now(), 1, domain::PhoneLinked{1, kKnownCaller}},
                 {domain::client_stream(1), clock.now(), 2, domain::ResponsibleAssigned{1, "a1"}}},
                {});
  }

  Services services() {
    Services s;
    s.config = config;
    s.events = &sink;
    s.views = &views;
    s.telephony = &telephony;
    s.panel = &panel;
    s.clock = &clock;
    s.phones = &phones;
    s.metrics = &metrics;
    s.random = &random;
    s.log = &sink.event_log();
    return s;
  }

  std::shared_ptr<domain::Config> config = test_config();
  domain::ManualClock clock;
  storage::ViewHost views;
  InstantSink sink{views};
  FakeTelephony telephony;
  FakePanel panel;
  NullActorMetrics metrics;
  domain::PhoneNumbers phones{"BY"};
  domain::SeededRandom random{7};
};

struct Fixture : TestServices {
  Fixture() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    system = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(system->scheduler());
    start_timer_service(*system, kTimerGranularity);
    start_supervisor();
  }

  // (Re)starts the supervisor on the current config (tests change it first).
  void start_supervisor() {
    std::map<domain::AgentId, AgentInit> agents;
    for (const auto& a : config->agents) {
      auto version = sink.event_log().stream_version(domain::agent_stream(a.login));
      AgentInit init{{a.login}, version.is_ok() ? *version : 0, {}};
      views.read([&](const domain::CrmViews& v) {  // as a restart would find him
        if (const auto* known = v.agent(a.login)) {
          init.status.state = known->state;
          init.status.registered = known->registered;
        }
        return 0;
      });
      agents[a.login] = init;
    }
    clients = system->spawn(client_registry, services(), ClientActorOptions{});
    supervisor = system->spawn(routing_supervisor, services(), std::move(agents), clients);
    sched->run();
  }
  ~Fixture() {
    // Calls still up end the way a shutdown ends them.
    caf::anon_send(supervisor, abort_atom::value, std::string("test over"));
    sched->run();
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(clients, caf::exit_reason::user_shutdown);
    stop_timer_service(*system);
    sched->run();
  }

  template <class... Ts>
  void send(Ts&&... xs) {
    caf::anon_send(supervisor, std::forward<Ts>(xs)...);
    sched->run();
  }
  void register_agent(const std::string& agent) {
    send(reg_atom::value, agent, "sip:" + agent + "@127.0.0.1:5070");
  }
  void incoming(const std::string& call, const std::string& caller, const std::string& dialled = "100") {
    send(incoming_atom::value, call, caller, std::string(), dialled);
  }
  void leg(const std::string& call, domain::LegId leg, LegSignal s, int status = 0) {
    send(leg_atom::value, call, leg, static_cast<int>(s), status);
  }
  void caller(const std::string& call, CallerSignal s) {
    send(caller_atom::value, call, static_cast<int>(s));
  }
  // Fires the next timer in time order (ring, queue, wrap-up timers).
  void fire_timer() {
    BOOST_REQUIRE(sched->trigger_timeout());
    sched->run();
  }
  void pause(const std::string& agent, const std::string& reason = "lunch") {
    send(pause_atom::value, agent, reason, agent);
  }
  std::vector<std::string> progress_of(const std::vector<TelephonyCall>& t, const std::string& call) {
    std::vector<std::string> out;
    for (const auto& c : t)
      if (c.op == "progress" && c.call == call) out.push_back(std::to_string(c.status));
    return out;
  }

  domain::AgentState state_of(const std::string& agent) {
    return views.read([&](const domain::CrmViews& v) { return v.agent(agent)->state; });
  }
  // Telephony operations of one kind since the last take(), as "call/leg/arg".
  static std::vector<std::string> ops(const std::vector<TelephonyCall>& calls, const std::string& op) {
    std::vector<std::string> out;
    for (const auto& c : calls) {
      if (c.op != op) continue;
      out.push_back(c.call + "/" + std::to_string(c.leg) + (c.arg.empty() ? "" : "/" + c.arg) +
                    (c.status ? "/" + std::to_string(c.status) : ""));
    }
    return out;
  }
  // The names of the events written to a stream, in order.
  std::vector<std::string> stream_events(const std::string& stream) {
    std::vector<std::string> out;
    for (const auto& r : sink.log)
      if (r.stream == stream) out.push_back(domain::name_of(r.event));
    return out;
  }
  template <class E>
  std::vector<E> events_of(const std::string& stream) {
    std::vector<E> out;
    for (const auto& r : sink.log)
      if (r.stream == stream)
        if (auto* e = std::get_if<E>(&r.event)) out.push_back(*e);
    return out;
  }

  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  caf::scheduler::test_coordinator* sched = nullptr;
  caf::actor supervisor;
  caf::actor clients;
};

using Strings = std::vector<std::string>;

}  // namespace callboard::test
