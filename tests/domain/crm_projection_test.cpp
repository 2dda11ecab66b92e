// The CRM projections grown for issue 3: name search, tasks, the deal
// pipeline, call statistics, history entries, versions.
#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <set>

#include "domain/views/crm_views.hpp"
#include "recorded_log.hpp"

using namespace callboard::domain;

namespace {

constexpr Timestamp kDay = 86'400LL * kMicrosPerSecond;
constexpr Timestamp kT0 = 20'000LL * kDay + 9 * 3600LL * kMicrosPerSecond;  // 2024-10-04 09:00 UTC
constexpr Timestamp kS = kMicrosPerSecond;

struct Log : callboard::test::RecordedLog {
  void client(ClientId id, Timestamp t, Event e) { add(client_stream(id), t, std::move(e)); }
  void call(const CallId& id, Timestamp t, Event e) { add(call_stream(id), t, std::move(e)); }
};

std::vector<ClientId> ids(const CrmViews& v, const std::string& q, std::size_t limit = 10) {
  return v.search(q, limit);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crm_projections)

BOOST_AUTO_TEST_CASE(search_folds_case_and_yo_in_cyrillic_and_latin) {
  BOOST_TEST(fold_for_search("  ЁЛКИН   Иван ") == "елкин иван");
  BOOST_TEST(fold_for_search("ÄÖÜ Straße ΣΟΦΙΑ") == "äöü straße σοφια");
  BOOST_TEST(fold_for_search("Ўладзімір Ґонта") == "ўладзімір ґонта");
  Log log;
  log.client(1, kT0, ClientCreated{1, "Иван Петров", "ООО «Ромашка»", ""});
  log.client(2, kT0, ClientCreated{2, "Пётр Ёлкин", "", ""});
  log.client(3, kT0, ClientCreated{3, "Peter O'Neil", "Acme Industrial Holdings", ""});
  log.client(4, kT0, ClientCreated{4, "Петрова Анна", "", ""});
  CrmViews v = log.replay();
  BOOST_TEST(ids(v, "пет") == (std::vector<ClientId>{2, 1, 4}));   // "петр елкин" < "петров" < "петрова "
  BOOST_TEST(ids(v, "ПЕТРОВ") == (std::vector<ClientId>{1, 4}));
  BOOST_TEST(ids(v, "елк") == std::vector<ClientId>{2});
  BOOST_TEST(ids(v, "ромаш") == std::vector<ClientId>{1});           // a company word, after «
  BOOST_TEST(ids(v, "иван пет") == std::vector<ClientId>{1});        // across words
  BOOST_TEST(ids(v, "neil") == std::vector<ClientId>{3});
  BOOST_TEST(ids(v, "acme industrial hold") == std::vector<ClientId>{3});  // past the 15-byte keys
  BOOST_TEST(ids(v, "acme industrial hole").empty());
  BOOST_TEST(ids(v, "ван").empty());                                  // not a word start
  BOOST_TEST(ids(v, "   ").empty());
  BOOST_TEST(ids(v, "п", 2).size() == 2u);
}

BOOST_AUTO_TEST_CASE(search_follows_renames_and_merges) {
  Log log;
  log.client(1, kT0, ClientCreated{1, "Иван Петров", "", ""});
  log.client(2, kT0, ClientCreated{2, "Иван Сидоров", "", ""});
  log.client(1, kT0, ClientUpdated{1, "Иван Кузнецов", "", ""});
  log.client(2, kT0, ClientMergedInto{2, 1});
  log.client(1, kT0, ClientsMerged{1, 2});
  CrmViews v = log.replay();
  BOOST_TEST(ids(v, "петров").empty());
  BOOST_TEST(ids(v, "кузн") == std::vector<ClientId>{1});
  BOOST_TEST(ids(v, "сидоров").empty());
  BOOST_TEST(ids(v, "иван") == std::vector<ClientId>{1});
  BOOST_TEST(v.resolve(2) == 1u);
  BOOST_TEST(v.client(2)->id == 1u);
  BOOST_TEST(v.client_ids(0, 10) == std::vector<ClientId>{1});
}

BOOST_AUTO_TEST_CASE(search_index_agrees_with_brute_force_through_merges) {
  // Enough keys to merge the recent buffer into the sorted vector many
  // times, with renames (tombstones, keys coming back) in between.
  std::mt19937 rng(11);
  const std::vector<std::string> words{"Иван", "Пётр", "Анна", "Ёлкин", "Смирнов", "Acme", "Ромашка", "Петрова",
                                       "Ivanov", "Строй", "Торг", "Lumber", "Σοφία"};
  auto name = [&] { return words[rng() % words.size()] + " " + words[rng() % words.size()]; };
  ClientSearch index;
  std::map<ClientId, std::pair<std::string, std::string>> truth;
  for (ClientId id = 1; id <= 12000; ++id) {
    truth[id] = {name(), rng() % 3 ? "" : "ООО «" + words[rng() % words.size()] + "»"};
    index.add(id, truth[id].first, truth[id].second);
    if (id % 7 == 0) {  // a rename of an earlier client
      const ClientId who = 1 + rng() % id;
      index.remove(who, truth[who].first, truth[who].second);
      truth[who].first = rng() % 2 ? name() : truth[who].first + " мл.";
      index.add(who, truth[who].first, truth[who].second);
    }
  }
  auto lookup = [&](ClientId id, std::string& n, std::string& c) {
    n = truth[id].first;
    c = truth[id].second;
    return true;
  };
  auto word_prefix = [](const std::string& folded_text, const std::string& q) {
    for (std::size_t i = 0; i < folded_text.size(); ++i) {
      if ((i == 0 || folded_text[i - 1] == ' ' || folded_text[i - 1] == '\xAB' ||
           folded_text.compare(i - 2 < folded_text.size() ? i - 2 : 0, 2, "\xC2\xAB") == 0) &&
          folded_text.compare(i, q.size(), q) == 0)
        return true;
    }
    return false;
  };
  for (const std::string q : {"пет", "ив", "ёлкин с", "acme", "ром", "σοφ", "смирнов анна", "торг", "иван пётр мл"}) {
    const std::string fq = fold_for_search(q);
    std::set<ClientId> expected;
    for (const auto& [id, nc] : truth) {
      if (word_prefix(fold_for_search(nc.first), fq) || word_prefix(fold_for_search(nc.second), fq)) expected.insert(id);
    }
    auto got = index.find(q, 100000, lookup);
    BOOST_TEST(std::set<ClientId>(got.begin(), got.end()) == expected, "query " << q);
    BOOST_TEST(got.size() == expected.size(), "query " << q << ": each client once");
  }
  std::size_t keys = 0;
  std::string previous;
  bool ordered = true;
  index.for_each_key([&](std::string_view key, ClientId) {
    ordered = ordered && std::string(key) >= previous;
    previous = std::string(key);
    ++keys;
  });
  BOOST_TEST(ordered);
  BOOST_TEST(keys == index.entries());
}

BOOST_AUTO_TEST_CASE(versions_follow_each_clients_stream) {
  Log log;
  log.client(1, kT0, ClientCreated{1, "A", "", ""});
  log.client(1, kT0, PhoneLinked{1, "+375291111111"});
  log.client(1, kT0, NoteAdded{1, 1, "anna", "x", ""});
  log.client(1, kT0, TaskCreated{1, 1, TaskKind::call_back, "anna", "sales", kT0, "", "", ""});
  CrmViews v = log.replay();
  BOOST_TEST(v.client(1)->version == 4u);
  BOOST_TEST(v.max_note_id() == 1u);
  BOOST_TEST(v.max_task_id() == 1u);
}

BOOST_AUTO_TEST_CASE(tasks_by_assignee_department_due_and_state) {
  Log log;
  log.client(1, kT0, ClientCreated{1, "A", "", ""});
  log.client(1, kT0, TaskCreated{1, 1, TaskKind::call_back, "anna", "sales", kT0 + 3 * kS, "+375291111111", "late", ""});
  log.client(1, kT0, TaskCreated{1, 2, TaskKind::call_back, "anna", "sales", kT0 + 1 * kS, "+375291111111", "soon", ""});
  log.client(1, kT0, TaskCreated{1, 3, TaskKind::other, "", "support", kT0 + 2 * kS, "", "dept", ""});
  log.add("task/4", kT0, TaskCreated{0, 4, TaskKind::call_back, "boris", "sales", kT0, "+375297777777", "orphan", ""});
  log.client(1, kT0 + 5 * kS, TaskCompleted{1, 1, "boris"});
  CrmViews v = log.replay();
  const TaskBoard& t = v.tasks();
  TaskFilter anna;
  anna.assignee = "anna";
  auto open = t.list(anna, 10);
  BOOST_REQUIRE(open.size() == 1u);
  BOOST_TEST(open[0].id == 2u);
  TaskFilter sales;
  sales.department = "sales";
  auto dept = t.list(sales, 10);
  BOOST_REQUIRE(dept.size() == 2u);
  BOOST_TEST(dept[0].id == 4u);  // due first
  BOOST_TEST(dept[1].id == 2u);
  TaskFilter done;
  done.state = TaskFilter::State::done;
  auto finished = t.list(done, 10);
  BOOST_REQUIRE(finished.size() == 1u);
  BOOST_TEST(finished[0].done_by == "boris");
  BOOST_TEST(finished[0].done_at == kT0 + 5 * kS);
  TaskFilter overdue;
  overdue.due_before = kT0 + 2 * kS;
  BOOST_TEST(t.list(overdue, 10).size() == 2u);  // tasks 4 and 2
  TaskFilter all;
  all.state = TaskFilter::State::any;
  BOOST_TEST(t.list(all, 10).size() == 4u);
  BOOST_TEST(t.open_count() == 3u);
  // History shows both the task and its completion.
  auto h = v.history(1, 10);
  BOOST_REQUIRE(h.size() == 4u);
  BOOST_TEST((h[0].kind == HistoryEntry::Kind::task && h[0].action == HistoryEntry::Action::done));
  BOOST_TEST(h[0].ref == 1u);
  BOOST_TEST(h[0].agent == "boris");
}

BOOST_AUTO_TEST_CASE(merge_moves_tasks_deals_and_history) {
  Log log;
  log.client(1, kT0, ClientCreated{1, "A", "", ""});
  log.client(2, kT0, ClientCreated{2, "B", "", ""});
  log.client(2, kT0 + kS, DealOpened{2, 5, "D", "proposal", 100, "BYN"});
  log.client(2, kT0 + 2 * kS, TaskCreated{2, 7, TaskKind::other, "anna", "sales", kT0, "", "t", ""});
  log.client(2, kT0 + 3 * kS, ClientMergedInto{2, 1});
  log.client(1, kT0 + 3 * kS, ClientsMerged{1, 2});
  log.client(1, kT0 + 4 * kS, DealStageChanged{1, 5, "won", "anna"});
  CrmViews v = log.replay();
  ClientId owner = 0;
  const Deal* d = v.deal(5, &owner);
  BOOST_REQUIRE(d);
  BOOST_TEST(owner == 1u);
  BOOST_TEST(d->stage == "won");
  BOOST_TEST(v.tasks().find(7)->client == 1u);
  TaskFilter mine;
  mine.client = 1;
  BOOST_TEST(v.tasks().list(mine, 10).size() == 1u);
  BOOST_TEST(v.history(1, 10).size() == 3u);  // deal opened, task, stage
}

BOOST_AUTO_TEST_CASE(pipeline_in_configured_order_with_totals) {
  Log log;
  log.client(1, kT0, ClientCreated{1, "A", "", ""});
  log.client(1, kT0, ResponsibleAssigned{1, "anna"});
  log.client(2, kT0, ClientCreated{2, "B", "", ""});
  log.client(1, kT0, DealOpened{1, 1, "d1", "new", 1000, "BYN"});
  log.client(1, kT0, DealOpened{1, 2, "d2", "proposal", 2000, "BYN"});
  log.client(2, kT0, DealOpened{2, 3, "d3", "proposal", 500, "USD"});
  log.client(2, kT0, DealOpened{2, 4, "d4", "legacy", 1, "BYN"});
  log.client(2, kT0, DealOpened{2, 5, "d5", "new", 7, "BYN"});
  log.client(2, kT0, DealClosed{2, 5, true, ""});
  log.client(1, kT0, DealOpened{1, 6, "d6", "new", 9, "BYN"});
  log.client(1, kT0, DealStageChanged{1, 6, "proposal", "anna"});
  log.client(1, kT0, DealClosed{1, 6, false, "дорого"});
  CrmViews v = log.replay();
  Pipeline p = v.pipeline({"new", "proposal", "won"}, 10);
  BOOST_REQUIRE(p.stages.size() == 3u);
  BOOST_TEST(p.stages[0].stage == "new");
  BOOST_TEST(p.stages[0].count == 1u);
  BOOST_TEST(p.stages[1].count == 2u);
  BOOST_TEST(p.stages[1].amounts.at("BYN") == 2000);
  BOOST_TEST(p.stages[1].amounts.at("USD") == 500);
  BOOST_TEST(p.stages[1].deals[0].deal.id == 3u);  // newest first
  BOOST_TEST(p.stages[2].count == 0u);
  BOOST_TEST(p.other.count == 1u);
  BOOST_TEST(p.other.deals[0].deal.stage == "legacy");
  BOOST_TEST(p.won.count == 1u);
  BOOST_TEST(p.lost.count == 1u);
  BOOST_TEST(p.lost.deals[0].deal.id == 6u);
  Pipeline annas = v.pipeline({"new", "proposal"}, 1, "anna");
  BOOST_TEST(annas.stages[1].count == 1u);
  BOOST_TEST(annas.stages[1].deals.size() == 1u);
  BOOST_TEST(annas.other.count == 0u);
  auto h = v.history(1, 20);
  BOOST_TEST((h[0].action == HistoryEntry::Action::lost));
  BOOST_TEST(h[0].text == "lost: дорого");
}

BOOST_AUTO_TEST_CASE(call_statistics_per_day_line_and_agent) {
  Log log;
  // Answered after 5 s, 60 s of talk, by anna.
  log.call("c1", kT0, CallReceived{"c1", "+375291111111", "100", ""});
  log.call("c1", kT0, AgentOffered{"c1", "anna"});
  log.call("c1", kT0, AgentOffered{"c1", "boris"});
  log.call("c1", kT0 + 5 * kS, OfferFailed{"c1", "boris", 200, "answered_elsewhere"});
  log.call("c1", kT0 + 5 * kS, CallAnswered{"c1", "anna"});
  log.call("c1", kT0 + 65 * kS, CallEnded{"c1", CallOutcome::answered, EndedBy::caller, 0});
  // Answered after 30 s, 30 s of talk, by boris (slow: outside a 20 s SL).
  log.call("c2", kT0, CallReceived{"c2", "+375292222222", "100", ""});
  log.call("c2", kT0, AgentOffered{"c2", "anna"});
  log.call("c2", kT0 + 20 * kS, OfferFailed{"c2", "anna", 408, "no_answer"});
  log.call("c2", kT0 + 20 * kS, AgentOffered{"c2", "boris"});
  log.call("c2", kT0 + 30 * kS, CallAnswered{"c2", "boris"});
  log.call("c2", kT0 + 60 * kS, CallEnded{"c2", CallOutcome::answered, EndedBy::agent, 0});
  // Abandoned, missed, and a call to an unknown number (not offered).
  log.call("c3", kT0, CallReceived{"c3", "+375293333333", "100", ""});
  log.call("c3", kT0 + 9 * kS, CallEnded{"c3", CallOutcome::abandoned, EndedBy::caller, 487});
  log.call("c4", kT0, CallReceived{"c4", "+375294444444", "200", ""});
  log.call("c4", kT0 + 30 * kS, CallEnded{"c4", CallOutcome::no_agent, EndedBy::system, 480});
  log.call("c5", kT0, CallReceived{"c5", "+375295555555", "999", ""});
  log.call("c5", kT0, CallEnded{"c5", CallOutcome::not_found, EndedBy::system, 404});
  // The next UTC day; and one still ringing (not counted yet).
  log.call("c6", kT0 + kDay, CallReceived{"c6", "+375296666666", "100", ""});
  log.call("c6", kT0 + kDay, CallInterrupted{"c6", "server restarted"});
  log.call("c7", kT0, CallReceived{"c7", "+375297777777", "100", ""});
  CrmViews v = log.replay();

  auto department = [](const std::string& dialled) { return dialled == "100" || dialled == "200" ? std::string("sales") : std::string(); };
  StatsQuery q;
  q.from_day = CallStats::day_of(kT0);
  q.to_day = q.from_day + 1;
  auto rows = v.call_stats(q, department);
  BOOST_REQUIRE(rows.size() == 2u);
  const CallSummary& d1 = rows[0].summary;
  BOOST_TEST(rows[0].key == "sales");
  BOOST_TEST(*rows[0].day == q.from_day);
  BOOST_TEST(d1.offered == 4u);
  BOOST_TEST(d1.answered == 2u);
  BOOST_TEST(d1.abandoned == 1u);
  BOOST_TEST(d1.missed == 1u);
  BOOST_TEST(d1.average_wait_s == 17.5);
  BOOST_TEST(d1.average_talk_s == 45.0);
  BOOST_TEST(*d1.service_level == 0.25);  // 1 of 4 within 20 s
  BOOST_TEST(rows[1].summary.offered == 1u);
  BOOST_TEST(rows[1].summary.missed == 1u);

  q.per_day = false;
  q.service_level_within = 31 * kS;
  auto totals = v.call_stats(q, department);
  BOOST_REQUIRE(totals.size() == 1u);
  BOOST_TEST(!totals[0].day.has_value());
  BOOST_TEST(totals[0].summary.offered == 5u);
  BOOST_TEST(*totals[0].summary.service_level == 0.4);  // 2 of 5 within 31 s

  q.by = StatsQuery::By::agent;
  auto agents = v.call_stats(q, department);
  BOOST_REQUIRE(agents.size() == 2u);
  BOOST_TEST(agents[0].key == "anna");
  BOOST_TEST(agents[0].summary.offered == 2u);
  BOOST_TEST(agents[0].summary.answered == 1u);
  BOOST_TEST(agents[0].summary.missed == 1u);  // no_answer; not the answered_elsewhere of boris
  BOOST_TEST(agents[1].key == "boris");
  BOOST_TEST(agents[1].summary.offered == 2u);
  BOOST_TEST(agents[1].summary.missed == 0u);
  BOOST_TEST(agents[1].summary.average_talk_s == 30.0);
  BOOST_TEST(!agents[1].summary.service_level.has_value());
}

BOOST_AUTO_TEST_CASE(deal_amount_and_history_entries_name_their_deal) {
  Log log;
  log.client(1, kT0, ClientCreated{1, "A", "", ""});
  log.client(1, kT0, DealOpened{1, 4, "Поставка", "new", 0, ""});
  log.client(1, kT0 + kS, DealAmountChanged{1, 4, 125050, "BYN"});
  log.client(1, kT0 + 2 * kS, NoteAdded{1, 9, "anna", "hi", ""});
  CrmViews v = log.replay();
  auto h = v.history(1, 10);
  BOOST_REQUIRE(h.size() == 3u);
  BOOST_TEST((h[0].kind == HistoryEntry::Kind::note));
  BOOST_TEST(h[0].ref == 9u);
  BOOST_TEST((h[1].action == HistoryEntry::Action::amount));
  BOOST_TEST(h[1].text == "amount: 1250.50 BYN");
  BOOST_TEST(h[1].ref == 4u);
  BOOST_TEST((h[2].action == HistoryEntry::Action::opened));
  BOOST_TEST(v.client(1)->deals[0].amount == 125050);
}

BOOST_AUTO_TEST_SUITE_END()
