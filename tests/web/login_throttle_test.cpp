#include <boost/test/unit_test.hpp>

#include "web/login_throttle.hpp"

using namespace callboard;
using namespace callboard::web;

namespace {
constexpr domain::Duration kSec = domain::kMicrosPerSecond;
}

BOOST_AUTO_TEST_SUITE(login_throttle)

BOOST_AUTO_TEST_CASE(first_failures_are_free_then_delays_double) {
  domain::ManualClock clock;
  LoginThrottle t(clock, ThrottlePolicy{});  // 3 free, 1 s base, 300 s cap
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(!t.retry_after("ivanov").has_value());
    t.record_failure("ivanov");
  }
  BOOST_TEST(!t.retry_after("ivanov").has_value());
  t.record_failure("ivanov");  // 4th: 1 s
  BOOST_TEST(t.retry_after("ivanov").value() == 1 * kSec);
  clock.advance(1 * kSec);
  BOOST_TEST(!t.retry_after("ivanov").has_value());
  t.record_failure("ivanov");  // 5th: 2 s
  BOOST_TEST(t.retry_after("ivanov").value() == 2 * kSec);
  clock.advance(2 * kSec);
  t.record_failure("ivanov");  // 6th: 4 s
  BOOST_TEST(t.retry_after("ivanov").value() == 4 * kSec);
  clock.advance(1 * kSec);
  BOOST_TEST(t.retry_after("ivanov").value() == 3 * kSec);
  // Other logins are not affected.
  BOOST_TEST(!t.retry_after("petrova").has_value());
}

BOOST_AUTO_TEST_CASE(delay_is_capped) {
  domain::ManualClock clock;
  ThrottlePolicy p;
  p.max_delay = 10 * kSec;
  LoginThrottle t(clock, p);
  for (int i = 0; i < 40; ++i) {
    t.record_failure("x");
    clock.advance(t.retry_after("x").value_or(0));
  }
  t.record_failure("x");
  BOOST_TEST(t.retry_after("x").value() == 10 * kSec);
}

BOOST_AUTO_TEST_CASE(success_and_quiet_time_clear_the_record) {
  domain::ManualClock clock;
  LoginThrottle t(clock, ThrottlePolicy{});
  for (int i = 0; i < 4; ++i) t.record_failure("ivanov");
  BOOST_TEST(t.retry_after("ivanov").has_value());
  t.record_success("ivanov");
  BOOST_TEST(!t.retry_after("ivanov").has_value());
  t.record_failure("ivanov");
  BOOST_TEST(!t.retry_after("ivanov").has_value());  // counting starts again

  for (int i = 0; i < 4; ++i) t.record_failure("petrova");
  clock.advance(901 * kSec);
  BOOST_TEST(!t.retry_after("petrova").has_value());
  t.record_failure("petrova");  // after the quiet spell this is failure 1 again
  BOOST_TEST(!t.retry_after("petrova").has_value());
  t.prune();  // ivanov's single failure is older than forget_after by now
  BOOST_TEST(t.tracked() == 1u);
  clock.advance(901 * kSec);
  t.prune();
  BOOST_TEST(t.tracked() == 0u);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded_against_random_names) {
  domain::ManualClock clock;
  ThrottlePolicy p;
  p.max_tracked = 100;
  LoginThrottle t(clock, p);
  for (int i = 0; i < 1000; ++i) {
    t.record_failure("guess" + std::to_string(i));
    clock.advance(1000);
  }
  BOOST_TEST(t.tracked() <= 100u);
}

BOOST_AUTO_TEST_SUITE_END()
