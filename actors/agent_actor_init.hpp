#pragma once
// What an agent actor starts from (no CAF, so the composition root can
// build it).

#include <cstdint>

#include "domain/agent.hpp"

namespace callboard::actors {

struct AgentInit {
  domain::AgentStatus status;  // as the log left it (after start-up recovery)
  std::uint64_t version = 0;   // current version of his stream
  domain::AgentPolicy policy;  // wrap-up, pause after missed offers (the supervisor fills it)
};

}  // namespace callboard::actors
