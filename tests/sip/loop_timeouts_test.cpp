#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include <boost/test/unit_test.hpp>

#include <sofia-sip/su.h>
#include <sofia-sip/su_time.h>
#include <sofia-sip/su_wait.h>

#include "sip/loop_timeouts.hpp"
#include "sofia_root.hpp"

// Sofia's loop rounds its wait for the next timer down to whole
// milliseconds and spins for the remainder; sip/loop_timeouts.cpp rounds it
// up (sip/loop_timeouts.hpp). These tests fail against Sofia's own
// su_duration().
namespace {

su_time_t at(unsigned long sec, unsigned long usec) {
  su_time_t t;
  t.tv_sec = sec;
  t.tv_usec = usec;
  return t;
}

su_time_t later(su_time_t t, long usec) {
  t.tv_usec += usec;
  t.tv_sec += t.tv_usec / 1000000;
  t.tv_usec %= 1000000;
  return t;
}

struct Wait {
  su_root_t* root = nullptr;
  su_time_t due{};
  bool fired = false;
  bool early = false;
  int turns = 0;  // loop iterations, counted by the prepoll hook
};
Wait* current = nullptr;

void on_due(callboard::sip::Engine*, su_timer_t*, void*) {
  current->fired = true;
  const su_time_t now = su_now();
  current->early = now.tv_sec < current->due.tv_sec ||
                   (now.tv_sec == current->due.tv_sec && now.tv_usec < current->due.tv_usec);
  su_root_break(current->root);
}

void count_turn(void*, su_root_t*) { ++current->turns; }

}  // namespace

BOOST_AUTO_TEST_SUITE(loop_timeouts)

BOOST_AUTO_TEST_CASE(durations_round_a_positive_remainder_up_and_keep_the_rest) {
  BOOST_TEST(su_duration(at(10, 1500), at(10, 0)) == 2);
  BOOST_TEST(su_duration(at(10, 1), at(10, 0)) == 1);
  BOOST_TEST(su_duration(at(10, 1000), at(10, 0)) == 1);
  BOOST_TEST(su_duration(at(11, 0), at(10, 999000)) == 1);
  BOOST_TEST(su_duration(at(10, 0), at(10, 0)) == 0);
  BOOST_TEST(su_duration(at(10, 0), at(10, 1500)) == -1);  // past: as Sofia's
  BOOST_TEST(su_duration(at(12, 0), at(10, 0)) == 2000);
  BOOST_TEST(su_duration(at(3000000, 0), at(0, 0)) == SU_DURATION_MAX);
  BOOST_TEST(su_duration(at(0, 0), at(3000000, 0)) == -SU_DURATION_MAX);
}

BOOST_AUTO_TEST_CASE(sofia_timer_code_uses_the_rounded_duration) {
  SofiaRoot sofia;
  BOOST_TEST(callboard::sip::loop_timeouts_round_up(sofia.root));
  // The probe leaves no timer behind: nothing to wait for.
  su_duration_t wait = -1;
  su_timer_expire(su_task_timers(su_root_task(sofia.root)), &wait, su_now());
  BOOST_TEST(wait == -1);
}

// The loop itself: a timer 20.6 ms ahead is waited for in one or two
// sleeps, not by coming round thousands of times in its last 0.6 ms; and it
// does not fire early.
BOOST_AUTO_TEST_CASE(the_loop_sleeps_until_a_timer_is_due_instead_of_spinning) {
  SofiaRoot sofia;
  Wait w;
  w.root = sofia.root;
  current = &w;
  BOOST_REQUIRE(su_root_add_prepoll(sofia.root, &count_turn, nullptr) == 0);
  su_timer_t* timer = su_timer_create(su_root_task(sofia.root), 0);
  BOOST_REQUIRE(timer);
  w.due = later(su_now(), 20600);
  BOOST_REQUIRE(su_timer_set_at(timer, &on_due, nullptr, w.due) == 0);
  su_root_run(sofia.root);
  su_timer_destroy(timer);
  su_root_remove_prepoll(sofia.root);
  current = nullptr;
  BOOST_TEST(w.fired);
  BOOST_TEST(!w.early);
  BOOST_TEST_MESSAGE("loop turns until the timer: " << w.turns);
  BOOST_TEST(w.turns <= 5);
}

BOOST_AUTO_TEST_SUITE_END()
