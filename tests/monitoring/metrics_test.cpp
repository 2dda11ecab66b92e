// Metrics: the callboard_agents gauges follow the views' agent states
// through the committed event feed, recounting only the agents each batch
// names (the full recount per batch it replaced cost O(agents) per batch).
#define BOOST_TEST_MODULE monitoring
#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "monitoring/metrics.hpp"
#include "storage/event_log.hpp"
#include "storage/group_commit.hpp"
#include "storage/view_host.hpp"

namespace dom = callboard::domain;
namespace st = callboard::storage;

namespace {

const std::vector<dom::AgentState> kStates = {dom::AgentState::offline, dom::AgentState::available,
                                              dom::AgentState::ringing, dom::AgentState::on_call};

// The gauge values a scrape shows: state -> value.
std::map<std::string, double> agent_gauges(const callboard::monitoring::Metrics& m) {
  std::map<std::string, double> out;
  std::istringstream text(m.scrape());
  const std::string prefix = "callboard_agents{state=\"";
  for (std::string line; std::getline(text, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    const auto end = line.find('"', prefix.size());
    out[line.substr(prefix.size(), end - prefix.size())] = std::stod(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

// What the gauges must say: every agent of the views, by state.
std::map<std::string, double> expected(const st::ViewHost& views) {
  std::map<std::string, double> out;
  for (auto s : kStates) out[dom::to_string(s)] = 0;
  views.read([&](const dom::CrmViews& v) {
    for (const auto& a : v.agents()) out[dom::to_string(a.state)] += 1;
    return 0;
  });
  return out;
}

void check_equal(const std::map<std::string, double>& got, const std::map<std::string, double>& want) {
  for (const auto& [state, n] : want) {
    auto it = got.find(state);
    BOOST_REQUIRE_MESSAGE(it != got.end(), "no gauge for state " << state);
    BOOST_CHECK_MESSAGE(it->second == n, state << ": gauge " << it->second << ", views " << n);
  }
}

st::NewEvent agent_event(const std::string& agent, dom::Event e) {
  return st::NewEvent{dom::agent_stream(agent), 1, st::kAnyVersion, std::move(e)};
}

struct Fixture {
  // Declared so that the group commit (its delivery thread calls the views
  // and the metrics) is destroyed first.
  std::unique_ptr<st::EventLog> log = st::make_memory_log();
  st::ViewHost views;
  callboard::monitoring::Metrics metrics;
  st::GroupCommitLog group{*log};

  void append(std::vector<st::NewEvent> events) {
    auto r = group.append(std::move(events));
    BOOST_REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  }
  void create(const std::string& agent) {
    append({agent_event(agent, dom::AgentCreated{agent, agent, "sales"})});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(watch_counts_the_agents_already_in_the_views, Fixture) {
  views.attach(group);
  create("anna");
  create("boris");
  append({agent_event("anna", dom::AgentStateChanged{"anna", dom::AgentState::available, "", ""})});
  metrics.watch(group, views);  // after the events: the first count comes from the views
  auto got = agent_gauges(metrics);
  BOOST_CHECK_EQUAL(got["available"], 1);
  BOOST_CHECK_EQUAL(got["offline"], 1);
  check_equal(got, expected(views));
}

BOOST_FIXTURE_TEST_CASE(gauges_follow_every_batch, Fixture) {
  views.attach(group);
  metrics.watch(group, views);
  std::vector<std::string> agents;
  for (int i = 0; i < 12; ++i) {
    agents.push_back("agent" + std::to_string(i));
    create(agents.back());
  }
  check_equal(agent_gauges(metrics), expected(views));
  BOOST_CHECK_EQUAL(agent_gauges(metrics)["offline"], 12);

  // Batches of 1..6 state changes, an agent possibly several times in one
  // batch, some changes to the state he is already in.
  std::mt19937 rng(42);
  for (int batch = 0; batch < 200; ++batch) {
    std::vector<st::NewEvent> events;
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < n; ++k) {
      const std::string& a = agents[rng() % agents.size()];
      const dom::AgentState s = kStates[rng() % kStates.size()];
      events.push_back(agent_event(a, dom::AgentStateChanged{a, s, "", ""}));
    }
    append(std::move(events));
    check_equal(agent_gauges(metrics), expected(views));
  }
}

BOOST_FIXTURE_TEST_CASE(events_of_other_kinds_leave_the_gauges_alone, Fixture) {
  views.attach(group);
  metrics.watch(group, views);
  create("anna");
  append({agent_event("anna", dom::AgentStateChanged{"anna", dom::AgentState::on_call, "", "c1"})});
  append({agent_event("anna", dom::AgentRegistered{"anna", "sip:anna@127.0.0.1:5071"})});
  auto got = agent_gauges(metrics);
  BOOST_CHECK_EQUAL(got["on_call"], 1);
  BOOST_CHECK_EQUAL(got["offline"], 0);
  check_equal(got, expected(views));
}
