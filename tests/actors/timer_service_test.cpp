// The timer service on CAF's test coordinator: deadlines in order, never
// early and at most one granularity late, one CAF timeout however many
// later timers are armed, timers of a dead actor dropped, and the fallback
// to CAF's clock when no service runs.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include "actors/timer_service.hpp"

using namespace callboard::actors;
using namespace std::chrono_literals;

namespace {

using arm_atom = caf::atom_constant<caf::atom("arm")>;
using fired_atom = caf::atom_constant<caf::atom("fired")>;

struct Fired {
  int tag;
  caf::actor_clock::time_point at;
};
using FiredLog = std::shared_ptr<std::vector<Fired>>;

// Arms a timer on request; records when each one arrives.
caf::behavior probe(caf::event_based_actor* self, FiredLog log) {
  return {
      [=](arm_atom, std::int64_t after_ms, int tag) {
        send_later(self, std::chrono::milliseconds(after_ms), caf::make_message(fired_atom::value, tag));
      },
      [=](fired_atom, int tag) { log->push_back({tag, self->clock().now()}); },
  };
}

struct TimerFixture {
  static constexpr std::chrono::milliseconds kGranularity{20};

  explicit TimerFixture(bool with_service = true) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    system = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(system->scheduler());
    if (with_service) start_timer_service(*system, kGranularity);
    sched->run();
    start = sched->clock().now();
  }
  ~TimerFixture() {
    stop_timer_service(*system);
    sched->run();
  }

  caf::actor spawn_probe() {
    auto a = system->spawn(probe, log);
    sched->run();
    return a;
  }
  void arm(const caf::actor& a, std::int64_t after_ms, int tag) {
    caf::anon_send(a, arm_atom::value, after_ms, tag);
    sched->run();
  }
  // Fires CAF timeouts one at a time until none is left (bounded).
  void fire_all() {
    for (int i = 0; i < 1000 && sched->trigger_timeout(); ++i) sched->run();
  }
  std::size_t pending_caf_timeouts() { return sched->clock().schedule().size(); }
  std::vector<int> tags() const {
    std::vector<int> out;
    for (const auto& f : *log) out.push_back(f.tag);
    return out;
  }

  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  caf::scheduler::test_coordinator* sched = nullptr;
  caf::actor_clock::time_point start;
  FiredLog log = std::make_shared<std::vector<Fired>>();
};

}  // namespace

BOOST_AUTO_TEST_SUITE(timer_service)

BOOST_FIXTURE_TEST_CASE(timers_fire_in_deadline_order_never_early_and_at_most_a_granularity_late,
                        TimerFixture) {
  auto p = spawn_probe();
  const std::vector<std::pair<std::int64_t, int>> armed{{300, 1}, {107, 2}, {5000, 3}, {107, 4}, {33, 5}};
  for (auto [ms, tag] : armed) arm(p, ms, tag);
  fire_all();
  BOOST_TEST(tags() == (std::vector<int>{5, 2, 4, 1, 3}));  // equal deadlines in arming order
  for (const auto& f : *log) {
    std::int64_t after = 0;
    for (auto [ms, tag] : armed)
      if (tag == f.tag) after = ms;
    const auto due = start + std::chrono::milliseconds(after);
    BOOST_TEST((f.at >= due));
    BOOST_TEST((f.at < due + kGranularity));
  }
  BOOST_TEST(pending_caf_timeouts() == 0u);
}

BOOST_FIXTURE_TEST_CASE(later_timers_add_no_caf_timeout_an_earlier_one_does, TimerFixture) {
  auto p = spawn_probe();
  arm(p, 1000, 0);
  for (int i = 1; i <= 100; ++i) arm(p, 1000 + 100 * i, i);
  BOOST_TEST(pending_caf_timeouts() == 1u);
  arm(p, 500, -1);
  BOOST_TEST(pending_caf_timeouts() == 2u);
  fire_all();
  BOOST_REQUIRE_EQUAL(log->size(), 102u);
  BOOST_TEST(log->front().tag == -1);
  BOOST_TEST(log->back().tag == 100);
  BOOST_TEST(pending_caf_timeouts() == 0u);
}

BOOST_FIXTURE_TEST_CASE(timers_within_one_granularity_go_out_on_one_tick, TimerFixture) {
  auto p = spawn_probe();
  // A tick fires on a multiple of the granularity: timers 1 ms and 15 ms
  // after one share the next.
  arm(p, 1000, 1);
  BOOST_REQUIRE(sched->trigger_timeout());
  sched->run();
  BOOST_REQUIRE_EQUAL(log->size(), 1u);
  arm(p, 1, 2);
  arm(p, 15, 3);
  BOOST_TEST(pending_caf_timeouts() == 1u);
  BOOST_REQUIRE(sched->trigger_timeout());
  sched->run();
  BOOST_TEST(tags() == (std::vector<int>{1, 2, 3}));
  BOOST_TEST(!sched->trigger_timeout());
}

BOOST_FIXTURE_TEST_CASE(a_dead_actors_timer_is_dropped_and_the_others_still_fire, TimerFixture) {
  auto gone = spawn_probe();
  auto stays = spawn_probe();
  arm(gone, 100, 1);
  arm(stays, 200, 2);
  caf::weak_actor_ptr watch(caf::actor_cast<caf::strong_actor_ptr>(gone).get());
  caf::anon_send_exit(gone, caf::exit_reason::user_shutdown);
  gone = nullptr;
  sched->run();
  BOOST_TEST(!watch.lock());  // a pending timer does not keep its actor alive
  fire_all();
  BOOST_TEST(tags() == std::vector<int>{2});
}

BOOST_AUTO_TEST_CASE(without_a_service_timers_go_through_cafs_clock_on_their_exact_deadline) {
  TimerFixture f(false);
  auto p = f.spawn_probe();
  f.arm(p, 107, 1);
  BOOST_TEST(f.pending_caf_timeouts() == 1u);
  BOOST_TEST((f.sched->clock().schedule().begin()->first == f.start + 107ms));
  f.fire_all();
  BOOST_TEST(f.tags() == std::vector<int>{1});
}

BOOST_AUTO_TEST_SUITE_END()
