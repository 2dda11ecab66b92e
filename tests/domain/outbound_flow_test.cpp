// OutboundFlow (click-to-call) given/when/then: inputs in, events and
// commands out.
#include <boost/test/unit_test.hpp>

#include "domain/outbound_flow.hpp"

using namespace callboard::domain;
namespace oc = callboard::domain::outbound_cmd;

namespace {

template <class C>
std::vector<C> commands(const OutboundOutput& out) {
  std::vector<C> v;
  for (const auto& c : out.commands)
    if (auto* x = std::get_if<C>(&c)) v.push_back(*x);
  return v;
}

template <class E>
std::vector<E> events(const OutboundOutput& out) {
  std::vector<E> v;
  for (const auto& e : out.events)
    if (auto* x = std::get_if<E>(&e)) v.push_back(*x);
  return v;
}

bool done(const OutboundOutput& out) { return !commands<oc::Done>(out).empty(); }

std::vector<LegId> released(const OutboundOutput& out) {
  std::vector<LegId> legs;
  for (const auto& r : commands<oc::Release>(out)) legs.push_back(r.leg);
  return legs;
}

OutboundConfig route() {
  OutboundConfig c;
  c.route = "sip:{number}@127.0.0.1:5090;transport=udp";
  c.caller_id = "+375172000100";
  c.ring_timeout_s = 30;
  c.answer_timeout_s = 20;
  return c;
}

OutboundFlow flow() { return OutboundFlow(outbound_call(route(), "o1", "anna", 7, "+375291111111")); }

constexpr LegId kAgent = OutboundFlow::kAgentLeg;
constexpr LegId kClient = OutboundFlow::kClientLeg;

// Given: anna's actor accepted the call and her phone rings.
OutboundFlow ringing_agent() {
  OutboundFlow f = flow();
  f.start();
  f.on_claimed(OfferReply::accepted);
  return f;
}

// Given: anna answered; the client's phone is being dialled.
OutboundFlow dialing_client() {
  OutboundFlow f = ringing_agent();
  f.on_leg_answered(kAgent);
  return f;
}

// Given: the client answered too.
OutboundFlow connected() {
  OutboundFlow f = dialing_client();
  f.on_leg_answered(kClient);
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outbound_flow)

BOOST_AUTO_TEST_CASE(the_route_gets_the_clients_number) {
  BOOST_TEST(outbound_uri("sip:{number}@gw.example:5060", "+375291111111") == "sip:+375291111111@gw.example:5060");
  BOOST_TEST(outbound_uri("sip:{number}@gw;user={number}", "+7") == "sip:+7@gw;user=+7");
  auto call = outbound_call(route(), "o1", "anna", 7, "+375291111111");
  BOOST_TEST(call.uri == "sip:+375291111111@127.0.0.1:5090;transport=udp");
  BOOST_TEST(call.ring_timeout == 30 * kMicrosPerSecond);
  BOOST_TEST(call.answer_timeout == 20 * kMicrosPerSecond);
}

BOOST_AUTO_TEST_CASE(start_claims_the_agent_and_records_nothing_yet) {
  OutboundFlow f = flow();
  auto out = f.start();
  BOOST_TEST(out.events.empty());
  BOOST_REQUIRE_EQUAL(commands<oc::Claim>(out).size(), 1u);
  BOOST_TEST(commands<oc::Claim>(out)[0].agent == "anna");
  BOOST_TEST((f.phase() == OutboundFlow::Phase::claiming));
}

BOOST_AUTO_TEST_CASE(an_accepted_claim_places_the_call_rings_his_phone_and_answers_the_request) {
  OutboundFlow f = flow();
  f.start();
  auto out = f.on_claimed(OfferReply::accepted);
  auto placed = events<CallPlaced>(out);
  BOOST_REQUIRE_EQUAL(placed.size(), 1u);
  BOOST_TEST((placed[0] == CallPlaced{"o1", "anna", 7, "+375291111111", "+375172000100"}));
  BOOST_REQUIRE_EQUAL(commands<oc::RingAgent>(out).size(), 1u);
  BOOST_TEST(commands<oc::RingAgent>(out)[0].leg == kAgent);
  auto timer = commands<oc::StartTimer>(out);
  BOOST_REQUIRE_EQUAL(timer.size(), 1u);
  BOOST_TEST((timer[0].kind == OutboundTimer::agent_ring));
  BOOST_TEST(timer[0].after == 30 * kMicrosPerSecond);
  auto reply = commands<oc::Reply>(out);
  BOOST_REQUIRE_EQUAL(reply.size(), 1u);
  BOOST_TEST((reply[0].code == OriginateCode::placed));
  BOOST_TEST(!done(out));
}

BOOST_AUTO_TEST_CASE(a_refused_claim_answers_with_the_reason_and_records_nothing) {
  for (auto [reply, code] : {std::pair{OfferReply::busy, OriginateCode::busy},
                             std::pair{OfferReply::offline, OriginateCode::offline},
                             std::pair{OfferReply::paused, OriginateCode::paused}}) {
    OutboundFlow f = flow();
    f.start();
    auto out = f.on_claimed(reply);
    BOOST_TEST(out.events.empty());
    BOOST_TEST(commands<oc::RingAgent>(out).empty());
    BOOST_REQUIRE_EQUAL(commands<oc::Reply>(out).size(), 1u);
    BOOST_TEST((commands<oc::Reply>(out)[0].code == code));
    BOOST_TEST(!commands<oc::Reply>(out)[0].message.empty());
    BOOST_TEST(done(out));
  }
}

BOOST_AUTO_TEST_CASE(when_the_agent_answers_he_is_on_the_call_and_the_client_is_dialled_with_his_offer) {
  OutboundFlow f = ringing_agent();
  auto out = f.on_leg_answered(kAgent);
  BOOST_TEST(out.events.empty());  // CallAnswered waits for the client
  BOOST_REQUIRE_EQUAL(commands<oc::Connected>(out).size(), 1u);
  auto dial = commands<oc::DialClient>(out);
  BOOST_REQUIRE_EQUAL(dial.size(), 1u);
  BOOST_TEST(dial[0].leg == kClient);
  BOOST_TEST(dial[0].agent_leg == kAgent);
  BOOST_TEST(dial[0].uri == "sip:+375291111111@127.0.0.1:5090;transport=udp");
  BOOST_TEST(dial[0].caller_id == "+375172000100");
  auto timer = commands<oc::StartTimer>(out);
  BOOST_REQUIRE_EQUAL(timer.size(), 1u);
  BOOST_TEST((timer[0].kind == OutboundTimer::client_answer));
  BOOST_TEST(timer[0].after == 20 * kMicrosPerSecond);
  // His ring timer fires late: nothing happens.
  BOOST_TEST(f.on_timer(OutboundTimer::agent_ring).commands.empty());
}

BOOST_AUTO_TEST_CASE(the_clients_ringing_is_noted_and_his_answer_connects_the_agent) {
  OutboundFlow f = dialing_client();
  BOOST_TEST(f.on_leg_ringing(kClient).commands.empty());
  BOOST_TEST(f.client_ringing());
  auto out = f.on_leg_answered(kClient);
  BOOST_REQUIRE_EQUAL(events<CallAnswered>(out).size(), 1u);
  BOOST_TEST((events<CallAnswered>(out)[0] == CallAnswered{"o1", "anna"}));
  auto connect = commands<oc::Connect>(out);
  BOOST_REQUIRE_EQUAL(connect.size(), 1u);
  BOOST_TEST(connect[0].agent_leg == kAgent);
  BOOST_TEST(connect[0].client_leg == kClient);
  BOOST_TEST((f.phase() == OutboundFlow::Phase::connected));
  BOOST_TEST(f.on_timer(OutboundTimer::client_answer).commands.empty());
}

BOOST_AUTO_TEST_CASE(bye_from_the_client_releases_the_agent_and_ends_answered) {
  OutboundFlow f = connected();
  auto out = f.on_leg_hung_up(kClient);
  BOOST_TEST(released(out) == std::vector<LegId>{kAgent});
  BOOST_REQUIRE_EQUAL(commands<oc::Finish>(out).size(), 1u);
  auto ended = events<CallEnded>(out);
  BOOST_REQUIRE_EQUAL(ended.size(), 1u);
  BOOST_TEST((ended[0] == CallEnded{"o1", CallOutcome::answered, EndedBy::caller, 0}));
  BOOST_TEST(done(out));
}

BOOST_AUTO_TEST_CASE(bye_from_the_agent_releases_the_client_and_ends_answered) {
  OutboundFlow f = connected();
  auto out = f.on_leg_hung_up(kAgent);
  BOOST_TEST(released(out) == std::vector<LegId>{kClient});
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::answered, EndedBy::agent, 0}));
  // A late signal from the other leg changes nothing.
  BOOST_TEST(f.on_leg_hung_up(kClient).events.empty());
}

BOOST_AUTO_TEST_CASE(the_client_busy_ends_the_agents_leg_and_records_not_answered) {
  OutboundFlow f = dialing_client();
  auto out = f.on_leg_failed(kClient, 486);
  BOOST_TEST(released(out) == std::vector<LegId>{kAgent});
  BOOST_REQUIRE_EQUAL(commands<oc::Finish>(out).size(), 1u);
  BOOST_TEST(events<CallAnswered>(out).empty());
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::not_answered, EndedBy::caller, 486}));
  BOOST_TEST(done(out));
}

BOOST_AUTO_TEST_CASE(the_client_unreachable_is_not_answered_ended_by_the_system) {
  OutboundFlow f = dialing_client();
  auto out = f.on_leg_failed(kClient, 503);
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::not_answered, EndedBy::system, 503}));
}

BOOST_AUTO_TEST_CASE(the_client_not_answering_in_time_cancels_him_and_releases_the_agent) {
  OutboundFlow f = dialing_client();
  auto out = f.on_timer(OutboundTimer::client_answer);
  BOOST_TEST((released(out) == std::vector<LegId>{kClient, kAgent}));
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::not_answered, EndedBy::system, 408}));
  BOOST_TEST(done(out));
}

BOOST_AUTO_TEST_CASE(the_agent_not_answering_his_phone_cancels_it_without_counting_a_missed_offer) {
  OutboundFlow f = ringing_agent();
  auto out = f.on_timer(OutboundTimer::agent_ring);
  BOOST_TEST(released(out) == std::vector<LegId>{kAgent});
  auto withdraw = commands<oc::Withdraw>(out);
  BOOST_REQUIRE_EQUAL(withdraw.size(), 1u);
  BOOST_TEST(!counts_as_missed(withdraw[0].reason));
  BOOST_TEST(commands<oc::DialClient>(out).empty());
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::abandoned, EndedBy::system, 408}));
  // His phone's answer after the CANCEL crossed it: nothing is dialled.
  BOOST_TEST(f.on_leg_answered(kAgent).commands.empty());
}

BOOST_AUTO_TEST_CASE(the_agent_declining_or_his_phone_failing_ends_the_call) {
  OutboundFlow declined = ringing_agent();
  auto out = declined.on_leg_failed(kAgent, 603);
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::abandoned, EndedBy::agent, 603}));
  BOOST_REQUIRE_EQUAL(commands<oc::Withdraw>(out).size(), 1u);
  BOOST_TEST(released(out).empty());  // the leg is over already

  OutboundFlow away = ringing_agent();
  out = away.on_leg_failed(kAgent, 480);
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::failed, EndedBy::system, 480}));
}

BOOST_AUTO_TEST_CASE(the_agent_hanging_up_while_the_client_rings_cancels_the_client) {
  OutboundFlow f = dialing_client();
  auto out = f.on_leg_hung_up(kAgent);
  BOOST_TEST(released(out) == std::vector<LegId>{kClient});
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::abandoned, EndedBy::agent, 0}));
}

BOOST_AUTO_TEST_CASE(abort_while_claiming_gives_the_agent_back_and_answers_unavailable) {
  OutboundFlow f = flow();
  f.start();
  auto out = f.abort("shutdown");
  BOOST_TEST(out.events.empty());
  BOOST_REQUIRE_EQUAL(commands<oc::Withdraw>(out).size(), 1u);
  BOOST_TEST((commands<oc::Reply>(out).at(0).code == OriginateCode::unavailable));
  BOOST_TEST(done(out));
  // The claim's late acceptance is withdrawn again, never rung.
  auto late = f.on_claimed(OfferReply::accepted);
  BOOST_TEST(commands<oc::RingAgent>(late).empty());
  BOOST_TEST(commands<oc::Withdraw>(late).size() == 1u);
}

BOOST_AUTO_TEST_CASE(abort_once_connected_ends_both_legs_as_answered) {
  OutboundFlow f = connected();
  auto out = f.abort("shutdown");
  BOOST_TEST((released(out) == std::vector<LegId>{kClient, kAgent}));
  BOOST_TEST((events<CallEnded>(out).at(0) == CallEnded{"o1", CallOutcome::answered, EndedBy::system, 0}));
  BOOST_TEST(f.abort("again").events.empty());
}

BOOST_AUTO_TEST_CASE(signals_for_a_leg_in_the_wrong_phase_are_ignored) {
  OutboundFlow f = ringing_agent();
  BOOST_TEST(f.on_leg_answered(kClient).commands.empty());
  BOOST_TEST(f.on_leg_failed(kClient, 486).commands.empty());
  BOOST_TEST(f.on_leg_hung_up(kAgent).commands.empty());
  BOOST_TEST((f.phase() == OutboundFlow::Phase::ringing_agent));
}

BOOST_AUTO_TEST_SUITE_END()
