// ShardedMap against a plain std::map model, and the property it exists
// for: growth rehashes one shard at a time, each a small part of the whole.
#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <stdexcept>
#include <string>

#include "domain/views/sharded_map.hpp"

using callboard::domain::ShardedMap;

BOOST_AUTO_TEST_SUITE(sharded_map)

BOOST_AUTO_TEST_CASE(behaves_like_a_map) {
  ShardedMap<std::string, int> m;
  std::map<std::string, int> model;
  std::mt19937 rng(7);
  for (int i = 0; i < 20'000; ++i) {
    const std::string key = "call-" + std::to_string(rng() % 5'000);
    switch (rng() % 3) {
      case 0:
        m[key] += 1;
        model[key] += 1;
        break;
      case 1: {
        const bool fresh = model.count(key) == 0;
        BOOST_TEST(m.emplace(key, i) == fresh);
        model.emplace(key, i);
        break;
      }
      default: {
        const int* v = m.find(key);
        auto it = model.find(key);
        BOOST_TEST_REQUIRE((v != nullptr) == (it != model.end()));
        if (v) BOOST_TEST(*v == it->second);
      }
    }
    BOOST_TEST_REQUIRE(m.size() == model.size());
  }
  std::map<std::string, int> seen;
  m.for_each([&](const std::string& k, int v) { BOOST_TEST(seen.emplace(k, v).second); });
  BOOST_TEST((seen == model));
  const auto& cm = m;
  BOOST_TEST(cm.at(model.begin()->first) == model.begin()->second);
  BOOST_CHECK_THROW(cm.at("absent"), std::out_of_range);
  BOOST_TEST(cm.find("absent") == nullptr);
}

// 200,000 calls (one unordered_map of them rehashed 85,229 entries at once
// in the routing benchmark): no shard holds more than
// twice its share, so no rehash walks more than ~1/128 of the entries.
BOOST_AUTO_TEST_CASE(no_shard_holds_much_more_than_its_share) {
  ShardedMap<std::string, int> calls;
  constexpr std::size_t kCalls = 200'000;
  for (std::size_t i = 0; i < kCalls; ++i) calls["c" + std::to_string(i * 7919)] = 1;
  BOOST_TEST(calls.size() == kCalls);
  BOOST_TEST(calls.largest_shard() <= 2 * kCalls / 256);
  // Integer keys (std::hash is the identity) that share their low bits.
  ShardedMap<std::uint64_t, int> ids;
  for (std::uint64_t i = 0; i < kCalls; ++i) ids[i << 8] = 1;
  BOOST_TEST(ids.largest_shard() <= 2 * kCalls / 256);
}

BOOST_AUTO_TEST_SUITE_END()
