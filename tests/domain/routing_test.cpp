// Routing choice: plans and the targets of a step.
#include <boost/test/unit_test.hpp>

#include "domain/routing.hpp"

using namespace callboard::domain;

namespace {
const EntryPointConfig kSales{"100", "Sales", "sales"};
std::vector<AgentCandidate> board() {
  return {{"a3", "sales", AgentState::available, true},
          {"a1", "sales", AgentState::available, true},
          {"a2", "sales", AgentState::on_call, true},
          {"a4", "sales", AgentState::offline, false},
          {"b1", "support", AgentState::available, true}};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(known_client_plans_responsible_then_department) {
  Classification who;
  who.client = 1;
  who.responsible = "a1";
  auto plan = plan_route(who, kSales, RoutingConfig{});
  BOOST_REQUIRE_EQUAL(plan.size(), 2u);
  BOOST_TEST((plan[0].kind == StepKind::responsible));
  BOOST_TEST(plan[0].timeout == 20 * kMicrosPerSecond);
  BOOST_TEST((plan[1].kind == StepKind::ring_all));
  BOOST_TEST(plan[1].department == "sales");
}

BOOST_AUTO_TEST_CASE(unknown_caller_plans_the_department_only) {
  auto plan = plan_route(Classification{}, kSales, RoutingConfig{});
  BOOST_REQUIRE_EQUAL(plan.size(), 1u);
  BOOST_TEST((plan[0].kind == StepKind::ring_all));
}

BOOST_AUTO_TEST_CASE(ring_all_takes_every_free_agent_of_the_department_sorted) {
  RouteStep step{StepKind::ring_all, "sales", 0};
  BOOST_TEST(select_targets(step, {}, board(), {}) == (std::vector<AgentId>{"a1", "a3"}));
  BOOST_TEST(select_targets(step, {}, board(), {"a1"}) == std::vector<AgentId>{"a3"});
}

BOOST_AUTO_TEST_CASE(responsible_step_targets_him_only_when_free) {
  RouteStep step{StepKind::responsible, "sales", 0};
  Classification who;
  who.responsible = "a3";
  BOOST_TEST(select_targets(step, who, board(), {}) == std::vector<AgentId>{"a3"});
  who.responsible = "a2";  // on a call
  BOOST_TEST(select_targets(step, who, board(), {}).empty());
  who.responsible = "a4";  // not registered
  BOOST_TEST(select_targets(step, who, board(), {}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
