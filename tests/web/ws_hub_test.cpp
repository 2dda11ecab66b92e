#include <boost/test/unit_test.hpp>

#include <memory>
#include <vector>

#include "web/ws_hub.hpp"

using namespace callboard::web;

namespace {
struct FakeSink final : WsSink {
  std::vector<std::string> got;
  int closes = 0;
  bool last_close_policy = false;
  void send(std::shared_ptr<const std::string> text) override { got.push_back(*text); }
  void close(bool policy) override {
    ++closes;
    last_close_policy = policy;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(ws_hub)

BOOST_AUTO_TEST_CASE(push_reaches_every_page_of_the_agent_only) {
  WsHub hub;
  auto a1 = std::make_shared<FakeSink>();
  auto a2 = std::make_shared<FakeSink>();
  auto b = std::make_shared<FakeSink>();
  hub.add("ivanov", "s1", a1);
  hub.add("ivanov", "s2", a2);
  hub.add("petrova", "s3", b);
  BOOST_TEST(hub.push("ivanov", "hi") == 2u);
  BOOST_TEST(a1->got.size() == 1u);
  BOOST_TEST(a2->got.at(0) == "hi");
  BOOST_TEST(b->got.empty());
  BOOST_TEST(hub.push("nobody", "x") == 0u);
}

BOOST_AUTO_TEST_CASE(closed_sockets_drop_out) {
  WsHub hub;
  auto a1 = std::make_shared<FakeSink>();
  auto a2 = std::make_shared<FakeSink>();
  hub.add("ivanov", "s1", a1);
  hub.add("ivanov", "s2", a2);
  hub.remove(a1.get());
  BOOST_TEST(hub.push("ivanov", "x") == 1u);
  a2.reset();  // the socket object went away without remove()
  BOOST_TEST(hub.push("ivanov", "y") == 0u);
  BOOST_TEST(hub.total() == 0u);
}

BOOST_AUTO_TEST_CASE(logout_closes_that_session_s_pages_only) {
  WsHub hub;
  auto mine = std::make_shared<FakeSink>();
  auto other_tab_other_login = std::make_shared<FakeSink>();
  hub.add("ivanov", "s1", mine);
  hub.add("ivanov", "s2", other_tab_other_login);
  hub.close_session("s1");
  BOOST_TEST(mine->closes == 1);
  BOOST_TEST(mine->last_close_policy);
  BOOST_TEST(other_tab_other_login->closes == 0);
  hub.close_all();
  BOOST_TEST(other_tab_other_login->closes == 1);
  BOOST_TEST(!other_tab_other_login->last_close_policy);
  BOOST_TEST(hub.total() == 0u);
}

BOOST_AUTO_TEST_CASE(outbound_queue_caps_count_and_bytes) {
  OutboundQueue q(3, 10);
  auto s = [](const char* t) { return std::make_shared<const std::string>(t); };
  BOOST_TEST(q.push(s("aaaa")));
  BOOST_TEST(q.push(s("bbbb")));
  BOOST_TEST(!q.push(s("ccc")));  // 11 bytes would pass the cap
  BOOST_TEST(q.push(s("cc")));
  BOOST_TEST(!q.push(s("")));     // a 4th message passes the count cap
  BOOST_TEST(*q.front() == "aaaa");
  q.pop();
  BOOST_TEST(q.push(s("dddd")));
  BOOST_TEST(q.size() == 3u);
  q.clear();
  BOOST_TEST(q.empty());
  BOOST_TEST(q.push(s("0123456789")));
}

BOOST_AUTO_TEST_SUITE_END()
