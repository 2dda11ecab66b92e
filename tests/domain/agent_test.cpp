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
}  // namespace

BOOST_AUTO_TEST_SUITE(agent)

BOOST_AUTO_TEST_CASE(registering_makes_an_offline_agent_available) {
  auto events = agent_registered(given({}), "sip:a1@h");
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  auto s = after(given({}), events);
  BOOST_TEST(s.registered);
  BOOST_TEST(s.state == AgentState::available);
  // Refreshing the same binding records nothing.
  BOOST_TEST(agent_registered(s, "sip:a1@h").empty());
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
  auto s = after(given({kRegistered, kAvailable}), agent_offer(given({kRegistered, kAvailable}), "c1").events);
  BOOST_TEST(agent_offer_withdrawn(s, "other").empty());
  s = after(s, agent_offer_withdrawn(s, "c1"));
  BOOST_TEST(s.state == AgentState::available);
}

BOOST_AUTO_TEST_CASE(registration_lost_during_a_call_goes_offline_after_it) {
  auto s = given({kRegistered, kAvailable, AgentStateChanged{"a1", AgentState::on_call, "", "c1"}});
  s = after(s, agent_unregistered(s, "expired"));
  BOOST_TEST(!s.registered);
  BOOST_TEST(s.state == AgentState::on_call);  // the call goes on
  s = after(s, agent_call_finished(s, "c1"));
  BOOST_TEST(s.state == AgentState::offline);
}

BOOST_AUTO_TEST_SUITE_END()
