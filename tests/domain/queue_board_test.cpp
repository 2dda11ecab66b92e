// The queue board projection (domain/views/queue_board.hpp) and the call
// results (RecordCallResult -> CallResultRecorded -> a client's history).
#include <boost/test/unit_test.hpp>

#include "domain/client.hpp"
#include "domain/views/crm_views.hpp"
#include "domain/views/queue_board.hpp"
#include "recorded_log.hpp"

using namespace callboard;
using namespace callboard::domain;

namespace {

constexpr Timestamp kT0 = 1'790'000'000'000'000;
constexpr Duration kS = kMicrosPerSecond;

struct Log : callboard::test::RecordedLog {
  // A call that arrives at `t` and joins `queue`.
  void queued(const CallId& call, const std::string& queue, Timestamp t) {
    add("call/" + call, t, CallReceived{call, "+37529" + call, "107", ""});
    add("call/" + call, t, RoutingDecided{call, "ring_all", {}});
    add("call/" + call, t + 1, CallQueued{call, queue});
  }
  QueueBoard board() const {
    QueueBoard b;
    for (const auto& e : events) b.apply(e);
    return b;
  }
};

std::string snapshot_bytes(const CrmViews& v) {
  std::string bytes;
  {
    ByteWriter w([&bytes](std::string_view s) { bytes.append(s); }, 64);
    v.save(w);
  }
  return bytes;
}

std::vector<CallId> ids(const std::vector<QueuedCall>& calls) {
  std::vector<CallId> out;
  for (const auto& c : calls) out.push_back(c.call);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(queue_board)

BOOST_AUTO_TEST_CASE(calls_wait_in_the_order_they_joined_each_in_its_queue) {
  Log log;
  log.queued("a", "desk", kT0);
  log.queued("b", "sales", kT0 + 1 * kS);
  log.queued("c", "desk", kT0 + 2 * kS);
  QueueBoard b = log.board();
  BOOST_TEST(b.size() == 3u);
  BOOST_TEST(ids(b.waiting("desk")) == (std::vector<CallId>{"a", "c"}));
  BOOST_TEST(ids(b.waiting("sales")) == (std::vector<CallId>{"b"}));
  BOOST_TEST(b.waiting("support").empty());
  // `since` is when it joined the queue, not when the call came in.
  BOOST_TEST(b.find("a")->since == kT0 + 1);
  BOOST_TEST(ids(b.all()) == (std::vector<CallId>{"a", "c", "b"}));
}

BOOST_AUTO_TEST_CASE(answered_ended_interrupted_and_moved_on_calls_leave_the_queue) {
  Log log;
  for (const char* c : {"a", "b", "c", "d", "e"}) log.queued(c, "desk", kT0);
  log.add("call/a", kT0 + 5 * kS, CallAnswered{"a", "dina"});
  log.add("call/b", kT0 + 6 * kS, CallEnded{"b", CallOutcome::abandoned, EndedBy::caller, 487});
  log.add("call/c", kT0 + 7 * kS, CallInterrupted{"c", "restart"});
  // The queue's maximum wait passed: the next step of the ladder.
  log.add("call/d", kT0 + 8 * kS, RoutingDecided{"d", "agents", {"sec"}});
  QueueBoard b = log.board();
  BOOST_TEST(ids(b.waiting("desk")) == (std::vector<CallId>{"e"}));
}

BOOST_AUTO_TEST_CASE(an_offer_from_the_queue_marks_the_call_and_a_failed_one_puts_it_back_in_its_place) {
  Log log;
  log.queued("a", "desk", kT0);
  log.queued("b", "desk", kT0 + kS);
  log.add("call/a", kT0 + 3 * kS, RoutingDecided{"a", "queue", {"dina"}});
  log.add("call/a", kT0 + 3 * kS, AgentOffered{"a", "dina"});
  QueueBoard b = log.board();
  BOOST_TEST(b.find("a")->offered == "dina");
  BOOST_TEST(ids(b.waiting("desk")) == (std::vector<CallId>{"a", "b"}));
  log.add("call/a", kT0 + 9 * kS, OfferFailed{"a", "dina", 0, "no_answer"});
  b = log.board();
  BOOST_TEST(b.find("a")->offered.empty());
  BOOST_TEST(ids(b.waiting("desk")) == (std::vector<CallId>{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(the_version_moves_on_every_change_and_only_then) {
  QueueBoard b;
  Log log;
  auto apply = [&](RecordedEvent e) { b.apply(e); return b.version(); };
  const auto v0 = b.version();
  auto v1 = apply(log.add("call/x", kT0, CallReceived{"x", "+1", "107", ""}));
  BOOST_TEST(v1 == v0);  // not queued yet
  auto v2 = apply(log.add("call/x", kT0, CallQueued{"x", "desk"}));
  BOOST_TEST(v2 > v1);
  auto v3 = apply(log.add("call/y", kT0, CallAnswered{"y", "anna"}));  // another call
  BOOST_TEST(v3 == v2);
  auto v4 = apply(log.add("call/x", kT0, AgentOffered{"x", "dina"}));
  BOOST_TEST(v4 > v3);
  auto v5 = apply(log.add("call/x", kT0, CallEnded{"x", CallOutcome::abandoned, EndedBy::caller, 487}));
  BOOST_TEST(v5 > v4);
  BOOST_TEST(b.size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_views_keep_the_board_live_but_out_of_snapshots) {
  Log log;
  log.queued("a", "desk", kT0);
  CrmViews v;
  for (const auto& e : log.events) v.apply(e);
  BOOST_TEST(v.queue_board().size() == 1u);
  auto loaded = CrmViews::load(snapshot_bytes(v));
  BOOST_REQUIRE(loaded.is_ok());
  // A snapshot starts with an empty board: start-up recovery ends every
  // call a restart finds open, so there is nothing to wait for.
  BOOST_TEST(loaded->queue_board().size() == 0u);
  BOOST_TEST(loaded->digest() == v.digest());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(call_results)

BOOST_AUTO_TEST_CASE(a_known_result_about_a_call_is_recorded_with_who_gave_it) {
  Config config;
  ClientState s = evolve(ClientState{}, ClientCreated{7, "Иван", "", ""});
  auto r = decide(s, RecordCallResult{7, "call-1", "interested"}, "anna", config);
  BOOST_REQUIRE(r.is_ok());
  BOOST_REQUIRE(r->size() == 1u);
  BOOST_TEST((std::get<CallResultRecorded>(r->front()) == CallResultRecorded{7, "call-1", "interested", "anna"}));
}

BOOST_AUTO_TEST_CASE(an_unknown_result_or_a_missing_call_is_refused_naming_the_field) {
  Config config;
  ClientState s = evolve(ClientState{}, ClientCreated{7, "Иван", "", ""});
  auto bad = decide(s, RecordCallResult{7, "call-1", "maybe"}, "anna", config);
  BOOST_TEST((bad.status().code() == Status::Code::invalid_argument));
  BOOST_TEST(bad.status().message().rfind("result:", 0) == 0u);
  auto no_call = decide(s, RecordCallResult{7, "", "interested"}, "anna", config);
  BOOST_TEST(no_call.status().message().rfind("call:", 0) == 0u);
  auto nobody = decide(ClientState{}, RecordCallResult{7, "call-1", "interested"}, "anna", config);
  BOOST_TEST((nobody.status().code() == Status::Code::not_found));
}

BOOST_AUTO_TEST_CASE(the_result_is_in_the_client_history_and_survives_a_snapshot) {
  Log log;
  log.add("client/7", kT0, ClientCreated{7, "Иван", "", ""});
  log.add("call/c1", kT0 + kS, CallReceived{"c1", "+375291111111", "100", ""});
  log.add("client/7", kT0 + 9 * kS, CallResultRecorded{7, "c1", "call_back", "anna"});
  log.events.back().stream_version = 2;
  CrmViews v;
  for (const auto& e : log.events) v.apply(e);
  auto h = v.history(7);
  BOOST_REQUIRE(h.size() == 1u);
  BOOST_TEST(static_cast<int>(h[0].kind) == static_cast<int>(HistoryEntry::Kind::result));
  BOOST_TEST(h[0].text == "call_back");
  BOOST_TEST(h[0].agent == "anna");
  BOOST_TEST(h[0].call == "c1");
  BOOST_TEST(v.client(7)->version == 2u);
  auto loaded = CrmViews::load(snapshot_bytes(v));
  BOOST_REQUIRE(loaded.is_ok());
  BOOST_TEST(loaded->history(7).size() == 1u);
  BOOST_TEST(loaded->digest() == v.digest());
}

BOOST_AUTO_TEST_SUITE_END()
