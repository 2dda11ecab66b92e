#include "domain/config.hpp"

#include <algorithm>

namespace callboard::domain {

const char* to_string(Role r) {
  switch (r) {
    case Role::agent: return "agent";
    case Role::supervisor: return "supervisor";
    case Role::admin: return "admin";
  }
  return "unknown";
}

const char* to_string(Strategy s) {
  switch (s) {
    case Strategy::ring_all: return "ring_all";
    case Strategy::random: return "random";
    case Strategy::round_robin: return "round_robin";
    case Strategy::longest_idle: return "longest_idle";
    case Strategy::fewest_calls: return "fewest_calls";
    case Strategy::linear: return "linear";
  }
  return "unknown";
}

bool parse(std::string_view text, Strategy& out) {
  for (Strategy s : {Strategy::ring_all, Strategy::random, Strategy::round_robin,
                     Strategy::longest_idle, Strategy::fewest_calls, Strategy::linear}) {
    if (text == to_string(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

namespace {
template <class Vec, class Pred>
auto find_in(const Vec& v, Pred pred) -> decltype(&v.front()) {
  auto it = std::find_if(v.begin(), v.end(), pred);
  return it == v.end() ? nullptr : &*it;
}
}  // namespace

const AgentConfig* Config::find_agent(const AgentId& login) const {
  return find_in(agents, [&](const AgentConfig& a) { return a.login == login; });
}

const AgentConfig* Config::find_agent_by_sip_user(const std::string& sip_user) const {
  return find_in(agents, [&](const AgentConfig& a) { return a.sip_user == sip_user; });
}

const EntryPointConfig* Config::find_entry_point(const std::string& number) const {
  return find_in(entry_points, [&](const EntryPointConfig& e) { return e.number == number; });
}

const DepartmentConfig* Config::find_department(const std::string& id) const {
  return find_in(departments, [&](const DepartmentConfig& d) { return d.id == id; });
}

}  // namespace callboard::domain
