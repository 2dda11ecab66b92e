#include <boost/test/unit_test.hpp>

#include "sip/nonce.hpp"

#include <sodium.h>

#include <ostream>

namespace callboard::sip {
std::ostream& operator<<(std::ostream& os, NonceAuthority::Check c) { return os << to_string(c); }
}  // namespace callboard::sip

using namespace callboard::sip;

namespace {
NonceAuthority::Key key_of(unsigned char fill) {
  NonceAuthority::Key k;
  k.fill(fill);
  return k;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(nonce)

BOOST_AUTO_TEST_CASE(issued_nonce_verifies_within_lifetime) {
  NonceAuthority a(key_of(1));
  const auto n = a.issue(1000);
  BOOST_TEST(n.size() == 48u);
  BOOST_TEST(n.substr(0, 16) == "00000000000003e8");
  BOOST_TEST(a.verify(n, 1000, 300) == NonceAuthority::Check::valid);
  BOOST_TEST(a.verify(n, 1300, 300) == NonceAuthority::Check::valid);
}

BOOST_AUTO_TEST_CASE(old_nonce_is_stale_not_invalid) {
  NonceAuthority a(key_of(1));
  const auto n = a.issue(1000);
  BOOST_TEST(a.verify(n, 1301, 300) == NonceAuthority::Check::stale);
  BOOST_TEST(a.verify(n, 100000, 300) == NonceAuthority::Check::stale);
}

BOOST_AUTO_TEST_CASE(other_key_tampering_and_garbage_are_invalid) {
  NonceAuthority a(key_of(1));
  NonceAuthority b(key_of(2));
  const auto n = a.issue(1000);
  BOOST_TEST(b.verify(n, 1000, 300) == NonceAuthority::Check::invalid);

  // A forged time with the old MAC: the MAC covers the time.
  std::string forged = n;
  forged[15] = forged[15] == '9' ? '8' : '9';
  BOOST_TEST(a.verify(forged, 1000, 300) == NonceAuthority::Check::invalid);

  std::string bad_mac = n;
  bad_mac.back() = bad_mac.back() == '0' ? '1' : '0';
  BOOST_TEST(a.verify(bad_mac, 1000, 300) == NonceAuthority::Check::invalid);

  BOOST_TEST(a.verify("", 1000, 300) == NonceAuthority::Check::invalid);
  BOOST_TEST(a.verify("dcd98b7102dd2f0e8b11d0f600bfb0c093", 1000, 300) ==
             NonceAuthority::Check::invalid);
  BOOST_TEST(a.verify(std::string(48, 'z'), 1000, 300) == NonceAuthority::Check::invalid);
  BOOST_TEST(a.verify(n.substr(0, 47), 1000, 300) == NonceAuthority::Check::invalid);
}

BOOST_AUTO_TEST_CASE(nonce_from_the_future_is_invalid) {
  NonceAuthority a(key_of(1));
  const auto n = a.issue(2000);
  BOOST_TEST(a.verify(n, 1000, 300) == NonceAuthority::Check::invalid);
  BOOST_TEST(a.verify(n, 1999, 300) == NonceAuthority::Check::valid);  // small skew tolerated
}

BOOST_AUTO_TEST_CASE(random_keys_differ) {
  BOOST_REQUIRE(sodium_init() >= 0);
  auto a = NonceAuthority::with_random_key();
  auto b = NonceAuthority::with_random_key();
  BOOST_TEST(a.issue(5) != b.issue(5));
  BOOST_TEST(a.verify(a.issue(5), 5, 10) == NonceAuthority::Check::valid);
}

BOOST_AUTO_TEST_SUITE_END()
