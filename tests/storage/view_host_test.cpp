// ViewHost: views rebuilt from the log equal the views kept live from the
// group-commit feed, on a real RocksDB log reopened in between.
#include <boost/test/unit_test.hpp>

#include "storage/group_commit.hpp"
#include "storage/view_host.hpp"
#include "test_support.hpp"

namespace cb = callboard;
namespace dom = callboard::domain;
namespace st = callboard::storage;
using st::test::new_event;

namespace {

// A day in the contact center: every kind of event the views fold.
std::vector<std::vector<st::NewEvent>> scenario(std::vector<std::string>& call_ids) {
  std::vector<std::vector<st::NewEvent>> out;
  dom::Timestamp t = 1'795'773'600'000'000;
  auto at = [&t](dom::Duration d = 1'000'000) { return t += d; };
  auto one = [&](std::string stream, dom::Event e) {
    out.push_back({new_event(std::move(stream), std::move(e), st::kAnyVersion, at())});
  };
  for (const char* a : {"ivan", "olga"}) {
    one(dom::agent_stream(a), dom::AgentCreated{a, std::string(a) + " Name", "sales"});
    one(dom::agent_stream(a), dom::AgentRegistered{a, std::string("sip:") + a + "@127.0.0.1"});
    one(dom::agent_stream(a), dom::AgentStateChanged{a, dom::AgentState::available, "", ""});
  }
  for (dom::ClientId id = 1; id <= 20; ++id) {
    const std::string s = dom::client_stream(id);
    std::vector<st::NewEvent> req;
    req.push_back(new_event(s, st::test::client_created(id, "Клиент " + std::to_string(id)), 0, at()));
    req.push_back(new_event(s, dom::PhoneLinked{id, "+37529" + std::to_string(1000000 + id)}, 1, at()));
    req.push_back(new_event(s, dom::ResponsibleAssigned{id, id % 2 ? "ivan" : "olga"}, 2, at()));
    out.push_back(std::move(req));
  }
  one("client/2", dom::PhoneLinked{2, "+375170000002"});
  one("client/2", dom::TagAdded{2, "vip"});
  one("client/2", dom::TagAdded{2, "old"});
  one("client/2", dom::TagRemoved{2, "old"});
  one("client/2", dom::ClientUpdated{2, "Renamed", "ООО Ромашка", "r@x.by"});
  one("client/2", dom::DealOpened{2, 100, "Trucks", "lead", 500000, "BYN"});
  one("client/2", dom::DealStageChanged{2, 100, "proposal", "olga"});
  one("client/2", dom::DealAmountChanged{2, 100, 450000, "BYN"});
  one("client/3", dom::DealOpened{3, 101, "Vans", "lead", 1000, "USD"});
  one("client/3", dom::DealClosed{3, 101, false, "price"});
  one("client/3", dom::NoteAdded{3, 1, "ivan", "called back", ""});
  one("client/3", dom::TaskCreated{3, 7, dom::TaskKind::call_back, "ivan", "", at(3600'000'000), "+375291000003", "call", ""});
  one("client/3", dom::TaskCompleted{3, 7, "ivan"});
  one("client/2", dom::ClientsMerged{2, 3});
  one("client/4", dom::PhoneUnlinked{4, "+375291000004"});
  // Calls: answered, abandoned after queueing, failed offer, open, interrupted.
  for (int n = 0; n < 5; ++n) {
    const std::string id = "call" + std::to_string(n);
    call_ids.push_back(id);
    const std::string s = dom::call_stream(id);
    const dom::ClientId client = static_cast<dom::ClientId>(n + 1);
    one(s, dom::CallReceived{id, "+37529" + std::to_string(1000000 + client), "100", "Caller"});
    one(s, dom::CallClassified{id, client, client % 2 ? "ivan" : "olga", "BY"});
    one(s, dom::RoutingDecided{id, "responsible", {client % 2 ? "ivan" : "olga"}});
    if (n == 1) {
      one(s, dom::CallQueued{id, "sales"});
      one(s, dom::CallEnded{id, dom::CallOutcome::abandoned, dom::EndedBy::caller, 487});
      continue;
    }
    one(s, dom::AgentOffered{id, "ivan"});
    one(dom::agent_stream("ivan"), dom::AgentStateChanged{"ivan", dom::AgentState::ringing, "", id});
    if (n == 2) {
      one(s, dom::OfferFailed{id, "ivan", 486, "busy"});
      one(s, dom::CallEnded{id, dom::CallOutcome::no_agent, dom::EndedBy::system, 480});
      continue;
    }
    one(s, dom::CallAnswered{id, "ivan"});
    one(dom::agent_stream("ivan"), dom::AgentStateChanged{"ivan", dom::AgentState::on_call, "", id});
    if (n == 0) one(s, dom::CallEnded{id, dom::CallOutcome::answered, dom::EndedBy::agent, 0});
    if (n == 4) one(s, dom::CallInterrupted{id, "restart"});
  }
  one(dom::agent_stream("olga"), dom::AgentUnregistered{"olga", "expired"});
  one(dom::agent_stream("olga"), dom::AgentStateChanged{"olga", dom::AgentState::paused, "lunch", ""});
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(views_rebuilt_from_the_log_equal_the_live_views) {
  st::test::TempDir dir;
  std::vector<std::string> call_ids;
  const auto requests = scenario(call_ids);
  std::string live_dump;
  {
    auto log = st::open_rocksdb_log({dir.sub("log")});
    BOOST_TEST_REQUIRE(log.is_ok(), log.status().to_string());
    st::ViewHost live;
    st::GroupCommitLog gc(**log);
    live.attach(gc);
    // Order matters to the views (a deal before its stage change), so the
    // requests go through the writer one after another.
    for (const auto& r : requests) {
      auto ack = gc.append(r);
      BOOST_TEST_REQUIRE(ack.is_ok(), ack.status().to_string());
    }
    gc.stop();
    live_dump = live.read([&](const dom::CrmViews& v) { return st::test::dump_views(v, call_ids); });
  }
  auto log = st::open_rocksdb_log({dir.sub("log")});
  BOOST_TEST_REQUIRE(log.is_ok(), log.status().to_string());
  st::ViewHost rebuilt;
  BOOST_TEST_REQUIRE(rebuilt.rebuild(**log).is_ok());
  const std::string rebuilt_dump = rebuilt.read([&](const dom::CrmViews& v) { return st::test::dump_views(v, call_ids); });
  BOOST_TEST(rebuilt_dump == live_dump);

  // The comparison means something only if the views hold the scenario.
  rebuilt.read([&](const dom::CrmViews& v) {
    BOOST_TEST(v.last_sequence() == (*log)->last_sequence());
    BOOST_TEST(v.client_count() == 19u);  // 20 created, 3 merged into 2
    BOOST_TEST(v.client(3)->id == 2u);
    BOOST_TEST(v.client(2)->name == "Renamed");
    BOOST_TEST(v.client(2)->tags == (std::vector<std::string>{"vip"}));
    BOOST_TEST(v.client(2)->deals.size() == 2u);
    BOOST_TEST(*v.client_by_phone("+375291000003") == 2u);
    BOOST_TEST(!v.client_by_phone("+375291000004").has_value());
    BOOST_TEST(v.open_calls() == (std::vector<std::string>{"call3"}));
    BOOST_TEST(v.call("call0")->talk() > 0);
    BOOST_TEST(v.agent("olga")->state == dom::AgentState::paused);
    BOOST_TEST(!v.history(2).empty());
    return 0;
  });
  BOOST_TEST_MESSAGE(rebuilt_dump);
}

BOOST_AUTO_TEST_CASE(a_rebuild_stops_at_a_damaged_log_with_its_error) {
  // The memory log cannot be damaged; a log whose read fails stands in.
  class Broken final : public st::EventLog {
   public:
    cb::Result<st::AppendResult> append(const std::vector<st::NewEvent>&, bool) override {
      return cb::Status::unavailable("read-only");
    }
    cb::Status read(std::uint64_t, std::uint64_t, const st::EventVisitor& v) const override {
      dom::RecordedEvent e{1, 0, "client/1", 1, st::test::client_created(1)};
      v(e);
      return cb::Status::corruption("event log record at sequence 2: checksum mismatch");
    }
    cb::Status read_stream(const std::string&, std::uint64_t, const st::EventVisitor&) const override {
      return cb::Status::ok();
    }
    cb::Result<std::uint64_t> stream_version(const std::string&) const override { return std::uint64_t{0}; }
    std::uint64_t last_sequence() const override { return 2; }
  } broken;
  st::ViewHost host;
  const cb::Status s = host.rebuild(broken);
  BOOST_TEST(s.code() == cb::Status::Code::corruption);
  BOOST_TEST(s.message().find("sequence 2") != std::string::npos);
}
