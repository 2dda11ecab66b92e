#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include "sip/loop_timeouts.hpp"

#include <sofia-sip/su_time.h>
#include <sofia-sip/su_wait.h>

// Takes the place of Sofia's su_duration() (see loop_timeouts.hpp): t1 - t2
// in milliseconds, a positive remainder rounded up, clamped as Sofia's is.
extern "C" su_duration_t su_duration(su_time_t const t1, su_time_t const t2) {
  const long long us =
      (static_cast<long long>(t1.tv_sec) - static_cast<long long>(t2.tv_sec)) * 1000000LL +
      (static_cast<long long>(t1.tv_usec) - static_cast<long long>(t2.tv_usec));
  long long ms = us > 0 ? (us + 999) / 1000 : us / 1000;  // C++ division truncates toward 0
  if (ms > SU_DURATION_MAX) ms = SU_DURATION_MAX;
  if (ms < -SU_DURATION_MAX) ms = -SU_DURATION_MAX;
  return static_cast<su_duration_t>(ms);
}

namespace callboard::sip {

namespace {
void never_fires(Engine*, su_timer_t*, void*) {}
}  // namespace

bool loop_timeouts_round_up(su_root_s* root) {
  su_timer_t* probe = su_timer_create(su_root_task(root), 0);
  if (!probe) return false;
  const su_time_t now = su_now();
  su_time_t at = now;
  at.tv_usec += 1500;
  if (at.tv_usec >= 1000000) {
    at.tv_usec -= 1000000;
    at.tv_sec += 1;
  }
  su_duration_t wait = -1;  // "no timer yet", as the loop starts
  bool rounded = false;
  if (su_timer_set_at(probe, &never_fires, nullptr, at) == 0) {
    // Nothing is due at `now`, so this only computes the loop's wait.
    su_timer_expire(su_task_timers(su_root_task(root)), &wait, now);
    rounded = wait == 2;
  }
  su_timer_destroy(probe);
  return rounded;
}

}  // namespace callboard::sip
