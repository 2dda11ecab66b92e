// Routing choice: the plans (ladders) and the targets of a step, for every
// rule and strategy.
#include <boost/test/unit_test.hpp>

#include "domain/routing.hpp"

using namespace callboard::domain;

namespace {

Config config() {
  Config c;
  c.departments = {{"sales", "Sales"}, {"minsk", "Minsk branch"}, {"reception", "Reception"}};
  c.departments[0].ring_timeout_s = 25;
  c.departments[1].strategy = Strategy::round_robin;
  c.agents = {{"a1", "A1", "sales"}, {"a2", "A2", "sales"}, {"a3", "A3", "sales"},
              {"m1", "M1", "minsk"}, {"m2", "M2", "minsk"}, {"sec", "Secretary", "reception"}};
  EntryPointConfig sales{"100", "Sales", "sales"};
  EntryPointConfig branch{"101", "Minsk", "minsk"};
  c.entry_points = {sales, branch};
  return c;
}

const Timestamp kNoon = 1'780'000'000'000'000;  // any instant: no hours configured

std::vector<std::string> kinds(const std::vector<RouteStep>& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan) out.push_back(std::string(to_string(s.kind)) + ":" + s.rule);
  return out;
}

Classification known(AgentId responsible = "a2") {
  Classification w;
  w.caller = "+375291111111";
  w.client = 7;
  w.responsible = std::move(responsible);
  return w;
}

std::vector<AgentCandidate> board() {
  return {{"a1", "sales", AgentState::available, true, false, 300, 5, 0},
          {"a2", "sales", AgentState::available, true, false, 100, 2, 1},
          {"a3", "sales", AgentState::available, true, false, 200, 9, 2},
          {"a4", "sales", AgentState::on_call, true, false, 0, 0, 3},
          {"a5", "sales", AgentState::available, true, true, 0, 0, 4},   // paused
          {"a6", "sales", AgentState::offline, false, false, 0, 0, 5},
          {"m1", "minsk", AgentState::available, true, false, 0, 0, 6},
          {"sec", "reception", AgentState::available, true, false, 0, 0, 7}};
}

struct FixedRandom final : Random {
  std::uint64_t value = 0;
  std::uint64_t below(std::uint64_t n) override { return value % n; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(known_client_plans_responsible_department_then_queue) {
  auto c = config();
  auto plan = plan_route(known(), c.entry_points[0], c, kNoon);
  BOOST_TEST(kinds(plan) == (std::vector<std::string>{"responsible:responsible", "department:ring_all",
                                                      "queue:queue"}));
  BOOST_TEST(plan[0].timeout == 20 * kMicrosPerSecond);
  BOOST_TEST(plan[1].timeout == 25 * kMicrosPerSecond);  // the department's ring timeout
  BOOST_TEST(plan[2].max_wait == 120 * kMicrosPerSecond);
}

BOOST_AUTO_TEST_CASE(an_entry_point_can_skip_the_responsible_step) {
  auto c = config();
  c.entry_points[0].responsible_first = false;
  BOOST_TEST(kinds(plan_route(known(), c.entry_points[0], c, kNoon)).front() == "department:ring_all");
}

BOOST_AUTO_TEST_CASE(unknown_caller_rules) {
  auto c = config();
  auto& e = c.entry_points[0];
  BOOST_TEST(kinds(plan_route({}, e, c, kNoon)).front() == "department:ring_all");
  e.unknown = UnknownRule::strategy;
  e.unknown_strategy = Strategy::random;
  auto plan = plan_route({}, e, c, kNoon);
  BOOST_TEST(kinds(plan).front() == "department:random");
  BOOST_TEST(plan.front().hunt());
  e.unknown = UnknownRule::agents;
  e.unknown_agents = {"sec"};
  plan = plan_route({}, e, c, kNoon);
  BOOST_TEST(kinds(plan).front() == "agents:agents");
  BOOST_TEST(plan.front().agents == std::vector<AgentId>{"sec"});
  e.unknown = UnknownRule::auto_assign;
  BOOST_TEST(kinds(plan_route({}, e, c, kNoon)).front() == "auto_assign:auto_assign");
}

BOOST_AUTO_TEST_CASE(regional_rule_picks_the_branch_by_prefix_country_or_location) {
  auto c = config();
  auto& e = c.entry_points[0];
  e.unknown = UnknownRule::regional;
  TargetConfig to_branch;
  to_branch.kind = TargetConfig::Kind::entry_point;
  to_branch.number = "101";
  TargetConfig to_reception;
  to_reception.kind = TargetConfig::Kind::agents;
  to_reception.agents = {"sec"};
  e.regions = {{"", "+37517", "", to_branch}, {"RU", "", "", to_reception}};
  Classification minsk;
  minsk.caller = "+375172222222";
  minsk.region = "BY";
  auto plan = plan_route(minsk, e, c, kNoon);
  BOOST_REQUIRE(!plan.empty());
  BOOST_TEST(plan[0].department == "minsk");  // the branch's own rule: round robin
  BOOST_TEST((plan[0].strategy == Strategy::round_robin));
  Classification moscow;
  moscow.caller = "+74951234567";
  moscow.region = "RU";
  BOOST_TEST(plan_route(moscow, e, c, kNoon)[0].agents == std::vector<AgentId>{"sec"});
  Classification gomel;  // not listed: the default, the entry point's department
  gomel.caller = "+375232222222";
  gomel.region = "BY";
  BOOST_TEST(plan_route(gomel, e, c, kNoon)[0].department == "sales");
  TargetConfig reject;
  reject.status = 403;
  e.region_default = reject;
  BOOST_TEST(kinds(plan_route(gomel, e, c, kNoon)).front() == "reject:regional_default");
}

BOOST_AUTO_TEST_CASE(fallback_ladder_replaces_the_default_queue) {
  auto c = config();
  TargetConfig sec;
  sec.kind = TargetConfig::Kind::agents;
  sec.agents = {"sec"};
  TargetConfig q;
  q.kind = TargetConfig::Kind::queue;
  q.department = "sales";
  TargetConfig busy;
  busy.status = 486;
  busy.reason = "Busy Here";
  c.entry_points[0].fallback = {sec, q, busy};
  auto plan = plan_route(known(), c.entry_points[0], c, kNoon);
  BOOST_TEST(kinds(plan) == (std::vector<std::string>{"responsible:responsible", "department:ring_all",
                                                      "agents:agents", "queue:queue", "reject:reject"}));
  BOOST_TEST(plan.back().status == 486);
  c.departments[0].queue.enabled = false;  // no queue: the step disappears
  BOOST_TEST(kinds(plan_route(known(), c.entry_points[0], c, kNoon)).size() == 4u);
}

BOOST_AUTO_TEST_CASE(outside_opening_hours_only_the_off_hours_target_is_planned) {
  auto c = config();
  auto& h = c.entry_points[0].hours;
  h.timezone = "Europe/Minsk";  // UTC+3 all year
  for (int d = 0; d < 5; ++d) h.weekly[d] = {{9 * 60, 18 * 60}};
  h.off_hours.kind = TargetConfig::Kind::reject;
  h.off_hours.status = 480;
  h.off_hours.reason = "Closed";
  const Timestamp wed_11_utc = 1'795'604'400'000'000;  // Wed 2026-11-25 11:00 UTC = 14:00 Minsk
  auto plan = plan_route(known(), c.entry_points[0], c, wed_11_utc);
  BOOST_TEST((plan.front().kind == StepKind::responsible));
  const Timestamp wed_16_utc = wed_11_utc + 5LL * 3600 * kMicrosPerSecond;  // 19:00 Minsk
  plan = plan_route(known(), c.entry_points[0], c, wed_16_utc);
  BOOST_TEST(kinds(plan) == std::vector<std::string>{"reject:off_hours"});
  BOOST_TEST((plan[0].outcome == CallOutcome::closed));
}

BOOST_AUTO_TEST_CASE(ring_all_takes_every_free_agent_sorted_and_skips_excluded) {
  RoutingMemory memory;
  FixedRandom rnd;
  RouteStep step;
  step.department = "sales";
  BOOST_TEST(select_targets(step, {}, board(), {}, memory, rnd) == (std::vector<AgentId>{"a1", "a2", "a3"}));
  BOOST_TEST(select_targets(step, {}, board(), {"a1"}, memory, rnd) == (std::vector<AgentId>{"a2", "a3"}));
}

BOOST_AUTO_TEST_CASE(responsible_step_targets_him_only_when_free) {
  RoutingMemory memory;
  FixedRandom rnd;
  RouteStep step;
  step.kind = StepKind::responsible;
  BOOST_TEST(select_targets(step, known("a3"), board(), {}, memory, rnd) == std::vector<AgentId>{"a3"});
  for (auto busy : {"a4", "a5", "a6"})  // on a call, paused, offline
    BOOST_TEST(select_targets(step, known(busy), board(), {}, memory, rnd).empty());
}

BOOST_AUTO_TEST_CASE(hunt_strategies_pick_one_agent) {
  RoutingMemory memory;
  FixedRandom rnd;
  RouteStep step;
  step.department = "sales";
  auto pick = [&](Strategy s, std::vector<AgentId> exclude = {}) {
    step.strategy = s;
    return select_targets(step, {}, board(), exclude, memory, rnd);
  };
  BOOST_TEST(pick(Strategy::linear) == std::vector<AgentId>{"a1"});
  BOOST_TEST(pick(Strategy::linear, {"a1"}) == std::vector<AgentId>{"a2"});
  BOOST_TEST(pick(Strategy::longest_idle) == std::vector<AgentId>{"a2"});  // idle since 100
  BOOST_TEST(pick(Strategy::fewest_calls) == std::vector<AgentId>{"a2"});  // 2 calls today
  rnd.value = 2;
  BOOST_TEST(pick(Strategy::random) == std::vector<AgentId>{"a3"});
  // Round robin remembers where it stopped, call after call.
  BOOST_TEST(pick(Strategy::round_robin) == std::vector<AgentId>{"a1"});
  BOOST_TEST(pick(Strategy::round_robin) == std::vector<AgentId>{"a2"});
  BOOST_TEST(pick(Strategy::round_robin) == std::vector<AgentId>{"a3"});
  BOOST_TEST(pick(Strategy::round_robin) == std::vector<AgentId>{"a1"});
  BOOST_TEST(pick(Strategy::round_robin, {"a2"}) == std::vector<AgentId>{"a3"});
  BOOST_TEST(pick(Strategy::linear, {"a1", "a2", "a3"}).empty());
}

BOOST_AUTO_TEST_CASE(agents_step_keeps_the_groups_order) {
  RoutingMemory memory;
  FixedRandom rnd;
  RouteStep step;
  step.kind = StepKind::agents;
  step.agents = {"sec", "a3", "a1"};
  step.strategy = Strategy::linear;
  BOOST_TEST(select_targets(step, {}, board(), {}, memory, rnd) == std::vector<AgentId>{"sec"});
  BOOST_TEST(select_targets(step, {}, board(), {"sec"}, memory, rnd) == std::vector<AgentId>{"a3"});
}

BOOST_AUTO_TEST_CASE(auto_assign_rotates_owners_preferring_free_ones) {
  RoutingMemory memory;
  auto agents = board();
  BOOST_TEST(pick_owner("sales", agents, memory) == "a1");
  BOOST_TEST(pick_owner("sales", agents, memory) == "a2");
  BOOST_TEST(pick_owner("sales", agents, memory) == "a3");
  BOOST_TEST(pick_owner("sales", agents, memory) == "a1");  // a4-a6 are not free
  for (auto& a : agents) a.state = AgentState::offline;       // nobody free: rotation over all
  BOOST_TEST(pick_owner("sales", agents, memory) == "a2");
  BOOST_TEST(pick_owner("nobody", agents, memory).empty());
}

BOOST_AUTO_TEST_SUITE_END()
