#pragma once
// The event catalogue: immutable, past-tense facts. Every change of state in
// Callboard is one of these, appended to the log (storage/FORMAT.md).
//
// Each event struct carries:
//   kType     its numeric tag: written to disk, never renumber, never reuse;
//   kVersion  its current schema version: bump it when fields change, and add
//             an upcast from the older version in storage/codec.cpp;
//   kFields   the field names, comma-separated, in tie() order (for dumps);
//   tie()     its fields in encoding order (the codec, equality and the
//             human-readable dump all walk this one list).
// Deal, note and task events belong to their client's stream (client/<id>),
// so one expected version orders every change to a client.

#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

enum class EventType : std::uint16_t {
  // clients: 1..19
  client_created = 1,
  client_updated = 2,
  phone_linked = 3,
  phone_unlinked = 4,
  responsible_assigned = 5,
  clients_merged = 6,
  tag_added = 7,
  tag_removed = 8,
  client_merged_into = 9,
  // deals: 20..29
  deal_opened = 20,
  deal_stage_changed = 21,
  deal_amount_changed = 22,
  deal_closed = 23,
  // notes and tasks: 30..39
  note_added = 30,
  call_result_recorded = 31,
  task_created = 35,
  task_completed = 36,
  // agents: 40..59
  agent_created = 40,
  agent_registered = 41,
  agent_unregistered = 42,
  agent_state_changed = 43,
  agent_pause_changed = 44,
  // calls: 60..79
  call_received = 60,
  call_classified = 61,
  routing_decided = 62,
  call_queued = 63,
  agent_offered = 64,
  offer_failed = 65,
  call_answered = 66,
  call_placed = 67,
  call_ended = 68,
  call_interrupted = 69,
  call_attributed = 80,
};

#define CALLBOARD_EVENT(Name, Tag, Version)                         \
  static constexpr EventType kType = EventType::Tag;                \
  static constexpr std::uint16_t kVersion = Version;                \
  static constexpr const char* kName = #Name;

// ---- clients ---------------------------------------------------------------
// v1 had no email; storage/codec.cpp upcasts it (email = "").
struct ClientCreated {
  CALLBOARD_EVENT(ClientCreated, client_created, 2)
  static constexpr const char* kFields = "client,name,company,email";
  ClientId client = 0;
  std::string name;
  std::string company;
  std::string email;
  auto tie() { return std::tie(client, name, company, email); }
  auto tie() const { return std::tie(client, name, company, email); }
};

struct ClientUpdated {
  CALLBOARD_EVENT(ClientUpdated, client_updated, 1)
  static constexpr const char* kFields = "client,name,company,email";
  ClientId client = 0;
  std::string name;
  std::string company;
  std::string email;
  auto tie() { return std::tie(client, name, company, email); }
  auto tie() const { return std::tie(client, name, company, email); }
};

struct PhoneLinked {
  CALLBOARD_EVENT(PhoneLinked, phone_linked, 1)
  static constexpr const char* kFields = "client,phone";
  ClientId client = 0;
  std::string phone;  // E.164, e.g. "+375291234567"
  auto tie() { return std::tie(client, phone); }
  auto tie() const { return std::tie(client, phone); }
};

struct PhoneUnlinked {
  CALLBOARD_EVENT(PhoneUnlinked, phone_unlinked, 1)
  static constexpr const char* kFields = "client,phone";
  ClientId client = 0;
  std::string phone;
  auto tie() { return std::tie(client, phone); }
  auto tie() const { return std::tie(client, phone); }
};

struct ResponsibleAssigned {
  CALLBOARD_EVENT(ResponsibleAssigned, responsible_assigned, 1)
  static constexpr const char* kFields = "client,agent";
  ClientId client = 0;
  AgentId agent;  // empty: nobody is responsible any more
  auto tie() { return std::tie(client, agent); }
  auto tie() const { return std::tie(client, agent); }
};

// Written to the survivor's stream: `merged` is absorbed into `client`
// (its phones, deals, notes, tasks and history move over).
struct ClientsMerged {
  CALLBOARD_EVENT(ClientsMerged, clients_merged, 1)
  static constexpr const char* kFields = "client,merged";
  ClientId client = 0;
  ClientId merged = 0;
  auto tie() { return std::tie(client, merged); }
  auto tie() const { return std::tie(client, merged); }
};

// Written to the absorbed client's stream, in the same append as the
// survivor's ClientsMerged: the absorbed stream is closed from here on (its
// expected version makes a concurrent change to it fail the merge instead).
struct ClientMergedInto {
  CALLBOARD_EVENT(ClientMergedInto, client_merged_into, 1)
  static constexpr const char* kFields = "client,into";
  ClientId client = 0;  // the absorbed client
  ClientId into = 0;    // the survivor
  auto tie() { return std::tie(client, into); }
  auto tie() const { return std::tie(client, into); }
};

struct TagAdded {
  CALLBOARD_EVENT(TagAdded, tag_added, 1)
  static constexpr const char* kFields = "client,tag";
  ClientId client = 0;
  std::string tag;
  auto tie() { return std::tie(client, tag); }
  auto tie() const { return std::tie(client, tag); }
};

struct TagRemoved {
  CALLBOARD_EVENT(TagRemoved, tag_removed, 1)
  static constexpr const char* kFields = "client,tag";
  ClientId client = 0;
  std::string tag;
  auto tie() { return std::tie(client, tag); }
  auto tie() const { return std::tie(client, tag); }
};

// ---- deals -----------------------------------------------------------------
struct DealOpened {
  CALLBOARD_EVENT(DealOpened, deal_opened, 1)
  static constexpr const char* kFields = "client,deal,title,stage,amount,currency";
  ClientId client = 0;
  DealId deal = 0;
  std::string title;
  std::string stage;
  std::int64_t amount = 0;  // minor units (kopecks)
  std::string currency;     // ISO 4217, e.g. "BYN"
  auto tie() { return std::tie(client, deal, title, stage, amount, currency); }
  auto tie() const { return std::tie(client, deal, title, stage, amount, currency); }
};

struct DealStageChanged {
  CALLBOARD_EVENT(DealStageChanged, deal_stage_changed, 1)
  static constexpr const char* kFields = "client,deal,stage,by";
  ClientId client = 0;
  DealId deal = 0;
  std::string stage;
  AgentId by;
  auto tie() { return std::tie(client, deal, stage, by); }
  auto tie() const { return std::tie(client, deal, stage, by); }
};

struct DealAmountChanged {
  CALLBOARD_EVENT(DealAmountChanged, deal_amount_changed, 1)
  static constexpr const char* kFields = "client,deal,amount,currency";
  ClientId client = 0;
  DealId deal = 0;
  std::int64_t amount = 0;
  std::string currency;
  auto tie() { return std::tie(client, deal, amount, currency); }
  auto tie() const { return std::tie(client, deal, amount, currency); }
};

struct DealClosed {
  CALLBOARD_EVENT(DealClosed, deal_closed, 1)
  static constexpr const char* kFields = "client,deal,won,reason";
  ClientId client = 0;
  DealId deal = 0;
  bool won = false;
  std::string reason;
  auto tie() { return std::tie(client, deal, won, reason); }
  auto tie() const { return std::tie(client, deal, won, reason); }
};

// ---- notes and tasks -------------------------------------------------------
struct NoteAdded {
  CALLBOARD_EVENT(NoteAdded, note_added, 1)
  static constexpr const char* kFields = "client,note,author,text,call";
  ClientId client = 0;
  NoteId note = 0;
  AgentId author;
  std::string text;
  CallId call;  // the call it was written about, or empty
  auto tie() { return std::tie(client, note, author, text, call); }
  auto tie() const { return std::tie(client, note, author, text, call); }
};

// What came of a call with the client, as the agent who had it judged it
// (during the call or in wrap-up): one of domain::kCallResults. Several may
// be written for one call; the newest counts.
struct CallResultRecorded {
  CALLBOARD_EVENT(CallResultRecorded, call_result_recorded, 1)
  static constexpr const char* kFields = "client,call,result,by";
  ClientId client = 0;
  CallId call;
  std::string result;  // "interested", "call_back", "not_interested", "wrong_number"
  AgentId by;
  auto tie() { return std::tie(client, call, result, by); }
  auto tie() const { return std::tie(client, call, result, by); }
};

struct TaskCreated {
  CALLBOARD_EVENT(TaskCreated, task_created, 1)
  static constexpr const char* kFields = "client,task,kind,assignee,department,due,phone,text,call";
  ClientId client = 0;  // 0: a task for a number not in the CRM
  TaskId task = 0;
  TaskKind kind = TaskKind::call_back;
  AgentId assignee;        // empty: the department's task
  std::string department;  // set when assignee is empty
  Timestamp due = 0;
  std::string phone;  // the number to call back
  std::string text;
  CallId call;
  auto tie() { return std::tie(client, task, kind, assignee, department, due, phone, text, call); }
  auto tie() const { return std::tie(client, task, kind, assignee, department, due, phone, text, call); }
};

struct TaskCompleted {
  CALLBOARD_EVENT(TaskCompleted, task_completed, 1)
  static constexpr const char* kFields = "client,task,by";
  ClientId client = 0;
  TaskId task = 0;
  AgentId by;
  auto tie() { return std::tie(client, task, by); }
  auto tie() const { return std::tie(client, task, by); }
};

// ---- agents ----------------------------------------------------------------
struct AgentCreated {
  CALLBOARD_EVENT(AgentCreated, agent_created, 1)
  static constexpr const char* kFields = "agent,name,department";
  AgentId agent;
  std::string name;
  std::string department;
  auto tie() { return std::tie(agent, name, department); }
  auto tie() const { return std::tie(agent, name, department); }
};

struct AgentRegistered {
  CALLBOARD_EVENT(AgentRegistered, agent_registered, 1)
  static constexpr const char* kFields = "agent,contact";
  AgentId agent;
  std::string contact;  // the SIP Contact URI that registered
  auto tie() { return std::tie(agent, contact); }
  auto tie() const { return std::tie(agent, contact); }
};

struct AgentUnregistered {
  CALLBOARD_EVENT(AgentUnregistered, agent_unregistered, 1)
  static constexpr const char* kFields = "agent,reason";
  AgentId agent;
  std::string reason;  // "expired", "unregistered"
  auto tie() { return std::tie(agent, reason); }
  auto tie() const { return std::tie(agent, reason); }
};

struct AgentStateChanged {
  CALLBOARD_EVENT(AgentStateChanged, agent_state_changed, 1)
  static constexpr const char* kFields = "agent,state,reason,call";
  AgentId agent;
  AgentState state = AgentState::offline;
  std::string reason;  // pause reason, or why the state was forced
  CallId call;         // the call that caused it, if any
  auto tie() { return std::tie(agent, state, reason, call); }
  auto tie() const { return std::tie(agent, state, reason, call); }
};

// The agent asked for a pause (or a supervisor forced one), or ended it. The
// pause holds across calls: while paused he gets no offers, and a call he is
// on when he pauses ends in the paused state.
struct AgentPauseChanged {
  CALLBOARD_EVENT(AgentPauseChanged, agent_pause_changed, 1)
  static constexpr const char* kFields = "agent,paused,reason,by";
  AgentId agent;
  bool paused = false;
  std::string reason;  // "lunch", "missed 3 offers", ...
  AgentId by;          // who asked: himself, a supervisor, or empty for the system
  auto tie() { return std::tie(agent, paused, reason, by); }
  auto tie() const { return std::tie(agent, paused, reason, by); }
};

// ---- calls -----------------------------------------------------------------
struct CallReceived {
  CALLBOARD_EVENT(CallReceived, call_received, 1)
  static constexpr const char* kFields = "call,caller,dialled,caller_name";
  CallId call;
  std::string caller;   // E.164 when it parsed, else the From user as sent
  std::string dialled;  // the entry point number
  std::string caller_name;  // From display name, if any
  auto tie() { return std::tie(call, caller, dialled, caller_name); }
  auto tie() const { return std::tie(call, caller, dialled, caller_name); }
};

// Call tracking: the dialled number is published for this traffic source.
struct CallAttributed {
  CALLBOARD_EVENT(CallAttributed, call_attributed, 1)
  static constexpr const char* kFields = "call,source";
  CallId call;
  std::string source;
  auto tie() { return std::tie(call, source); }
  auto tie() const { return std::tie(call, source); }
};

struct CallClassified {
  CALLBOARD_EVENT(CallClassified, call_classified, 1)
  static constexpr const char* kFields = "call,client,responsible,region";
  CallId call;
  ClientId client = 0;  // 0: unknown number
  AgentId responsible;  // the client's responsible agent, if any
  std::string region;   // caller's region code ("BY"), may be empty
  auto tie() { return std::tie(call, client, responsible, region); }
  auto tie() const { return std::tie(call, client, responsible, region); }
};

struct RoutingDecided {
  CALLBOARD_EVENT(RoutingDecided, routing_decided, 1)
  static constexpr const char* kFields = "call,rule,targets";
  CallId call;
  std::string rule;  // "responsible", "ring_all", ...
  std::vector<AgentId> targets;
  auto tie() { return std::tie(call, rule, targets); }
  auto tie() const { return std::tie(call, rule, targets); }
};

struct CallQueued {
  CALLBOARD_EVENT(CallQueued, call_queued, 1)
  static constexpr const char* kFields = "call,queue";
  CallId call;
  std::string queue;
  auto tie() { return std::tie(call, queue); }
  auto tie() const { return std::tie(call, queue); }
};

struct AgentOffered {
  CALLBOARD_EVENT(AgentOffered, agent_offered, 1)
  static constexpr const char* kFields = "call,agent";
  CallId call;
  AgentId agent;
  auto tie() { return std::tie(call, agent); }
  auto tie() const { return std::tie(call, agent); }
};

struct OfferFailed {
  CALLBOARD_EVENT(OfferFailed, offer_failed, 1)
  static constexpr const char* kFields = "call,agent,sip_status,reason";
  CallId call;
  AgentId agent;
  std::int32_t sip_status = 0;  // 0 when no SIP response was involved
  std::string reason;           // "busy", "no_answer", "cancelled", ...
  auto tie() { return std::tie(call, agent, sip_status, reason); }
  auto tie() const { return std::tie(call, agent, sip_status, reason); }
};

struct CallAnswered {
  CALLBOARD_EVENT(CallAnswered, call_answered, 1)
  static constexpr const char* kFields = "call,agent";
  CallId call;
  AgentId agent;
  auto tie() { return std::tie(call, agent); }
  auto tie() const { return std::tie(call, agent); }
};

struct CallEnded {
  CALLBOARD_EVENT(CallEnded, call_ended, 1)
  static constexpr const char* kFields = "call,outcome,ended_by,sip_status";
  CallId call;
  CallOutcome outcome = CallOutcome::failed;
  EndedBy ended_by = EndedBy::system;
  std::int32_t sip_status = 0;  // final response sent to the caller, if any
  auto tie() { return std::tie(call, outcome, ended_by, sip_status); }
  auto tie() const { return std::tie(call, outcome, ended_by, sip_status); }
};

// Click-to-call: the agent's own phone is being rung for a call to the
// client (domain/outbound_flow.hpp). First event of an outbound call's
// stream; CallAnswered follows when the client answers, then CallEnded.
struct CallPlaced {
  CALLBOARD_EVENT(CallPlaced, call_placed, 1)
  static constexpr const char* kFields = "call,agent,client,number,caller_id";
  CallId call;
  AgentId agent;          // who placed it (his phone is rung first)
  ClientId client = 0;    // the client called
  std::string number;     // the client's number dialled, E.164
  std::string caller_id;  // the number the client's phone shows (outbound.caller_id)
  auto tie() { return std::tie(call, agent, client, number, caller_id); }
  auto tie() const { return std::tie(call, agent, client, number, caller_id); }
};

// Written at start-up for a call that has no CallEnded (the server stopped).
struct CallInterrupted {
  CALLBOARD_EVENT(CallInterrupted, call_interrupted, 1)
  static constexpr const char* kFields = "call,reason";
  CallId call;
  std::string reason;
  auto tie() { return std::tie(call, reason); }
  auto tie() const { return std::tie(call, reason); }
};

#undef CALLBOARD_EVENT

// Events compare equal when every field does.
template <class E, std::enable_if_t<std::is_same_v<decltype(E::kType), const EventType>, int> = 0>
bool operator==(const E& a, const E& b) {
  return a.tie() == b.tie();
}
template <class E, std::enable_if_t<std::is_same_v<decltype(E::kType), const EventType>, int> = 0>
bool operator!=(const E& a, const E& b) {
  return !(a == b);
}

using Event = std::variant<ClientCreated, ClientUpdated, PhoneLinked, PhoneUnlinked,
                           ResponsibleAssigned, ClientsMerged, ClientMergedInto, TagAdded, TagRemoved, DealOpened,
                           DealStageChanged, DealAmountChanged, DealClosed, NoteAdded,
                           TaskCreated, TaskCompleted, AgentCreated, AgentRegistered,
                           AgentUnregistered, AgentStateChanged, AgentPauseChanged, CallReceived, CallClassified,
                           RoutingDecided, CallQueued, AgentOffered, OfferFailed, CallAnswered,
                           CallEnded, CallInterrupted, CallResultRecorded, CallPlaced,
                           CallAttributed>;

EventType type_of(const Event& e);
const char* name_of(const Event& e);
const char* name_of(EventType t);  // "" for a tag no event has

// An event as stored: its place in the log and in its stream.
struct RecordedEvent {
  std::uint64_t sequence = 0;        // global, from 1, no gaps
  Timestamp time = 0;                // when it happened (UTC µs)
  std::string stream;                // "client/42"
  std::uint64_t stream_version = 0;  // from 1 within the stream, no gaps
  Event event;
};

}  // namespace callboard::domain
