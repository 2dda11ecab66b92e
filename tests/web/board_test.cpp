// The supervisor board: its JSON (web/board_json.hpp) and the snapshot +
// numbered deltas + resume logic (web/board_feed.hpp), including a
// randomised run of the two threads' interleavings against pages that come
// and go, which must all end up holding the server's board.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <map>
#include <random>

#include "web/board_feed.hpp"
#include "web/board_json.hpp"

using namespace callboard;
using namespace callboard::web;
using nlohmann::json;

namespace {

constexpr domain::Timestamp kT0 = 1'795'780'800'000'000;  // 2026-11-27T08:40:00Z
constexpr domain::Duration kS = domain::kMicrosPerSecond;

domain::Config config() {
  domain::Config c;
  domain::DepartmentConfig desk;
  desk.id = "desk";
  desk.name = "Дежурный";
  domain::DepartmentConfig sales;
  sales.id = "sales";
  sales.name = "Продажи";
  sales.queue.enabled = false;
  c.departments = {desk, sales};
  domain::AgentConfig dina;
  dina.login = "dina";
  dina.name = "Дина";
  dina.department = "desk";
  domain::AgentConfig olga = dina;
  olga.login = "olga";
  olga.name = "Ольга";
  olga.role = domain::Role::supervisor;
  c.agents = {dina, olga};
  domain::EntryPointConfig e;
  e.number = "107";
  e.department = "desk";
  c.entry_points = {e};
  return c;
}

struct Log {
  std::vector<domain::RecordedEvent> events;
  domain::CrmViews views;
  domain::RecordedEvent add(const std::string& stream, domain::Timestamp t, domain::Event e) {
    domain::RecordedEvent r;
    r.sequence = events.size() + 1;
    r.time = t;
    r.stream = stream;
    r.event = std::move(e);
    events.push_back(r);
    views.apply(r);
    return r;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(board_json)

BOOST_AUTO_TEST_CASE(the_board_shows_waiting_calls_agents_and_todays_figures) {
  Log log;
  log.add("agent/dina", kT0, domain::AgentCreated{"dina", "Дина", "desk"});
  log.add("agent/dina", kT0, domain::AgentPauseChanged{"dina", true, "lunch", "olga"});
  log.add("client/1", kT0, domain::ClientCreated{1, "Иван Петров", "", ""});
  log.add("call/a", kT0 + 1 * kS, domain::CallReceived{"a", "+375291111111", "107", ""});
  log.add("call/a", kT0 + 1 * kS, domain::CallClassified{"a", 1, "", "BY"});
  log.add("call/a", kT0 + 2 * kS, domain::CallQueued{"a", "desk"});
  log.add("call/b", kT0 + 3 * kS, domain::CallReceived{"b", "+375292222222", "107", ""});
  log.add("call/b", kT0 + 4 * kS, domain::CallQueued{"b", "desk"});
  log.add("call/a", kT0 + 5 * kS, domain::RoutingDecided{"a", "queue", {"dina"}});
  log.add("call/a", kT0 + 5 * kS, domain::AgentOffered{"a", "dina"});
  // One call of today already over: answered after 4 s.
  log.add("call/z", kT0, domain::CallReceived{"z", "+375293333333", "107", ""});
  log.add("call/z", kT0 + 4 * kS, domain::CallAnswered{"z", "dina"});
  log.add("call/z", kT0 + 9 * kS, domain::CallEnded{"z", domain::CallOutcome::answered, domain::EndedBy::caller, 0});

  json b = board_snapshot(log.views, config(), kT0 + 10 * kS);
  BOOST_TEST(b["seq"] == log.events.size());
  BOOST_TEST(b["day"] == "2026-11-27");
  // The desk's queue, then no other (sales has its queue switched off).
  BOOST_REQUIRE(b["queues"].size() == 1u);
  const json& q = b["queues"][0];
  BOOST_TEST(q["id"] == "desk");
  BOOST_REQUIRE(q["waiting"].size() == 2u);
  BOOST_TEST(q["waiting"][0]["call"] == "a");
  BOOST_TEST(q["waiting"][0]["position"] == 1);
  BOOST_TEST(q["waiting"][0]["client_name"] == "Иван Петров");
  BOOST_TEST(q["waiting"][0]["since_us"] == kT0 + 2 * kS);
  BOOST_TEST(q["waiting"][0]["received_us"] == kT0 + 1 * kS);
  BOOST_TEST(q["waiting"][0]["offered"] == "dina");
  BOOST_TEST(q["waiting"][1]["call"] == "b");
  BOOST_TEST(q["waiting"][1]["client"].is_null());
  BOOST_TEST(q["longest_since_us"] == kT0 + 2 * kS);
  // Every configured agent, in config order.
  BOOST_REQUIRE(b["agents"].size() == 2u);
  BOOST_TEST(b["agents"][0]["login"] == "dina");
  BOOST_TEST(b["agents"][0]["paused"] == true);
  BOOST_TEST(b["agents"][0]["pause_reason"] == "lunch");
  BOOST_TEST(b["agents"][1]["state"] == "offline");
  // Figures per configured department.
  BOOST_REQUIRE(b["departments"].size() == 2u);
  BOOST_TEST(b["departments"][0]["department"] == "desk");
  BOOST_TEST(b["departments"][0]["offered"] == 1);
  BOOST_TEST(b["departments"][0]["answered"] == 1);
  BOOST_TEST(b["departments"][0]["average_wait_s"] == 4.0);
  BOOST_TEST(b["departments"][0]["service_level"] == 1.0);
  BOOST_TEST(b["departments"][1]["offered"] == 0);
  BOOST_TEST(b["departments"][1]["service_level"].is_null());
}

BOOST_AUTO_TEST_CASE(a_batch_names_what_it_changed) {
  Log log;
  std::uint64_t queue_version = 0;
  auto batch = [&](std::vector<domain::RecordedEvent> events) {
    return board_changes(events, log.views, queue_version);
  };
  auto c1 = batch({log.add("agent/dina", kT0, domain::AgentStateChanged{"dina", domain::AgentState::available, "", ""})});
  BOOST_TEST(c1.agents == (std::set<domain::AgentId>{"dina"}));
  BOOST_TEST(!c1.queues);
  BOOST_TEST(!c1.departments);
  auto c2 = batch({log.add("call/a", kT0, domain::CallReceived{"a", "+1", "107", ""}),
                   log.add("call/a", kT0, domain::CallQueued{"a", "desk"})});
  BOOST_TEST(c2.queues);
  BOOST_TEST(c2.agents.empty());
  auto c3 = batch({log.add("call/q", kT0, domain::CallReceived{"q", "+2", "107", ""})});
  BOOST_TEST(c3.empty());
  auto c4 = batch({log.add("call/a", kT0, domain::CallEnded{"a", domain::CallOutcome::abandoned,
                                                             domain::EndedBy::caller, 487})});
  BOOST_TEST(c4.queues);
  BOOST_TEST(c4.departments);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(board_feed)

namespace {
BoardChanges agents(std::initializer_list<const char*> who) {
  BoardChanges c;
  for (const char* w : who) c.agents.insert(w);
  return c;
}
json body_of(const BoardChanges& c) {
  json j = json::object();
  for (const auto& a : c.agents) j[a] = 1;
  return j;
}
}  // namespace

BOOST_AUTO_TEST_CASE(deltas_are_numbered_by_the_batch_and_the_delta_before) {
  BoardProducer p(10);
  const auto on = gate_word(1, true);
  auto d1 = p.on_batch(11, on, agents({"a"}), body_of);
  BOOST_REQUIRE(d1);
  // The first delta follows the batches the producer never looked at.
  BOOST_TEST(d1->after_gap);
  BOOST_TEST(d1->prev == 10u);
  BOOST_TEST(d1->seq == 11u);
  BOOST_TEST(!p.on_batch(12, on, BoardChanges{}, body_of));  // nothing changed: nothing sent
  auto d2 = p.on_batch(13, on, agents({"b"}), body_of);
  BOOST_REQUIRE(d2);
  BOOST_TEST(!d2->after_gap);
  BOOST_TEST(d2->prev == 11u);  // the delta before, not the batch before
  json f = json::parse(*d2->frame);
  BOOST_TEST(f["type"] == "board_delta");
  BOOST_TEST(f["seq"] == 13);
  BOOST_TEST(f["prev"] == 11);
  BOOST_TEST(f["b"] == 1);
  // The gate closes: batches are skipped; the next delta says so.
  BOOST_TEST(!p.on_batch(14, gate_word(2, false), agents({"c"}), body_of));
  auto d3 = p.on_batch(15, gate_word(3, true), agents({"d"}), body_of);
  BOOST_REQUIRE(d3);
  BOOST_TEST(d3->after_gap);
  BOOST_TEST(d3->prev == 14u);
  BOOST_TEST(d3->epoch == 3u);
}

BOOST_AUTO_TEST_CASE(a_resume_is_served_only_from_an_unbroken_run_of_the_current_epoch) {
  BoardLog log(100, 10);
  auto delta = [](std::uint64_t seq, std::uint64_t prev, std::uint64_t epoch, bool gap) {
    return BoardDelta{seq, prev, epoch, gap, std::make_shared<const std::string>(std::to_string(seq))};
  };
  // Nothing known yet: a snapshot.
  BOOST_TEST(log.resume(10, 10).snapshot);
  log.new_epoch(1);
  BOOST_TEST(log.resume(10, 12).snapshot);
  log.add(delta(12, 11, 1, true));
  log.add(delta(15, 12, 1, false));
  BOOST_TEST(log.trusted());
  BOOST_TEST(log.floor() == 11u);
  auto r = log.resume(11, 15);
  BOOST_TEST(!r.snapshot);
  BOOST_REQUIRE(r.frames.size() == 2u);
  BOOST_TEST(*r.frames[0] == "12");
  r = log.resume(13, 16);  // between deltas (a snapshot taken at 13)
  BOOST_REQUIRE(r.frames.size() == 1u);
  BOOST_TEST(*r.frames[0] == "15");
  BOOST_TEST(log.resume(16, 16).frames.empty());  // ahead of the deltas, not of the views
  BOOST_TEST(!log.resume(16, 16).snapshot);
  BOOST_TEST(log.resume(10, 16).snapshot);  // before the floor
  BOOST_TEST(log.resume(17, 16).snapshot);  // beyond the views: another log
  // The gate moves: batches may be skipped that the log cannot know of.
  log.new_epoch(2);
  BOOST_TEST(log.resume(15, 16).snapshot);
  log.add(delta(18, 15, 1, false));  // produced before the switch: still not trusted
  BOOST_TEST(log.resume(18, 18).snapshot);
  log.add(delta(20, 19, 2, true));
  BOOST_TEST(log.floor() == 19u);
  BOOST_TEST(!log.resume(19, 20).snapshot);
  BOOST_TEST(log.resume(18, 20).snapshot);
}

BOOST_AUTO_TEST_CASE(the_log_keeps_the_last_deltas_and_raises_its_floor) {
  BoardLog log(3, 0);
  log.new_epoch(1);
  for (std::uint64_t s = 1; s <= 5; ++s)
    log.add(BoardDelta{s, s - 1, 1, s == 1, std::make_shared<const std::string>(std::to_string(s))});
  BOOST_TEST(log.size() == 3u);
  BOOST_TEST(log.floor() == 2u);
  BOOST_TEST(log.resume(1, 5).snapshot);
  BOOST_TEST(log.resume(2, 5).frames.size() == 3u);
}

namespace {

// The server's board in the simulation: keys with values, changed by batches.
struct Server {
  std::uint64_t seq = 0;
  std::map<std::string, std::uint64_t> board;
};

// A page: the same rules as web/static/board.js (BoardState).
struct Page {
  bool connected = false;
  std::optional<std::uint64_t> seq;
  std::map<std::string, std::uint64_t> board;
  int snapshots = 0;
  int resumes = 0;
  int gaps = 0;
  // false: a gap, the page reconnects.
  bool receive(const std::string& frame) {
    json f = json::parse(frame);
    const std::uint64_t s = f["seq"];
    const std::uint64_t prev = f["prev"];
    if (!seq || prev > *seq) {
      ++gaps;
      return false;
    }
    if (s <= *seq) return true;
    for (auto& [k, v] : f["values"].items()) board[k] = v;
    seq = s;
    return true;
  }
};

}  // namespace

// The delivery thread (batches, the producer) and the io thread (posted
// deltas, the log, sockets opening and closing, the gate, the sweep) run
// in random interleavings; whatever happened, once the io thread has caught
// up, every open page holds the server's board.
BOOST_AUTO_TEST_CASE(pages_that_come_and_go_end_up_with_the_servers_board) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    Server server;
    BoardProducer producer(0);
    BoardLog log(8, 0);  // small, so pages fall behind it too
    std::uint64_t epoch = 0;
    std::uint64_t gate = gate_word(0, false);
    int idle_sweeps = 0;
    std::deque<BoardDelta> posted;  // delivery thread -> io thread
    std::vector<Page> pages(3);
    int resumes = 0;

    auto switch_gate = [&](bool on) {
      gate = gate_word(++epoch, on);
      log.new_epoch(epoch);
    };
    std::function<void(Page&)> connect = [&](Page& page) {
      if (!gate_on(gate)) switch_gate(true);
      idle_sweeps = 0;
      page.connected = true;
      BoardLog::Resume plan;
      if (page.seq) plan = log.resume(*page.seq, server.seq);
      if (plan.snapshot) {
        page.board = server.board;
        page.seq = server.seq;
        ++page.snapshots;
        return;
      }
      ++page.resumes;
      ++resumes;
      for (const auto& f : plan.frames) {
        if (!page.receive(*f)) {
          page.connected = false;
          connect(page);
          return;
        }
      }
    };
    auto io_step = [&] {
      BoardDelta d = posted.front();
      posted.pop_front();
      log.add(d);
      for (auto& page : pages) {
        if (page.connected && !page.receive(*d.frame)) {
          page.connected = false;
          connect(page);
        }
      }
    };

    for (int step = 0; step < 400; ++step) {
      const int what = static_cast<int>(rng() % 100);
      if (what < 40) {  // the delivery thread: one batch
        ++server.seq;
        BoardChanges changes;
        for (const char* key : {"a", "b", "c", "d"}) {
          if (chance(30)) {
            server.board[key] = server.seq;
            changes.agents.insert(key);
          }
        }
        const std::uint64_t g = gate;
        if (!BoardProducer::recording(g)) {
          producer.skip(server.seq);
          continue;
        }
        auto d = producer.on_batch(server.seq, g, changes, [&](const BoardChanges& c) {
          json values = json::object();
          for (const auto& k : c.agents) values[k] = server.board[k];
          return json{{"values", values}};
        });
        if (d) posted.push_back(*d);
      } else if (what < 70) {
        if (!posted.empty()) io_step();
      } else if (what < 82) {
        Page& page = pages[rng() % pages.size()];
        if (!page.connected) connect(page);
      } else if (what < 94) {
        pages[rng() % pages.size()].connected = false;
      } else {  // the sweep
        const bool any = std::any_of(pages.begin(), pages.end(), [](const Page& p) { return p.connected; });
        if (gate_on(gate) && !any && ++idle_sweeps >= 2) switch_gate(false);
        if (any) idle_sweeps = 0;
      }
    }
    while (!posted.empty()) io_step();
    for (auto& page : pages) {
      if (!page.connected) connect(page);
      BOOST_TEST((page.board == server.board), "seed " << seed);
    }
    if (seed == 40) BOOST_TEST_MESSAGE("resumes in the last run: " << resumes);
  }
}

BOOST_AUTO_TEST_SUITE_END()
