#pragma once
// Commands to the client aggregate (domain/client.hpp): what a user, the CSV
// import or the demo import asks of one client. Commands are requests that
// may be refused; events (domain/events.hpp) are the facts that follow.
//
// Ids of things a command creates (client, deal, note, task) are handed out
// by the client registry (actors/client_actor.hpp) before the aggregate
// decides, so the decider stays a pure function. Plain values; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

// A new client as a user (or an import) describes it. Phones are E.164.
struct NewClient {
  std::string name;
  std::string company;
  std::string email;
  std::vector<std::string> phones;
  AgentId responsible;
  std::string deal_title;  // empty: no deal
  std::string deal_stage;  // empty: the pipeline's first stage
  std::vector<std::string> tags;
  std::int64_t deal_amount = 0;  // minor units
  std::string deal_currency;
};

struct CreateClient {
  NewClient client;
  ClientId id = 0;    // filled by the registry
  DealId deal = 0;    // filled by the registry when deal_title is set
};

// Fields left unset keep their value.
struct UpdateClient {
  ClientId client = 0;
  std::optional<std::string> name;
  std::optional<std::string> company;
  std::optional<std::string> email;
};

struct LinkPhone {
  ClientId client = 0;
  std::string phone;  // E.164
};

struct UnlinkPhone {
  ClientId client = 0;
  std::string phone;  // E.164
};

struct AssignResponsible {
  ClientId client = 0;
  AgentId agent;  // empty: nobody
};

struct AddTag {
  ClientId client = 0;
  std::string tag;
};

struct RemoveTag {
  ClientId client = 0;
  std::string tag;
};

// `merged` is absorbed into `client` (the survivor).
struct MergeClients {
  ClientId client = 0;
  ClientId merged = 0;
};

struct OpenDeal {
  ClientId client = 0;
  DealId deal = 0;  // filled by the registry
  std::string title;
  std::string stage;  // empty: the pipeline's first stage
  std::int64_t amount = 0;
  std::string currency;
};

struct ChangeDealStage {
  ClientId client = 0;
  DealId deal = 0;
  std::string stage;
};

struct ChangeDealAmount {
  ClientId client = 0;
  DealId deal = 0;
  std::int64_t amount = 0;
  std::string currency;
};

// Amount and stage at once (one append: both change or neither).
struct UpdateDeal {
  ClientId client = 0;
  DealId deal = 0;
  std::optional<std::string> stage;
  std::optional<std::int64_t> amount;
  std::string currency;  // with amount
};

struct CloseDeal {
  ClientId client = 0;
  DealId deal = 0;
  bool won = false;
  std::string reason;
};

struct AddNote {
  ClientId client = 0;
  NoteId note = 0;  // filled by the registry
  std::string text;
  CallId call;
};

// client 0: a task about a number that is not in the CRM (its own stream,
// task/<id>).
struct CreateTask {
  ClientId client = 0;
  TaskId task = 0;  // filled by the registry
  TaskKind kind = TaskKind::call_back;
  AgentId assignee;        // empty with an empty department: the author
  std::string department;  // a department's task, when assignee is empty
  Timestamp due = 0;
  std::string phone;  // call_back: the number to call (default: the client's first)
  std::string text;
  CallId call;
};

struct CompleteTask {
  ClientId client = 0;  // 0: a task of no client
  TaskId task = 0;
};

// What came of a call with the client (CallResultRecorded): one of
// kCallResults, about a call id (the aggregate does not check that the call
// exists; the adapter does, against the views).
struct RecordCallResult {
  ClientId client = 0;
  CallId call;
  std::string result;
};

// The results an agent may give a call, in the order the panel offers them.
inline constexpr const char* kCallResults[] = {"interested", "call_back", "not_interested", "wrong_number"};

using ClientCommand =
    std::variant<CreateClient, UpdateClient, LinkPhone, UnlinkPhone, AssignResponsible, AddTag,
                 RemoveTag, MergeClients, OpenDeal, ChangeDealStage, ChangeDealAmount, UpdateDeal,
                 CloseDeal, AddNote, CreateTask, CompleteTask, RecordCallResult>;

// A command with who asks and, optionally, the client version he saw.
struct CommandEnvelope {
  ClientCommand command;
  AgentId by;  // the acting agent (author of notes, `by` of stage changes); may be empty
  // The version of the client's stream the caller's change is based on
  // (HTTP "version"); a different current version is a conflict.
  std::optional<std::uint64_t> expected_version;
};

// What a command did, once durable.
struct CommandOutcome {
  ClientId client = 0;        // the client changed (the survivor of a merge, a new client's id)
  std::uint64_t id = 0;       // the deal, note or task created; 0 otherwise
  std::uint64_t version = 0;  // the client's stream version afterwards
  std::uint64_t sequence = 0; // the log sequence of the last event written (0: nothing to write)
  std::size_t events = 0;     // how many events were written
};

// The client a command is about (0 for CreateClient before its id is set).
ClientId target_of(const ClientCommand& c);
const char* name_of(const ClientCommand& c);

}  // namespace callboard::domain
