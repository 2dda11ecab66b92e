#pragma once
// The configuration model: what app/config_loader.cpp reads from YAML and
// validates. Plain values; every layer takes the part it needs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const { return host + ":" + std::to_string(port); }
};

struct ListenConfig {
  Endpoint sip{"127.0.0.1", 5060};      // UDP and TCP
  Endpoint http{"127.0.0.1", 8080};     // panel, JSON API, WebSocket
  Endpoint metrics{"127.0.0.1", 9464};  // Prometheus /metrics
};

struct SipConfig {
  std::string realm = "callboard";  // digest realm for REGISTER challenges
  std::string domain;               // host part used in From/To; empty: the listen host
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 3600;
  std::uint32_t default_expires = 600;
};

enum class Role : std::uint8_t { agent = 1, supervisor = 2, admin = 3 };
const char* to_string(Role r);

struct DepartmentConfig {
  std::string id;    // "sales"
  std::string name;  // "Отдел продаж"
};

struct AgentConfig {
  AgentId login;                 // "ivanov": panel login and stream id
  std::string name;              // display name
  std::string department;        // DepartmentConfig::id
  Role role = Role::agent;
  std::string sip_user;          // digest user name for REGISTER
  std::string sip_password;      // digest password
  std::string password;          // panel password, plain (demo) ...
  std::string password_hash;     // ... or an argon2id hash ($argon2id$...)
};

struct EntryPointConfig {
  std::string number;      // the dialled number as it arrives in the Request-URI user part
  std::string name;        // "Sales line"
  std::string department;  // who answers it
};

struct DemoClientConfig {
  std::string name;
  std::string company;
  std::vector<std::string> phones;  // any notation; normalised to E.164 on import
  AgentId responsible;
  std::string deal_stage;  // empty: no deal
  std::string deal_title;
};

// How long each routing step rings before the call moves on.
struct RoutingConfig {
  std::uint32_t responsible_timeout_s = 20;  // the client's own manager
  std::uint32_t department_timeout_s = 30;   // everybody free in the department
};

struct Config {
  std::string source;  // the file it was read from (for messages)
  ListenConfig listen;
  SipConfig sip;
  RoutingConfig routing;
  std::string data_dir = "data";
  std::string default_region = "BY";  // for numbers written without +country
  std::vector<std::string> deal_stages{"new", "qualified", "proposal", "negotiation", "won", "lost"};
  std::vector<DepartmentConfig> departments;
  std::vector<AgentConfig> agents;
  std::vector<EntryPointConfig> entry_points;
  std::vector<DemoClientConfig> demo_clients;

  const AgentConfig* find_agent(const AgentId& login) const;
  const AgentConfig* find_agent_by_sip_user(const std::string& sip_user) const;
  const EntryPointConfig* find_entry_point(const std::string& number) const;
  const DepartmentConfig* find_department(const std::string& id) const;
};

}  // namespace callboard::domain
