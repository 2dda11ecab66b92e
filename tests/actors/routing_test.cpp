// Deterministic tests of the actor layer: routing, races, agent states.
#define BOOST_TEST_MODULE actors
#include "fixture.hpp"

using namespace callboard;
using namespace callboard::actors;
using callboard::test::Fixture;
using callboard::test::Strings;
using callboard::test::kKnownCaller;
using callboard::test::kUnknownCaller;

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

BOOST_AUTO_TEST_CASE(two_ring_all_calls_and_one_free_agent_are_never_both_offered_him) {
  register_agent("a2");  // the only free agent
  // Both calls arrive before either is routed.
  caf::anon_send(supervisor, incoming_atom::value, std::string("c1"), std::string(kUnknownCaller),
                 std::string(), std::string("100"));
  caf::anon_send(supervisor, incoming_atom::value, std::string("c2"), std::string("+375298888888"),
                 std::string(), std::string("100"));
  sched->run();
  auto t = telephony.take();
  BOOST_TEST(ops(t, "ring").size() == 1u);
  std::string rung = t[0].call;
  std::string other = rung == "c1" ? "c2" : "c1";
  // The other call waits in the queue with 182 until a2 is free.
  BOOST_TEST(progress_of(t, other) == Strings{"182"});
  BOOST_TEST(stream_events("call/" + other).back() == "CallQueued");
  BOOST_TEST(state_of("a2") == domain::AgentState::ringing);
  caller(rung, CallerSignal::cancelled);  // the first caller gives up
  t = telephony.take();
  BOOST_TEST(ops(t, "ring") == Strings{other + "/1/202"});
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

// The supervisor chooses a new call's first targets as it takes the call
// and hands them to the call's actor, which offers them at once: no round
// trip back to the supervisor (behind everything else in its mailbox) on
// the way from the INVITE to the agents' phones.
BOOST_AUTO_TEST_CASE(a_new_call_offers_its_first_targets_without_asking_the_supervisor) {
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  caf::anon_send(supervisor, incoming_atom::value, std::string("c1"), std::string(kUnknownCaller),
                 std::string(), std::string("100"));
  BOOST_REQUIRE(sched->try_run_once());  // the supervisor takes the call and spawns its actor
  BOOST_REQUIRE_EQUAL(sched->jobs.size(), 1u);
  BOOST_REQUIRE(sched->try_run_once());  // the call's actor starts and offers
  auto* sup = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(supervisor));
  BOOST_REQUIRE(sup != nullptr);
  BOOST_TEST(std::count(sched->jobs.begin(), sched->jobs.end(), sup) == 0);
  BOOST_TEST(sched->jobs.size() >= 3u);  // the three agents' offers
  sched->run();
  BOOST_TEST(ops(telephony.take(), "ring") == (Strings{"c1/1/201", "c1/2/202", "c1/3/203"}));
}

// The SIP thread hands on the signals of one stretch of input as one
// message (sip/signal_batch.hpp): they take effect in their order, as if
// sent one by one; something else in a batch is skipped, not fatal.
BOOST_AUTO_TEST_CASE(a_batch_of_signals_takes_effect_in_its_order) {
  std::vector<caf::message> first{
      caf::make_message(reg_atom::value, std::string("a1"), std::string("sip:a1@127.0.0.1:5070")),
      caf::make_message(reg_atom::value, std::string("a2"), std::string("sip:a2@127.0.0.1:5070"))};
  send(signals_atom::value, std::move(first));
  BOOST_TEST(state_of("a2") == domain::AgentState::available);
  // A new call's first targets are chosen on the board as the supervisor
  // takes the call (routing_supervisor.cpp); the agents' registrations
  // reach the board through their actors, so they come first here.
  std::vector<caf::message> call{caf::make_message(incoming_atom::value, std::string("c1"),
                                                   std::string(kUnknownCaller), std::string(),
                                                   std::string("100"))};
  send(signals_atom::value, std::move(call));
  BOOST_TEST(ops(telephony.take(), "ring") == (Strings{"c1/1/201", "c1/2/202"}));
  std::vector<caf::message> second{
      caf::make_message(leg_atom::value, std::string("c1"), domain::LegId{1},
                        static_cast<int>(LegSignal::ringing), 0),
      caf::make_message(std::string("not a signal")),
      caf::make_message(leg_atom::value, std::string("c1"), domain::LegId{2},
                        static_cast<int>(LegSignal::answered), 200),
      caf::make_message(caller_atom::value, std::string("c1"), static_cast<int>(CallerSignal::hung_up))};
  send(signals_atom::value, std::move(second));
  auto t = telephony.take();
  BOOST_TEST(ops(t, "bridge") == Strings{"c1/2"});
  BOOST_TEST(ops(t, "release") == (Strings{"c1/1", "c1/2"}));  // the other leg, then the answered one
  const auto ended = events_of<domain::CallEnded>("call/c1");
  BOOST_REQUIRE(ended.size() == 1u);
  BOOST_TEST((ended[0].ended_by == domain::EndedBy::caller));
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

BOOST_AUTO_TEST_CASE(all_legs_failing_moves_on_to_the_queue_then_480_at_its_max_wait) {
  register_agent("a2");
  incoming("c1", kUnknownCaller);
  telephony.take();
  leg("c1", 1, LegSignal::failed, 486);
  auto t = telephony.take();
  BOOST_TEST(events_of<domain::OfferFailed>("call/c1").at(0).reason == "busy");
  BOOST_TEST(progress_of(t, "c1") == Strings{"182"});
  // The queue offers it to the free agent again; busy again, it goes back
  // in line and is not offered to him a third time.
  BOOST_TEST(ops(t, "ring") == Strings{"c1/2/202"});
  leg("c1", 2, LegSignal::failed, 486);
  BOOST_TEST(ops(telephony.take(), "ring").empty());
  // The queue's maximum wait passes; its 182 refreshes come first. Each
  // fire_timer() reaches the next deadline.
  t.clear();
  for (int i = 0; i < 50 && ops(t, "reject").empty(); ++i) {
    fire_timer();
    for (auto& c : telephony.take()) t.push_back(std::move(c));
  }
  BOOST_TEST(ops(t, "reject") == Strings{"c1/0/480"});
  BOOST_TEST((events_of<domain::CallEnded>("call/c1").at(0).outcome == domain::CallOutcome::no_agent));
}

BOOST_AUTO_TEST_CASE(nobody_registered_gets_480_and_unknown_number_404) {
  incoming("c1", kUnknownCaller);
  incoming("c2", kUnknownCaller, "999");
  auto t = telephony.take();
  BOOST_TEST(ops(t, "reject") == (Strings{"c1/0/480", "c2/0/404"}));
  BOOST_TEST(stream_events("call/c2") == (Strings{"CallReceived", "CallEnded"}));
}

BOOST_AUTO_TEST_SUITE_END()
