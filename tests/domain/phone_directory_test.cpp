// The phone index against a plain std::map model: random assigns and
// releases over a small number space (so probe runs collide, wrap around
// the table's end and get deleted from the middle), plus the keys that
// cannot be packed.
#include <boost/test/unit_test.hpp>

#include <map>
#include <random>

#include "domain/views/phone_directory.hpp"

using callboard::domain::ClientId;
using callboard::domain::PhoneDirectory;

BOOST_AUTO_TEST_SUITE(phone_directory)

BOOST_AUTO_TEST_CASE(finds_what_was_assigned_and_forgets_only_its_owners_numbers) {
  PhoneDirectory d;
  d.assign("+375291234567", 7);
  d.assign("+74951234567", 8);
  BOOST_TEST(d.find("+375291234567").value_or(0) == 7u);
  BOOST_TEST(!d.find("+375291234568").has_value());
  d.release("+375291234567", 8);  // not his: kept
  BOOST_TEST(d.find("+375291234567").value_or(0) == 7u);
  d.assign("+375291234567", 9);   // moved to another client
  d.release("+375291234567", 9);
  BOOST_TEST(!d.find("+375291234567").has_value());
  BOOST_TEST(d.size() == 1u);
}

BOOST_AUTO_TEST_CASE(numbers_that_do_not_pack_are_kept_apart_and_leading_zeros_count) {
  PhoneDirectory d;
  d.assign("+0123", 1);
  d.assign("+123", 2);
  d.assign("2001", 3);                 // no plus
  d.assign("+1234567890123456", 4);    // 16 digits: longer than E.164
  d.assign("+12a", 5);
  BOOST_TEST(d.find("+0123").value_or(0) == 1u);
  BOOST_TEST(d.find("+123").value_or(0) == 2u);
  BOOST_TEST(d.find("2001").value_or(0) == 3u);
  BOOST_TEST(d.find("+1234567890123456").value_or(0) == 4u);
  BOOST_TEST(d.find("+12a").value_or(0) == 5u);
  const auto all = d.sorted();
  BOOST_REQUIRE(all.size() == 5u);
  BOOST_TEST(all.front().first == "+0123");
  BOOST_TEST(all.back().first == "2001");
}

BOOST_AUTO_TEST_CASE(agrees_with_a_map_over_many_random_changes) {
  PhoneDirectory d;
  std::map<std::string, ClientId> model;
  std::mt19937_64 rng(42);
  for (int step = 0; step < 200000; ++step) {
    const std::string phone = "+3752900" + std::to_string(rng() % 3000);
    const ClientId client = 1 + rng() % 4;
    if (rng() % 3 == 0) {
      d.release(phone, client);
      auto it = model.find(phone);
      if (it != model.end() && it->second == client) model.erase(it);
    } else {
      d.assign(phone, client);
      model[phone] = client;
    }
    if (step % 997 == 0) {
      BOOST_REQUIRE(d.size() == model.size());
      for (int probe = 0; probe < 3000; probe += 7) {
        const std::string p = "+3752900" + std::to_string(probe);
        auto it = model.find(p);
        const auto got = d.find(p);
        BOOST_REQUIRE(got.has_value() == (it != model.end()));
        if (got) BOOST_REQUIRE(*got == it->second);
      }
    }
  }
  const auto all = d.sorted();
  BOOST_TEST((all == std::vector<std::pair<std::string, ClientId>>(model.begin(), model.end())));
  d.clear();
  BOOST_TEST(d.size() == 0u);
  BOOST_TEST(!d.find("+37529001").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
