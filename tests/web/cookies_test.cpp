#include <boost/test/unit_test.hpp>

#include "web/cookies.hpp"

using namespace callboard::web;

BOOST_AUTO_TEST_SUITE(cookies)

BOOST_AUTO_TEST_CASE(finds_the_named_cookie) {
  BOOST_TEST(find_cookie("cb_session=abc", "cb_session").value() == "abc");
  BOOST_TEST(find_cookie("a=1; cb_session=abc; b=2", "cb_session").value() == "abc");
  BOOST_TEST(find_cookie("a=1;cb_session=abc", "cb_session").value() == "abc");
  BOOST_TEST(find_cookie("  cb_session = \"abc\" ", "cb_session").value() == "abc");
  BOOST_TEST(find_cookie("x_cb_session=1; cb_session=2", "cb_session").value() == "2");
}

BOOST_AUTO_TEST_CASE(absent_or_empty_is_nullopt) {
  BOOST_TEST(!find_cookie("", "cb_session").has_value());
  BOOST_TEST(!find_cookie("a=1; b=2", "cb_session").has_value());
  BOOST_TEST(!find_cookie("cb_session=", "cb_session").has_value());
  BOOST_TEST(!find_cookie("cb_session", "cb_session").has_value());
  BOOST_TEST(!find_cookie(";;;", "cb_session").has_value());
  BOOST_TEST(!find_cookie("CB_SESSION=abc", "cb_session").has_value());
}

BOOST_AUTO_TEST_CASE(set_cookie_has_the_protective_attributes) {
  std::string c = session_cookie("abc");
  BOOST_TEST(c.rfind("cb_session=abc;", 0) == 0);
  BOOST_TEST(c.find("HttpOnly") != std::string::npos);
  BOOST_TEST(c.find("SameSite=Strict") != std::string::npos);
  BOOST_TEST(c.find("Path=/") != std::string::npos);
  std::string gone = expired_session_cookie();
  BOOST_TEST(gone.find("Max-Age=0") != std::string::npos);
  BOOST_TEST(gone.rfind("cb_session=;", 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
