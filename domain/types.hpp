#pragma once
// Plain value types shared by every layer. Enumerator values of the enums
// below are written to disk inside events: never renumber them, only add.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace callboard::domain {

using Timestamp = std::int64_t;  // microseconds since the Unix epoch, UTC
using Duration = std::int64_t;   // microseconds
using ClientId = std::uint64_t;  // 0 means "no client"
using DealId = std::uint64_t;
using NoteId = std::uint64_t;
using TaskId = std::uint64_t;
using AgentId = std::string;  // the agent's login, from the config
using CallId = std::string;   // unique across restarts (random, hex)
using LegId = std::uint32_t;  // an outbound leg within one call

constexpr Duration kMicrosPerSecond = 1'000'000;

enum class AgentState : std::uint8_t {
  offline = 0,
  available = 1,
  ringing = 2,
  on_call = 3,
  wrap_up = 4,
  paused = 5,
};

// How a call ended, from the caller's side.
enum class CallOutcome : std::uint8_t {
  answered = 1,     // an agent took the call; it ended after talking
  abandoned = 2,    // the caller hung up before anyone answered
  no_agent = 3,     // nobody could take it (final response 480)
  not_found = 4,    // the dialled number is not configured (404)
  failed = 5,       // signalling failure
  interrupted = 6,  // the server stopped while the call was up
  closed = 7,       // it came outside the entry point's opening hours
  // Outbound (click-to-call): the client did not take the call: busy,
  // refused, unreachable or no answer in time (CallEnded.sip_status says
  // which, 408 for our timeout).
  not_answered = 8,
};

// Who started the call: a client calling in, or an agent's click-to-call.
enum class CallDirection : std::uint8_t {
  inbound = 0,
  outbound = 1,
};

enum class EndedBy : std::uint8_t {
  caller = 1,
  agent = 2,
  system = 3,
};

enum class TaskKind : std::uint8_t {
  call_back = 1,
  other = 2,
};

const char* to_string(AgentState s);
const char* to_string(CallOutcome o);
const char* to_string(EndedBy e);
const char* to_string(CallDirection d);
const char* to_string(TaskKind k);
std::ostream& operator<<(std::ostream& os, AgentState s);
std::ostream& operator<<(std::ostream& os, CallOutcome o);
std::ostream& operator<<(std::ostream& os, EndedBy e);
// Parse the to_string() spelling; false when the text names no value.
bool parse(std::string_view text, AgentState& out);
bool parse(std::string_view text, CallOutcome& out);

// Stream ids: "client/42", "call/<id>", "agent/<login>".
std::string client_stream(ClientId id);
std::string call_stream(const CallId& id);
std::string agent_stream(const AgentId& id);

}  // namespace callboard::domain
