#include "domain/routing.hpp"

#include <algorithm>

#include "domain/schedule.hpp"

namespace callboard::domain {

const char* to_string(StepKind k) {
  switch (k) {
    case StepKind::responsible: return "responsible";
    case StepKind::department: return "department";
    case StepKind::agents: return "agents";
    case StepKind::auto_assign: return "auto_assign";
    case StepKind::queue: return "queue";
    case StepKind::reject: return "reject";
  }
  return "unknown";
}

namespace {

Duration seconds(std::uint32_t s) { return Duration(s) * kMicrosPerSecond; }

std::uint32_t ring_timeout(const Config& config, const std::string& department) {
  const DepartmentConfig* d = config.find_department(department);
  return d && d->ring_timeout_s ? d->ring_timeout_s : config.routing.department_timeout_s;
}

RouteStep department_step(const Config& config, const std::string& department, Strategy strategy,
                          std::string rule) {
  RouteStep s;
  s.kind = StepKind::department;
  s.department = department;
  s.strategy = strategy;
  s.timeout = seconds(ring_timeout(config, department));
  s.rule = std::move(rule);
  return s;
}

RouteStep default_department_step(const Config& config, const std::string& department) {
  const DepartmentConfig* d = config.find_department(department);
  Strategy strategy = d ? d->strategy : Strategy::ring_all;
  return department_step(config, department, strategy, to_string(strategy));
}

// The steps a configured target stands for (an entry-point redirect expands
// to that entry point's own steps for this caller, once).
void resolve(const TargetConfig& t, const Classification& who, const Config& config,
             const std::string& rule, int depth, std::vector<RouteStep>& out);
void first_steps(const Classification& who, const EntryPointConfig& entry, const Config& config,
                 int depth, std::vector<RouteStep>& out);

void resolve(const TargetConfig& t, const Classification& who, const Config& config,
             const std::string& rule, int depth, std::vector<RouteStep>& out) {
  switch (t.kind) {
    case TargetConfig::Kind::department: {
      RouteStep s = default_department_step(config, t.department);
      if (!rule.empty()) s.rule = rule;
      if (t.timeout_s) s.timeout = seconds(t.timeout_s);
      out.push_back(std::move(s));
      return;
    }
    case TargetConfig::Kind::agents: {
      RouteStep s;
      s.kind = StepKind::agents;
      s.agents = t.agents;
      s.strategy = t.strategy;
      s.timeout = seconds(t.timeout_s ? t.timeout_s : config.routing.department_timeout_s);
      s.rule = rule.empty() ? "agents" : rule;
      out.push_back(std::move(s));
      return;
    }
    case TargetConfig::Kind::queue: {
      const DepartmentConfig* d = config.find_department(t.department);
      if (!d || !d->queue.enabled) return;
      RouteStep s;
      s.kind = StepKind::queue;
      s.department = t.department;
      s.timeout = seconds(ring_timeout(config, t.department));
      s.max_wait = seconds(d->queue.max_wait_s);
      s.announce = seconds(d->queue.announce_s);
      s.rule = "queue";
      out.push_back(std::move(s));
      return;
    }
    case TargetConfig::Kind::entry_point: {
      const EntryPointConfig* other = config.find_entry_point(t.number);
      if (other && depth < 2) first_steps(who, *other, config, depth + 1, out);
      return;
    }
    case TargetConfig::Kind::reject: {
      RouteStep s;
      s.kind = StepKind::reject;
      s.status = t.status;
      s.reason = t.reason;
      s.rule = rule.empty() ? "reject" : rule;
      out.push_back(std::move(s));
      return;
    }
  }
}

bool region_matches(const RegionRoute& r, const Classification& who) {
  if (!r.country.empty() && r.country != who.region) return false;
  if (!r.prefix.empty() && who.caller.rfind(r.prefix, 0) != 0) return false;
  if (!r.location.empty() && who.location.find(r.location) == std::string::npos) return false;
  return true;
}

// The steps an entry point starts a call with, before its fallback ladder.
void first_steps(const Classification& who, const EntryPointConfig& entry, const Config& config,
                 int depth, std::vector<RouteStep>& out) {
  bool known = who.client != 0;
  if (known) {
    if (!who.responsible.empty() && entry.responsible_first) {
      RouteStep s;
      s.kind = StepKind::responsible;
      s.rule = "responsible";
      s.department = entry.department;
      s.timeout = seconds(entry.responsible_timeout_s ? entry.responsible_timeout_s
                                                      : config.routing.responsible_timeout_s);
      out.push_back(std::move(s));
    }
    out.push_back(default_department_step(config, entry.department));
    return;
  }
  switch (entry.unknown) {
    case UnknownRule::department:
      out.push_back(default_department_step(config, entry.department));
      return;
    case UnknownRule::strategy:
      out.push_back(department_step(config, entry.department, entry.unknown_strategy,
                                    to_string(entry.unknown_strategy)));
      return;
    case UnknownRule::agents: {
      TargetConfig t;
      t.kind = TargetConfig::Kind::agents;
      t.agents = entry.unknown_agents;
      resolve(t, who, config, "agents", depth, out);
      return;
    }
    case UnknownRule::auto_assign: {
      RouteStep s;
      s.kind = StepKind::auto_assign;
      s.rule = "auto_assign";
      s.department = entry.department;
      s.timeout = seconds(ring_timeout(config, entry.department));
      out.push_back(std::move(s));
      return;
    }
    case UnknownRule::regional: {
      for (const auto& r : entry.regions) {
        if (region_matches(r, who)) {
          resolve(r.target, who, config, "regional", depth, out);
          return;
        }
      }
      if (entry.region_default)
        resolve(*entry.region_default, who, config, "regional_default", depth, out);
      else
        out.push_back(default_department_step(config, entry.department));
      return;
    }
  }
}

}  // namespace

std::vector<RouteStep> plan_route(const Classification& who, const EntryPointConfig& entry,
                                  const Config& config, Timestamp now) {
  std::vector<RouteStep> steps;
  if (!is_open(entry.hours, now)) {
    resolve(entry.hours.off_hours, who, config, "off_hours", 0, steps);
    for (auto& s : steps) {
      if (s.kind == StepKind::reject) s.outcome = CallOutcome::closed;
    }
    return steps;
  }
  first_steps(who, entry, config, 0, steps);
  if (entry.fallback.empty()) {
    TargetConfig queue;
    queue.kind = TargetConfig::Kind::queue;
    queue.department = entry.department;
    resolve(queue, who, config, "", 0, steps);
  } else {
    for (const auto& t : entry.fallback) resolve(t, who, config, "", 0, steps);
  }
  return steps;
}

namespace {

const AgentCandidate* find(const std::vector<AgentCandidate>& agents, const AgentId& id) {
  for (const auto& a : agents)
    if (a.id == id) return &a;
  return nullptr;
}

// Free candidates of a step in configuration order.
std::vector<const AgentCandidate*> candidates(const RouteStep& step, const Classification& who,
                                              const std::vector<AgentCandidate>& agents,
                                              const std::vector<AgentId>& exclude) {
  auto excluded = [&](const AgentId& id) {
    return std::find(exclude.begin(), exclude.end(), id) != exclude.end();
  };
  std::vector<const AgentCandidate*> out;
  if (step.kind == StepKind::responsible) {
    const AgentCandidate* a = find(agents, who.responsible);
    if (a && a->free() && !excluded(a->id)) out.push_back(a);
    return out;
  }
  if (step.kind == StepKind::agents) {
    for (const auto& id : step.agents) {  // the group's own order
      const AgentCandidate* a = find(agents, id);
      if (a && a->free() && !excluded(a->id)) out.push_back(a);
    }
    return out;
  }
  for (const auto& a : agents) {
    if (a.department == step.department && a.free() && !excluded(a.id)) out.push_back(&a);
  }
  std::sort(out.begin(), out.end(), [](auto* x, auto* y) { return x->order < y->order; });
  return out;
}

std::string memory_key(const RouteStep& step) {
  return step.kind == StepKind::agents ? "agents:" + step.rule : step.department;
}

// The first candidate after `last` in the rotation order (wrapping).
const AgentCandidate* after_last(const std::vector<const AgentCandidate*>& in_order,
                                 const std::vector<AgentCandidate>& agents, const AgentId& last) {
  const AgentCandidate* prev = find(agents, last);
  if (!prev) return in_order.front();
  for (auto* a : in_order)
    if (a->order > prev->order) return a;
  return in_order.front();
}

}  // namespace

std::vector<AgentId> select_targets(const RouteStep& step, const Classification& who,
                                    const std::vector<AgentCandidate>& agents,
                                    const std::vector<AgentId>& exclude, RoutingMemory& memory,
                                    Random& random) {
  auto free = candidates(step, who, agents, exclude);
  std::vector<AgentId> out;
  if (free.empty()) return out;
  if (step.kind == StepKind::responsible || !step.hunt()) {
    for (auto* a : free) out.push_back(a->id);
    std::sort(out.begin(), out.end());
    return out;
  }
  const AgentCandidate* pick = nullptr;
  switch (step.strategy) {
    case Strategy::ring_all:  // handled above
    case Strategy::linear:
      pick = free.front();
      break;
    case Strategy::random:
      pick = free[random.below(free.size())];
      break;
    case Strategy::round_robin: {
      std::string key = memory_key(step);
      pick = after_last(free, agents, memory.last_rung[key]);
      memory.last_rung[key] = pick->id;
      break;
    }
    case Strategy::longest_idle:
      pick = *std::min_element(free.begin(), free.end(), [](auto* x, auto* y) {
        return x->idle_since != y->idle_since ? x->idle_since < y->idle_since : x->order < y->order;
      });
      break;
    case Strategy::fewest_calls:
      pick = *std::min_element(free.begin(), free.end(), [](auto* x, auto* y) {
        return x->calls_today != y->calls_today ? x->calls_today < y->calls_today : x->order < y->order;
      });
      break;
  }
  out.push_back(pick->id);
  return out;
}

AgentId pick_owner(const std::string& department, const std::vector<AgentCandidate>& agents,
                   RoutingMemory& memory) {
  std::vector<const AgentCandidate*> members, free;
  for (const auto& a : agents) {
    if (a.department != department) continue;
    members.push_back(&a);
    if (a.free()) free.push_back(&a);
  }
  if (members.empty()) return {};
  auto by_order = [](auto* x, auto* y) { return x->order < y->order; };
  std::sort(members.begin(), members.end(), by_order);
  std::sort(free.begin(), free.end(), by_order);
  std::string key = "owner:" + department;
  const AgentCandidate* pick = after_last(free.empty() ? members : free, agents, memory.last_rung[key]);
  memory.last_rung[key] = pick->id;
  return pick->id;
}

}  // namespace callboard::domain
