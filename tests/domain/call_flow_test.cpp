// CallFlow given/when/then: inputs in, events and commands out.
#include <boost/test/unit_test.hpp>

#include "domain/call_flow.hpp"

using namespace callboard::domain;

namespace {

template <class C>
std::vector<C> commands(const CallOutput& out) {
  std::vector<C> v;
  for (const auto& c : out.commands)
    if (auto* x = std::get_if<C>(&c)) v.push_back(*x);
  return v;
}

template <class E>
std::vector<E> events(const CallOutput& out) {
  std::vector<E> v;
  for (const auto& e : out.events)
    if (auto* x = std::get_if<E>(&e)) v.push_back(*x);
  return v;
}

bool done(const CallOutput& out) { return !commands<call_cmd::Done>(out).empty(); }

std::vector<RouteStep> two_steps() {
  return {{StepKind::responsible, "sales", 20 * kMicrosPerSecond},
          {StepKind::ring_all, "sales", 30 * kMicrosPerSecond}};
}

Classification known() {
  Classification w;
  w.caller = "+375291111111";
  w.client = 7;
  w.responsible = "a1";
  return w;
}

// A flow that has rung a1 (leg 1) in step 0.
CallFlow ringing_responsible() {
  CallFlow f("c1", "+375291111111", "", "100");
  f.start(known(), two_steps());
  f.on_targets(0, {"a1"});
  f.on_offer_reply(0, "a1", true);
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(call_flow)

BOOST_AUTO_TEST_CASE(start_records_the_call_and_asks_for_the_first_steps_targets) {
  CallFlow f("c1", "80291111111", "Ivan", "100");
  auto out = f.start(known(), two_steps());
  BOOST_REQUIRE_EQUAL(out.events.size(), 2u);
  BOOST_TEST(events<CallReceived>(out).at(0).caller == "+375291111111");
  BOOST_TEST(events<CallClassified>(out).at(0).client == 7u);
  auto find = commands<call_cmd::FindTargets>(out);
  BOOST_REQUIRE_EQUAL(find.size(), 1u);
  BOOST_TEST(find[0].step == 0u);
  BOOST_TEST(to_string(find[0].spec.kind) == std::string("responsible"));
}

BOOST_AUTO_TEST_CASE(accepted_offer_rings_a_leg_refused_ones_do_not) {
  CallFlow f("c1", "x", "", "100");
  f.start(Classification{}, {{StepKind::ring_all, "sales", 30}});
  auto out = f.on_targets(0, {"a1", "a2"});
  BOOST_TEST(commands<call_cmd::Offer>(out).size() == 2u);
  BOOST_TEST(events<RoutingDecided>(out).at(0).targets == (std::vector<AgentId>{"a1", "a2"}));
  BOOST_TEST(commands<call_cmd::StartTimer>(out).at(0).after == 30);
  out = f.on_offer_reply(0, "a1", false);
  BOOST_TEST(out.commands.empty());
  out = f.on_offer_reply(0, "a2", true);
  auto ring = commands<call_cmd::Ring>(out);
  BOOST_REQUIRE_EQUAL(ring.size(), 1u);
  BOOST_TEST(ring[0].agent == "a2");
  BOOST_TEST(ring[0].leg == 1u);
  BOOST_TEST(events<AgentOffered>(out).at(0).agent == "a2");
}

BOOST_AUTO_TEST_CASE(every_offer_refused_moves_to_the_next_step_then_480) {
  CallFlow f("c1", "x", "", "100");
  f.start(known(), two_steps());
  f.on_targets(0, {"a1"});
  auto out = f.on_offer_reply(0, "a1", false);
  auto find = commands<call_cmd::FindTargets>(out);
  BOOST_REQUIRE_EQUAL(find.size(), 1u);
  BOOST_TEST(find[0].step == 1u);
  BOOST_TEST(find[0].exclude == std::vector<AgentId>{"a1"});  // not offered twice
  out = f.on_targets(1, {});
  BOOST_TEST(commands<call_cmd::Reject>(out).at(0).status == 480);
  BOOST_TEST((events<CallEnded>(out).at(0).outcome == CallOutcome::no_agent));
  BOOST_TEST(done(out));
}

BOOST_AUTO_TEST_CASE(first_ringing_is_relayed_once) {
  CallFlow f = ringing_responsible();
  BOOST_TEST(commands<call_cmd::Progress>(f.on_leg_ringing(1)).at(0).status == 180);
  BOOST_TEST(f.on_leg_ringing(1).commands.empty());
}

BOOST_AUTO_TEST_CASE(answer_bridges_and_connects_the_agent) {
  CallFlow f = ringing_responsible();
  auto out = f.on_leg_answered(1);
  BOOST_TEST(commands<call_cmd::Bridge>(out).at(0).leg == 1u);
  BOOST_TEST(commands<call_cmd::Connect>(out).at(0).agent == "a1");
  BOOST_TEST(events<CallAnswered>(out).at(0).agent == "a1");
  BOOST_TEST((f.phase() == CallFlow::Phase::answered));
  out = f.on_caller_hung_up();
  BOOST_TEST(commands<call_cmd::Release>(out).at(0).leg == 1u);
  BOOST_TEST(commands<call_cmd::Finish>(out).at(0).agent == "a1");
  BOOST_TEST((events<CallEnded>(out).at(0).ended_by == EndedBy::caller));
  BOOST_TEST(done(out));
}

BOOST_AUTO_TEST_CASE(step_timeout_releases_its_legs_and_moves_on) {
  CallFlow f = ringing_responsible();
  auto out = f.on_step_timeout(0);
  BOOST_TEST(commands<call_cmd::Release>(out).at(0).leg == 1u);
  BOOST_TEST(commands<call_cmd::Withdraw>(out).at(0).reason == "no_answer");
  BOOST_TEST(commands<call_cmd::FindTargets>(out).at(0).step == 1u);
  // A stale timer of a step already left does nothing.
  BOOST_TEST(f.on_step_timeout(0).commands.empty());
}

BOOST_AUTO_TEST_CASE(late_acceptance_after_the_step_moved_on_is_withdrawn) {
  CallFlow f("c1", "x", "", "100");
  f.start(known(), two_steps());
  f.on_targets(0, {"a1"});
  f.on_step_timeout(0);
  auto out = f.on_offer_reply(0, "a1", true);
  BOOST_TEST(commands<call_cmd::Ring>(out).empty());
  BOOST_TEST(commands<call_cmd::Withdraw>(out).at(0).agent == "a1");
}

BOOST_AUTO_TEST_CASE(caller_cancel_crossing_our_200_releases_the_answered_agent) {
  CallFlow f = ringing_responsible();
  f.on_leg_answered(1);
  auto out = f.on_caller_cancelled();
  BOOST_TEST(commands<call_cmd::Release>(out).at(0).leg == 1u);
  BOOST_TEST(commands<call_cmd::Finish>(out).at(0).agent == "a1");
  BOOST_TEST((events<CallEnded>(out).at(0).outcome == CallOutcome::abandoned));
}

BOOST_AUTO_TEST_CASE(abort_while_routing_rejects_with_500_and_releases) {
  CallFlow f = ringing_responsible();
  auto out = f.abort("failed");
  BOOST_TEST(commands<call_cmd::Release>(out).size() == 1u);
  BOOST_TEST(commands<call_cmd::Reject>(out).at(0).status == 500);
  BOOST_TEST((events<CallEnded>(out).at(0).outcome == CallOutcome::failed));
  BOOST_TEST(f.abort("again").commands.empty());
}

BOOST_AUTO_TEST_SUITE_END()
