#include <boost/test/unit_test.hpp>

#include "sip/fork_policy.hpp"

using callboard::sip::best_final_response;

BOOST_AUTO_TEST_SUITE(fork_policy)

BOOST_AUTO_TEST_CASE(no_contacts_is_480) { BOOST_TEST(best_final_response({}) == 480); }

BOOST_AUTO_TEST_CASE(single_response_is_itself) {
  BOOST_TEST(best_final_response({486}) == 486);
  BOOST_TEST(best_final_response({404}) == 404);
  BOOST_TEST(best_final_response({503}) == 503);
}

BOOST_AUTO_TEST_CASE(six_hundreds_win_over_everything) {
  BOOST_TEST(best_final_response({486, 603}) == 603);
  BOOST_TEST(best_final_response({302, 600, 603}) == 600);
}

BOOST_AUTO_TEST_CASE(busy_here_wins_over_other_4xx_and_5xx) {
  BOOST_TEST(best_final_response({408, 486, 503}) == 486);
  BOOST_TEST(best_final_response({480, 486}) == 486);
}

BOOST_AUTO_TEST_CASE(lowest_class_wins_otherwise) {
  BOOST_TEST(best_final_response({503, 404}) == 404);
  BOOST_TEST(best_final_response({500, 302}) == 302);
}

BOOST_AUTO_TEST_CASE(timeout_is_least_informative_within_a_class) {
  BOOST_TEST(best_final_response({408, 480}) == 480);
  BOOST_TEST(best_final_response({408, 408}) == 408);
}

BOOST_AUTO_TEST_CASE(local_error_codes_read_as_500) {
  BOOST_TEST(best_final_response({900}) == 500);
  BOOST_TEST(best_final_response({900, 404}) == 404);
}

BOOST_AUTO_TEST_SUITE_END()
