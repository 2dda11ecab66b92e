// SipServer's lifecycle against real sockets on 127.0.0.1 (ports 25066-25068):
// start errors come back as Status values, and TelephonyPort calls outside
// start()..stop() are ignored.

#define BOOST_TEST_MODULE sip_server
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <ostream>
#include <thread>
#include <vector>

#include "sip/sip_server.hpp"

namespace callboard {
std::ostream& operator<<(std::ostream& os, Status::Code c) { return os << to_string(c); }
}  // namespace callboard

using namespace callboard;

namespace {

class NoSignals final : public actors::CallSignals {
 public:
  void incoming(actors::IncomingCall) override {}
  void leg_ringing(const domain::CallId&, domain::LegId) override {}
  void leg_answered(const domain::CallId&, domain::LegId) override {}
  void leg_failed(const domain::CallId&, domain::LegId, int) override {}
  void leg_hung_up(const domain::CallId&, domain::LegId) override {}
  void caller_cancelled(const domain::CallId&) override {}
  void caller_hung_up(const domain::CallId&) override {}
  void agent_registered(const domain::AgentId&, const std::string&) override {}
  void agent_unregistered(const domain::AgentId&, const std::string&) override {}
};

sip::SipServerConfig config_on(std::uint16_t port, const std::string& host = "127.0.0.1") {
  sip::SipServerConfig c;
  c.listen = domain::Endpoint{host, port};
  c.accounts = {{"sip1", "secret1", "agent1"}};
  return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(second_server_on_a_taken_port_gets_io_error) {
  actors::NullSipMetrics metrics;
  NoSignals signals;
  auto first = sip::SipServer::create(config_on(25066), metrics);
  BOOST_REQUIRE(first->start(signals).is_ok());
  auto second = sip::SipServer::create(config_on(25066), metrics);
  Status s = second->start(signals);
  BOOST_TEST(s.code() == Status::Code::io_error);
  BOOST_TEST(s.message().find("127.0.0.1:25066") != std::string::npos, s.message());
  BOOST_TEST_MESSAGE("taken port: " << s.to_string());
  first->stop();
  // The port is free again once the first server stopped.
  auto third = sip::SipServer::create(config_on(25066), metrics);
  BOOST_TEST(third->start(signals).is_ok());
}

BOOST_AUTO_TEST_CASE(address_that_is_not_local_gets_io_error) {
  actors::NullSipMetrics metrics;
  NoSignals signals;
  auto server = sip::SipServer::create(config_on(25067, "192.0.2.1"), metrics);  // TEST-NET-1
  BOOST_TEST(server->start(signals).code() == Status::Code::io_error);
}

BOOST_AUTO_TEST_CASE(bad_config_is_invalid_argument) {
  actors::NullSipMetrics metrics;
  NoSignals signals;
  auto c = config_on(25067);
  c.realm.clear();
  BOOST_TEST(sip::SipServer::create(c, metrics)->start(signals).code() ==
             Status::Code::invalid_argument);
  c = config_on(25067);
  c.min_expires = 600;
  c.max_expires = 60;
  BOOST_TEST(sip::SipServer::create(c, metrics)->start(signals).code() ==
             Status::Code::invalid_argument);
  c = config_on(0);
  BOOST_TEST(sip::SipServer::create(c, metrics)->start(signals).code() ==
             Status::Code::invalid_argument);
  c = config_on(25067);
  c.accounts.push_back({"sip2", "x", ""});
  BOOST_TEST(sip::SipServer::create(c, metrics)->start(signals).code() ==
             Status::Code::invalid_argument);
  c = config_on(25067);
  c.accounts.push_back({"sip1", "other", "agent9"});  // sip1 twice
  BOOST_TEST(sip::SipServer::create(c, metrics)->start(signals).code() ==
             Status::Code::invalid_argument);
  c = config_on(25067);
  c.dialog_port = 25067;  // the listen port again
  BOOST_TEST(sip::SipServer::create(c, metrics)->start(signals).code() ==
             Status::Code::invalid_argument);
  c = config_on(25067, "0.0.0.0");
  c.dialog_port = 25068;  // its Contact would name 0.0.0.0
  BOOST_TEST(sip::SipServer::create(c, metrics)->start(signals).code() ==
             Status::Code::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_taken_dialog_port_gets_io_error_naming_both_ports) {
  actors::NullSipMetrics metrics;
  NoSignals signals;
  auto first = sip::SipServer::create(config_on(25068), metrics);
  BOOST_REQUIRE(first->start(signals).is_ok());
  auto c = config_on(25067);
  c.dialog_port = 25068;  // taken by the first server
  auto second = sip::SipServer::create(c, metrics);
  Status s = second->start(signals);
  BOOST_TEST(s.code() == Status::Code::io_error);
  BOOST_TEST(s.message().find("127.0.0.1:25067") != std::string::npos, s.message());
  BOOST_TEST(s.message().find("127.0.0.1:25068") != std::string::npos, s.message());
  first->stop();
  // Both ports free: a server with the two starts, and its listen port is taken.
  auto two = sip::SipServer::create(c, metrics);
  BOOST_REQUIRE(two->start(signals).is_ok());
  auto third = sip::SipServer::create(config_on(25067), metrics);
  BOOST_TEST(third->start(signals).code() == Status::Code::io_error);
}

BOOST_AUTO_TEST_CASE(agent_without_a_phone_is_skipped) {
  actors::NullSipMetrics metrics;
  NoSignals signals;
  auto c = config_on(25067);
  c.accounts.push_back({"", "", "supervisor"});
  auto server = sip::SipServer::create(c, metrics);
  BOOST_TEST(server->start(signals).is_ok());
}

BOOST_AUTO_TEST_CASE(port_calls_outside_start_stop_are_ignored) {
  actors::NullSipMetrics metrics;
  NoSignals signals;
  auto server = sip::SipServer::create(config_on(25068), metrics);
  server->ring("c1", 1, "sip1", "+375291234567", "X");
  server->bridge("c1", 1);
  server->release("c1", 1);
  server->progress("c1", 180, "Ringing");
  server->reject("c1", 480, "No");
  server->hang_up_caller("c1");
  BOOST_TEST(server->snapshot().status().code() == Status::Code::unavailable);

  BOOST_REQUIRE(server->start(signals).is_ok());
  // Unknown call ids are ignored on the Sofia thread, too.
  server->ring("nope", 1, "sip1", "+375291234567", "X");
  server->release("nope", 1);
  auto snap = server->snapshot();
  BOOST_REQUIRE(snap.is_ok());
  BOOST_TEST(snap->calls == 0u);
  BOOST_TEST(snap->nua_handles == 0u);
  BOOST_TEST(server->start(signals).code() == Status::Code::unavailable);

  server->stop();
  server->stop();  // idempotent
  server->ring("c1", 1, "sip1", "+375291234567", "X");
  BOOST_TEST(server->snapshot().status().code() == Status::Code::unavailable);
  BOOST_TEST(server->start(signals).code() == Status::Code::unavailable);  // started once
}

BOOST_AUTO_TEST_CASE(posts_from_many_threads_racing_stop_are_safe) {
  actors::NullSipMetrics metrics;
  NoSignals signals;
  auto server = sip::SipServer::create(config_on(25068), metrics);
  BOOST_REQUIRE(server->start(signals).is_ok());
  std::atomic<bool> go{true};
  std::atomic<long> posted{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&, t] {
      while (go.load()) {
        const std::string call = "c" + std::to_string(t);
        server->ring(call, 1, "sip1", "+375291234567", "X");
        server->progress(call, 182, "Queued");
        server->release(call, 1);
        posted.fetch_add(3);
      }
    });
  }
  // Let the posters run until the loop has taken a good number of closures.
  while (posted.load() < 20000) std::this_thread::yield();
  server->stop();  // posters keep posting into the closing gate
  go.store(false);
  for (auto& p : posters) p.join();
  BOOST_TEST(server->snapshot().status().code() == Status::Code::unavailable);
}
