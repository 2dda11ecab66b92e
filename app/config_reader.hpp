#pragma once
// The YAML reading helpers the configuration loader's parts share: every
// failure names the file, the line and the field. Internal to app/.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <sstream>
#include <string>

#include "domain/config.hpp"

namespace callboard::app {

// Thrown inside the parser only, turned into a Status at its boundary.
struct ConfigError {
  std::string message;
};

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& what) const {
    std::ostringstream os;
    os << source_;
    if (at.IsDefined() && at.Mark().line >= 0) os << ":" << at.Mark().line + 1;
    os << ": " << (path.empty() ? "" : path + ": ") << what;
    throw ConfigError{os.str()};
  }

  // Every key of a map must be one we know: a typo is an error, not a default.
  void only_keys(const YAML::Node& map, const std::string& path, std::set<std::string> allowed) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping");
    for (const auto& kv : map) {
      auto key = kv.first.as<std::string>();
      if (!allowed.count(key)) fail(kv.first, path, "unknown key '" + key + "'");
    }
  }

  std::string str(const YAML::Node& n, const std::string& path, bool required = true,
                  const std::string& fallback = {}) const {
    if (!n.IsDefined() || n.IsNull()) {
      if (required) fail(n, path, "is required");
      return fallback;
    }
    if (!n.IsScalar()) fail(n, path, "expected a text value");
    return n.as<std::string>();
  }

  std::uint32_t uint(const YAML::Node& n, const std::string& path, std::uint32_t fallback,
                     std::uint32_t min, std::uint32_t max) const {
    if (!n.IsDefined() || n.IsNull()) return fallback;
    std::string text = str(n, path);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      fail(n, path, "expected a whole number, got '" + text + "'");
    unsigned long long v = std::stoull(text);
    if (v < min || v > max)
      fail(n, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return static_cast<std::uint32_t>(v);
  }

  domain::Endpoint endpoint(const YAML::Node& n, const std::string& path,
                            const domain::Endpoint& fallback) const {
    if (!n.IsDefined() || n.IsNull()) return fallback;
    std::string text = str(n, path);
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
      fail(n, path, "expected host:port, got '" + text + "'");
    std::string port = text.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
        port.size() > 5 || std::stoul(port) == 0 || std::stoul(port) > 65535)
      fail(n, path, "bad port in '" + text + "'");
    return {text.substr(0, colon), static_cast<std::uint16_t>(std::stoul(port))};
  }

  const YAML::Node seq(const YAML::Node& n, const std::string& path) const {
    if (n.IsDefined() && !n.IsNull() && !n.IsSequence()) fail(n, path, "expected a list");
    return n;
  }

 private:
  std::string source_;
};

inline std::string at(const std::string& list, std::size_t i) {
  return list + "[" + std::to_string(i) + "]";
}

// Routing parts of the configuration (app/config_routing.cpp).
void read_department_routing(const Reader& r, const YAML::Node& n, const std::string& path,
                             domain::DepartmentConfig& d);
void read_entry_point_routing(const Reader& r, const YAML::Node& n, const std::string& path,
                              const domain::Config& c, domain::EntryPointConfig& e);
// The click-to-call route (outbound:), validated (app/config_routing.cpp).
void read_outbound(const Reader& r, const YAML::Node& n, domain::Config& c);
// Checks what needs the whole file: targets naming departments, agents and
// entry points that exist.
void check_routing_references(const Reader& r, const YAML::Node& root, const domain::Config& c);

}  // namespace callboard::app
