// Deterministic tests of the actor layer: the routing supervisor, agent and
// call actors under CAF's test coordinator, with recording telephony and
// panel ports and an event sink that commits at once.
#define BOOST_TEST_MODULE actors
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/routing_supervisor.hpp"
#include "fakes.hpp"

using namespace callboard;
using namespace callboard::actors;
using callboard::test::FakePanel;
using callboard::test::FakeTelephony;
using callboard::test::InstantSink;
using callboard::test::TelephonyCall;

namespace {

constexpr const char* kKnownCaller = "+375291111111";  // client 1, responsible a1
constexpr const char* kUnknownCaller = "+375297777777";

std::shared_ptr<domain::Config> test_config() {
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

struct Fixture {
  Fixture() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    system = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(system->scheduler());
    // The CRM knows one client, managed by a1.
    sink.submit({{domain::client_stream(1), clock.now(), 0, domain::ClientCreated{1, "Иван Петров", "ООО Ромашка", ""}},
                 {domain::client_stream(1), clock.now(), 1, domain::PhoneLinked{1, kKnownCaller}},
                 {domain::client_stream(1), clock.now(), 2, domain::ResponsibleAssigned{1, "a1"}}},
                {});
    std::map<domain::AgentId, AgentInit> agents;
    for (const auto& a : config->agents) agents[a.login] = AgentInit{{a.login}, 0};
    supervisor = system->spawn(routing_supervisor, services(), std::move(agents));
    sched->run();
  }
  ~Fixture() {
    // Calls still up end the way a shutdown ends them.
    caf::anon_send(supervisor, abort_atom::value, std::string("test over"));
    sched->run();
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    sched->run();
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
    return s;
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
  // Fires the next timer (step timeouts are the only timers in these tests).
  void fire_timer() {
    BOOST_REQUIRE(sched->trigger_timeout());
    sched->run();
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
  std::shared_ptr<domain::Config> config = test_config();
  domain::ManualClock clock;
  storage::ViewHost views;
  InstantSink sink{views};
  FakeTelephony telephony;
  FakePanel panel;
  NullActorMetrics metrics;
  domain::PhoneNumbers phones{"BY"};
  caf::actor supervisor;
};

using Strings = std::vector<std::string>;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(routing, Fixture)

BOOST_AUTO_TEST_CASE(known_client_rings_his_responsible_manager_only) {
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  incoming("c1", kKnownCaller);
  auto t = telephony.take();
  BOOST_TEST(ops(t, "ring") == Strings{"c1/1/201"});
  BOOST_TEST(state_of("a1") == domain::AgentState::ringing);
  BOOST_TEST(state_of("a2") == domain::AgentState::available);
  // His screen shows the client's card.
  BOOST_REQUIRE_EQUAL(panel.pops.size(), 1u);
  BOOST_TEST(panel.pops[0].agent == "a1");
  BOOST_REQUIRE(panel.pops[0].pop.card.has_value());
  BOOST_TEST(panel.pops[0].pop.card->client.name == "Иван Петров");
  BOOST_TEST(panel.pops[0].pop.region == "BY");

  leg("c1", 1, LegSignal::ringing);
  leg("c1", 1, LegSignal::answered, 200);
  t = telephony.take();
  BOOST_TEST(ops(t, "progress") == Strings{"c1/0/180"});
  BOOST_TEST(ops(t, "bridge") == Strings{"c1/1"});
  BOOST_TEST(state_of("a1") == domain::AgentState::on_call);

  caller("c1", CallerSignal::hung_up);
  t = telephony.take();
  BOOST_TEST(ops(t, "release") == Strings{"c1/1"});
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
  BOOST_TEST(stream_events("call/c1") ==
             (Strings{"CallReceived", "CallClassified", "RoutingDecided", "AgentOffered",
                      "CallAnswered", "CallEnded"}));
  auto classified = events_of<domain::CallClassified>("call/c1");
  BOOST_TEST(classified.at(0).client == 1u);
  BOOST_TEST(classified.at(0).responsible == "a1");
  auto ended = events_of<domain::CallEnded>("call/c1");
  BOOST_TEST((ended.at(0).outcome == domain::CallOutcome::answered));
  BOOST_TEST((ended.at(0).ended_by == domain::EndedBy::caller));
}

BOOST_AUTO_TEST_CASE(responsible_busy_rings_the_free_agents_of_the_department) {
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  // a1 takes an unknown caller's call first.
  incoming("c1", kUnknownCaller);
  leg("c1", 1, LegSignal::answered, 200);  // leg 1 is a1 (targets are sorted)
  BOOST_TEST(state_of("a1") == domain::AgentState::on_call);
  telephony.take();

  incoming("c2", kKnownCaller);
  auto t = telephony.take();
  BOOST_TEST(ops(t, "ring") == (Strings{"c2/1/202", "c2/2/203"}));
  auto decided = events_of<domain::RoutingDecided>("call/c2");
  BOOST_REQUIRE_EQUAL(decided.size(), 1u);
  BOOST_TEST(decided[0].rule == "ring_all");
}

BOOST_AUTO_TEST_CASE(responsible_not_registered_rings_the_department) {
  for (auto a : {"a2", "a3"}) register_agent(a);
  incoming("c1", kKnownCaller);
  BOOST_TEST(ops(telephony.take(), "ring") == (Strings{"c1/1/202", "c1/2/203"}));
}

BOOST_AUTO_TEST_CASE(two_calls_are_never_offered_one_agent_at_once) {
  register_agent("a2");  // the only free agent
  // Both calls arrive before either is routed.
  caf::anon_send(supervisor, incoming_atom::value, std::string("c1"), std::string(kUnknownCaller),
                 std::string(), std::string("100"));
  caf::anon_send(supervisor, incoming_atom::value, std::string("c2"), std::string("+375298888888"),
                 std::string(), std::string("100"));
  sched->run();
  auto t = telephony.take();
  BOOST_TEST(ops(t, "ring").size() == 1u);
  BOOST_TEST(ops(t, "reject").size() == 1u);
  std::string rung = t[0].call;
  std::string rejected = rung == "c1" ? "c2" : "c1";
  BOOST_TEST(ops(t, "reject") == Strings{rejected + "/0/480"});
  auto ended = events_of<domain::CallEnded>("call/" + rejected);
  BOOST_REQUIRE_EQUAL(ended.size(), 1u);
  BOOST_TEST((ended[0].outcome == domain::CallOutcome::no_agent));
  BOOST_TEST(state_of("a2") == domain::AgentState::ringing);
}

BOOST_AUTO_TEST_CASE(ring_all_first_answer_wins_and_the_others_are_cancelled) {
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  incoming("c1", kUnknownCaller);
  auto t = telephony.take();
  BOOST_TEST(ops(t, "ring") == (Strings{"c1/1/201", "c1/2/202", "c1/3/203"}));
  BOOST_TEST(panel.pops.size() == 3u);
  BOOST_TEST(!panel.pops[0].pop.card.has_value());  // unknown number

  leg("c1", 2, LegSignal::answered, 200);
  t = telephony.take();
  BOOST_TEST(ops(t, "bridge") == Strings{"c1/2"});
  BOOST_TEST(ops(t, "release") == (Strings{"c1/1", "c1/3"}));
  BOOST_TEST(panel.closed == (Strings{"a1/c1/answered_elsewhere", "a3/c1/answered_elsewhere"}));
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
  BOOST_TEST(state_of("a2") == domain::AgentState::on_call);

  // A 200 from a released leg that crossed our CANCEL changes nothing.
  leg("c1", 3, LegSignal::answered, 200);
  BOOST_TEST(ops(telephony.take(), "bridge").empty());

  leg("c1", 2, LegSignal::hung_up);
  t = telephony.take();
  BOOST_TEST(ops(t, "hangup") == Strings{"c1/0"});
  auto ended = events_of<domain::CallEnded>("call/c1");
  BOOST_TEST((ended.at(0).ended_by == domain::EndedBy::agent));
  BOOST_TEST(state_of("a2") == domain::AgentState::available);
}

BOOST_AUTO_TEST_CASE(caller_cancel_while_ringing_releases_every_leg) {
  for (auto a : {"a1", "a2"}) register_agent(a);
  incoming("c1", kUnknownCaller);
  telephony.take();
  caller("c1", CallerSignal::cancelled);
  auto t = telephony.take();
  BOOST_TEST(ops(t, "release") == (Strings{"c1/1", "c1/2"}));
  auto ended = events_of<domain::CallEnded>("call/c1");
  BOOST_REQUIRE_EQUAL(ended.size(), 1u);
  BOOST_TEST((ended[0].outcome == domain::CallOutcome::abandoned));
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
  BOOST_TEST(state_of("a2") == domain::AgentState::available);
}

BOOST_AUTO_TEST_CASE(responsible_who_does_not_answer_in_time_falls_back_to_the_department) {
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  incoming("c1", kKnownCaller);
  telephony.take();
  fire_timer();
  auto t = telephony.take();
  BOOST_TEST(ops(t, "release") == Strings{"c1/1"});
  BOOST_TEST(ops(t, "ring") == (Strings{"c1/2/202", "c1/3/203"}));
  auto failed = events_of<domain::OfferFailed>("call/c1");
  BOOST_REQUIRE_EQUAL(failed.size(), 1u);
  BOOST_TEST(failed[0].reason == "no_answer");
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
}

BOOST_AUTO_TEST_CASE(all_legs_failing_moves_on_and_ends_with_480) {
  register_agent("a2");
  incoming("c1", kUnknownCaller);
  telephony.take();
  leg("c1", 1, LegSignal::failed, 486);
  auto t = telephony.take();
  BOOST_TEST(ops(t, "reject") == Strings{"c1/0/480"});
  auto failed = events_of<domain::OfferFailed>("call/c1");
  BOOST_TEST(failed.at(0).reason == "busy");
}

BOOST_AUTO_TEST_CASE(nobody_registered_gets_480_and_unknown_number_404) {
  incoming("c1", kUnknownCaller);
  incoming("c2", kUnknownCaller, "999");
  auto t = telephony.take();
  BOOST_TEST(ops(t, "reject") == (Strings{"c1/0/480", "c2/0/404"}));
  BOOST_TEST(stream_events("call/c2") == (Strings{"CallReceived", "CallEnded"}));
}

BOOST_AUTO_TEST_SUITE_END()
