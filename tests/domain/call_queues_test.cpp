// The queues: first come first served across queues, places kept.
#include <boost/test/unit_test.hpp>

#include "domain/call_queues.hpp"

using namespace callboard::domain;

BOOST_AUTO_TEST_SUITE(call_queues)

BOOST_AUTO_TEST_CASE(oldest_call_first_across_the_queues_an_agent_serves) {
  CallQueues q;
  BOOST_TEST(q.join("sales", "c1", 10, 5));
  BOOST_TEST(q.join("support", "c2", 20, 5));
  BOOST_TEST(q.join("sales", "c3", 30, 5));
  auto w = q.take_for("a", {"support", "sales"});
  BOOST_REQUIRE(w.has_value());
  BOOST_TEST(w->call == "c1");
  BOOST_TEST(q.take_for("a", {"support", "sales"})->call == "c2");
  BOOST_TEST(!q.take_for("b", {"support"}).has_value());
  BOOST_TEST(q.waiting("sales") == 1u);
  BOOST_TEST(q.size("sales") == 2u);  // c1 is being offered
}

BOOST_AUTO_TEST_CASE(a_call_not_taken_goes_back_to_its_place_and_skips_who_let_it_ring) {
  CallQueues q;
  q.join("sales", "c1", 10, 5);
  q.join("sales", "c2", 20, 5);
  auto w = q.take_for("a", {"sales"});
  BOOST_TEST(w->call == "c1");
  q.requeue("c1", {"a"});
  auto line = q.line("sales");
  BOOST_REQUIRE_EQUAL(line.size(), 2u);
  BOOST_TEST(line[0].call == "c1");  // ahead of c2, as it came first
  BOOST_TEST(q.take_for("a", {"sales"})->call == "c2");  // a let c1 ring out
  BOOST_TEST(q.take_for("b", {"sales"})->call == "c1");
}

BOOST_AUTO_TEST_CASE(max_length_counts_calls_being_offered_and_leave_frees_the_place) {
  CallQueues q;
  BOOST_TEST(q.join("sales", "c1", 1, 2));
  BOOST_TEST(q.join("sales", "c2", 2, 2));
  q.take_for("a", {"sales"});
  BOOST_TEST(!q.join("sales", "c3", 3, 2));
  q.leave("c1");
  BOOST_TEST(!q.contains("c1"));
  BOOST_TEST(q.join("sales", "c3", 3, 2));
  q.leave("nobody");  // harmless
  BOOST_TEST(q.size("sales") == 2u);
}

BOOST_AUTO_TEST_CASE(any_waiting_follows_calls_in_line_not_those_being_offered) {
  CallQueues q;
  BOOST_TEST(!q.any_waiting());
  q.join("sales", "c1", 1, 5);
  q.join("desk", "c2", 2, 5);
  BOOST_TEST(q.any_waiting());
  q.take_for("a", {"sales"});
  q.leave("c2");
  BOOST_TEST(!q.any_waiting());  // c1 is being offered, nobody is in line
  q.requeue("c1", {"a"});
  BOOST_TEST(q.any_waiting());
  BOOST_TEST(q.waiting("sales") == 1u);
  q.leave("c1");
  BOOST_TEST(!q.any_waiting());
  BOOST_TEST(q.size("sales") == 0u);
}

BOOST_AUTO_TEST_CASE(each_call_is_found_in_its_own_queue_whatever_moves_it) {
  CallQueues q;
  q.join("sales", "c1", 1, 5);
  q.join("desk", "c2", 2, 5);
  q.join("sales", "c3", 3, 5);
  q.join("desk", "c4", 4, 5);
  BOOST_TEST(q.requeue("c1", {"a"}).empty());  // not being offered: nothing to put back
  q.leave("c3");                                // from the middle of one line
  BOOST_TEST(q.line("sales").size() == 1u);
  BOOST_TEST(q.line("desk").size() == 2u);      // the other queue untouched
  BOOST_TEST(!q.contains("c3"));
  auto w = q.take_for("a", {"desk"});
  BOOST_TEST(w->call == "c2");
  BOOST_TEST(q.contains("c2"));
  BOOST_TEST(q.size("desk") == 2u);  // c2 being offered, c4 in line
  BOOST_TEST(q.size("sales") == 1u);
  BOOST_TEST(q.requeue("c2", {"a"}) == "desk");
  BOOST_TEST(q.size("desk") == 2u);
  BOOST_TEST(q.line("desk").front().call == "c2");
  q.take_for("b", {"desk"});
  q.leave("c2");  // while being offered
  BOOST_TEST(!q.contains("c2"));
  BOOST_TEST(q.size("desk") == 1u);
  BOOST_TEST(q.join("desk", "c2", 5, 2));  // a new call with the same id joins at the back
  BOOST_TEST(q.line("desk").back().call == "c2");
  q.leave("c4");
  q.leave("c2");
  q.leave("c1");
  BOOST_TEST(!q.any_waiting());
  BOOST_TEST(q.size("desk") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
