#pragma once
// The client aggregate (decide/evolve): the rules for changing one client's
// card, deals, notes and tasks. Rules across clients (a phone belongs to one
// client only, ids are unique, both sides of a merge) are the client
// registry's (actors/client_actor.hpp), which checks them before it asks this
// aggregate.
//
// Pure functions, no I/O, any thread. Errors come back as Status values:
//   invalid_argument  "field: reason" (the field as the HTTP API names it)
//   not_found         the client, deal, task or phone is not there
//   conflict          the change contradicts the current state (a closed
//                     deal, a task already done, a stale expected version)

#include <string>
#include <vector>

#include "domain/client_commands.hpp"
#include "domain/config.hpp"
#include "domain/events.hpp"
#include "domain/status.hpp"

namespace callboard::domain {

struct DealState {
  DealId id = 0;
  std::string stage;
  bool closed = false;
  std::int64_t amount = 0;
  std::string currency;
};

struct TaskState {
  TaskId id = 0;
  bool done = false;
};

struct ClientState {
  ClientId id = 0;
  bool exists = false;
  ClientId merged_into = 0;   // set: absorbed into that client, refuses every command
  std::uint64_t version = 0;  // events on this client's stream so far
  std::string name;
  std::string company;
  std::string email;
  std::vector<std::string> phones;
  AgentId responsible;
  std::vector<std::string> tags;
  std::vector<DealState> deals;  // its own and those merged in
  std::vector<TaskState> tasks;
};

// Limits, in bytes of UTF-8 (docs/api.md repeats them).
inline constexpr std::size_t kMaxNameBytes = 200;
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxPhonesPerClient = 20;
inline constexpr std::size_t kMaxTagBytes = 64;
inline constexpr std::size_t kMaxTagsPerClient = 50;
inline constexpr std::size_t kMaxNoteBytes = 10000;
inline constexpr std::size_t kMaxTaskTextBytes = 2000;
inline constexpr std::size_t kMaxReasonBytes = 500;

// Decides any command but MergeClients (which needs both sides: see
// decide_merge) against the client's current state. An empty vector means
// the change is already so (linking a phone the client has): nothing to
// write. `by` is the acting agent.
Result<std::vector<Event>> decide(const ClientState& s, const ClientCommand& command,
                                  const AgentId& by, const Config& config);

// The events of `absorbed` merging into `survivor`, in append order: a
// ClientMergedInto on the absorbed client's stream, then ClientsMerged on
// the survivor's. Append both at once, each with its stream's version.
Result<std::vector<Event>> decide_merge(const ClientState& survivor, const ClientState& absorbed);

// A task's TaskCreated, for a client (`s` its state) or for a number of no
// client (`s` null, command.client 0): fills the assignee (the author when
// neither assignee nor department is given), the department (the
// assignee's) and a call-back's number (the client's first phone).
Result<std::vector<Event>> decide_task(const ClientState* s, const CreateTask& command,
                                       const AgentId& by, const Config& config);

// Folds one event of this client's stream into its state. For a
// ClientsMerged it marks nothing of the absorbed side: call absorb() with
// the absorbed client's state as well.
ClientState evolve(ClientState s, const Event& e);

// The survivor's state after taking over the absorbed client's phones,
// tags, deals and tasks (what ClientsMerged means).
ClientState absorb(ClientState survivor, const ClientState& absorbed);

// Field checks shared with the adapters that read user input (the API and
// the CSV import) so both refuse the same things with the same words.
// ok, or invalid_argument "field: reason".
Status check_text(const char* field, const std::string& value, std::size_t min_bytes,
                  std::size_t max_bytes, bool multiline = false);
Status check_email(const std::string& email);
Status check_e164(const char* field, const std::string& phone);
Status check_tag(const std::string& tag);
Status check_currency(const std::string& currency, std::int64_t amount);
bool valid_utf8(const std::string& text);

// Leading and trailing ASCII white space removed.
std::string trimmed(const std::string& s);

}  // namespace callboard::domain
