// The configuration loader: the demo parses; broken files name the file,
// the line and the problem.
#define BOOST_TEST_MODULE app
#include <boost/test/unit_test.hpp>

#include "app/config_loader.hpp"

using callboard::app::load_config;
using callboard::app::parse_config;

namespace {
const char* kMinimal = R"(
departments:
  - id: sales
agents:
  - login: anna
    department: sales
    password: x
    sip: {user: "201", password: "s"}
entry_points:
  - number: "100"
    department: sales
)";

std::string error_of(const std::string& yaml) {
  auto r = parse_config(yaml, "test.yaml");
  BOOST_REQUIRE_MESSAGE(!r.is_ok(), "expected an error");
  return r.status().message();
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_demo_configuration_loads) {
  auto c = load_config(std::string(CALLBOARD_SOURCE_DIR) + "/ops/demo/callboard.yaml");
  BOOST_REQUIRE_MESSAGE(c.is_ok(), c.status().to_string());
  BOOST_TEST(c->departments.size() >= 1u);
  BOOST_TEST(c->find_department("sales") != nullptr);
  // Loaded configurations are indexed: lookups do not scan the lists.
  BOOST_TEST(c->departments_by_id.size == c->departments.size());
  BOOST_TEST(c->agents_by_login.size == c->agents.size());
  BOOST_TEST(c->entry_points_by_number.size == c->entry_points.size());
  int in_sales = 0;
  for (const auto& a : c->agents) in_sales += a.department == "sales";
  BOOST_TEST(in_sales >= 3);
  BOOST_REQUIRE(c->demo_clients.size() >= 2u);
  BOOST_TEST(c->demo_clients[0].responsible != c->demo_clients[1].responsible);
  BOOST_TEST(c->demo_clients[0].phones[0] == "+375291111111");  // normalised
  BOOST_TEST(c->listen.sip.to_string() == "127.0.0.1:5060");
  BOOST_TEST(c->listen.http.port == 8080);
  BOOST_TEST(c->listen.metrics.port == 9464);
}

BOOST_AUTO_TEST_CASE(defaults_fill_what_is_left_out) {
  auto c = parse_config(kMinimal, "min.yaml");
  BOOST_REQUIRE_MESSAGE(c.is_ok(), c.status().to_string());
  BOOST_TEST(c->sip.realm == "callboard");
  BOOST_TEST(c->routing.responsible_timeout_s == 20u);
  BOOST_TEST(c->agents[0].name == "anna");
  BOOST_TEST((c->agents[0].role == callboard::domain::Role::agent));
}

BOOST_AUTO_TEST_CASE(an_unknown_department_names_file_line_and_field) {
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("department: sales"), 17, "department: salez");
  BOOST_TEST(error_of(yaml) == "test.yaml:6: agents[0].department: unknown department 'salez'");
}

BOOST_AUTO_TEST_CASE(broken_files_give_clear_errors) {
  BOOST_TEST(error_of("listen: [").find("test.yaml:1:") == 0u);  // YAML syntax
  BOOST_TEST(error_of(std::string(kMinimal) + "colour: blue\n").find("unknown key 'colour'") != std::string::npos);
  BOOST_TEST(error_of(std::string(kMinimal) + "listen: {sip: 'nohost'}\n").find("expected host:port") != std::string::npos);
  BOOST_TEST(error_of(std::string(kMinimal) + "listen: {http: '127.0.0.1:99999'}\n").find("bad port") != std::string::npos);
  BOOST_TEST(error_of(std::string(kMinimal) +
                      "demo_clients:\n  - name: X\n    phones: ['call me maybe']\n")
                 .find("test.yaml:14: demo_clients[0].phones[0]: 'call me maybe' is not a phone number") == 0u);
  BOOST_TEST(error_of(std::string(kMinimal) + "routing: {responsible_timeout_s: -3}\n").find("whole number") != std::string::npos);
  std::string twice = kMinimal;
  twice += "  - number: '100'\n    department: sales\n";
  BOOST_TEST(error_of(twice).find("duplicate number '100'") != std::string::npos);
  BOOST_TEST(error_of("departments: []\n").find("at least one department") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_named) {
  auto r = load_config("/nonexistent/callboard.yaml");
  BOOST_TEST(!r.is_ok());
  BOOST_TEST(r.status().message().find("/nonexistent/callboard.yaml") == 0u);
}

// Click-to-call (outbound:): off unless configured; validated with clear errors.
BOOST_AUTO_TEST_CASE(the_outbound_route_is_optional_and_checked) {
  auto off = parse_config(kMinimal, "min.yaml");
  BOOST_REQUIRE_MESSAGE(off.is_ok(), off.status().to_string());
  BOOST_TEST(!off->outbound.enabled());

  auto on = parse_config(std::string(kMinimal) +
                             "outbound: {route: 'sip:{number}@127.0.0.1:5090', caller_id: '+375172000100', "
                             "ring_timeout_s: 15}\n",
                         "test.yaml");
  BOOST_REQUIRE_MESSAGE(on.is_ok(), on.status().to_string());
  BOOST_TEST(on->outbound.enabled());
  BOOST_TEST(on->outbound.route == "sip:{number}@127.0.0.1:5090");
  BOOST_TEST(on->outbound.caller_id == "+375172000100");
  BOOST_TEST(on->outbound.ring_timeout_s == 15u);
  BOOST_TEST(on->outbound.answer_timeout_s == 25u);  // the default

  auto error = [](const std::string& section) { return error_of(std::string(kMinimal) + section); };
  BOOST_TEST(error("outbound: {route: 'sip:gw@127.0.0.1', caller_id: '1'}\n").find("must contain {number}") !=
             std::string::npos);
  BOOST_TEST(error("outbound: {route: 'tel:{number}', caller_id: '1'}\n").find("expected a SIP URI") !=
             std::string::npos);
  BOOST_TEST(error("outbound: {route: 'sip:{number}@gw'}\n").find("outbound.caller_id: is required") !=
             std::string::npos);
  BOOST_TEST(error("outbound: {route: 'sip:{number}@gw', caller_id: 'Callboard'}\n")
                 .find("expected a phone number") != std::string::npos);
  BOOST_TEST(error("outbound: {route: 'sip:{number}@gw', caller_id: '1', answer_timeout_s: 31}\n")
                 .find("between 1 and 30") != std::string::npos);
  BOOST_TEST(error("outbound: {route: 'sip:{number}@gw', caller_id: '1', ring: 5}\n").find("unknown key 'ring'") !=
             std::string::npos);
}

// sip.dialog_port: off by default; another port than listen.sip's.
BOOST_AUTO_TEST_CASE(the_dialog_port_is_optional_and_not_the_listen_port) {
  auto off = parse_config(kMinimal, "min.yaml");
  BOOST_REQUIRE_MESSAGE(off.is_ok(), off.status().to_string());
  BOOST_TEST(off->sip.dialog_port == 0u);
  auto on = parse_config(std::string(kMinimal) + "listen: {sip: '127.0.0.1:5060'}\nsip: {dialog_port: 5062}\n",
                         "test.yaml");
  BOOST_REQUIRE_MESSAGE(on.is_ok(), on.status().to_string());
  BOOST_TEST(on->sip.dialog_port == 5062u);
  BOOST_TEST(error_of(std::string(kMinimal) + "listen: {sip: '127.0.0.1:5060'}\nsip: {dialog_port: 5060}\n") ==
             "test.yaml:13: sip.dialog_port: is listen.sip's port; give another, or 0 for none");
  BOOST_TEST(error_of(std::string(kMinimal) + "sip: {dialog_port: 70000}\n").find("sip.dialog_port") !=
             std::string::npos);
  BOOST_TEST(error_of(std::string(kMinimal) + "listen: {sip: '0.0.0.0:5060'}\nsip: {dialog_port: 5062}\n")
                 .find("sip.dialog_port: needs listen.sip to name one address, not '0.0.0.0'") != std::string::npos);
}
