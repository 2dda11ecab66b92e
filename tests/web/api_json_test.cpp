#include <boost/test/unit_test.hpp>

#include "demo_data.hpp"
#include "web/api_json.hpp"
#include "web/ws_messages.hpp"

using namespace callboard;
using namespace callboard::web;
using nlohmann::json;

namespace {
domain::CrmViews demo_views(domain::Timestamp now) {
  domain::CrmViews v;
  std::uint64_t seq = 0;
  for (auto& e : testing::demo_events(now)) {
    domain::RecordedEvent r;
    r.sequence = ++seq;
    r.time = e.time;
    r.stream = e.stream;
    r.event = e.event;
    v.apply(r);
  }
  return v;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(api_json)

BOOST_AUTO_TEST_CASE(times_are_iso8601_utc_with_microseconds) {
  BOOST_TEST(iso8601(0) == "1970-01-01T00:00:00.000000Z");
  BOOST_TEST(iso8601(1'780'000'000'123'456) == "2026-05-28T20:26:40.123456Z");
  json j = json::object();
  put_time(j, "since", 1'780'000'000'000'000);
  BOOST_TEST(j["since"] == "2026-05-28T20:26:40.000000Z");
  BOOST_TEST(j["since_us"] == 1'780'000'000'000'000);
  put_time(j, "ended", 0);
  BOOST_TEST(j["ended"].is_null());
  BOOST_TEST(j["ended_us"].is_null());
}

BOOST_AUTO_TEST_CASE(card_has_deals_responsible_and_last_calls_newest_first) {
  const domain::Timestamp now = 1'780'000'000'000'000;
  auto views = demo_views(now);
  auto config = testing::demo_config();
  auto card = views.card(1, 10);
  BOOST_REQUIRE(card.has_value());
  json j = card_json(*card, config);
  BOOST_TEST(j["name"] == "Алексей Смирнов");
  BOOST_TEST(j["phones"][0] == testing::kKnownNumber);
  BOOST_TEST(j["responsible"]["login"] == "ivanov");
  BOOST_TEST(j["responsible"]["name"] == "Иван Иванов");
  BOOST_TEST(j["deals"][0]["stage"] == "proposal");
  BOOST_TEST(j["deals"][0]["amount"] == 1250000);
  BOOST_TEST(j["last_calls"].size() == 2u);
  BOOST_TEST(j["last_calls"][0]["id"] == "hist-2");
  BOOST_TEST(j["last_calls"][0]["outcome"] == "abandoned");
  BOOST_TEST(j["last_calls"][1]["outcome"] == "answered");
  BOOST_TEST(j["last_calls"][1]["agent_name"] == "Иван Иванов");
  BOOST_TEST(j["last_calls"][1]["wait_s"].get<double>() == 8.0);
  BOOST_TEST(j["last_calls"][1]["talk_s"].get<double>() == 185.0);
}

BOOST_AUTO_TEST_CASE(events_list_fields_by_name_and_enums_by_spelling) {
  domain::RecordedEvent r;
  r.sequence = 7;
  r.time = 1'780'000'000'000'000;
  r.stream = "call/abc";
  r.stream_version = 3;
  r.event = domain::CallEnded{"abc", domain::CallOutcome::answered, domain::EndedBy::agent, 200};
  json j = event_json(r);
  BOOST_TEST(j["sequence"] == 7);
  BOOST_TEST(j["version"] == 3);
  BOOST_TEST(j["type"] == "CallEnded");
  BOOST_TEST(j["type_tag"] == 68);
  BOOST_TEST(j["fields"]["call"] == "abc");
  BOOST_TEST(j["fields"]["outcome"] == "answered");
  BOOST_TEST(j["fields"]["ended_by"] == "agent");
  BOOST_TEST(j["fields"]["sip_status"] == 200);
  r.event = domain::RoutingDecided{"abc", "ring_all", {"ivanov", "petrova"}};
  BOOST_TEST(event_json(r)["fields"]["targets"][1] == "petrova");
}

BOOST_AUTO_TEST_CASE(websocket_frames_have_their_type_and_fields) {
  const domain::Timestamp now = 1'780'000'000'000'000;
  auto views = demo_views(now);
  auto config = testing::demo_config();
  json hello = json::parse(hello_message(config.agents[0], views.agent("ivanov"), now));
  BOOST_TEST(hello["type"] == "hello");
  BOOST_TEST(hello["login"] == "ivanov");
  BOOST_TEST(hello["state"] == "available");
  BOOST_TEST(hello["registered"] == true);
  BOOST_TEST(hello["server_time_us"] == now);
  json offline = json::parse(hello_message(config.agents[2], nullptr, now));
  BOOST_TEST(offline["state"] == "offline");
  BOOST_TEST(offline["since"].is_null());

  actors::ScreenPop pop;
  pop.call = "c1";
  pop.caller = "+375291234567";
  pop.dialled = "100";
  pop.entry_point_name = "Отдел продаж";
  pop.region = "BY";
  pop.location = "Минск";
  pop.card = views.card(1, 5);
  json p = json::parse(pop_message(pop, config, now));
  BOOST_TEST(p["type"] == "pop");
  BOOST_TEST(p["entry_point"] == "Отдел продаж");
  BOOST_TEST(p["card"]["name"] == "Алексей Смирнов");
  BOOST_TEST(p["source"].is_null());  // an untracked number
  pop.source = "Яндекс.Директ";
  pop.card.reset();
  p = json::parse(pop_message(pop, config, now));
  BOOST_TEST(p["card"].is_null());
  BOOST_TEST(p["source"] == "Яндекс.Директ");

  json closed = json::parse(pop_closed_message("c1", "answered_elsewhere"));
  BOOST_TEST(closed["type"] == "pop_closed");
  BOOST_TEST(closed["reason"] == "answered_elsewhere");
}

BOOST_AUTO_TEST_SUITE_END()
