#define BOOST_TEST_MODULE web_unit_tests
#include <boost/test/unit_test.hpp>

#include "web/request_target.hpp"

using namespace callboard::web;

BOOST_AUTO_TEST_SUITE(request_target)

BOOST_AUTO_TEST_CASE(percent_decoding_keeps_plus_and_refuses_bad_escapes) {
  BOOST_TEST(percent_decode("%2B375%2029").value() == "+375 29");
  BOOST_TEST(percent_decode("+375").value() == "+375");
  BOOST_TEST(percent_decode("%D0%98").value() == "\xD0\x98");
  BOOST_TEST(!percent_decode("%").is_ok());
  BOOST_TEST(!percent_decode("abc%2").is_ok());
  BOOST_TEST(!percent_decode("%zz").is_ok());
  BOOST_TEST(!percent_decode("a%00b").is_ok());
}

BOOST_AUTO_TEST_CASE(target_splits_path_and_query) {
  auto t = parse_target("/api/clients?phone=%2B375291234567&limit=5&&flag&limit=9#frag");
  BOOST_REQUIRE(t.is_ok());
  BOOST_TEST(t->path == "/api/clients");
  BOOST_TEST(t->query.at("phone") == "+375291234567");
  BOOST_TEST(t->query.at("limit") == "5");  // the first of a repeated name wins
  BOOST_TEST(t->query.at("flag") == "");
  BOOST_TEST(!parse_target("api/clients").is_ok());
  BOOST_TEST(!parse_target("http://evil/").is_ok());
  BOOST_TEST(!parse_target("/a%zz").is_ok());
}

BOOST_AUTO_TEST_CASE(static_paths_map_under_the_root) {
  BOOST_TEST(sanitize_static_path("/").value() == "index.html");
  BOOST_TEST(sanitize_static_path("/app.js").value() == "app.js");
  BOOST_TEST(sanitize_static_path("/img/logo-2_x.png").value() == "img/logo-2_x.png");
}

BOOST_AUTO_TEST_CASE(traversal_and_odd_paths_are_refused) {
  // Every one of these is a decoded path, as the router passes it.
  for (const char* bad : {"/..", "/../etc/passwd", "/img/../../x", "/./app.js", "/.git/config",
                          "/.hidden", "//etc/passwd", "/a//b", "/img/", "/a\\..\\b", "/C:/x",
                          "/a%2e%2e", "/a b", "", "app.js", "/\xD0\x98.js"}) {
    BOOST_TEST(!sanitize_static_path(bad).is_ok(), "accepted: " << bad);
  }
  // Encoded forms are caught once decoded.
  auto decoded = percent_decode("/%2e%2e/%2E%2E/etc/passwd");
  BOOST_REQUIRE(decoded.is_ok());
  BOOST_TEST(!sanitize_static_path(decoded.value()).is_ok());
  auto slash = percent_decode("/..%2fetc%2fpasswd");
  BOOST_REQUIRE(slash.is_ok());
  BOOST_TEST(!sanitize_static_path(slash.value()).is_ok());
  // Double encoding decodes (once) to a literal '%', which is refused too.
  auto twice = percent_decode("/%252e%252e/x");
  BOOST_REQUIRE(twice.is_ok());
  BOOST_TEST(!sanitize_static_path(twice.value()).is_ok());
}

BOOST_AUTO_TEST_CASE(content_types_by_extension) {
  BOOST_TEST(content_type_for("index.html") == "text/html; charset=utf-8");
  BOOST_TEST(content_type_for("app.js") == "text/javascript; charset=utf-8");
  BOOST_TEST(content_type_for("style.css") == "text/css; charset=utf-8");
  BOOST_TEST(content_type_for("logo.svg") == "image/svg+xml");
  BOOST_TEST(content_type_for("blob.bin") == "application/octet-stream");
  BOOST_TEST(content_type_for("html") == "application/octet-stream");
}

BOOST_AUTO_TEST_SUITE_END()
