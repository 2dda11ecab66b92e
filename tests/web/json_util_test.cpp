#include <boost/test/unit_test.hpp>

#include "web/json_util.hpp"

using namespace callboard::web;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(json_util)

BOOST_AUTO_TEST_CASE(body_must_be_a_json_object) {
  FieldError e;
  BOOST_TEST(parse_object(R"({"login":"a"})", e).has_value());
  for (const char* bad : {"", "{", "not json", "[1,2]", "\"s\"", "42", "null", "{\"a\":1}}"}) {
    FieldError err;
    BOOST_TEST(!parse_object(bad, err).has_value(), "accepted: " << bad);
    BOOST_TEST(err.field == "");
    BOOST_TEST(!err.message.empty());
  }
}

BOOST_AUTO_TEST_CASE(string_fields_are_checked_for_presence_type_and_length) {
  json obj = json::parse(R"({"login":"ivanov","n":5,"empty":"","nul":null,"arr":["x"]})");
  std::string out;
  FieldError e;
  BOOST_TEST(read_string(obj, "login", 1, 64, out, e));
  BOOST_TEST(out == "ivanov");

  BOOST_TEST(!read_string(obj, "password", 1, 64, out, e));
  BOOST_TEST(e.field == "password");
  BOOST_TEST(e.message.find("required") != std::string::npos);

  BOOST_TEST(!read_string(obj, "n", 1, 64, out, e));
  BOOST_TEST(e.field == "n");
  BOOST_TEST(e.message.find("string") != std::string::npos);

  BOOST_TEST(!read_string(obj, "arr", 1, 64, out, e));
  BOOST_TEST(e.field == "arr");
  BOOST_TEST(!read_string(obj, "nul", 1, 64, out, e));
  BOOST_TEST(e.field == "nul");
  BOOST_TEST(!read_string(obj, "empty", 1, 64, out, e));
  BOOST_TEST(e.message.find("short") != std::string::npos);
  BOOST_TEST(!read_string(obj, "login", 1, 3, out, e));
  BOOST_TEST(e.message.find("longer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unsigned_integers_in_range) {
  std::uint64_t v = 0;
  FieldError e;
  BOOST_TEST(parse_uint("42", "limit", 1, 500, v, e));
  BOOST_TEST(v == 42u);
  for (const char* bad : {"", "0", "501", "-1", "1e3", " 5", "5 ", "0x10", "99999999999999999999"}) {
    BOOST_TEST(!parse_uint(bad, "limit", 1, 500, v, e), "accepted: " << bad);
    BOOST_TEST(e.field == "limit");
  }
}

BOOST_AUTO_TEST_CASE(errors_are_json_with_code_message_and_field) {
  HttpResponse r = bad_request({"login", "'login' must be a string"});
  BOOST_TEST(r.status == 400);
  json j = json::parse(r.body);
  BOOST_TEST(j["error"] == "bad_request");
  BOOST_TEST(j["field"] == "login");
  BOOST_TEST(j["message"] == "'login' must be a string");
  HttpResponse n = error_response(404, "not_found", "no client 9");
  BOOST_TEST(json::parse(n.body)["error"] == "not_found");
  BOOST_TEST(!json::parse(n.body).contains("field"));
}

BOOST_AUTO_TEST_CASE(invalid_utf8_does_not_throw_on_output) {
  json j = {{"name", std::string("bad \xff\xfe bytes")}};
  std::string out;
  BOOST_CHECK_NO_THROW(out = dump_json(j));
  BOOST_TEST(out.find("bad ") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
