#pragma once
// What the panel may ask of an agent's state: pause him (with a reason) or
// end his pause. The agent's actor decides and records AgentPauseChanged
// (with `by`, the login who asked) and, when it changes his state,
// AgentStateChanged; the panel learns the outcome from the log like
// everyone else (the WebSocket "state" push, the board).
//
// Implemented by the composition root over actors::CallCenter
// (pause_agent / resume_agent). Thread-safe; returns at once. No CAF here.

#include <string>

#include "domain/types.hpp"

namespace callboard::web {

class AgentControl {
 public:
  virtual ~AgentControl() = default;
  // false: the actors are not running (starting or stopping); nothing was asked.
  virtual bool pause(const domain::AgentId& agent, const std::string& reason, const domain::AgentId& by) = 0;
  virtual bool resume(const domain::AgentId& agent, const domain::AgentId& by) = 0;
};

}  // namespace callboard::web
