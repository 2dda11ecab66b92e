#include "domain/types.hpp"

#include <ostream>

namespace callboard::domain {

const char* to_string(AgentState s) {
  switch (s) {
    case AgentState::offline: return "offline";
    case AgentState::available: return "available";
    case AgentState::ringing: return "ringing";
    case AgentState::on_call: return "on_call";
    case AgentState::wrap_up: return "wrap_up";
    case AgentState::paused: return "paused";
  }
  return "unknown";
}

const char* to_string(CallOutcome o) {
  switch (o) {
    case CallOutcome::answered: return "answered";
    case CallOutcome::abandoned: return "abandoned";
    case CallOutcome::no_agent: return "no_agent";
    case CallOutcome::not_found: return "not_found";
    case CallOutcome::failed: return "failed";
    case CallOutcome::interrupted: return "interrupted";
    case CallOutcome::closed: return "closed";
    case CallOutcome::not_answered: return "not_answered";
  }
  return "unknown";
}

const char* to_string(EndedBy e) {
  switch (e) {
    case EndedBy::caller: return "caller";
    case EndedBy::agent: return "agent";
    case EndedBy::system: return "system";
  }
  return "unknown";
}

const char* to_string(CallDirection d) {
  switch (d) {
    case CallDirection::inbound: return "inbound";
    case CallDirection::outbound: return "outbound";
  }
  return "unknown";
}

const char* to_string(TaskKind k) {
  switch (k) {
    case TaskKind::call_back: return "call_back";
    case TaskKind::other: return "other";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, AgentState s) { return os << to_string(s); }
std::ostream& operator<<(std::ostream& os, CallOutcome o) { return os << to_string(o); }
std::ostream& operator<<(std::ostream& os, EndedBy e) { return os << to_string(e); }

namespace {
template <class E, E... values>
bool parse_enum(std::string_view text, E& out) {
  for (E v : {values...}) {
    if (text == to_string(v)) {
      out = v;
      return true;
    }
  }
  return false;
}
}  // namespace

bool parse(std::string_view text, AgentState& out) {
  return parse_enum<AgentState, AgentState::offline, AgentState::available, AgentState::ringing,
                    AgentState::on_call, AgentState::wrap_up, AgentState::paused>(text, out);
}

bool parse(std::string_view text, CallOutcome& out) {
  return parse_enum<CallOutcome, CallOutcome::answered, CallOutcome::abandoned,
                    CallOutcome::no_agent, CallOutcome::not_found, CallOutcome::failed,
                    CallOutcome::interrupted, CallOutcome::closed,
                    CallOutcome::not_answered>(text, out);
}

std::string client_stream(ClientId id) { return "client/" + std::to_string(id); }
std::string call_stream(const CallId& id) { return "call/" + id; }
std::string agent_stream(const AgentId& id) { return "agent/" + id; }

}  // namespace callboard::domain
