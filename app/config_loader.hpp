#pragma once
// Reads and validates the YAML configuration (format: docs/configuration.md).
// A broken file gives Status invalid_argument whose message names the file,
// the line and the problem: "callboard.yaml:14: agents[2].department:
// unknown department 'salez'". Nothing is half-applied.

#include <string>

#include "domain/config.hpp"
#include "domain/status.hpp"

namespace callboard::app {

Result<domain::Config> load_config(const std::string& path);
// The same for text already in memory; `source` names it in messages.
Result<domain::Config> parse_config(const std::string& yaml_text, const std::string& source);

}  // namespace callboard::app
