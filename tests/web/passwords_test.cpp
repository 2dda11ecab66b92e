#include <boost/test/unit_test.hpp>

#include "web/passwords.hpp"

using namespace callboard;
using namespace callboard::web;

namespace {
domain::AgentConfig agent(const char* login, const char* password, const char* hash = "") {
  domain::AgentConfig a;
  a.login = login;
  a.password = password;
  a.password_hash = hash;
  return a;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(passwords)

BOOST_AUTO_TEST_CASE(plain_passwords_are_hashed_and_verified) {
  auto book = PasswordBook::build({agent("ivanov", "secret"), agent("petrova", "other")},
                                  PasswordStrength::minimum());
  BOOST_REQUIRE(book.is_ok());
  BOOST_TEST(book->verify("ivanov", "secret"));
  BOOST_TEST(!book->verify("ivanov", "Secret"));
  BOOST_TEST(!book->verify("ivanov", ""));
  BOOST_TEST(!book->verify("ivanov", "other"));
  BOOST_TEST(book->verify("petrova", "other"));
  BOOST_TEST(!book->verify("nobody", "secret"));
}

BOOST_AUTO_TEST_CASE(configured_argon2id_hashes_are_used_as_they_are) {
  auto h = PasswordBook::hash("from-config", PasswordStrength::minimum());
  BOOST_REQUIRE(h.is_ok());
  BOOST_TEST(h->rfind("$argon2id$", 0) == 0u);
  auto book = PasswordBook::build({agent("admin", "", h->c_str())}, PasswordStrength::minimum());
  BOOST_REQUIRE(book.is_ok());
  BOOST_TEST(book->verify("admin", "from-config"));
  BOOST_TEST(!book->verify("admin", "from-confi"));
}

BOOST_AUTO_TEST_CASE(bad_password_config_is_refused_with_the_agent_named) {
  auto both = PasswordBook::build({agent("ivanov", "x", "$argon2id$v=19$m=8,t=1,p=1$x$y")},
                                  PasswordStrength::minimum());
  BOOST_TEST(!both.is_ok());
  BOOST_TEST(both.status().message().find("ivanov") != std::string::npos);
  auto not_argon = PasswordBook::build({agent("petrova", "", "$2y$10$bcrypt-hash")},
                                       PasswordStrength::minimum());
  BOOST_TEST(!not_argon.is_ok());
  BOOST_TEST(static_cast<int>(not_argon.status().code()) ==
             static_cast<int>(Status::Code::invalid_argument));
  BOOST_TEST(not_argon.status().message().find("petrova") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(agents_without_password_cannot_log_in) {
  auto book = PasswordBook::build({agent("sip_only", "")}, PasswordStrength::minimum());
  BOOST_REQUIRE(book.is_ok());
  BOOST_TEST(book->without_password().size() == 1u);
  BOOST_TEST(!book->verify("sip_only", ""));
  BOOST_TEST(!book->verify("sip_only", "anything"));
}

BOOST_AUTO_TEST_SUITE_END()
