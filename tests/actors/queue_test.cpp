// Deterministic actor tests: queues, agent states across calls, the races
// named in the routing issue, strategies, auto-assign, regions, opening
// hours and a configuration reload.
#include "fixture.hpp"

using namespace callboard;
using namespace callboard::actors;
using callboard::test::Fixture;
using callboard::test::Strings;
using callboard::test::kKnownCaller;
using callboard::test::kUnknownCaller;

namespace {
struct OneAgentFixture : Fixture {
  OneAgentFixture() { register_agent("a1"); }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(queues, OneAgentFixture)

BOOST_AUTO_TEST_CASE(more_callers_than_agents_wait_with_182_and_are_served_in_order) {
  incoming("c1", "+375291000001");
  incoming("c2", "+375291000002");
  incoming("c3", "+375291000003");
  auto t = telephony.take();
  BOOST_TEST(ops(t, "ring") == Strings{"c1/1/201"});
  BOOST_TEST(progress_of(t, "c2") == Strings{"182"});
  BOOST_TEST(progress_of(t, "c3") == Strings{"182"});
  leg("c1", 1, LegSignal::answered, 200);
  caller("c3", CallerSignal::cancelled);  // c3 gives up while waiting
  BOOST_TEST((events_of<domain::CallEnded>("call/c3").at(0).outcome == domain::CallOutcome::abandoned));
  leg("c1", 1, LegSignal::hung_up);       // a1 is free: the oldest waiting call is his
  t = telephony.take();
  BOOST_TEST(ops(t, "ring") == Strings{"c2/1/201"});
  leg("c2", 1, LegSignal::answered, 200);
  BOOST_TEST(events_of<domain::CallAnswered>("call/c2").at(0).agent == "a1");
  BOOST_TEST(stream_events("call/c2") ==
             (Strings{"CallReceived", "CallClassified", "CallQueued", "RoutingDecided", "AgentOffered",
                      "CallAnswered"}));
}

BOOST_AUTO_TEST_CASE(wrap_up_is_honoured_before_the_next_queued_call) {
  config->departments[0].wrap_up_s = 10;
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  sched->run();
  start_supervisor();
  register_agent("a1");
  incoming("c1", "+375291000001");
  incoming("c2", "+375291000002");
  leg("c1", 1, LegSignal::answered, 200);
  caller("c1", CallerSignal::hung_up);
  BOOST_TEST(state_of("a1") == domain::AgentState::wrap_up);
  telephony.take();
  BOOST_TEST(ops(telephony.take(), "ring").empty());
  // The wrap-up timer is the earliest one pending (10 s; c2's are longer).
  fire_timer();
  BOOST_TEST(state_of("a1") == domain::AgentState::ringing);
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c2/1/201"});
}

BOOST_AUTO_TEST_CASE(an_agent_handed_a_call_whose_caller_just_left_takes_the_next_one) {
  // a1 paused; c1 and c2 wait. a1 resumes, and c1's caller hangs up in the
  // same moment: the supervisor hands c1 to a1 (its line still holds c1)
  // while c1's actor is already ending on the hang-up, so that offer is
  // never made. a1 is free again when c1 leaves, and c2 rings him.
  pause("a1");
  incoming("c1", "+375291000001");
  incoming("c2", "+375291000002");
  auto t = telephony.take();
  BOOST_TEST(ops(t, "ring").empty());
  BOOST_TEST(progress_of(t, "c1") == Strings{"182"});
  caf::anon_send(supervisor, resume_atom::value, std::string("a1"), std::string("a1"));
  caf::anon_send(supervisor, caller_atom::value, std::string("c1"), static_cast<int>(CallerSignal::cancelled));
  sched->run();
  BOOST_TEST((events_of<domain::CallEnded>("call/c1").at(0).outcome == domain::CallOutcome::abandoned));
  BOOST_TEST(events_of<domain::AgentOffered>("call/c1").empty());
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c2/1/201"});
  BOOST_TEST(state_of("a1") == domain::AgentState::ringing);
}

BOOST_AUTO_TEST_CASE(nobody_logged_in_skips_the_queue) {
  send(unreg_atom::value, std::string("a1"), std::string("expired"));
  incoming("c1", kUnknownCaller);
  BOOST_TEST(ops(telephony.take(), "reject") == Strings{"c1/0/480"});
}

BOOST_AUTO_TEST_CASE(a_full_queue_sends_new_callers_on) {
  config->departments[0].queue.max_length = 1;
  incoming("c1", "+375291000001");  // rings a1
  incoming("c2", "+375291000002");  // waits
  incoming("c3", "+375291000003");  // no room: 480
  auto t = telephony.take();
  BOOST_TEST(ops(t, "reject") == Strings{"c3/0/480"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(races, Fixture)

BOOST_AUTO_TEST_CASE(agent_pauses_while_ringing_then_is_paused_when_the_call_ends) {
  for (auto a : {"a1", "a2"}) register_agent(a);
  incoming("c1", kUnknownCaller);
  telephony.take();
  register_agent("a3");
  pause("a1", "coffee");
  BOOST_TEST(state_of("a1") == domain::AgentState::ringing);  // the ring goes on
  leg("c1", 2, LegSignal::answered, 200);  // a2 answers
  BOOST_TEST(state_of("a1") == domain::AgentState::paused);
  incoming("c2", "+375298888888");
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c2/1/203"});  // not the paused a1
}

BOOST_AUTO_TEST_CASE(caller_cancel_crossing_the_agents_200) {
  register_agent("a1");
  incoming("c1", kUnknownCaller);
  telephony.take();
  // Both arrive before either is handled.
  caf::anon_send(supervisor, leg_atom::value, std::string("c1"), domain::LegId{1},
                 static_cast<int>(LegSignal::answered), 200);
  caf::anon_send(supervisor, caller_atom::value, std::string("c1"),
                 static_cast<int>(CallerSignal::cancelled));
  sched->run();
  auto t = telephony.take();
  BOOST_TEST(ops(t, "bridge") == Strings{"c1/1"});
  BOOST_TEST(ops(t, "release") == Strings{"c1/1"});  // the agent's leg gets BYE
  BOOST_TEST((events_of<domain::CallEnded>("call/c1").at(0).outcome == domain::CallOutcome::abandoned));
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
}

BOOST_AUTO_TEST_CASE(registration_expiring_during_a_call_leaves_the_call_up_then_offline) {
  register_agent("a1");
  incoming("c1", kUnknownCaller);
  leg("c1", 1, LegSignal::answered, 200);
  send(unreg_atom::value, std::string("a1"), std::string("expired"));
  BOOST_TEST(state_of("a1") == domain::AgentState::on_call);
  BOOST_TEST(ops(telephony.take(), "release").empty());
  leg("c1", 1, LegSignal::hung_up);
  BOOST_TEST(state_of("a1") == domain::AgentState::offline);
  incoming("c2", kUnknownCaller);
  BOOST_TEST(ops(telephony.take(), "reject") == Strings{"c2/0/480"});
}

BOOST_AUTO_TEST_CASE(responsible_answering_after_his_step_timed_out_is_released) {
  for (auto a : {"a1", "a2"}) register_agent(a);
  incoming("c1", kKnownCaller);
  telephony.take();
  fire_timer();  // his 20 s are up: CANCEL, and the department rings
  auto t = telephony.take();
  BOOST_TEST(ops(t, "release") == Strings{"c1/1"});
  BOOST_TEST(ops(t, "ring") == Strings{"c1/2/202"});
  leg("c1", 1, LegSignal::answered, 200);  // his 200 crossed the CANCEL
  t = telephony.take();
  BOOST_TEST(ops(t, "bridge").empty());
  BOOST_TEST(state_of("a1") == domain::AgentState::available);
  leg("c1", 2, LegSignal::answered, 200);
  BOOST_TEST(ops(telephony.take(), "bridge") == Strings{"c1/2"});
}

BOOST_AUTO_TEST_CASE(unanswered_offers_in_a_row_pause_the_agent) {
  config->routing.max_missed_offers = 2;
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  sched->run();
  start_supervisor();
  for (auto a : {"a1", "a2"}) register_agent(a);
  for (int i = 1; i <= 2; ++i) {
    std::string call = "c" + std::to_string(i);
    incoming(call, "+37529100000" + std::to_string(i));
    leg(call, 1, LegSignal::failed, 408);  // a1 lets it ring out
    leg(call, 2, LegSignal::answered, 200);
    caller(call, CallerSignal::hung_up);
  }
  BOOST_TEST(state_of("a1") == domain::AgentState::paused);
  auto pauses = events_of<domain::AgentPauseChanged>("agent/a1");
  BOOST_REQUIRE_EQUAL(pauses.size(), 1u);
  BOOST_TEST(pauses[0].reason == "missed 2 offers in a row");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(rules, Fixture)

BOOST_AUTO_TEST_CASE(round_robin_hunts_one_agent_at_a_time_with_memory) {
  config->departments[0].strategy = domain::Strategy::round_robin;
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  incoming("c1", kUnknownCaller);
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c1/1/201"});
  leg("c1", 1, LegSignal::failed, 486);  // busy: the hunt moves on
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c1/2/202"});
  leg("c1", 2, LegSignal::answered, 200);
  incoming("c2", "+375298888888");  // the next call starts after a2
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c2/1/203"});
}

BOOST_AUTO_TEST_CASE(dedicated_group_for_unknown_callers) {
  config->entry_points[0].unknown = domain::UnknownRule::agents;
  config->entry_points[0].unknown_agents = {"a3"};
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  incoming("c1", kUnknownCaller);
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c1/1/203"});
  incoming("c2", kKnownCaller);  // known callers still reach their manager
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c2/1/201"});
}

BOOST_AUTO_TEST_CASE(auto_assign_creates_the_card_once_and_rings_its_owner) {
  config->entry_points[0].unknown = domain::UnknownRule::auto_assign;
  for (auto a : {"a1", "a2"}) register_agent(a);
  incoming("c1", kUnknownCaller);
  auto t = telephony.take();
  BOOST_REQUIRE_EQUAL(ops(t, "ring").size(), 1u);
  std::string owner_user = t[0].arg;
  auto client = views.read([](const domain::CrmViews& v) { return v.client_by_phone(kUnknownCaller); });
  BOOST_REQUIRE(client.has_value());
  auto owner = views.read([&](const domain::CrmViews& v) { return v.client(*client)->responsible; });
  BOOST_TEST(owner_user == (owner == "a1" ? "201" : "202"));
  auto classified = events_of<domain::CallClassified>("call/c1");
  BOOST_REQUIRE_EQUAL(classified.size(), 2u);
  BOOST_TEST(classified[1].client == *client);
  // Somebody else answers: the owner stays who he is.
  std::string other = owner == "a1" ? "a2" : "a1";
  caller("c1", CallerSignal::cancelled);
  incoming("c2", kUnknownCaller);  // now a known number: its owner first
  t = telephony.take();
  BOOST_TEST(ops(t, "ring") == Strings{"c2/1/" + owner_user});
  BOOST_TEST(views.read([&](const domain::CrmViews& v) { return v.client(*client)->responsible; }) == owner);
  BOOST_TEST(views.read([](const domain::CrmViews& v) { return v.client_count(); }) == 2u);
}

BOOST_AUTO_TEST_CASE(regional_rule_sends_the_call_to_the_branch) {
  config->departments.push_back({"minsk", "Minsk"});
  config->agents[2].department = "minsk";  // a3 works in the Minsk branch
  config->entry_points[0].unknown = domain::UnknownRule::regional;
  domain::TargetConfig minsk;
  minsk.kind = domain::TargetConfig::Kind::department;
  minsk.department = "minsk";
  config->entry_points[0].regions = {{"", "+37517", "", minsk}};
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  sched->run();
  start_supervisor();
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  incoming("c1", "+375172222222");  // a Minsk landline
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c1/1/203"});
  BOOST_TEST(events_of<domain::RoutingDecided>("call/c1").at(0).rule == "regional");
  incoming("c2", "+375232222222");  // Gomel: not listed, the default department
  BOOST_TEST(ops(telephony.take(), "ring") == (Strings{"c2/1/201", "c2/2/202"}));
}

BOOST_AUTO_TEST_CASE(outside_opening_hours_the_caller_gets_the_off_hours_answer) {
  auto& h = config->entry_points[0].hours;
  h.timezone = "Europe/Minsk";
  for (int d = 0; d < 5; ++d) h.weekly[d] = {{9 * 60, 18 * 60}};
  h.off_hours.kind = domain::TargetConfig::Kind::reject;
  h.off_hours.status = 480;
  h.off_hours.reason = "Closed";
  register_agent("a1");
  clock.set(1'795'604'400'000'000 + 6LL * 3600 * domain::kMicrosPerSecond);  // Wed 20:00 Minsk
  incoming("c1", kKnownCaller);
  BOOST_TEST(ops(telephony.take(), "reject") == Strings{"c1/0/480"});
  BOOST_TEST((events_of<domain::CallEnded>("call/c1").at(0).outcome == domain::CallOutcome::closed));
  clock.set(1'795'604'400'000'000);  // Wed 14:00 Minsk: open
  incoming("c2", kKnownCaller);
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c2/1/201"});
}

BOOST_AUTO_TEST_CASE(a_reload_applies_to_new_calls_only) {
  for (auto a : {"a1", "a2", "a3"}) register_agent(a);
  incoming("c1", kUnknownCaller);  // rings everyone
  BOOST_TEST(ops(telephony.take(), "ring").size() == 3u);
  auto next = std::make_shared<domain::Config>(*config);
  next->entry_points[0].unknown = domain::UnknownRule::agents;
  next->entry_points[0].unknown_agents = {"a3"};
  send(reload_atom::value, std::shared_ptr<const domain::Config>(next));
  BOOST_TEST(ops(telephony.take(), "release").empty());  // c1 rings on
  caller("c1", CallerSignal::cancelled);
  telephony.take();
  incoming("c2", "+375298888888");
  BOOST_TEST(ops(telephony.take(), "ring") == Strings{"c2/1/203"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(missed_calls, Fixture)

BOOST_AUTO_TEST_CASE(a_known_client_who_hangs_up_unanswered_gets_a_call_back_task_for_his_manager) {
  register_agent("a1");
  incoming("c1", kKnownCaller);
  caller("c1", CallerSignal::cancelled);
  auto tasks = views.read([](const domain::CrmViews& v) { return v.tasks().list({}, 10); });
  BOOST_REQUIRE_EQUAL(tasks.size(), 1u);
  BOOST_TEST(tasks[0].client == 1u);
  BOOST_TEST(tasks[0].assignee == "a1");
  BOOST_TEST(tasks[0].phone == kKnownCaller);
  BOOST_TEST(tasks[0].call == "c1");
  BOOST_TEST((tasks[0].kind == domain::TaskKind::call_back));
}

BOOST_AUTO_TEST_CASE(an_unknown_number_nobody_could_take_becomes_the_departments_task) {
  incoming("c1", kUnknownCaller);  // nobody registered: 480
  auto tasks = views.read([](const domain::CrmViews& v) { return v.tasks().list({}, 10); });
  BOOST_REQUIRE_EQUAL(tasks.size(), 1u);
  BOOST_TEST(tasks[0].client == 0u);
  BOOST_TEST(tasks[0].assignee.empty());
  BOOST_TEST(tasks[0].department == "sales");
  BOOST_TEST(tasks[0].phone == kUnknownCaller);
}

BOOST_AUTO_TEST_CASE(an_answered_call_leaves_no_task) {
  register_agent("a1");
  incoming("c1", kKnownCaller);
  leg("c1", 1, LegSignal::answered, 200);
  caller("c1", CallerSignal::hung_up);
  BOOST_TEST(views.read([](const domain::CrmViews& v) { return v.tasks().list({}, 10).size(); }) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
