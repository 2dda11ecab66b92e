// Config lookups: the index answers what a linear scan answers (first match
// in list order), and a list changed after index() is still searched right.
#include <boost/test/unit_test.hpp>

#include "domain/config.hpp"

using namespace callboard::domain;

namespace {

Config sample() {
  Config c;
  // "sales" twice: a duplicate the loader refuses; the first one wins.
  c.departments = {{"sales", "Sales"}, {"support", "Support"}, {"sales", "Sales again"}};
  c.agents = {{"a1", "A1", "sales"}, {"a2", "A2", "sales"}, {"s1", "S1", "support"}};
  c.entry_points = {{"100", "Sales", "sales"}, {"200", "Support", "support"}};
  return c;
}

void expect_same_answers(const Config& c) {
  BOOST_TEST(c.find_department("support") == &c.departments[1]);
  BOOST_TEST(c.find_department("nobody") == nullptr);
  BOOST_TEST(c.find_agent("a2") == &c.agents[1]);
  BOOST_TEST(c.find_agent("") == nullptr);
  BOOST_TEST(c.find_department("sales") == &c.departments[0]);
  BOOST_TEST(c.find_entry_point("200") == &c.entry_points[1]);
  BOOST_TEST(c.find_entry_point("300") == nullptr);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_lookup)

BOOST_AUTO_TEST_CASE(indexed_and_linear_lookups_agree) {
  Config linear = sample();
  expect_same_answers(linear);
  Config indexed = sample();
  indexed.index();
  BOOST_TEST(indexed.departments_by_id.size == 3u);
  expect_same_answers(indexed);
  Config copy = indexed;  // positions, not pointers: a copy answers with its own elements
  expect_same_answers(copy);
}

BOOST_AUTO_TEST_CASE(a_list_grown_after_index_is_scanned) {
  Config c = sample();
  c.index();
  c.departments.push_back({"minsk", "Minsk branch"});
  c.entry_points.push_back({"300", "Minsk", "minsk"});
  BOOST_TEST(c.find_department("minsk") == &c.departments[3]);
  BOOST_TEST(c.find_entry_point("300") == &c.entry_points[2]);
  BOOST_TEST(c.find_department("sales") == &c.departments[0]);
  c.index();
  BOOST_TEST(c.find_department("minsk") == &c.departments[3]);
}

BOOST_AUTO_TEST_SUITE_END()
