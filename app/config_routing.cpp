// The routing parts of the configuration: department strategies and queues,
// entry-point rules for known and unknown callers, regions, the fallback
// ladder and opening hours. Format: docs/configuration.md.
#include <regex>

#include "app/config_reader.hpp"
#include "domain/schedule.hpp"
#include "domain/outbound_flow.hpp"

namespace callboard::app {

namespace {

domain::Strategy read_strategy(const Reader& r, const YAML::Node& n, const std::string& path,
                               domain::Strategy fallback) {
  if (!n.IsDefined()) return fallback;
  std::string text = r.str(n, path);
  domain::Strategy s;
  if (!domain::parse(text, s))
    r.fail(n, path, "unknown strategy '" + text +
                        "' (ring_all, random, round_robin, longest_idle, fewest_calls, linear)");
  return s;
}

bool read_bool(const Reader& r, const YAML::Node& n, const std::string& path, bool fallback) {
  if (!n.IsDefined()) return fallback;
  std::string text = r.str(n, path);
  if (text == "true" || text == "yes") return true;
  if (text == "false" || text == "no") return false;
  r.fail(n, path, "expected true or false, got '" + text + "'");
}

// {department: X} | {agents: [..]} | {queue: X} | {entry_point: N} | {reject: 480}
domain::TargetConfig read_target(const Reader& r, const YAML::Node& n, const std::string& path) {
  using Kind = domain::TargetConfig::Kind;
  r.only_keys(n, path, {"department", "agents", "queue", "entry_point", "reject", "reason", "strategy", "timeout_s"});
  domain::TargetConfig t;
  int kinds = 0;
  if (n["department"]) { t.kind = Kind::department; t.department = r.str(n["department"], path + ".department"); ++kinds; }
  if (n["queue"]) { t.kind = Kind::queue; t.department = r.str(n["queue"], path + ".queue"); ++kinds; }
  if (n["entry_point"]) { t.kind = Kind::entry_point; t.number = r.str(n["entry_point"], path + ".entry_point"); ++kinds; }
  if (n["agents"]) {
    t.kind = Kind::agents;
    std::size_t i = 0;
    for (const auto& a : r.seq(n["agents"], path + ".agents")) t.agents.push_back(r.str(a, at(path + ".agents", i++)));
    if (t.agents.empty()) r.fail(n["agents"], path + ".agents", "needs at least one agent");
    ++kinds;
  }
  if (n["reject"]) {
    t.kind = Kind::reject;
    t.status = static_cast<int>(r.uint(n["reject"], path + ".reject", 480, 400, 699));
    t.reason = r.str(n["reason"], path + ".reason", false, t.status == 480 ? "Temporarily Unavailable" : "Unavailable");
    ++kinds;
  }
  if (kinds != 1) r.fail(n, path, "give exactly one of department, agents, queue, entry_point or reject");
  t.strategy = read_strategy(r, n["strategy"], path + ".strategy", domain::Strategy::ring_all);
  t.timeout_s = r.uint(n["timeout_s"], path + ".timeout_s", 0, 1, 600);
  return t;
}

// "09:00-18:00" or "09:00-13:00, 14:00-18:00" or "closed"
void read_intervals(const Reader& r, const YAML::Node& n, const std::string& path,
                    std::vector<std::pair<int, int>>& out) {
  static const std::regex interval(R"(\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*)");
  std::string text = r.str(n, path);
  if (text == "closed") return;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::smatch m;
    if (!std::regex_match(part, m, interval))
      r.fail(n, path, "expected intervals like 09:00-18:00, got '" + text + "'");
    int open = std::stoi(m[1]) * 60 + std::stoi(m[2]);
    int close = std::stoi(m[3]) * 60 + std::stoi(m[4]);
    if (std::stoi(m[2]) > 59 || std::stoi(m[4]) > 59 || open >= close || close > 24 * 60)
      r.fail(n, path, "'" + part + "' is not an interval within a day");
    out.emplace_back(open, close);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

void read_hours(const Reader& r, const YAML::Node& n, const std::string& path, domain::HoursConfig& h) {
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  r.only_keys(n, path, {"timezone", "weekly", "holidays", "off_hours"});
  h.timezone = r.str(n["timezone"], path + ".timezone");
  if (!domain::known_timezone(h.timezone))
    r.fail(n["timezone"], path + ".timezone", "unknown time zone '" + h.timezone + "' (e.g. Europe/Minsk)");
  const YAML::Node weekly = n["weekly"];
  if (!weekly.IsDefined()) r.fail(n, path + ".weekly", "is required with a timezone");
  r.only_keys(weekly, path + ".weekly", {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
  for (int d = 0; d < 7; ++d) {
    if (weekly[kDays[d]]) read_intervals(r, weekly[kDays[d]], path + ".weekly." + kDays[d], h.weekly[d]);
  }
  std::size_t i = 0;
  for (const auto& day : r.seq(n["holidays"], path + ".holidays")) {
    std::string p = at(path + ".holidays", i++);
    std::string text = r.str(day, p);
    if (!std::regex_match(text, date)) r.fail(day, p, "expected a date YYYY-MM-DD, got '" + text + "'");
    h.holidays.push_back(text);
  }
  h.off_hours.kind = domain::TargetConfig::Kind::reject;
  h.off_hours.status = 480;
  h.off_hours.reason = "Closed";
  if (n["off_hours"]) h.off_hours = read_target(r, n["off_hours"], path + ".off_hours");
}

domain::UnknownRule read_unknown(const Reader& r, const YAML::Node& n, const std::string& path,
                                 domain::EntryPointConfig& e) {
  if (n.IsMap()) {
    r.only_keys(n, path, {"agents"});
    std::size_t i = 0;
    for (const auto& a : r.seq(n["agents"], path + ".agents")) e.unknown_agents.push_back(r.str(a, at(path + ".agents", i++)));
    if (e.unknown_agents.empty()) r.fail(n, path + ".agents", "needs at least one agent");
    return domain::UnknownRule::agents;
  }
  std::string text = r.str(n, path);
  if (text == "department") return domain::UnknownRule::department;
  if (text == "auto_assign") return domain::UnknownRule::auto_assign;
  if (text == "regional") return domain::UnknownRule::regional;
  if (domain::parse(text, e.unknown_strategy)) return domain::UnknownRule::strategy;
  r.fail(n, path, "unknown rule '" + text +
                      "' (department, ring_all, random, round_robin, longest_idle, fewest_calls, "
                      "linear, auto_assign, regional, or {agents: [...]})");
}

}  // namespace

void read_department_routing(const Reader& r, const YAML::Node& n, const std::string& path,
                             domain::DepartmentConfig& d) {
  d.strategy = read_strategy(r, n["strategy"], path + ".strategy", d.strategy);
  d.ring_timeout_s = r.uint(n["ring_timeout_s"], path + ".ring_timeout_s", d.ring_timeout_s, 1, 600);
  d.wrap_up_s = r.uint(n["wrap_up_s"], path + ".wrap_up_s", d.wrap_up_s, 0, 3600);
  const YAML::Node q = n["queue"];
  if (!q.IsDefined()) return;
  std::string qp = path + ".queue";
  if (q.IsScalar()) {
    d.queue.enabled = read_bool(r, q, qp, true);
    return;
  }
  r.only_keys(q, qp, {"enabled", "max_wait_s", "max_length", "announce_s", "when_nobody_logged_in"});
  d.queue.enabled = read_bool(r, q["enabled"], qp + ".enabled", true);
  d.queue.max_wait_s = r.uint(q["max_wait_s"], qp + ".max_wait_s", d.queue.max_wait_s, 1, 3600);
  d.queue.max_length = r.uint(q["max_length"], qp + ".max_length", d.queue.max_length, 1, 10000);
  d.queue.announce_s = r.uint(q["announce_s"], qp + ".announce_s", d.queue.announce_s, 1, 170);
  std::string nobody = r.str(q["when_nobody_logged_in"], qp + ".when_nobody_logged_in", false, "skip");
  if (nobody != "skip" && nobody != "wait")
    r.fail(q["when_nobody_logged_in"], qp + ".when_nobody_logged_in", "must be skip or wait");
  d.queue.wait_when_nobody_logged_in = nobody == "wait";
}

void read_entry_point_routing(const Reader& r, const YAML::Node& n, const std::string& path,
                              const domain::Config& c, domain::EntryPointConfig& e) {
  if (const YAML::Node k = n["known"]; k.IsDefined()) {
    r.only_keys(k, path + ".known", {"responsible_first", "timeout_s"});
    e.responsible_first = read_bool(r, k["responsible_first"], path + ".known.responsible_first", true);
    e.responsible_timeout_s = r.uint(k["timeout_s"], path + ".known.timeout_s", 0, 1, 600);
  }
  if (n["unknown"]) e.unknown = read_unknown(r, n["unknown"], path + ".unknown", e);
  std::size_t i = 0;
  for (const auto& reg : r.seq(n["regions"], path + ".regions")) {
    std::string p = at(path + ".regions", i++);
    r.only_keys(reg, p, {"country", "prefix", "location", "target"});
    domain::RegionRoute route;
    route.country = r.str(reg["country"], p + ".country", false);
    route.prefix = r.str(reg["prefix"], p + ".prefix", false);
    route.location = r.str(reg["location"], p + ".location", false);
    if (route.country.empty() && route.prefix.empty() && route.location.empty())
      r.fail(reg, p, "give at least one of country, prefix or location");
    if (!reg["target"]) r.fail(reg, p + ".target", "is required");
    route.target = read_target(r, reg["target"], p + ".target");
    e.regions.push_back(std::move(route));
  }
  if (n["region_default"]) e.region_default = read_target(r, n["region_default"], path + ".region_default");
  if (e.unknown == domain::UnknownRule::regional && e.regions.empty())
    r.fail(n, path + ".regions", "the regional rule needs regions");
  i = 0;
  for (const auto& t : r.seq(n["fallback"], path + ".fallback"))
    e.fallback.push_back(read_target(r, t, at(path + ".fallback", i++)));
  if (n["hours"]) read_hours(r, n["hours"], path + ".hours", e.hours);
  (void)c;
}

void read_outbound(const Reader& r, const YAML::Node& n, domain::Config& c) {
  if (!n.IsDefined() || n.IsNull()) return;
  static const std::regex uri(R"(sips?:[^\s@<>"{}]+@[^\s@<>"{}]+)");
  static const std::regex caller_id(R"(\+?[0-9]{1,20})");
  r.only_keys(n, "outbound", {"route", "caller_id", "ring_timeout_s", "answer_timeout_s"});
  domain::OutboundConfig& o = c.outbound;
  o.route = r.str(n["route"], "outbound.route");
  if (o.route.find("{number}") == std::string::npos)
    r.fail(n["route"], "outbound.route", "must contain {number}, where the client's number goes (got '" + o.route + "')");
  if (!std::regex_match(domain::outbound_uri(o.route, "+375291234567"), uri))
    r.fail(n["route"], "outbound.route",
           "expected a SIP URI such as sip:{number}@gateway.example:5060, got '" + o.route + "'");
  o.caller_id = r.str(n["caller_id"], "outbound.caller_id");
  if (!std::regex_match(o.caller_id, caller_id))
    r.fail(n["caller_id"], "outbound.caller_id",
           "expected a phone number such as +375172000100, got '" + o.caller_id + "'");
  o.ring_timeout_s = r.uint(n["ring_timeout_s"], "outbound.ring_timeout_s", o.ring_timeout_s, 1, 600);
  o.answer_timeout_s = r.uint(n["answer_timeout_s"], "outbound.answer_timeout_s", o.answer_timeout_s, 1, 86400);
  if (o.answer_timeout_s > 30)
    r.fail(n["answer_timeout_s"], "outbound.answer_timeout_s",
           "must be between 1 and 30: the agent's phone waits for our ACK (which carries the client's answer) "
           "for at most 32 s (RFC 3261 64*T1) and then hangs up");
}

void check_routing_references(const Reader& r, const YAML::Node& root, const domain::Config& c) {
  auto check_target = [&](const domain::TargetConfig& t, const YAML::Node& at_node, const std::string& path,
                          const std::string& own_number) {
    using Kind = domain::TargetConfig::Kind;
    if ((t.kind == Kind::department || t.kind == Kind::queue) && !c.find_department(t.department))
      r.fail(at_node, path, "unknown department '" + t.department + "'");
    for (const auto& a : t.agents)
      if (!c.find_agent(a)) r.fail(at_node, path, "unknown agent '" + a + "'");
    if (t.kind == Kind::entry_point && (!c.find_entry_point(t.number) || t.number == own_number))
      r.fail(at_node, path, "'" + t.number + "' is not another configured entry point");
  };
  std::size_t i = 0;
  for (const auto& n : root["entry_points"]) {
    const domain::EntryPointConfig& e = c.entry_points[i];
    std::string p = at("entry_points", i++);
    for (const auto& a : e.unknown_agents)
      if (!c.find_agent(a)) r.fail(n["unknown"], p + ".unknown.agents", "unknown agent '" + a + "'");
    for (std::size_t j = 0; j < e.regions.size(); ++j)
      check_target(e.regions[j].target, n["regions"][j], at(p + ".regions", j) + ".target", e.number);
    if (e.region_default) check_target(*e.region_default, n["region_default"], p + ".region_default", e.number);
    for (std::size_t j = 0; j < e.fallback.size(); ++j)
      check_target(e.fallback[j], n["fallback"][j], at(p + ".fallback", j), e.number);
    if (!e.hours.always_open()) check_target(e.hours.off_hours, n["hours"], p + ".hours.off_hours", e.number);
  }
}

}  // namespace callboard::app
