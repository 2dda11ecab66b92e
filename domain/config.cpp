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
template <class Vec, class Key>
auto find_in(const Vec& v, const Config::KeyIndex& index, const std::string& wanted, Key key)
    -> decltype(&v.front()) {
  if (index.size == v.size() && !v.empty()) {
    auto it = index.at.find(wanted);
    if (it == index.at.end()) return nullptr;
    if (key(v[it->second]) == wanted) return &v[it->second];  // else changed in place: scan
  }
  auto it = std::find_if(v.begin(), v.end(), [&](const auto& item) { return key(item) == wanted; });
  return it == v.end() ? nullptr : &*it;
}

template <class Vec, class Key>
void index_list(const Vec& v, Config::KeyIndex& index, Key key) {
  index.at.clear();
  index.at.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) index.at.emplace(key(v[i]), i);  // the first one stays
  index.size = v.size();
}

const std::string& login_of(const AgentConfig& a) { return a.login; }
const std::string& number_of(const EntryPointConfig& e) { return e.number; }
const std::string& id_of(const DepartmentConfig& d) { return d.id; }
}  // namespace

const AgentConfig* Config::find_agent(const AgentId& login) const {
  return find_in(agents, agents_by_login, login, login_of);
}

const EntryPointConfig* Config::find_entry_point(const std::string& number) const {
  return find_in(entry_points, entry_points_by_number, number, number_of);
}

const DepartmentConfig* Config::find_department(const std::string& id) const {
  return find_in(departments, departments_by_id, id, id_of);
}

void Config::index() {
  index_list(agents, agents_by_login, login_of);
  index_list(entry_points, entry_points_by_number, number_of);
  index_list(departments, departments_by_id, id_of);
}

}  // namespace callboard::domain
