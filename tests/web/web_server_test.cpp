// WebServer::start's errors and shutdown, on real sockets on 127.0.0.1.
#include <boost/test/unit_test.hpp>

#include "demo_data.hpp"
#include "web/web_server.hpp"

using namespace callboard;
using namespace callboard::web;

namespace {
struct Fixture {
  domain::Config config = testing::demo_config();
  domain::ManualClock clock;
  storage::ViewHost views;
  actors::NullHttpMetrics metrics;

  WebDeps deps() {
    WebDeps d;
    d.config = &config;
    d.views = &views;
    d.metrics = &metrics;
    d.clock = &clock;
    d.options.fast_password_hashing = true;
    return d;
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(web_server, Fixture)

BOOST_AUTO_TEST_CASE(a_taken_port_is_a_clear_io_error) {
  auto first = WebServer::start(deps());
  BOOST_REQUIRE(first.is_ok());
  const std::uint16_t port = first.value()->port();
  BOOST_TEST(port != 0);
  config.listen.http.port = port;
  auto second = WebServer::start(deps());
  BOOST_REQUIRE(!second.is_ok());
  BOOST_TEST(static_cast<int>(second.status().code()) == static_cast<int>(Status::Code::io_error));
  BOOST_TEST(second.status().message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_configuration_is_refused_before_binding) {
  config.listen.http.host = "not-an-address";
  auto bad_host = WebServer::start(deps());
  BOOST_REQUIRE(!bad_host.is_ok());
  BOOST_TEST(static_cast<int>(bad_host.status().code()) == static_cast<int>(Status::Code::invalid_argument));
  BOOST_TEST(bad_host.status().message().find("not-an-address") != std::string::npos);

  config.listen.http.host = "127.0.0.1";
  WebDeps d = deps();
  d.static_dir = "/no/such/dir";
  auto no_dir = WebServer::start(d);
  BOOST_REQUIRE(!no_dir.is_ok());
  BOOST_TEST(static_cast<int>(no_dir.status().code()) == static_cast<int>(Status::Code::not_found));

  config.agents[0].password_hash = "$2y$bcrypt";
  auto bad_hash = WebServer::start(deps());
  BOOST_REQUIRE(!bad_hash.is_ok());
  BOOST_TEST(bad_hash.status().message().find("ivanov") != std::string::npos);

  WebDeps missing = deps();
  missing.views = nullptr;
  BOOST_TEST(!WebServer::start(missing).is_ok());
}

BOOST_AUTO_TEST_CASE(stop_is_idempotent_and_pushes_after_it_are_ignored) {
  auto server = WebServer::start(deps());
  BOOST_REQUIRE(server.is_ok());
  actors::ScreenPop pop;
  pop.call = "c1";
  server.value()->screen_pop("ivanov", pop);
  server.value()->stop();
  server.value()->stop();
  server.value()->screen_pop("ivanov", pop);
  server.value()->pop_closed("ivanov", "c1", "ended");
  // The port is free again once stopped.
  config.listen.http.port = server.value()->port();
  auto again = WebServer::start(deps());
  BOOST_TEST(again.is_ok());
}

BOOST_AUTO_TEST_SUITE_END()
