#include <boost/test/unit_test.hpp>

#include <set>

#include "web/session_store.hpp"

using namespace callboard;
using namespace callboard::web;

namespace {
constexpr domain::Duration kMin = 60 * domain::kMicrosPerSecond;

SessionPolicy policy() {
  SessionPolicy p;
  p.idle = 30 * kMin;
  p.absolute = 12 * 60 * kMin;
  p.remember_expired = 60 * kMin;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(session_store)

BOOST_AUTO_TEST_CASE(tokens_are_random_hex_of_256_bits) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = random_token(32);
    BOOST_TEST(t.size() == 64u);
    BOOST_TEST(t.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(t);
  }
  BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(each_login_gets_a_new_id_and_csrf_token) {
  domain::ManualClock clock;
  SessionStore store(clock, policy());
  Session a = store.create("ivanov");
  Session b = store.create("ivanov");
  BOOST_TEST(a.id != b.id);
  BOOST_TEST(a.csrf != b.csrf);
  BOOST_TEST(a.id != a.csrf);
  BOOST_TEST(store.live_count() == 2u);
  auto found = store.lookup(a.id);
  BOOST_TEST(static_cast<int>(found.check) == static_cast<int>(SessionCheck::ok));
  BOOST_TEST(found.session.login == "ivanov");
}

BOOST_AUTO_TEST_CASE(idle_timeout_slides_with_use) {
  domain::ManualClock clock;
  SessionStore store(clock, policy());
  Session s = store.create("ivanov");
  for (int i = 0; i < 5; ++i) {
    clock.advance(29 * kMin);
    BOOST_TEST(static_cast<int>(store.lookup(s.id).check) == static_cast<int>(SessionCheck::ok));
  }
  clock.advance(30 * kMin);
  BOOST_TEST(static_cast<int>(store.lookup(s.id).check) == static_cast<int>(SessionCheck::expired));
  // It stays expired: using it again does not revive it.
  clock.advance(-29 * kMin);
  BOOST_TEST(static_cast<int>(store.lookup(s.id).check) == static_cast<int>(SessionCheck::expired));
}

BOOST_AUTO_TEST_CASE(absolute_timeout_is_not_extended_by_use) {
  domain::ManualClock clock;
  SessionStore store(clock, policy());
  Session s = store.create("ivanov");
  for (int i = 0; i < 24; ++i) {  // 24 * 29 min = 11 h 36 min of steady use
    clock.advance(29 * kMin);
    BOOST_REQUIRE(static_cast<int>(store.lookup(s.id).check) == static_cast<int>(SessionCheck::ok));
  }
  clock.advance(25 * kMin);  // 12 h 01 min after login, 25 min after last use
  BOOST_TEST(static_cast<int>(store.lookup(s.id).check) == static_cast<int>(SessionCheck::expired));
}

BOOST_AUTO_TEST_CASE(unknown_and_removed_sessions_are_missing) {
  domain::ManualClock clock;
  SessionStore store(clock, policy());
  BOOST_TEST(static_cast<int>(store.lookup("nope").check) == static_cast<int>(SessionCheck::missing));
  Session s = store.create("ivanov");
  store.remove(s.id);
  BOOST_TEST(static_cast<int>(store.lookup(s.id).check) == static_cast<int>(SessionCheck::missing));
  store.remove("never-existed");
}

BOOST_AUTO_TEST_CASE(sweep_reports_each_expiry_once_then_forgets) {
  domain::ManualClock clock;
  SessionStore store(clock, policy());
  Session old_one = store.create("ivanov");
  clock.advance(20 * kMin);
  Session young = store.create("petrova");
  clock.advance(11 * kMin);
  auto expired = store.sweep();
  BOOST_TEST(expired.size() == 1u);
  BOOST_TEST(expired.at(0) == old_one.id);
  BOOST_TEST(store.sweep().empty());
  BOOST_TEST(store.live_count() == 1u);
  // Remembered as expired for a while, then missing.
  BOOST_TEST(static_cast<int>(store.lookup(old_one.id).check) == static_cast<int>(SessionCheck::expired));
  clock.advance(61 * kMin);
  auto later = store.sweep();
  BOOST_TEST(later.size() == 1u);  // young expired meanwhile
  BOOST_TEST(later.at(0) == young.id);
  BOOST_TEST(static_cast<int>(store.lookup(old_one.id).check) == static_cast<int>(SessionCheck::missing));
}

BOOST_AUTO_TEST_CASE(csrf_token_must_match_exactly) {
  domain::ManualClock clock;
  SessionStore store(clock, policy());
  Session s = store.create("ivanov");
  BOOST_TEST(SessionStore::csrf_matches(s, s.csrf));
  BOOST_TEST(!SessionStore::csrf_matches(s, ""));
  BOOST_TEST(!SessionStore::csrf_matches(s, s.csrf.substr(1)));
  std::string flipped = s.csrf;
  flipped.back() = flipped.back() == 'a' ? 'b' : 'a';
  BOOST_TEST(!SessionStore::csrf_matches(s, flipped));
  BOOST_TEST(!SessionStore::csrf_matches(s, s.id));
}

BOOST_AUTO_TEST_CASE(a_full_store_evicts_the_least_recently_used) {
  domain::ManualClock clock;
  SessionPolicy p = policy();
  p.max_sessions = 3;
  SessionStore store(clock, p);
  Session a = store.create("a");
  clock.advance(kMin);
  Session b = store.create("b");
  clock.advance(kMin);
  Session c = store.create("c");
  clock.advance(kMin);
  store.lookup(a.id);  // a is now the most recent
  Session d = store.create("d");
  BOOST_TEST(store.live_count() == 3u);
  BOOST_TEST(static_cast<int>(store.lookup(b.id).check) == static_cast<int>(SessionCheck::missing));
  BOOST_TEST(static_cast<int>(store.lookup(a.id).check) == static_cast<int>(SessionCheck::ok));
  BOOST_TEST(static_cast<int>(store.lookup(d.id).check) == static_cast<int>(SessionCheck::ok));
}

BOOST_AUTO_TEST_SUITE_END()
