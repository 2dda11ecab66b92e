// Deterministic actor tests of click-to-call: the routing supervisor
// spawns the outbound call actor, the agent's actor accepts it as an
// inbound offer (or refuses), and the telephony port is driven through
// originate, dial, connect and release.
#include "fixture.hpp"
#include "domain/outbound_flow.hpp"

using namespace callboard;
using namespace callboard::actors;
using callboard::test::Fixture;
using callboard::test::Strings;
using callboard::test::kKnownCaller;
using callboard::test::kUnknownCaller;

namespace {

constexpr const char* kRouteUri = "sip:+375291111111@127.0.0.1:5090";

struct Placed {
  domain::OriginateCode code = domain::OriginateCode::unavailable;
  std::string call;
  std::string message;
};

struct OutboundFixture : Fixture {
  OutboundFixture() {
    config->outbound.route = "sip:{number}@127.0.0.1:5090";
    config->outbound.caller_id = "+375172000100";
    config->outbound.ring_timeout_s = 30;
    config->outbound.answer_timeout_s = 60;  // fires after the ring timer (30 s)
  }

  // Asks the supervisor as the web does (through CallCenter::originate),
  // from an actor of the test coordinator, and returns its answer.
  Placed originate(const std::string& agent, domain::ClientId client = 1,
                   const std::string& number = kKnownCaller) {
    auto result = std::make_shared<std::optional<Placed>>();
    auto sup = supervisor;
    system->spawn([=](caf::event_based_actor* self) -> caf::behavior {
      self->request(sup, caf::infinite, originate_atom::value, agent, client, number)
          .then([=](int code, const std::string& call, const std::string& message) {
            *result = Placed{static_cast<domain::OriginateCode>(code), call, message};
            self->quit();
          });
      return {[](get_atom) {}};
    });
    sched->run();
    BOOST_REQUIRE(result->has_value());
    return **result;
  }

  bool paused(const std::string& agent) {
    return views.read([&](const domain::CrmViews& v) { return v.agent(agent)->paused; });
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(outbound, OutboundFixture)

BOOST_AUTO_TEST_CASE(the_agents_phone_rings_then_the_client_and_the_client_hangs_up) {
  register_agent("a1");
  Placed p = originate("a1");
  BOOST_TEST((p.code == domain::OriginateCode::placed));
  BOOST_TEST(p.call.size() == 16u);
  const std::string c = p.call;
  auto t = telephony.take();
  BOOST_TEST(ops(t, "originate") == Strings{c + "/1/201"});
  BOOST_TEST(state_of("a1") == domain::AgentState::ringing);
  BOOST_TEST(stream_events("call/" + c) == Strings{"CallPlaced"});
  auto placed = events_of<domain::CallPlaced>("call/" + c).at(0);
  BOOST_TEST((placed == domain::CallPlaced{c, "a1", 1, kKnownCaller, "+375172000100"}));

  leg(c, 1, LegSignal::ringing);
  leg(c, 1, LegSignal::answered, 200);  // his phone's 200 carries the offer
  t = telephony.take();
  BOOST_TEST(ops(t, "dial") == Strings{c + "/2/" + kRouteUri});
  BOOST_TEST(state_of("a1") == domain::AgentState::on_call);

  leg(c, 2, LegSignal::ringing);  // 180 from the client while he waits
  BOOST_TEST(telephony.take().empty());
  leg(c, 2, LegSignal::answered, 200);
  t = telephony.take();
  BOOST_TEST(ops(t, "connect") == Strings{c + "/1/2"});
  BOOST_TEST(stream_events("call/" + c) == (Strings{"CallPlaced", "CallAnswered"}));

  leg(c, 2, LegSignal::hung_up);  // BYE from the client
  t = telephony.take();
  BOOST_TEST(ops(t, "release") == Strings{c + "/1"});
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
  auto ended = events_of<domain::CallEnded>("call/" + c).at(0);
  BOOST_TEST((ended == domain::CallEnded{c, domain::CallOutcome::answered, domain::EndedBy::caller, 0}));
  // The client's history shows it, outbound, with his agent.
  auto record = views.read([&](const domain::CrmViews& v) { return *v.call(c); });
  BOOST_TEST((record.direction == domain::CallDirection::outbound));
  BOOST_TEST(record.agent == "a1");
  BOOST_TEST(record.client == 1u);
  auto history = views.read([](const domain::CrmViews& v) { return v.history(1); });
  BOOST_REQUIRE(!history.empty());
  BOOST_TEST(history[0].call == c);
}

BOOST_AUTO_TEST_CASE(an_agent_on_a_call_is_refused_busy_and_nothing_is_recorded) {
  register_agent("a1");
  incoming("c1", kUnknownCaller);  // ring all: a1 is leg 1
  leg("c1", 1, LegSignal::answered, 200);
  BOOST_TEST(state_of("a1") == domain::AgentState::on_call);
  telephony.take();
  const std::size_t before = sink.log.size();
  Placed p = originate("a1");
  BOOST_TEST((p.code == domain::OriginateCode::busy));
  BOOST_TEST(!p.message.empty());
  BOOST_TEST(ops(telephony.take(), "originate").empty());
  BOOST_TEST(sink.log.size() == before);  // not even an agent state change
  BOOST_TEST(state_of("a1") == domain::AgentState::on_call);
  // Only c1 is in progress.
  BOOST_TEST(views.read([](const domain::CrmViews& v) { return v.open_call_count(); }) == 1u);
}

BOOST_AUTO_TEST_CASE(an_agent_whose_phone_is_not_registered_is_refused_offline) {
  Placed p = originate("a1");
  BOOST_TEST((p.code == domain::OriginateCode::offline));
  BOOST_TEST(telephony.take().empty());
}

BOOST_AUTO_TEST_CASE(a_paused_agent_is_refused_paused) {
  register_agent("a1");
  pause("a1");
  BOOST_TEST((originate("a1").code == domain::OriginateCode::paused));
}

BOOST_AUTO_TEST_CASE(without_a_route_or_for_an_unknown_agent_it_is_unavailable) {
  register_agent("a1");
  BOOST_TEST((originate("nobody").code == domain::OriginateCode::unavailable));
  config->outbound.route.clear();
  Placed p = originate("a1");
  BOOST_TEST((p.code == domain::OriginateCode::unavailable));
  BOOST_TEST(p.message.find("outbound route") != std::string::npos);
  BOOST_TEST(telephony.take().empty());
}

BOOST_AUTO_TEST_CASE(the_client_busy_ends_the_agents_leg_and_records_not_answered) {
  register_agent("a1");
  const std::string c = originate("a1").call;
  leg(c, 1, LegSignal::answered, 200);
  telephony.take();
  leg(c, 2, LegSignal::failed, 486);
  auto t = telephony.take();
  BOOST_TEST(ops(t, "release") == Strings{c + "/1"});
  BOOST_TEST(ops(t, "connect").empty());
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
  BOOST_TEST(stream_events("call/" + c) == (Strings{"CallPlaced", "CallEnded"}));
  auto ended = events_of<domain::CallEnded>("call/" + c).at(0);
  BOOST_TEST((ended == domain::CallEnded{c, domain::CallOutcome::not_answered, domain::EndedBy::caller, 486}));
}

BOOST_AUTO_TEST_CASE(his_own_phone_not_answering_cancels_and_never_pauses_him) {
  register_agent("a1");
  // Three unanswered inbound offers in a row pause an agent (the default);
  // three unanswered calls of his own must not.
  for (int i = 0; i < 3; ++i) {
    const std::string c = originate("a1").call;
    BOOST_REQUIRE(!c.empty());
    telephony.take();
    fire_timer();  // his ring timeout
    auto t = telephony.take();
    BOOST_TEST(ops(t, "release") == Strings{c + "/1"});
    BOOST_TEST(ops(t, "dial").empty());
    auto ended = events_of<domain::CallEnded>("call/" + c).at(0);
    BOOST_TEST((ended.outcome == domain::CallOutcome::abandoned));
    BOOST_TEST(ended.sip_status == 408);
    BOOST_TEST(state_of("a1") == domain::AgentState::available);
  }
  BOOST_TEST(!paused("a1"));
}

BOOST_AUTO_TEST_CASE(the_client_not_answering_in_time_is_cancelled) {
  register_agent("a1");
  const std::string c = originate("a1").call;
  leg(c, 1, LegSignal::answered, 200);
  telephony.take();
  fire_timer();  // the agent's ring timer: his phone answered, nothing happens
  BOOST_TEST(telephony.take().empty());
  fire_timer();  // the client's answer timer
  auto t = telephony.take();
  BOOST_TEST(ops(t, "release") == (Strings{c + "/2", c + "/1"}));
  auto ended = events_of<domain::CallEnded>("call/" + c).at(0);
  BOOST_TEST((ended.outcome == domain::CallOutcome::not_answered));
  BOOST_TEST(ended.sip_status == 408);
}

BOOST_AUTO_TEST_CASE(an_agent_on_an_outbound_call_gets_no_inbound_offer) {
  for (auto a : {"a1", "a2"}) register_agent(a);
  const std::string c = originate("a1").call;
  leg(c, 1, LegSignal::answered, 200);
  telephony.take();
  incoming("c9", kUnknownCaller);
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c9/1/202"});
}

BOOST_AUTO_TEST_CASE(a_shutdown_ends_a_connected_call_on_both_legs) {
  register_agent("a1");
  const std::string c = originate("a1").call;
  leg(c, 1, LegSignal::answered, 200);
  leg(c, 2, LegSignal::answered, 200);
  telephony.take();
  send(abort_atom::value, std::string("shutdown"));
  auto t = telephony.take();
  BOOST_TEST(ops(t, "release") == (Strings{c + "/2", c + "/1"}));
  auto ended = events_of<domain::CallEnded>("call/" + c).at(0);
  BOOST_TEST((ended == domain::CallEnded{c, domain::CallOutcome::answered, domain::EndedBy::system, 0}));
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
}

BOOST_AUTO_TEST_SUITE_END()
