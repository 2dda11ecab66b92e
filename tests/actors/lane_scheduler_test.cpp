// The two-lane scheduler (actors/lane_scheduler.hpp) on CAF's real threads,
// one worker: setup work queued after other work runs first; other work
// waits for at most kSetupStreak setup turns; an actor's lane is its own.
// The worker is held in a gate actor's turn while the jobs queue up, so the
// order they run in is the scheduler's alone. And a call's actor, under the
// routing supervisor: in the setup lane while it rings, in the other once
// answered, out of it when the call ends.
#define BOOST_TEST_MODULE lane_scheduler
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "actors/lane_scheduler.hpp"
#include "fixture.hpp"

using namespace callboard;
using namespace callboard::actors;
using namespace std::chrono_literals;

namespace {

// The names of the actors that ran, in order.
struct Order {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> names;

  void add(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex);
    names.push_back(name);
    changed.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, 5s, [&] { return names.size() >= n; });
  }
  std::vector<std::string> take() {
    std::lock_guard<std::mutex> lock(mutex);
    return std::exchange(names, {});
  }
};

caf::behavior recorder(caf::event_based_actor*, std::shared_ptr<Order> order, std::string name) {
  return {[=](int) { order->add(name); }};
}

// Holds the only worker in its turn until released.
struct Gate {
  std::promise<void> entered;
  std::promise<void> open;
};

caf::behavior gate_actor(caf::event_based_actor*, std::shared_ptr<Gate> gate) {
  return {[=](int) {
    gate->entered.set_value();
    gate->open.get_future().wait();
  }};
}

struct OneWorker {
  OneWorker() {
    cfg.set("scheduler.max-threads", 1);
    cfg.set("logger.verbosity", caf::atom("quiet"));
    use_lane_scheduler(cfg);
    system = std::make_unique<caf::actor_system>(cfg);
  }
  // A recorder that has had its start-up turn.
  caf::actor ready_recorder(const std::string& name) {
    auto a = system->spawn(recorder, order, name);
    caf::anon_send(a, 0);
    BOOST_REQUIRE(order->wait_for(1));
    order->take();
    return a;
  }
  // Runs `queue` while the worker is held, then lets it go.
  template <class F>
  void while_held(F queue) {
    auto gate = std::make_shared<Gate>();
    auto g = system->spawn(gate_actor, gate);
    caf::anon_send(g, 1);
    BOOST_REQUIRE((gate->entered.get_future().wait_for(5s) == std::future_status::ready));
    queue();
    gate->open.set_value();
  }

  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  std::shared_ptr<Order> order = std::make_shared<Order>();
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(setup_work_goes_before_other_work_queued_earlier, OneWorker) {
  auto hang_up = ready_recorder("hang-up");
  auto ring = ready_recorder("ring");
  set_lane(*system, hang_up.id(), Lane::other);
  BOOST_TEST(actors_in_other_lane(*system) == 1u);
  // Queued in this order while the worker is held; run in the returned one.
  auto run_queued = [&] {
    while_held([&] {
      caf::anon_send(hang_up, 1);
      caf::anon_send(ring, 1);
    });
    BOOST_REQUIRE(order->wait_for(2));
    return order->take();
  };
  BOOST_TEST(run_queued() == (std::vector<std::string>{"ring", "hang-up"}));

  // Back in the setup lane: first come, first served again.
  set_lane(*system, hang_up.id(), Lane::setup);
  BOOST_TEST(actors_in_other_lane(*system) == 0u);
  BOOST_TEST(run_queued() == (std::vector<std::string>{"hang-up", "ring"}));
}

BOOST_FIXTURE_TEST_CASE(other_work_waits_for_at_most_a_streak_of_setup_turns, OneWorker) {
  auto other = ready_recorder("other");
  set_lane(*system, other.id(), Lane::other);
  std::vector<caf::actor> setup;
  const std::size_t n = kSetupStreak + 4;
  for (std::size_t i = 0; i < n; ++i) setup.push_back(ready_recorder("setup"));
  while_held([&] {
    caf::anon_send(other, 1);
    for (auto& a : setup) caf::anon_send(a, 1);
  });
  BOOST_REQUIRE(order->wait_for(n + 1));
  const auto names = order->take();
  std::size_t at = 0;
  while (at < names.size() && names[at] != "other") ++at;
  BOOST_TEST(at == kSetupStreak);  // after exactly a streak, not after all of them
}

namespace {

// Waits for a condition that another thread makes true.
template <class Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(an_answered_calls_actor_is_in_the_other_lane_until_the_call_ends, OneWorker) {
  test::TestServices t;
  auto& telephony = t.telephony;
  Services services = t.services();
  start_timer_service(*system, test::kTimerGranularity);
  std::map<domain::AgentId, AgentInit> agents;
  for (const auto& a : t.config->agents) agents[a.login].status.id = a.login;
  auto clients = system->spawn(client_registry, services, ClientActorOptions{});
  auto supervisor = system->spawn(routing_supervisor, services, std::move(agents), clients);
  for (auto a : {"a1", "a2", "a3"})
    caf::anon_send(supervisor, reg_atom::value, std::string(a), "sip:" + std::string(a) + "@127.0.0.1:5070");

  std::vector<test::TelephonyCall> seen;
  auto saw = [&](const std::string& op) {
    for (auto& c : telephony.take()) seen.push_back(c);
    for (auto& c : seen)
      if (c.op == op && c.call == "c1" && c.leg == 1) return true;
    return false;
  };
  caf::anon_send(supervisor, incoming_atom::value, std::string("c1"), std::string(test::kKnownCaller),
                 std::string(), std::string("100"));
  BOOST_REQUIRE(eventually([&] { return saw("ring"); }));
  BOOST_TEST(actors_in_other_lane(*system) == 0u);  // ringing: setup

  caf::anon_send(supervisor, leg_atom::value, std::string("c1"), domain::LegId{1},
                 static_cast<int>(LegSignal::answered), 200);
  BOOST_REQUIRE(eventually([&] { return saw("bridge"); }));
  BOOST_TEST(eventually([&] { return actors_in_other_lane(*system) == 1u; }));

  caf::anon_send(supervisor, caller_atom::value, std::string("c1"), static_cast<int>(CallerSignal::hung_up));
  BOOST_REQUIRE(eventually([&] { return saw("release"); }));
  BOOST_TEST(eventually([&] { return actors_in_other_lane(*system) == 0u; }));

  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(clients, caf::exit_reason::user_shutdown);
  stop_timer_service(*system);
  supervisor = clients = nullptr;
  system->await_all_actors_done();  // before `t`, which they use, goes
}
