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

RouteStep responsible_step() {
  RouteStep s;
  s.kind = StepKind::responsible;
  s.rule = "responsible";
  s.timeout = 20 * kMicrosPerSecond;
  return s;
}
RouteStep department_step(Strategy strategy = Strategy::ring_all) {
  RouteStep s;
  s.department = "sales";
  s.strategy = strategy;
  s.rule = to_string(strategy);
  s.timeout = 30 * kMicrosPerSecond;
  return s;
}
RouteStep queue_step() {
  RouteStep s;
  s.kind = StepKind::queue;
  s.rule = "queue";
  s.department = "sales";
  s.timeout = 15 * kMicrosPerSecond;
  s.max_wait = 120 * kMicrosPerSecond;
  s.announce = 60 * kMicrosPerSecond;
  return s;
}

Classification known() {
  Classification w;
  w.caller = "+375291111111";
  w.client = 7;
  w.responsible = "a1";
  return w;
}

CallFlow flow() { return CallFlow("c1", "", "100", "sales"); }

// A flow that has rung a1 (leg 1) in its first step (attempt 1).
CallFlow ringing_responsible() {
  CallFlow f = flow();
  f.start(known(), {responsible_step(), department_step()});
  f.on_targets(1, {"a1"});
  f.on_offer_reply(1, "a1", true);
  return f;
}

// A flow whose only step is the queue, queued (attempt 1).
CallFlow queued() {
  CallFlow f = flow();
  f.start({}, {queue_step()});
  f.on_enqueued(1, true);
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(call_flow)

BOOST_AUTO_TEST_CASE(a_tracked_number_attributes_the_call_to_its_source_right_after_it_is_received) {
  CallFlow f("c1", "", "101", "sales", "Яндекс.Директ: весна");
  const CallOutput out = f.start(known(), {department_step()});
  BOOST_REQUIRE(out.events.size() >= 3u);
  BOOST_TEST(std::holds_alternative<CallReceived>(out.events[0]));
  BOOST_TEST((std::get<CallAttributed>(out.events[1]) == CallAttributed{"c1", "Яндекс.Директ: весна"}));
  BOOST_TEST(std::holds_alternative<CallClassified>(out.events[2]));
  // An untracked number writes no attribution.
  BOOST_TEST(events<CallAttributed>(flow().start(known(), {department_step()})).empty());
}

BOOST_AUTO_TEST_CASE(start_records_the_call_and_asks_for_the_first_steps_targets) {
  CallFlow f = flow();
  auto out = f.start(known(), {responsible_step(), department_step()});
  BOOST_REQUIRE_EQUAL(out.events.size(), 2u);
  BOOST_TEST(events<CallReceived>(out).at(0).caller == "+375291111111");
  BOOST_TEST(events<CallClassified>(out).at(0).client == 7u);
  auto find = commands<call_cmd::FindTargets>(out);
  BOOST_REQUIRE_EQUAL(find.size(), 1u);
  BOOST_TEST(find[0].attempt == 1u);
  BOOST_TEST((find[0].spec.kind == StepKind::responsible));
}

// The supervisor chose the first step's targets as it took the call: the
// flow offers them at once; an empty answer moves on as a FindTargets
// answer would; a first step that does not find targets ignores them.
BOOST_AUTO_TEST_CASE(start_with_the_first_targets_offers_them_at_once) {
  CallFlow f = flow();
  auto out = f.start(known(), {department_step()}, std::vector<AgentId>{"a1", "a2"});
  BOOST_TEST(commands<call_cmd::FindTargets>(out).empty());
  BOOST_TEST(commands<call_cmd::Offer>(out).size() == 2u);
  BOOST_TEST(events<RoutingDecided>(out).at(0).targets == (std::vector<AgentId>{"a1", "a2"}));
  BOOST_TEST(std::holds_alternative<CallReceived>(out.events.at(0)));  // still recorded first
  BOOST_TEST(f.on_offer_reply(1, "a1", true).commands.size() == 1u);   // attempt 1: Ring

  CallFlow g = flow();
  out = g.start(known(), {responsible_step(), department_step()}, std::vector<AgentId>{});
  auto find = commands<call_cmd::FindTargets>(out);
  BOOST_REQUIRE_EQUAL(find.size(), 1u);  // the next step asks
  BOOST_TEST((find[0].spec.kind == StepKind::department));
  BOOST_TEST(find[0].attempt == 2u);

  CallFlow q = flow();
  out = q.start({}, {queue_step()}, std::vector<AgentId>{"a1"});
  BOOST_TEST(commands<call_cmd::Offer>(out).empty());
  BOOST_TEST(commands<call_cmd::Enqueue>(out).size() == 1u);
}

BOOST_AUTO_TEST_CASE(accepted_offer_rings_a_leg_refused_ones_do_not) {
  CallFlow f = flow();
  f.start({}, {department_step()});
  auto out = f.on_targets(1, {"a1", "a2"});
  BOOST_TEST(commands<call_cmd::Offer>(out).size() == 2u);
  BOOST_TEST(events<RoutingDecided>(out).at(0).targets == (std::vector<AgentId>{"a1", "a2"}));
  BOOST_TEST(commands<call_cmd::StartTimer>(out).at(0).after == 30 * kMicrosPerSecond);
  BOOST_TEST(f.on_offer_reply(1, "a1", false).commands.empty());
  out = f.on_offer_reply(1, "a2", true);
  auto ring = commands<call_cmd::Ring>(out);
  BOOST_REQUIRE_EQUAL(ring.size(), 1u);
  BOOST_TEST(ring[0].agent == "a2");
  BOOST_TEST(ring[0].leg == 1u);
  BOOST_TEST(events<AgentOffered>(out).at(0).agent == "a2");
}

BOOST_AUTO_TEST_CASE(every_offer_refused_moves_to_the_next_step_then_480) {
  CallFlow f = flow();
  f.start(known(), {responsible_step(), department_step()});
  f.on_targets(1, {"a1"});
  auto out = f.on_offer_reply(1, "a1", false);
  auto find = commands<call_cmd::FindTargets>(out);
  BOOST_REQUIRE_EQUAL(find.size(), 1u);
  BOOST_TEST(find[0].attempt == 2u);
  BOOST_TEST(find[0].exclude == std::vector<AgentId>{"a1"});  // not offered twice
  out = f.on_targets(2, {});
  BOOST_TEST(commands<call_cmd::Reject>(out).at(0).status == 480);
  BOOST_TEST((events<CallEnded>(out).at(0).outcome == CallOutcome::no_agent));
  auto missed = commands<call_cmd::MissedCall>(out);
  BOOST_REQUIRE_EQUAL(missed.size(), 1u);  // a call-back task for his manager
  BOOST_TEST(missed[0].client == 7u);
  BOOST_TEST(missed[0].responsible == "a1");
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
  out = f.on_caller_hung_up();
  BOOST_TEST(commands<call_cmd::Release>(out).at(0).leg == 1u);
  BOOST_TEST(commands<call_cmd::Finish>(out).at(0).agent == "a1");
  BOOST_TEST((events<CallEnded>(out).at(0).ended_by == EndedBy::caller));
  BOOST_TEST(commands<call_cmd::MissedCall>(out).empty());
  BOOST_TEST(done(out));
}

BOOST_AUTO_TEST_CASE(ring_timeout_releases_the_legs_and_moves_on) {
  CallFlow f = ringing_responsible();
  auto out = f.on_timer(1, TimerKind::ring);
  BOOST_TEST(commands<call_cmd::Release>(out).at(0).leg == 1u);
  BOOST_TEST(commands<call_cmd::Withdraw>(out).at(0).reason == "no_answer");
  BOOST_TEST(commands<call_cmd::FindTargets>(out).at(0).attempt == 2u);
  BOOST_TEST(f.on_timer(1, TimerKind::ring).commands.empty());  // stale timer
}

BOOST_AUTO_TEST_CASE(responsible_answering_after_his_step_timed_out_changes_nothing) {
  CallFlow f = ringing_responsible();
  f.on_timer(1, TimerKind::ring);
  auto out = f.on_leg_answered(1);  // his 200 crossed our CANCEL
  BOOST_TEST(out.events.empty());
  BOOST_TEST(out.commands.empty());
  BOOST_TEST((f.phase() == CallFlow::Phase::routing));
}

BOOST_AUTO_TEST_CASE(a_hunt_tries_the_next_agent_when_one_does_not_answer) {
  CallFlow f = flow();
  f.start({}, {department_step(Strategy::round_robin)});
  f.on_targets(1, {"a1"});
  f.on_offer_reply(1, "a1", true);
  auto out = f.on_leg_failed(1, 486);
  BOOST_TEST(events<OfferFailed>(out).at(0).reason == "busy");
  auto find = commands<call_cmd::FindTargets>(out);
  BOOST_REQUIRE_EQUAL(find.size(), 1u);  // the same step, the next agent
  BOOST_TEST(find[0].attempt == 2u);
  BOOST_TEST((find[0].spec.strategy == Strategy::round_robin));
  BOOST_TEST(find[0].exclude == std::vector<AgentId>{"a1"});
  out = f.on_targets(2, {});  // nobody left: the ladder moves on (here: 480)
  BOOST_TEST(commands<call_cmd::Reject>(out).at(0).status == 480);
}

BOOST_AUTO_TEST_CASE(late_acceptance_after_the_attempt_moved_on_is_withdrawn) {
  CallFlow f = flow();
  f.start(known(), {responsible_step(), department_step()});
  f.on_targets(1, {"a1"});
  f.on_timer(1, TimerKind::ring);
  auto out = f.on_offer_reply(1, "a1", true);
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
  BOOST_TEST(commands<call_cmd::MissedCall>(out).empty());  // somebody did pick up
}

BOOST_AUTO_TEST_CASE(abort_while_routing_rejects_with_500_and_releases) {
  CallFlow f = ringing_responsible();
  auto out = f.abort("failed");
  BOOST_TEST(commands<call_cmd::Release>(out).size() == 1u);
  BOOST_TEST(commands<call_cmd::Reject>(out).at(0).status == 500);
  BOOST_TEST((events<CallEnded>(out).at(0).outcome == CallOutcome::failed));
  BOOST_TEST(f.abort("again").commands.empty());
}

BOOST_AUTO_TEST_CASE(queue_step_joins_sends_182_and_waits) {
  CallFlow f = flow();
  auto out = f.start({}, {queue_step()});
  BOOST_TEST(commands<call_cmd::Enqueue>(out).at(0).department == "sales");
  out = f.on_enqueued(1, true);
  BOOST_TEST((f.phase() == CallFlow::Phase::queued));
  BOOST_TEST(events<CallQueued>(out).at(0).queue == "sales");
  BOOST_TEST(commands<call_cmd::Progress>(out).at(0).status == 182);
  auto timers = commands<call_cmd::StartTimer>(out);
  BOOST_REQUIRE_EQUAL(timers.size(), 2u);
  BOOST_TEST((timers[0].kind == TimerKind::queue_wait));
  BOOST_TEST((timers[1].kind == TimerKind::announce));
  // The 182 is repeated well inside timer C.
  out = f.on_timer(1, TimerKind::announce);
  BOOST_TEST(commands<call_cmd::Progress>(out).at(0).status == 182);
  BOOST_TEST(commands<call_cmd::StartTimer>(out).at(0).after == 60 * kMicrosPerSecond);
}

BOOST_AUTO_TEST_CASE(a_full_queue_sends_the_call_on) {
  CallFlow f = flow();
  f.start({}, {queue_step()});
  auto out = f.on_enqueued(1, false);
  BOOST_TEST(commands<call_cmd::Reject>(out).at(0).status == 480);
}

BOOST_AUTO_TEST_CASE(queued_call_is_offered_and_answered) {
  CallFlow f = queued();
  auto out = f.on_queue_offer("a2");
  BOOST_TEST(commands<call_cmd::Offer>(out).at(0).agent == "a2");
  BOOST_TEST(events<RoutingDecided>(out).at(0).rule == "queue");
  f.on_offer_reply(2, "a2", true);
  out = f.on_leg_answered(1);
  BOOST_TEST(commands<call_cmd::LeaveQueue>(out).size() == 1u);
  BOOST_TEST(commands<call_cmd::Bridge>(out).size() == 1u);
  BOOST_TEST((f.phase() == CallFlow::Phase::answered));
}

BOOST_AUTO_TEST_CASE(queued_offer_not_answered_goes_back_in_line) {
  CallFlow f = queued();
  f.on_queue_offer("a2");
  f.on_offer_reply(2, "a2", true);
  auto out = f.on_timer(2, TimerKind::ring);
  BOOST_TEST(commands<call_cmd::Release>(out).at(0).leg == 1u);
  auto requeue = commands<call_cmd::Requeue>(out);
  BOOST_REQUIRE_EQUAL(requeue.size(), 1u);
  BOOST_TEST(requeue[0].tried == std::vector<AgentId>{"a2"});
  BOOST_TEST((f.phase() == CallFlow::Phase::queued));
  // A refused offer goes back in line too.
  out = f.on_queue_offer("a3");
  out = f.on_offer_reply(3, "a3", false);
  BOOST_TEST(commands<call_cmd::Requeue>(out).size() == 1u);
}

BOOST_AUTO_TEST_CASE(max_wait_leaves_the_queue_for_the_next_step) {
  CallFlow f = flow();
  RouteStep sec;
  sec.kind = StepKind::agents;
  sec.agents = {"sec"};
  sec.rule = "agents";
  sec.timeout = 20 * kMicrosPerSecond;
  f.start({}, {queue_step(), sec});
  f.on_enqueued(1, true);
  f.on_queue_offer("a2");
  f.on_offer_reply(2, "a2", true);
  auto out = f.on_timer(1, TimerKind::queue_wait);
  BOOST_TEST(commands<call_cmd::Release>(out).size() == 1u);  // a2's ring stops
  BOOST_TEST(commands<call_cmd::LeaveQueue>(out).size() == 1u);
  auto find = commands<call_cmd::FindTargets>(out);
  BOOST_REQUIRE_EQUAL(find.size(), 1u);
  BOOST_TEST((find[0].spec.kind == StepKind::agents));
  BOOST_TEST(f.on_timer(1, TimerKind::announce).commands.empty());  // no 182 after leaving
}

BOOST_AUTO_TEST_CASE(caller_leaving_the_queue_is_abandoned_and_gets_a_call_back_task) {
  CallFlow f = queued();
  auto out = f.on_caller_cancelled();
  BOOST_TEST(commands<call_cmd::LeaveQueue>(out).size() == 1u);
  BOOST_TEST((events<CallEnded>(out).at(0).outcome == CallOutcome::abandoned));
  auto missed = commands<call_cmd::MissedCall>(out);
  BOOST_REQUIRE_EQUAL(missed.size(), 1u);
  BOOST_TEST(missed[0].client == 0u);  // unknown number: the department's task
  BOOST_TEST(missed[0].department == "sales");
}

BOOST_AUTO_TEST_CASE(auto_assign_classifies_the_call_with_the_new_card_and_rings_the_owner) {
  CallFlow f = flow();
  RouteStep s;
  s.kind = StepKind::auto_assign;
  s.rule = "auto_assign";
  s.department = "sales";
  s.timeout = 30 * kMicrosPerSecond;
  Classification who;
  who.caller = "+375297777777";
  auto out = f.start(who, {s});
  BOOST_TEST(commands<call_cmd::AutoAssign>(out).at(0).phone == "+375297777777");
  out = f.on_owner(1, "a3", 42);
  auto classified = events<CallClassified>(out);
  BOOST_REQUIRE_EQUAL(classified.size(), 1u);
  BOOST_TEST(classified[0].client == 42u);
  BOOST_TEST(classified[0].responsible == "a3");
  BOOST_TEST(commands<call_cmd::Offer>(out).at(0).agent == "a3");
  BOOST_TEST(f.classification().client == 42u);
}

BOOST_AUTO_TEST_CASE(reject_step_ends_with_its_status_and_outcome) {
  CallFlow f = flow();
  RouteStep s;
  s.kind = StepKind::reject;
  s.rule = "off_hours";
  s.status = 480;
  s.reason = "Closed";
  s.outcome = CallOutcome::closed;
  auto out = f.start(known(), {s});
  BOOST_TEST(commands<call_cmd::Reject>(out).at(0).reason == "Closed");
  BOOST_TEST((events<CallEnded>(out).at(0).outcome == CallOutcome::closed));
  BOOST_TEST(commands<call_cmd::MissedCall>(out).at(0).responsible == "a1");
}

BOOST_AUTO_TEST_SUITE_END()
