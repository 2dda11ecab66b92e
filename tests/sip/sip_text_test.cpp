#include <boost/test/unit_test.hpp>

#include "sip/sip_text.hpp"

using namespace callboard::sip;

BOOST_AUTO_TEST_SUITE(sip_text)

BOOST_AUTO_TEST_CASE(display_names_are_quoted_and_cannot_inject_headers) {
  BOOST_TEST(quote_display_name("Ivan Petrov") == "\"Ivan Petrov\"");
  BOOST_TEST(quote_display_name("a\"b\\c") == "\"a\\\"b\\\\c\"");
  BOOST_TEST(quote_display_name("x\r\nVia: evil") == "\"xVia: evil\"");
  BOOST_TEST(quote_display_name("Иван") == "\"Иван\"");
}

BOOST_AUTO_TEST_CASE(display_names_are_unquoted) {
  BOOST_TEST(unquote_display_name("\"Ivan \\\"V\\\" Petrov\"") == "Ivan \"V\" Petrov");
  BOOST_TEST(unquote_display_name("  Bob  ") == "Bob");
  BOOST_TEST(unquote_display_name("") == "");
  BOOST_TEST(unquote_display_name(unquote_display_name(quote_display_name("a\"b"))) == "a\"b");
}

BOOST_AUTO_TEST_CASE(uri_user_is_escaped) {
  BOOST_TEST(escape_uri_user("+375291234567") == "+375291234567");
  BOOST_TEST(escape_uri_user("+375 29") == "+375%2029");
  BOOST_TEST(escape_uri_user("a@b:c") == "a%40b%3Ac");
  BOOST_TEST(escape_uri_user("x%41y") == "x%41y");
  BOOST_TEST(escape_uri_user("100%") == "100%25");
}

BOOST_AUTO_TEST_CASE(reason_phrases_lose_control_characters) {
  BOOST_TEST(clean_reason_phrase("Queued") == "Queued");
  BOOST_TEST(clean_reason_phrase("Bad\r\nX: y") == "BadX: y");
  BOOST_TEST(clean_reason_phrase("\r\n") == "");
}

BOOST_AUTO_TEST_SUITE_END()
