// The agent aggregate: decide then evolve, given/when/then.
#include <boost/test/unit_test.hpp>

#include "domain/agent.hpp"

using namespace callboard::domain;

namespace {
AgentStatus given(std::vector<Event> history) {
  AgentStatus s;
  s.id = "a1";
  for (const auto& e : history) s = evolve(s, e);
  return s;
}
AgentStatus after(AgentStatus s, const std::vector<Event>& events) {
  for (const auto& e : events) s = evolve(s, e);
  return s;
}
const Event kRegistered = AgentRegistered{"a1", "sip:a1@h"};
const Event kAvailable = AgentStateChanged{"a1", AgentState::available, "", ""};
const AgentPolicy kNoWrapUp{0, 3};
const AgentPolicy kWrapUp{10 * kMicrosPerSecond, 3};

AgentStatus ringing(AgentStatus s, const CallId& call) { return after(s, agent_offer(s, call).events); }
}  // namespace

BOOST_AUTO_TEST_SUITE(agent)

BOOST_AUTO_TEST_CASE(registering_makes_an_offline_agent_available) {
  auto events = agent_registered(given({}), "sip:a1@h");
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  auto s = after(given({}), events);
  BOOST_TEST(s.registered);
  BOOST_TEST(s.state == AgentState::available);
  BOOST_TEST(agent_registered(s, "sip:a1@h").empty());  // a refresh records nothing
}

BOOST_AUTO_TEST_CASE(offer_is_accepted_once_then_refused_as_busy) {
  auto s = given({kRegistered, kAvailable});
  auto first = agent_offer(s, "c1");
  BOOST_TEST((first.reply == OfferReply::accepted));
  s = after(s, first.events);
  BOOST_TEST(s.state == AgentState::ringing);
  BOOST_TEST(s.call == "c1");
  auto second = agent_offer(s, "c2");
  BOOST_TEST((second.reply == OfferReply::busy));
  BOOST_TEST(second.events.empty());
}

BOOST_AUTO_TEST_CASE(offer_to_an_unregistered_agent_is_refused_as_offline) {
  BOOST_TEST((agent_offer(given({}), "c1").reply == OfferReply::offline));
}

BOOST_AUTO_TEST_CASE(withdraw_only_concerns_the_call_he_rings_for) {
  auto s = ringing(given({kRegistered, kAvailable}), "c1");
  BOOST_TEST(agent_offer_withdrawn(s, "other", "cancelled", kNoWrapUp).empty());
  s = after(s, agent_offer_withdrawn(s, "c1", "answered_elsewhere", kNoWrapUp));
  BOOST_TEST(s.state == AgentState::available);
  BOOST_TEST(s.missed_in_row == 0u);
}

BOOST_AUTO_TEST_CASE(wrap_up_after_a_call_then_available) {
  auto s = ringing(given({kRegistered, kAvailable}), "c1");
  s = after(s, agent_connected(s, "c1"));
  BOOST_TEST(s.state == AgentState::on_call);
  s = after(s, agent_call_finished(s, "c1", kWrapUp));
  BOOST_TEST(s.state == AgentState::wrap_up);
  BOOST_TEST((agent_offer(s, "c2").reply == OfferReply::busy));  // no offer during wrap-up
  BOOST_TEST(agent_wrap_up_done(s, "other").empty());
  s = after(s, agent_wrap_up_done(s, "c1"));
  BOOST_TEST(s.state == AgentState::available);
}

BOOST_AUTO_TEST_CASE(pause_refuses_offers_and_holds_across_a_call) {
  auto s = given({kRegistered, kAvailable});
  s = after(s, agent_pause(s, "lunch", "a1"));
  BOOST_TEST(s.state == AgentState::paused);
  BOOST_TEST((agent_offer(s, "c1").reply == OfferReply::paused));
  s = after(s, agent_resume(s, "a1"));
  BOOST_TEST(s.state == AgentState::available);
  // Pausing while ringing: the ring goes on; when it ends he is paused.
  s = ringing(s, "c2");
  s = after(s, agent_pause(s, "meeting", "a1"));
  BOOST_TEST(s.state == AgentState::ringing);
  s = after(s, agent_connected(s, "c2"));
  s = after(s, agent_call_finished(s, "c2", kNoWrapUp));
  BOOST_TEST(s.state == AgentState::paused);
  BOOST_TEST(s.pause_reason == "meeting");
}

BOOST_AUTO_TEST_CASE(three_unanswered_offers_in_a_row_pause_him) {
  auto s = given({kRegistered, kAvailable});
  for (int i = 0; i < 2; ++i) {
    s = ringing(s, "c" + std::to_string(i));
    s = after(s, agent_offer_withdrawn(s, "c" + std::to_string(i), "no_answer", kNoWrapUp));
    BOOST_TEST(s.state == AgentState::available);
  }
  BOOST_TEST(s.missed_in_row == 2u);
  s = ringing(s, "c3");
  auto events = agent_offer_withdrawn(s, "c3", "no_answer", kNoWrapUp);
  BOOST_TEST(std::holds_alternative<AgentPauseChanged>(events.front()));
  s = after(s, events);
  BOOST_TEST(s.state == AgentState::paused);
  BOOST_TEST(s.paused);
  BOOST_TEST(s.pause_reason == "missed 3 offers in a row");
}

BOOST_AUTO_TEST_CASE(an_answered_call_resets_the_missed_count) {
  auto s = given({kRegistered, kAvailable});
  s = ringing(s, "c1");
  s = after(s, agent_offer_withdrawn(s, "c1", "no_answer", kNoWrapUp));
  s = ringing(s, "c2");
  s = after(s, agent_connected(s, "c2"));
  BOOST_TEST(s.missed_in_row == 0u);
}

BOOST_AUTO_TEST_CASE(registration_lost_during_a_call_goes_offline_after_it) {
  auto s = given({kRegistered, kAvailable, AgentStateChanged{"a1", AgentState::on_call, "", "c1"}});
  s = after(s, agent_unregistered(s, "expired"));
  BOOST_TEST(!s.registered);
  BOOST_TEST(s.state == AgentState::on_call);  // the call goes on
  s = after(s, agent_call_finished(s, "c1", kWrapUp));
  BOOST_TEST(s.state == AgentState::wrap_up);
  s = after(s, agent_wrap_up_done(s, "c1"));
  BOOST_TEST(s.state == AgentState::offline);
}

BOOST_AUTO_TEST_SUITE_END()
