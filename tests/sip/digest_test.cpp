#include <boost/test/unit_test.hpp>

#include "sip/digest.hpp"

using namespace callboard::sip;

namespace {

// RFC 2617 §3.5, the published example (HTTP GET, qop=auth).
DigestCredentials rfc2617_example() {
  auto parsed = parse_digest_credentials(split_auth_params(
      "username=\"Mufasa\", realm=\"testrealm@host.com\", "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
      "qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
      "response=\"6629fae49393a05397450978507c4ef1\", "
      "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
  BOOST_REQUIRE(parsed.is_ok());
  return parsed.value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(digest)

BOOST_AUTO_TEST_CASE(md5_known_vectors) {
  BOOST_TEST(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  BOOST_TEST(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
}

BOOST_AUTO_TEST_CASE(rfc2617_example_parses) {
  auto c = rfc2617_example();
  BOOST_TEST(c.username == "Mufasa");
  BOOST_TEST(c.realm == "testrealm@host.com");
  BOOST_TEST(c.nonce == "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  BOOST_TEST(c.uri == "/dir/index.html");
  BOOST_TEST(c.qop == "auth");
  BOOST_TEST(c.nc == "00000001");
  BOOST_TEST(c.cnonce == "0a4f113b");
  BOOST_TEST(c.opaque == "5ccc069c403ebaf9f0171e9517f40e41");
}

BOOST_AUTO_TEST_CASE(rfc2617_example_response) {
  auto c = rfc2617_example();
  auto r = digest_response(c, "GET", "Circle Of Life");
  BOOST_REQUIRE(r.is_ok());
  BOOST_TEST(r.value() == "6629fae49393a05397450978507c4ef1");
  BOOST_TEST(digest_matches(c, "GET", "Circle Of Life"));
}

BOOST_AUTO_TEST_CASE(rfc2617_example_rejects_wrong_password_method_or_nonce) {
  auto c = rfc2617_example();
  BOOST_TEST(!digest_matches(c, "GET", "Circle of Life"));
  BOOST_TEST(!digest_matches(c, "POST", "Circle Of Life"));
  c.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c094";
  BOOST_TEST(!digest_matches(c, "GET", "Circle Of Life"));
}

// RFC 7616 §3.9.1 repeats the computation with MD5 and other values.
BOOST_AUTO_TEST_CASE(rfc7616_md5_example_response) {
  DigestCredentials c;
  c.username = "Mufasa";
  c.realm = "http-auth@example.org";
  c.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  c.uri = "/dir/index.html";
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  c.algorithm = "MD5";
  auto r = digest_response(c, "GET", "Circle of Life");
  BOOST_REQUIRE(r.is_ok());
  BOOST_TEST(r.value() == "8ca523f5e9506fed4657c9700eebdbec");
}

// Values below were computed independently with Python's hashlib.
BOOST_AUTO_TEST_CASE(no_qop_rfc2069_compatibility) {
  auto c = rfc2617_example();
  c.qop.clear();
  c.nc.clear();
  c.cnonce.clear();
  auto r = digest_response(c, "GET", "Circle Of Life");
  BOOST_REQUIRE(r.is_ok());
  BOOST_TEST(r.value() == "670fd8c2df070c60b045671b8b24ff02");
}

BOOST_AUTO_TEST_CASE(sip_register_and_md5_sess) {
  DigestCredentials c;
  c.username = "sip1";
  c.realm = "callboard";
  c.nonce = "abc";
  c.uri = "sip:127.0.0.1:25060";
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "xyz";
  BOOST_TEST(digest_response(c, "REGISTER", "secret1").value() == "b33d62718c3dd43acdf8bd792bd30668");
  c.algorithm = "MD5-sess";
  BOOST_TEST(digest_response(c, "REGISTER", "secret1").value() == "5ffe02828e188a730414aa78aa9237a4");
  c.response = "5FFE02828E188A730414AA78AA9237A4";  // hex case does not matter
  BOOST_TEST(digest_matches(c, "REGISTER", "secret1"));
}

BOOST_AUTO_TEST_CASE(unsupported_algorithm_and_qop_are_errors) {
  auto c = rfc2617_example();
  c.algorithm = "SHA-256";
  BOOST_TEST(!digest_response(c, "GET", "Circle Of Life").is_ok());
  BOOST_TEST(!digest_matches(c, "GET", "Circle Of Life"));
  c.algorithm.clear();
  c.qop = "auth-int";
  BOOST_TEST(!digest_response(c, "GET", "Circle Of Life").is_ok());
}

BOOST_AUTO_TEST_CASE(split_honours_quotes_and_escapes) {
  auto items = split_auth_params(" a=\"x, y\" ,b=tok, c=\"q\\\"d\",, ");
  BOOST_REQUIRE_EQUAL(items.size(), 3u);
  BOOST_TEST(items[0] == "a=\"x, y\"");
  BOOST_TEST(items[1] == "b=tok");
  BOOST_TEST(items[2] == "c=\"q\\\"d\"");
}

BOOST_AUTO_TEST_CASE(parse_errors) {
  // missing response
  BOOST_TEST(!parse_digest_credentials(split_auth_params(
                  "username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\""))
                  .is_ok());
  // repeated parameter
  BOOST_TEST(!parse_digest_credentials(split_auth_params(
                  "username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""))
                  .is_ok());
  // qop without nc/cnonce
  BOOST_TEST(!parse_digest_credentials(split_auth_params(
                  "username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth"))
                  .is_ok());
  // names are case-insensitive, unknown ones ignored, escapes removed
  auto ok = parse_digest_credentials(split_auth_params(
      "USERNAME=\"a\\\"b\", Realm=r, nonce=\"n\", uri=\"u\", response=\"x\", foo=bar"));
  BOOST_REQUIRE(ok.is_ok());
  BOOST_TEST(ok->username == "a\"b");
  BOOST_TEST(ok->realm == "r");
}

BOOST_AUTO_TEST_SUITE_END()
