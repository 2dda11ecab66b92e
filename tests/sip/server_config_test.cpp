#include <boost/test/unit_test.hpp>

#include "sip/sip_server.hpp"

using namespace callboard;

BOOST_AUTO_TEST_SUITE(server_config)

BOOST_AUTO_TEST_CASE(takes_listen_sip_section_and_agents_with_a_sip_user) {
  domain::Config c;
  c.listen.sip = domain::Endpoint{"127.0.0.1", 25060};
  c.sip.realm = "office";
  c.sip.domain = "pbx.example";
  c.sip.min_expires = 30;
  c.sip.max_expires = 7200;
  c.sip.default_expires = 300;
  c.sip.dialog_port = 25092;
  domain::AgentConfig ivanov;
  ivanov.login = "ivanov";
  ivanov.sip_user = "101";
  ivanov.sip_password = "s3cret";
  domain::AgentConfig boss;  // a supervisor without a phone
  boss.login = "boss";
  c.agents = {ivanov, boss};

  const sip::SipServerConfig s = sip::server_config_from(c);
  BOOST_TEST(s.listen.to_string() == "127.0.0.1:25060");
  BOOST_TEST(s.realm == "office");
  BOOST_TEST(s.domain == "pbx.example");
  BOOST_TEST(s.min_expires == 30u);
  BOOST_TEST(s.max_expires == 7200u);
  BOOST_TEST(s.default_expires == 300u);
  BOOST_TEST(s.dialog_port == 25092u);
  BOOST_REQUIRE_EQUAL(s.accounts.size(), 1u);
  BOOST_TEST(s.accounts[0].user == "101");
  BOOST_TEST(s.accounts[0].password == "s3cret");
  BOOST_TEST(s.accounts[0].agent == "ivanov");
}

BOOST_AUTO_TEST_SUITE_END()
