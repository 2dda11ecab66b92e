// Classification and the CRM views rebuilt by replaying events.
#include <boost/test/unit_test.hpp>

#include "domain/classify.hpp"
#include "domain/phone.hpp"
#include "domain/views/crm_views.hpp"
#include "recorded_log.hpp"

using namespace callboard::domain;

namespace {
using Log = callboard::test::RecordedLog;

constexpr Timestamp kT0 = 1'780'000'000'000'000;

Log a_day() {
  Log log;
  log.add("agent/a1", kT0, AgentCreated{"a1", "Анна", "sales"});
  log.add("client/1", kT0, ClientCreated{1, "Иван Петров", "ООО Ромашка", ""});
  log.add("client/1", kT0, PhoneLinked{1, "+375291111111"});
  log.add("client/1", kT0, ResponsibleAssigned{1, "a1"});
  log.add("client/1", kT0, DealOpened{1, 1, "Поставка", "proposal", 100000, "BYN"});
  log.add("client/2", kT0, ClientCreated{2, "Ольга", "", ""});
  log.add("client/2", kT0, PhoneLinked{2, "+74951234567"});
  // A call from client 1, answered after 5 s, 60 s of talk.
  log.add("call/c1", kT0 + 10, CallReceived{"c1", "+375291111111", "100", ""});
  log.add("call/c1", kT0 + 10, CallClassified{"c1", 1, "a1", "BY"});
  log.add("call/c1", kT0 + 5'000'010, CallAnswered{"c1", "a1"});
  log.add("call/c1", kT0 + 65'000'010, CallEnded{"c1", CallOutcome::answered, EndedBy::caller, 0});
  // An unanswered call from client 1, still open when the log ends.
  log.add("call/c2", kT0 + 100'000'000, CallReceived{"c2", "+375291111111", "100", ""});
  log.add("call/c2", kT0 + 100'000'000, CallClassified{"c2", 1, "a1", "BY"});
  return log;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(views)

BOOST_AUTO_TEST_CASE(replay_rebuilds_the_directory) {
  CrmViews v = a_day().replay();
  BOOST_TEST(v.client_count() == 2u);
  BOOST_TEST(v.client_by_phone("+375291111111").value() == 1u);
  BOOST_TEST(v.client_by_phone("+74951234567").value() == 2u);
  BOOST_TEST(!v.client_by_phone("+375290000000").has_value());
  const Client* c = v.client(1);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->name == "Иван Петров");
  BOOST_TEST(c->responsible == "a1");
  BOOST_REQUIRE_EQUAL(c->deals.size(), 1u);
  BOOST_TEST(c->deals[0].stage == "proposal");
  BOOST_TEST(v.max_client_id() == 2u);
}

BOOST_AUTO_TEST_CASE(replay_rebuilds_each_clients_call_history) {
  CrmViews v = a_day().replay();
  auto card = v.card(1);
  BOOST_REQUIRE(card.has_value());
  BOOST_TEST(card->responsible_name == "Анна");
  BOOST_REQUIRE_EQUAL(card->last_calls.size(), 2u);
  BOOST_TEST(card->last_calls[0].id == "c2");  // newest first
  const CallRecord& done = card->last_calls[1];
  BOOST_TEST(done.agent == "a1");
  BOOST_TEST((done.outcome == CallOutcome::answered));
  BOOST_TEST(done.wait() == 5 * kMicrosPerSecond);
  BOOST_TEST(done.talk() == 60 * kMicrosPerSecond);
  BOOST_TEST(v.history(2).empty());
  BOOST_TEST(v.open_calls() == std::vector<CallId>{"c2"});
}

BOOST_AUTO_TEST_CASE(replaying_twice_gives_the_same_views) {
  Log log = a_day();
  CrmViews a = log.replay();
  CrmViews b = log.replay();
  BOOST_TEST(a.client(1)->phones == b.client(1)->phones);
  BOOST_TEST(a.history(1).size() == b.history(1).size());
  BOOST_TEST(a.last_sequence() == log.events.size());
}

BOOST_AUTO_TEST_CASE(merge_moves_phones_and_history_to_the_survivor) {
  Log log = a_day();
  log.add("client/2", kT0 + 200, ClientsMerged{2, 1});
  CrmViews v = log.replay();
  BOOST_TEST(v.client_count() == 1u);
  BOOST_TEST(v.client_by_phone("+375291111111").value() == 2u);
  BOOST_TEST(v.client(1)->id == 2u);  // the absorbed id resolves to the survivor
  BOOST_TEST(v.history(2).size() == 3u);
}

BOOST_AUTO_TEST_CASE(classification_normalises_the_number_and_finds_the_client) {
  CrmViews v = a_day().replay();
  PhoneNumbers phones("BY");
  auto who = classify("80291111111", phones, v);  // Belarusian national notation
  BOOST_TEST(who.caller == "+375291111111");
  BOOST_TEST(who.client == 1u);
  BOOST_TEST(who.responsible == "a1");
  BOOST_TEST(who.region == "BY");
  BOOST_TEST(who.location.empty());  // the geocoder only on demand
  locate(who, phones);
  BOOST_TEST(who.location == "Беларусь");

  who = classify("74951234567", phones, v);  // international digits without '+'
  BOOST_TEST(who.caller == "+74951234567");
  BOOST_TEST(who.client == 2u);
  locate(who, phones);
  BOOST_TEST(who.region == "RU");
  BOOST_TEST(who.location == "Московская обл.");

  who = classify("+375172222222", phones, v);
  BOOST_TEST(who.client == 0u);
  locate(who, phones);
  BOOST_TEST(who.location == "Минск");

  who = classify("anonymous", phones, v);
  BOOST_TEST(who.caller == "anonymous");
  BOOST_TEST(who.client == 0u);
  locate(who, phones);
  BOOST_TEST(who.region.empty());
}

BOOST_AUTO_TEST_SUITE_END()

#include "domain/startup.hpp"

BOOST_AUTO_TEST_SUITE(startup)

BOOST_AUTO_TEST_CASE(recovery_interrupts_open_calls_and_resets_agents) {
  Log log = a_day();  // call c2 is still open; a1 exists
  log.add("agent/a1", kT0, AgentRegistered{"a1", "sip:a1@h"});
  log.add("agent/a1", kT0, AgentStateChanged{"a1", AgentState::ringing, "", "c2"});
  CrmViews v = log.replay();
  Config config;
  config.agents.push_back({"a1", "Анна", "sales"});
  config.agents.push_back({"a2", "Борис", "sales"});
  auto out = startup_recovery(v, config);
  std::vector<std::string> got;
  for (const auto& e : out) got.push_back(e.stream + " " + name_of(e.event));
  BOOST_TEST(got == (std::vector<std::string>{"call/c2 CallInterrupted", "agent/a1 AgentUnregistered",
                                              "agent/a1 AgentStateChanged", "agent/a2 AgentCreated"}));
  // Applying them leaves nothing to recover.
  for (const auto& e : out) log.add(e.stream, kT0 + 1, e.event);
  BOOST_TEST(startup_recovery(log.replay(), config).empty());
  BOOST_TEST((log.replay().call("c2")->outcome == CallOutcome::interrupted));
}

BOOST_AUTO_TEST_SUITE_END()
