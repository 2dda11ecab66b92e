// Click-to-call in the CRM views: the client's history shows an outbound
// call with its agent and talk time, it stays out of the inbound call
// statistics, and snapshots keep its direction.
#include <boost/test/unit_test.hpp>

#include "domain/views/crm_views.hpp"
#include "recorded_log.hpp"

using namespace callboard::domain;

namespace {

constexpr Timestamp kT0 = 1'780'000'000'000'000;

using Log = callboard::test::RecordedLog;

// Anna calls client 1 from his card: her phone at kT0, the client answers
// 8 s later, 30 s of talk, the client hangs up. Then a second attempt the
// client does not take (busy), and an inbound call that is answered.
Log calls() {
  Log log;
  log.add("agent/anna", kT0, AgentCreated{"anna", "Анна", "sales"});
  log.add("client/1", kT0, ClientCreated{1, "Иван Петров", "", ""});
  log.add("client/1", kT0, PhoneLinked{1, "+375291111111"});
  log.add("call/o1", kT0, CallPlaced{"o1", "anna", 1, "+375291111111", "+375172000100"});
  log.add("call/o1", kT0 + 8'000'000, CallAnswered{"o1", "anna"});
  log.add("call/o1", kT0 + 38'000'000, CallEnded{"o1", CallOutcome::answered, EndedBy::caller, 0});
  log.add("call/o2", kT0 + 60'000'000, CallPlaced{"o2", "anna", 1, "+375291111111", "+375172000100"});
  log.add("call/o2", kT0 + 65'000'000, CallEnded{"o2", CallOutcome::not_answered, EndedBy::caller, 486});
  log.add("call/i1", kT0 + 90'000'000, CallReceived{"i1", "+375291111111", "100", ""});
  log.add("call/i1", kT0 + 90'000'000, CallClassified{"i1", 1, "anna", "BY"});
  log.add("call/i1", kT0 + 92'000'000, CallAnswered{"i1", "anna"});
  log.add("call/i1", kT0 + 99'000'000, CallEnded{"i1", CallOutcome::answered, EndedBy::caller, 0});
  return log;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outbound_views)

BOOST_AUTO_TEST_CASE(an_outbound_call_is_in_the_clients_history_with_its_agent_and_talk_time) {
  const CrmViews v = calls().replay();
  auto history = v.history(1);
  BOOST_REQUIRE_EQUAL(history.size(), 3u);  // newest first: i1, o2, o1
  BOOST_TEST(history[2].call == "o1");
  const CallRecord* o1 = v.call("o1");
  BOOST_REQUIRE(o1);
  BOOST_TEST((o1->direction == CallDirection::outbound));
  BOOST_TEST(o1->client == 1u);
  BOOST_TEST(o1->agent == "anna");
  BOOST_TEST(o1->dialled == "+375291111111");
  BOOST_TEST(o1->caller == "+375172000100");
  BOOST_TEST(o1->talk() == 30 * kMicrosPerSecond);
  BOOST_TEST((o1->outcome == CallOutcome::answered));
  BOOST_TEST((o1->ended_by == EndedBy::caller));

  const CallRecord* o2 = v.call("o2");
  BOOST_REQUIRE(o2);
  BOOST_TEST((o2->outcome == CallOutcome::not_answered));
  BOOST_TEST(o2->talk() == 0);
  BOOST_TEST((v.call("i1")->direction == CallDirection::inbound));
  // The card's last calls hold them too.
  auto card = v.card(1);
  BOOST_REQUIRE(card.has_value());
  BOOST_TEST(card->last_calls.size() == 3u);
  BOOST_TEST(v.open_call_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_tracked_call_keeps_its_source_through_a_snapshot) {
  Log log = calls();
  log.add("call/i1", kT0 + 90'000'001, CallAttributed{"i1", "Яндекс.Директ"});
  const CrmViews v = log.replay();
  BOOST_TEST(v.call("i1")->source == "Яндекс.Директ");
  BOOST_TEST(v.call("o1")->source.empty());
  std::string bytes;
  {
    ByteWriter w([&bytes](std::string_view s) { bytes.append(s); }, 64);
    v.save(w);
  }
  auto loaded = CrmViews::load(bytes);
  BOOST_REQUIRE_MESSAGE(loaded.is_ok(), loaded.status().to_string());
  BOOST_TEST(loaded->call("i1")->source == "Яндекс.Директ");
  BOOST_TEST(loaded->digest() == v.digest());
}

BOOST_AUTO_TEST_CASE(an_outbound_call_without_an_end_is_open_for_start_up_recovery) {
  Log log = calls();
  log.add("call/o3", kT0 + 200'000'000, CallPlaced{"o3", "anna", 1, "+375291111111", "+375172000100"});
  const CrmViews v = log.replay();
  BOOST_TEST(v.open_calls() == std::vector<CallId>{"o3"});
}

BOOST_AUTO_TEST_CASE(outbound_calls_stay_out_of_the_inbound_statistics) {
  const CrmViews v = calls().replay();
  StatsQuery q;
  q.by = StatsQuery::By::department;
  q.from_day = CallStats::day_of(kT0);
  q.to_day = q.from_day;
  q.per_day = false;
  auto rows = v.call_stats(q, [](const std::string&) { return std::string("sales"); });
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_TEST(rows[0].summary.offered == 1u);  // i1 only
  BOOST_TEST(rows[0].summary.answered == 1u);
}

BOOST_AUTO_TEST_CASE(a_snapshot_keeps_the_direction) {
  const CrmViews v = calls().replay();
  std::string bytes;
  {
    ByteWriter w([&bytes](std::string_view s) { bytes.append(s); }, 64);
    v.save(w);
  }
  auto loaded = CrmViews::load(bytes);
  BOOST_REQUIRE_MESSAGE(loaded.is_ok(), loaded.status().to_string());
  BOOST_TEST((loaded->call("o1")->direction == CallDirection::outbound));
  BOOST_TEST((loaded->call("i1")->direction == CallDirection::inbound));
  BOOST_TEST(loaded->digest() == v.digest());
}

BOOST_AUTO_TEST_SUITE_END()
