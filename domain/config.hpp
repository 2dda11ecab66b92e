#pragma once
// The configuration model: what app/config_loader.cpp reads from YAML and
// validates. Plain values; every layer takes the part it needs.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const { return host + ":" + std::to_string(port); }
  // Every local address (0.0.0.0, ::), not one a peer can be told to reach.
  bool any_address() const { return host == "0.0.0.0" || host == "::" || host == "[::]" || host == "*"; }
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
  // A second port on listen.sip's host for the server's dialogs over UDP
  // (its own requests, their responses, the peers' requests inside a
  // dialog); listen.sip then takes new requests only. 0: one port for all.
  std::uint16_t dialog_port = 0;
};

enum class Role : std::uint8_t { agent = 1, supervisor = 2, admin = 3 };
const char* to_string(Role r);

// How a department step picks among its free agents (as Asterisk and
// FreeSWITCH queues do). ring_all rings everyone free at once; the others
// ring one agent at a time, moving to the next when he does not answer.
enum class Strategy : std::uint8_t {
  ring_all,
  random,        // a random free agent
  round_robin,   // the next after the one rung last (memory per department)
  longest_idle,  // the one free for the longest time
  fewest_calls,  // the one who answered the fewest calls today
  linear,        // the first free in the configured order, every time
};
const char* to_string(Strategy s);
bool parse(std::string_view text, Strategy& out);

// Where a call goes when a rule sends it somewhere: one of these.
struct TargetConfig {
  enum class Kind : std::uint8_t { department, agents, queue, entry_point, reject };
  Kind kind = Kind::reject;
  std::string department;        // department, queue
  std::vector<AgentId> agents;   // agents (a secretary, reception, a group)
  Strategy strategy = Strategy::ring_all;  // agents: how the group rings
  std::uint32_t timeout_s = 0;   // 0: the department's ring_timeout_s (agents: 30)
  std::string number;            // entry_point: route as if this number was dialled
  int status = 480;              // reject: the final response
  std::string reason = "Temporarily Unavailable";
};

struct QueueConfig {
  bool enabled = true;
  std::uint32_t max_wait_s = 120;   // then the call moves on down its ladder
  std::uint32_t max_length = 20;    // a full queue sends new calls on at once
  std::uint32_t announce_s = 60;    // 182 Queued again this often (SIP timer C is 3 min)
  // Nobody of the department registered: `reject` skips the queue (the call
  // moves on down its ladder), `wait` queues the call anyway.
  bool wait_when_nobody_logged_in = false;
};

struct DepartmentConfig {
  std::string id;    // "sales"
  std::string name;  // "Отдел продаж"
  Strategy strategy = Strategy::ring_all;
  std::uint32_t ring_timeout_s = 30;  // a ring-all step, or each agent of a hunt
  std::uint32_t wrap_up_s = 0;        // after-call work before the next offer
  QueueConfig queue;
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
  std::vector<std::string> queues;  // departments whose queues he serves besides his own
};

// The region rule: the first route whose country / E.164 prefix / geocoder
// location matches the caller (empty fields match anything) picks the target.
struct RegionRoute {
  std::string country;   // "BY"
  std::string prefix;    // "+37517"
  std::string location;  // a substring of the geocoder's description: "Минск"
  TargetConfig target;
};

// Opening hours of an entry point, in its time zone.
struct HoursConfig {
  std::string timezone;  // IANA, e.g. "Europe/Minsk"; empty: always open
  // Per weekday (0 = Monday), open intervals in minutes since local midnight.
  std::vector<std::pair<int, int>> weekly[7];
  std::vector<std::string> holidays;  // local dates "YYYY-MM-DD", closed all day
  TargetConfig off_hours;             // default: reject 480 "Closed"
  bool always_open() const { return timezone.empty(); }
};

enum class UnknownRule : std::uint8_t {
  department,   // the department's own strategy
  strategy,     // a strategy given for this entry point (unknown_strategy)
  agents,       // a dedicated person or group (unknown_agents)
  auto_assign,  // pick a manager by fair rotation, make him the new client's owner, ring him
  regional,     // the caller's region picks the target (regions)
};

struct EntryPointConfig {
  std::string number;      // the dialled number as it arrives in the Request-URI user part
  std::string name;        // "Sales line"
  std::string department;  // who answers it
  // Call tracking: the traffic source this number is published for (an ad
  // campaign, a page of the site); empty: none. Recorded with every call to
  // it (CallAttributed) and shown in the screen pop.
  std::string source;
  // Known callers: ring the responsible manager first, for this long.
  bool responsible_first = true;
  std::uint32_t responsible_timeout_s = 0;  // 0: routing.responsible_timeout_s
  // Unknown callers.
  UnknownRule unknown = UnknownRule::department;
  Strategy unknown_strategy = Strategy::ring_all;
  std::vector<AgentId> unknown_agents;
  std::vector<RegionRoute> regions;
  std::optional<TargetConfig> region_default;  // no region matched (default: the department)
  // After the first steps: the fallback ladder. Empty: the department's
  // queue when it has one; the caller gets 480 when the ladder is done.
  std::vector<TargetConfig> fallback;
  HoursConfig hours;
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
  std::uint32_t department_timeout_s = 30;   // default ring_timeout_s of departments
  std::uint32_t max_missed_offers = 3;       // unanswered offers in a row that pause an agent (0: never)
};

// Click-to-call (docs/configuration.md, "outbound"): the agent's phone is
// rung first, then the client over this route (RFC 3725 flow I,
// domain/outbound_flow.hpp).
struct OutboundConfig {
  // A SIP URI with "{number}" where the client's E.164 number goes:
  // "sip:{number}@gateway.example:5060". Empty: no click-to-call.
  std::string route;
  std::string caller_id;                // From user part the client's phone shows
  std::uint32_t ring_timeout_s = 30;    // the agent's own phone rings this long
  // The client's phone rings this long; at most 30 s: the agent's phone
  // retransmits its un-ACKed 200 for 64*T1 = 32 s only, then hangs up.
  std::uint32_t answer_timeout_s = 25;
  bool enabled() const { return !route.empty(); }
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
  OutboundConfig outbound;

  // Lookups by key, the first match in list order. Linear scans until
  // index() is called (the loader calls it once the lists are final; a
  // routing step looks up its department and entry point on every call,
  // and a configuration may hold thousands). A list that grows or shrinks
  // after index() is scanned again; one changed in place must be indexed
  // again.
  const AgentConfig* find_agent(const AgentId& login) const;
  const EntryPointConfig* find_entry_point(const std::string& number) const;
  const DepartmentConfig* find_department(const std::string& id) const;
  void index();

  // Positions by key, first occurrence; `size` is the list's length when
  // it was indexed.
  struct KeyIndex {
    std::unordered_map<std::string, std::size_t> at;
    std::size_t size = 0;
  };
  KeyIndex agents_by_login, entry_points_by_number, departments_by_id;
};

}  // namespace callboard::domain
