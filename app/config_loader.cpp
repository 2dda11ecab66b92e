#include "app/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "app/config_reader.hpp"
#include "domain/phone.hpp"

namespace callboard::app {

namespace {

void read_listen(const Reader& r, const YAML::Node& n, domain::Config& c) {
  if (!n.IsDefined()) return;
  r.only_keys(n, "listen", {"sip", "http", "metrics"});
  c.listen.sip = r.endpoint(n["sip"], "listen.sip", c.listen.sip);
  c.listen.http = r.endpoint(n["http"], "listen.http", c.listen.http);
  c.listen.metrics = r.endpoint(n["metrics"], "listen.metrics", c.listen.metrics);
}

void read_sip(const Reader& r, const YAML::Node& n, domain::Config& c) {
  if (!n.IsDefined()) return;
  r.only_keys(n, "sip", {"realm", "domain", "min_expires", "max_expires", "default_expires", "dialog_port"});
  c.sip.realm = r.str(n["realm"], "sip.realm", false, c.sip.realm);
  c.sip.domain = r.str(n["domain"], "sip.domain", false, c.sip.domain);
  c.sip.min_expires = r.uint(n["min_expires"], "sip.min_expires", c.sip.min_expires, 1, 86400);
  c.sip.max_expires = r.uint(n["max_expires"], "sip.max_expires", c.sip.max_expires, 1, 86400);
  c.sip.default_expires =
      r.uint(n["default_expires"], "sip.default_expires", c.sip.default_expires, 1, 86400);
  if (c.sip.min_expires > c.sip.max_expires)
    r.fail(n["min_expires"], "sip.min_expires", "is greater than sip.max_expires");
  if (c.sip.default_expires < c.sip.min_expires || c.sip.default_expires > c.sip.max_expires)
    r.fail(n["default_expires"], "sip.default_expires", "must lie between min_expires and max_expires");
  c.sip.dialog_port = static_cast<std::uint16_t>(r.uint(n["dialog_port"], "sip.dialog_port", 0, 0, 65535));
  if (c.sip.dialog_port != 0 && c.sip.dialog_port == c.listen.sip.port)
    r.fail(n["dialog_port"], "sip.dialog_port", "is listen.sip's port; give another, or 0 for none");
  if (c.sip.dialog_port != 0 && c.listen.sip.any_address())
    r.fail(n["dialog_port"], "sip.dialog_port",
           "needs listen.sip to name one address, not '" + c.listen.sip.host + "' (the dialogs' Contact carries it)");
}

void read_routing(const Reader& r, const YAML::Node& n, domain::Config& c) {
  if (!n.IsDefined()) return;
  r.only_keys(n, "routing", {"responsible_timeout_s", "department_timeout_s", "max_missed_offers"});
  c.routing.responsible_timeout_s =
      r.uint(n["responsible_timeout_s"], "routing.responsible_timeout_s", c.routing.responsible_timeout_s, 1, 600);
  c.routing.department_timeout_s =
      r.uint(n["department_timeout_s"], "routing.department_timeout_s", c.routing.department_timeout_s, 1, 600);
  c.routing.max_missed_offers =
      r.uint(n["max_missed_offers"], "routing.max_missed_offers", c.routing.max_missed_offers, 0, 100);
}

domain::Role read_role(const Reader& r, const YAML::Node& n, const std::string& path) {
  std::string text = r.str(n, path, false, "agent");
  if (text == "agent") return domain::Role::agent;
  if (text == "supervisor") return domain::Role::supervisor;
  if (text == "admin") return domain::Role::admin;
  r.fail(n, path, "must be agent, supervisor or admin, got '" + text + "'");
}

void read_agents(const Reader& r, const YAML::Node& list, domain::Config& c) {
  static const std::regex login_re("[a-z0-9][a-z0-9._-]{0,63}");
  std::set<std::string> logins, sip_users;
  std::size_t i = 0;
  for (const auto& n : r.seq(list, "agents")) {
    std::string p = at("agents", i++);
    r.only_keys(n, p, {"login", "name", "department", "role", "password", "password_hash", "sip", "queues"});
    domain::AgentConfig a;
    a.login = r.str(n["login"], p + ".login");
    if (!std::regex_match(a.login, login_re))
      r.fail(n["login"], p + ".login", "use lowercase letters, digits, '.', '_' or '-' (got '" + a.login + "')");
    if (!logins.insert(a.login).second) r.fail(n["login"], p + ".login", "duplicate login '" + a.login + "'");
    a.name = r.str(n["name"], p + ".name", false, a.login);
    a.department = r.str(n["department"], p + ".department");
    if (!c.find_department(a.department))
      r.fail(n["department"], p + ".department", "unknown department '" + a.department + "'");
    std::size_t q = 0;
    for (const auto& queue : r.seq(n["queues"], p + ".queues")) {
      std::string qp = at(p + ".queues", q++);
      std::string id = r.str(queue, qp);
      if (!c.find_department(id)) r.fail(queue, qp, "unknown department '" + id + "'");
      a.queues.push_back(id);
    }
    a.role = read_role(r, n["role"], p + ".role");
    a.password = r.str(n["password"], p + ".password", false);
    a.password_hash = r.str(n["password_hash"], p + ".password_hash", false);
    if (a.password.empty() == a.password_hash.empty())
      r.fail(n, p, "give exactly one of password or password_hash");
    if (!a.password_hash.empty() && a.password_hash.rfind("$argon2id$", 0) != 0)
      r.fail(n["password_hash"], p + ".password_hash", "must be an argon2id hash ($argon2id$...)");
    const YAML::Node sip = n["sip"];
    if (!sip.IsDefined()) r.fail(n, p + ".sip", "is required (user and password of his phone)");
    r.only_keys(sip, p + ".sip", {"user", "password"});
    a.sip_user = r.str(sip["user"], p + ".sip.user");
    a.sip_password = r.str(sip["password"], p + ".sip.password");
    if (!sip_users.insert(a.sip_user).second)
      r.fail(sip["user"], p + ".sip.user", "duplicate SIP user '" + a.sip_user + "'");
    c.agents.push_back(std::move(a));
  }
}

void read_demo_clients(const Reader& r, const YAML::Node& list, domain::Config& c) {
  domain::PhoneNumbers phones(c.default_region);
  std::set<std::string> seen_phones;
  std::size_t i = 0;
  for (const auto& n : r.seq(list, "demo_clients")) {
    std::string p = at("demo_clients", i++);
    r.only_keys(n, p, {"name", "company", "phones", "responsible", "deal"});
    domain::DemoClientConfig d;
    d.name = r.str(n["name"], p + ".name");
    d.company = r.str(n["company"], p + ".company", false);
    std::size_t j = 0;
    for (const auto& ph : r.seq(n["phones"], p + ".phones")) {
      std::string pp = at(p + ".phones", j++);
      std::string raw = r.str(ph, pp);
      auto e164 = phones.normalize(raw);
      if (!e164) r.fail(ph, pp, "'" + raw + "' is not a phone number");
      if (!seen_phones.insert(*e164).second) r.fail(ph, pp, *e164 + " belongs to another client already");
      d.phones.push_back(*e164);
    }
    d.responsible = r.str(n["responsible"], p + ".responsible", false);
    if (!d.responsible.empty() && !c.find_agent(d.responsible))
      r.fail(n["responsible"], p + ".responsible", "unknown agent '" + d.responsible + "'");
    if (const YAML::Node deal = n["deal"]; deal.IsDefined()) {
      r.only_keys(deal, p + ".deal", {"title", "stage"});
      d.deal_title = r.str(deal["title"], p + ".deal.title");
      d.deal_stage = r.str(deal["stage"], p + ".deal.stage");
      if (std::find(c.deal_stages.begin(), c.deal_stages.end(), d.deal_stage) == c.deal_stages.end())
        r.fail(deal["stage"], p + ".deal.stage", "unknown deal stage '" + d.deal_stage + "'");
    }
    c.demo_clients.push_back(std::move(d));
  }
}

domain::Config read(const Reader& r, const YAML::Node& root, const std::string& source) {
  domain::Config c;
  c.source = source;
  if (!root.IsMap()) r.fail(root, "", "the configuration must be a YAML mapping");
  r.only_keys(root, "", {"listen", "sip", "routing", "data_dir", "default_region", "deal_stages",
                         "departments", "agents", "entry_points", "demo_clients", "outbound"});
  read_listen(r, root["listen"], c);
  read_sip(r, root["sip"], c);
  read_routing(r, root["routing"], c);
  c.data_dir = r.str(root["data_dir"], "data_dir", false, c.data_dir);
  c.default_region = r.str(root["default_region"], "default_region", false, c.default_region);
  if (c.default_region.size() != 2) r.fail(root["default_region"], "default_region", "expected a two-letter region code such as BY");
  if (root["deal_stages"].IsDefined()) {
    c.deal_stages.clear();
    std::size_t i = 0;
    for (const auto& s : r.seq(root["deal_stages"], "deal_stages")) c.deal_stages.push_back(r.str(s, at("deal_stages", i++)));
    if (c.deal_stages.empty()) r.fail(root["deal_stages"], "deal_stages", "needs at least one stage");
  }
  std::size_t i = 0;
  std::set<std::string> ids;
  for (const auto& n : r.seq(root["departments"], "departments")) {
    std::string p = at("departments", i++);
    r.only_keys(n, p, {"id", "name", "strategy", "ring_timeout_s", "wrap_up_s", "queue"});
    domain::DepartmentConfig d;
    d.id = r.str(n["id"], p + ".id");
    d.name = r.str(n["name"], p + ".name", false);
    d.ring_timeout_s = c.routing.department_timeout_s;
    read_department_routing(r, n, p, d);
    if (!ids.insert(d.id).second) r.fail(n["id"], p + ".id", "duplicate department '" + d.id + "'");
    if (d.name.empty()) d.name = d.id;
    c.departments.push_back(std::move(d));
  }
  if (c.departments.empty()) r.fail(root, "departments", "at least one department is required");
  c.index();  // agents and entry points name departments: look them up by hash
  read_agents(r, root["agents"], c);
  c.index();  // and clients and routing rules name agents
  i = 0;
  std::set<std::string> numbers;
  for (const auto& n : r.seq(root["entry_points"], "entry_points")) {
    std::string p = at("entry_points", i++);
    r.only_keys(n, p, {"number", "name", "department", "source", "known", "unknown", "regions",
                       "region_default", "fallback", "hours"});
    domain::EntryPointConfig e;
    e.number = r.str(n["number"], p + ".number");
    e.name = r.str(n["name"], p + ".name", false);
    e.source = r.str(n["source"], p + ".source", false);
    e.department = r.str(n["department"], p + ".department");
    if (!numbers.insert(e.number).second) r.fail(n["number"], p + ".number", "duplicate number '" + e.number + "'");
    if (!c.find_department(e.department))
      r.fail(n["department"], p + ".department", "unknown department '" + e.department + "'");
    if (e.name.empty()) e.name = e.number;
    read_entry_point_routing(r, n, p, c, e);
    c.entry_points.push_back(std::move(e));
  }
  read_demo_clients(r, root["demo_clients"], c);
  read_outbound(r, root["outbound"], c);
  check_routing_references(r, root, c);
  c.index();
  return c;
}

}  // namespace

Result<domain::Config> parse_config(const std::string& yaml_text, const std::string& source) {
  Reader reader(source);
  try {
    YAML::Node root = YAML::Load(yaml_text);
    return read(reader, root, source);
  } catch (const ConfigError& e) {
    return Status::invalid_argument(e.message);
  } catch (const YAML::Exception& e) {
    std::ostringstream os;
    os << source;
    if (e.mark.line >= 0) os << ":" << e.mark.line + 1;
    os << ": " << e.msg;
    return Status::invalid_argument(os.str());
  }
}

Result<domain::Config> load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found(path + ": cannot open the configuration file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_config(buffer.str(), path);
}

}  // namespace callboard::app
