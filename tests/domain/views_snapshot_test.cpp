// Views saved and loaded (the snapshot's body) and their digest: a
// snapshot plus the events after it gives the same views as a full replay,
// at every split point of a mixed log; bad bytes are refused, never trusted.
#include <boost/test/unit_test.hpp>

#include <random>

#include "domain/views/crm_views.hpp"

using namespace callboard;
using namespace callboard::domain;

namespace {

constexpr Timestamp kT0 = 1'795'773'600'000'000;

// A log that touches every projection: clients with phones, tags, renames
// and merges; deals through the pipeline; notes; tasks done and open; calls
// answered, abandoned, missed and left open; agents and their states.
std::vector<RecordedEvent> mixed_log(unsigned seed, std::size_t steps) {
  std::mt19937 rng(seed);
  std::vector<RecordedEvent> out;
  std::map<std::string, std::uint64_t> versions;
  Timestamp t = kT0;
  auto add = [&](const std::string& stream, Event e) {
    t += 1 + rng() % 5'000'000;
    RecordedEvent r;
    r.sequence = out.size() + 1;
    r.time = t;
    r.stream = stream;
    r.stream_version = ++versions[stream];
    r.event = std::move(e);
    out.push_back(std::move(r));
  };
  const std::vector<std::string> agents{"anna", "boris", "vera"};
  const std::vector<std::string> stages{"new", "qualified", "proposal", "won"};
  for (const auto& a : agents) add(agent_stream(a), AgentCreated{a, "Агент " + a, "sales"});
  std::vector<ClientId> live;
  ClientId next_client = 1;
  DealId next_deal = 1;
  TaskId next_task = 1;
  std::vector<std::pair<ClientId, DealId>> deals;
  std::vector<std::pair<ClientId, TaskId>> tasks;
  int calls = 0;
  for (std::size_t i = 0; i < steps; ++i) {
    const unsigned pick = rng() % 12;
    if (live.empty() || pick == 0) {
      ClientId id = next_client++;
      add(client_stream(id), ClientCreated{id, "Клиент Ёжиков " + std::to_string(id), id % 2 ? "ООО «Ромашка»" : "", ""});
      add(client_stream(id), PhoneLinked{id, "+3752900" + std::to_string(10000 + id)});
      live.push_back(id);
      continue;
    }
    const ClientId c = live[rng() % live.size()];
    const std::string stream = client_stream(c);
    switch (pick) {
      case 1: add(stream, ClientUpdated{c, "Переименован " + std::to_string(i), "", "x@y.by"}); break;
      case 2: add(stream, TagAdded{c, rng() % 2 ? "vip" : "опт"}); break;
      case 3: add(stream, ResponsibleAssigned{c, agents[rng() % agents.size()]}); break;
      case 4: {
        DealId d = next_deal++;
        add(stream, DealOpened{c, d, "Сделка " + std::to_string(d), "new", static_cast<std::int64_t>(rng() % 100000), "BYN"});
        deals.emplace_back(c, d);
        break;
      }
      case 5:
        if (!deals.empty()) {
          auto [owner, d] = deals[rng() % deals.size()];
          if (rng() % 4 == 0) add(client_stream(owner), DealClosed{owner, d, rng() % 2 == 0, "r"});
          else add(client_stream(owner), DealStageChanged{owner, d, stages[rng() % stages.size()], "anna"});
        }
        break;
      case 6: add(stream, NoteAdded{c, i + 1, "boris", "заметка " + std::to_string(i), ""}); break;
      case 7: {
        TaskId id = next_task++;
        add(stream, TaskCreated{c, id, TaskKind::call_back, agents[rng() % 3], "sales", t + 3600'000'000LL, "+375291111111", "перезвонить", ""});
        tasks.emplace_back(c, id);
        break;
      }
      case 8:
        if (!tasks.empty()) {
          auto [owner, id] = tasks[rng() % tasks.size()];
          add(client_stream(owner), TaskCompleted{owner, id, "vera"});
        }
        break;
      case 9:
        if (live.size() >= 2) {
          // Merge c's neighbour into c: its deals and tasks move.
          std::size_t at = rng() % live.size();
          ClientId absorbed = live[at];
          if (absorbed == c) break;
          add(client_stream(absorbed), ClientMergedInto{absorbed, c});
          add(stream, ClientsMerged{c, absorbed});
          live.erase(live.begin() + static_cast<std::ptrdiff_t>(at));
          for (auto& d : deals) if (d.first == absorbed) d.first = c;
          for (auto& k : tasks) if (k.first == absorbed) k.first = c;
        }
        break;
      default: {
        const CallId call = "call" + std::to_string(++calls);
        const std::string agent = agents[rng() % agents.size()];
        add(call_stream(call), CallReceived{call, "+375291111111", rng() % 3 ? "100" : "200", ""});
        if (calls % 4 == 0) add(call_stream(call), CallAttributed{call, "Сайт: /цены"});
        add(call_stream(call), CallClassified{call, c, "", "BY"});
        add(call_stream(call), AgentOffered{call, agent});
        add(agent_stream(agent), AgentStateChanged{agent, AgentState::ringing, "", call});
        const unsigned how = rng() % 4;
        if (how == 0) {
          add(call_stream(call), CallAnswered{call, agent});
          add(call_stream(call), CallEnded{call, CallOutcome::answered, EndedBy::caller, 0});
        } else if (how == 1) {
          add(call_stream(call), OfferFailed{call, agent, 408, "no_answer"});
          add(call_stream(call), CallEnded{call, CallOutcome::abandoned, EndedBy::caller, 487});
        } else if (how == 2) {
          add(call_stream(call), CallEnded{call, CallOutcome::no_agent, EndedBy::system, 480});
        }  // else: still open
        add(agent_stream(agent), AgentStateChanged{agent, AgentState::available, "", ""});
      }
    }
  }
  return out;
}

std::string saved(const CrmViews& v) {
  std::string bytes;
  {
    ByteWriter w([&bytes](std::string_view s) { bytes.append(s); }, 64);
    v.save(w);
  }
  return bytes;
}

CrmViews replay(const std::vector<RecordedEvent>& log, std::size_t from, std::size_t to, CrmViews v = {}) {
  for (std::size_t i = from; i < to; ++i) v.apply(log[i]);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(views_snapshot)

BOOST_AUTO_TEST_CASE(snapshot_plus_tail_equals_full_replay_at_every_split) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const auto log = mixed_log(seed, 400);
    const CrmViews full = replay(log, 0, log.size());
    const std::string expected = full.digest();
    for (std::size_t split = 0; split <= log.size(); split += 37) {
      const CrmViews head = replay(log, 0, split);
      auto loaded = CrmViews::load(saved(head));
      BOOST_REQUIRE_MESSAGE(loaded.is_ok(), loaded.status().to_string());
      BOOST_TEST(loaded->digest() == head.digest());
      BOOST_TEST(loaded->last_sequence() == split);
      const CrmViews resumed = replay(log, split, log.size(), std::move(loaded).value());
      BOOST_TEST(resumed.digest() == expected, "seed " << seed << ", split at " << split);
      // The derived indexes were rebuilt, not just the saved state.
      BOOST_TEST(resumed.search("ёжик", 1000) == full.search("ёжик", 1000));
      BOOST_TEST((resumed.client_by_phone("+375290010001") == full.client_by_phone("+375290010001")));
      const std::vector<std::string> stages{"new", "qualified", "proposal", "won"};
      const Pipeline a = resumed.pipeline(stages, 5);
      const Pipeline b = full.pipeline(stages, 5);
      for (std::size_t i = 0; i < stages.size(); ++i) BOOST_TEST(a.stages[i].count == b.stages[i].count);
      BOOST_TEST(a.won.count == b.won.count);
      TaskFilter open;
      BOOST_TEST(resumed.tasks().list(open, 1000).size() == full.tasks().list(open, 1000).size());
      BOOST_TEST(resumed.open_calls() == full.open_calls());
    }
  }
}

// Regression: a word in both the name and the company (the demo's "Мария
// Сидоренко", "ИП Сидоренко") was indexed twice live and once after a
// snapshot load, so the digests differed (found by the crash test).
BOOST_AUTO_TEST_CASE(a_word_in_name_and_company_is_indexed_once) {
  std::vector<RecordedEvent> log;
  auto add = [&](const std::string& stream, std::uint64_t version, Event e) {
    RecordedEvent r;
    r.sequence = log.size() + 1;
    r.time = kT0;
    r.stream = stream;
    r.stream_version = version;
    r.event = std::move(e);
    log.push_back(std::move(r));
  };
  add("client/1", 1, ClientCreated{1, "Мария Сидоренко", "ИП Сидоренко", ""});
  add("client/2", 1, ClientCreated{2, "Сидоренко Сидоренко", "Сидоренко", ""});
  const CrmViews live = replay(log, 0, log.size());
  auto loaded = CrmViews::load(saved(live));
  BOOST_REQUIRE(loaded.is_ok());
  BOOST_TEST(loaded->digest() == live.digest());
  BOOST_TEST(live.search("сидоренко", 10) == (std::vector<ClientId>{1, 2}));
  // Renamed away and back: still found once.
  add("client/1", 2, ClientUpdated{1, "Мария", "ИП Сидоренко", ""});
  add("client/1", 3, ClientUpdated{1, "Мария Сидоренко", "ИП Сидоренко", ""});
  const CrmViews renamed = replay(log, 0, log.size());
  BOOST_TEST(renamed.search("сидор", 10) == (std::vector<ClientId>{1, 2}));
  BOOST_TEST(CrmViews::load(saved(renamed))->digest() == renamed.digest());
}

BOOST_AUTO_TEST_CASE(the_digest_tells_different_views_apart) {
  const auto log = mixed_log(7, 200);
  const CrmViews a = replay(log, 0, log.size());
  const CrmViews b = replay(log, 0, log.size() - 1);
  BOOST_TEST(a.digest() != b.digest());
  BOOST_TEST(a.digest() == replay(log, 0, log.size()).digest());
  BOOST_TEST(a.digest().size() == 32u);
  BOOST_TEST(CrmViews().digest() == CrmViews().digest());
}

BOOST_AUTO_TEST_CASE(bad_bytes_are_refused) {
  const auto log = mixed_log(9, 150);
  const std::string bytes = saved(replay(log, 0, log.size()));
  BOOST_TEST(CrmViews::load(bytes).is_ok());
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, bytes.size() / 3, bytes.size() - 1}) {
    auto r = CrmViews::load(bytes.substr(0, cut));
    BOOST_TEST(!r.is_ok(), "cut at " << cut);
    if (!r.is_ok()) BOOST_TEST(to_string(r.status().code()) == std::string("corruption"));
  }
  auto extra = CrmViews::load(bytes + "x");
  BOOST_TEST(!extra.is_ok());
  std::string other_version = bytes;
  other_version[0] = static_cast<char>(CrmViews::kSnapshotVersion + 1);
  auto v = CrmViews::load(other_version);
  BOOST_REQUIRE(!v.is_ok());
  BOOST_TEST(v.status().message().find("layout version") != std::string::npos);
  // Random damage never crashes the loader (it may or may not decode).
  std::mt19937 rng(5);
  for (int i = 0; i < 200; ++i) {
    std::string damaged = bytes;
    damaged[rng() % damaged.size()] = static_cast<char>(rng());
    (void)CrmViews::load(damaged);
  }
}

BOOST_AUTO_TEST_CASE(byte_codec_round_trips_and_refuses_overlong_varints) {
  std::string bytes;
  {
    ByteWriter w([&bytes](std::string_view s) { bytes.append(s); }, 4);
    w.u64(0);
    w.u64(UINT64_MAX);
    w.i64(INT64_MIN);
    w.i64(-1);
    w.str("Ёлка");
    w.boolean(true);
  }
  ByteReader r(bytes);
  std::uint64_t a = 1, b = 0;
  std::int64_t c = 0, d = 0;
  std::string s;
  bool flag = false;
  BOOST_TEST((r.u64(a) && r.u64(b) && r.i64(c) && r.i64(d) && r.str(s) && r.boolean(flag)));
  BOOST_TEST(a == 0u);
  BOOST_TEST(b == UINT64_MAX);
  BOOST_TEST(c == INT64_MIN);
  BOOST_TEST(d == -1);
  BOOST_TEST(s == "Ёлка");
  BOOST_TEST(flag);
  BOOST_TEST(r.at_end());
  std::uint64_t x = 0;
  const std::string overlong_bytes("\x80\x00", 2);
  ByteReader overlong(overlong_bytes);
  BOOST_TEST(!overlong.u64(x));
  const std::string wide_bytes("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
  ByteReader too_wide(wide_bytes);
  BOOST_TEST(!too_wide.u64(x));
  const std::string count_bytes("\x7f", 1);
  ByteReader huge_count(count_bytes);
  BOOST_TEST(!huge_count.count(x));
}

BOOST_AUTO_TEST_SUITE_END()
