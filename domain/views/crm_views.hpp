#pragma once
// The CRM read models, folded from the event log: client directory (by id,
// by E.164 number, by name prefix), client cards with deals, the deal
// pipeline, tasks, each client's interaction history, the agent board and
// call statistics. Pure and single-threaded: apply() events in log order;
// storage::ViewHost adds the locking for concurrent readers.
//
// save()/load() write and read the views' state (without the indexes
// derived from it) for snapshots (storage/snapshot.hpp, FORMAT.md);
// digest() hashes the same canonical bytes, so two views that hold the same
// facts have the same digest however they were built. A field added to any
// struct below must be added to crm_views_io.cpp too (and
// kSnapshotVersion bumped), or a snapshot would lose it.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/events.hpp"
#include "domain/status.hpp"
#include "domain/types.hpp"
#include "domain/views/byte_codec.hpp"
#include "domain/views/call_stats.hpp"
#include "domain/views/client_search.hpp"
#include "domain/views/deal_index.hpp"
#include "domain/views/phone_directory.hpp"
#include "domain/views/sharded_map.hpp"
#include "domain/views/queue_board.hpp"
#include "domain/views/tasks_view.hpp"

namespace callboard::domain {

struct Deal {
  DealId id = 0;
  std::string title;
  std::string stage;
  std::int64_t amount = 0;
  std::string currency;
  bool closed = false;
  bool won = false;
};

struct Client {
  ClientId id = 0;
  std::string name;
  std::string company;
  std::string email;
  std::vector<std::string> phones;  // E.164
  AgentId responsible;
  std::vector<std::string> tags;
  std::vector<Deal> deals;
  Timestamp created = 0;
  std::uint64_t version = 0;  // its stream's version (client/<id>): HTTP "version"
};

// One call as the history shows it.
struct CallRecord {
  CallId id;
  ClientId client = 0;
  std::string caller;
  std::string dialled;
  Timestamp received = 0;
  Timestamp answered = 0;  // 0: never answered
  Timestamp ended = 0;     // 0: still in progress
  AgentId agent;           // who answered (outbound: who placed it), or empty
  std::optional<CallOutcome> outcome;  // set when ended
  EndedBy ended_by = EndedBy::system;
  // Outbound (CallPlaced): caller is the caller id shown to the client,
  // dialled the client's number, received when the agent's phone was rung.
  CallDirection direction = CallDirection::inbound;
  std::string source;  // call tracking (CallAttributed), or empty
  Duration wait() const;  // received -> answered (or -> ended when unanswered)
  Duration talk() const;  // answered -> ended, 0 when unanswered
};

struct HistoryEntry {
  // Written into snapshots: never renumber.
  enum class Kind : std::uint8_t { call = 0, note = 1, deal = 2, task = 3, result = 4 };  // result: CallResultRecorded
  enum class Action : std::uint8_t {
    none = 0,      // calls and notes
    opened = 1,    // deal opened
    stage = 2,     // deal stage changed
    amount = 3,    // deal amount changed
    won = 4,       // deal closed, won
    lost = 5,      // deal closed, lost
    created = 6,   // task created
    done = 7,      // task completed
  };
  Kind kind = Kind::call;
  Action action = Action::none;
  Timestamp time = 0;
  CallId call;           // kind == call: look it up with CrmViews::call()
  std::string text;      // note text, deal change, task text
  AgentId agent;         // author / agent involved
  std::uint64_t ref = 0; // the note, deal or task id
};

// The deal pipeline: open deals by stage, in the configured order.
struct PipelineDeal {
  ClientId client = 0;
  std::string client_name;
  AgentId responsible;
  Deal deal;
};
struct PipelineColumn {
  std::string stage;
  std::size_t count = 0;
  std::map<std::string, std::int64_t> amounts;  // by currency, minor units
  std::vector<PipelineDeal> deals;              // newest first, at most per_stage
};
struct Pipeline {
  std::vector<PipelineColumn> stages;  // as configured
  PipelineColumn other;                // open deals at a stage no longer configured
  PipelineColumn won;
  PipelineColumn lost;
};

// What a screen pop shows about a known client.
struct ClientCard {
  Client client;
  std::string responsible_name;           // display name, when known
  std::vector<CallRecord> last_calls;     // newest first
};

struct AgentView {
  AgentId id;
  std::string name;
  std::string department;
  AgentState state = AgentState::offline;
  Timestamp since = 0;  // when the current state began
  bool registered = false;
  std::string contact;  // last registered contact
  CallId call;          // the call he is ringing for or talking on
  bool paused = false;  // his pause holds across calls (AgentPauseChanged)
  std::string pause_reason;
};

class CrmViews {
 public:
  // REQUIRES: events in log order, each once.
  void apply(const RecordedEvent& e);
  // Around a replay of many events: the name-search index is not kept
  // current event by event in between, but built once at end_replay() (one
  // sort of every key instead of merges every few thousand clients).
  // Queries in between may miss clients by name; nothing else changes.
  void begin_replay() { search_deferred_ = true; }
  void end_replay();
  std::uint64_t last_sequence() const { return last_sequence_; }

  const Client* client(ClientId id) const;
  std::optional<ClientId> client_by_phone(const std::string& e164) const;
  std::size_t client_count() const { return clients_.size(); }
  ClientId max_client_id() const { return max_client_id_; }
  DealId max_deal_id() const { return max_deal_id_; }

  std::optional<ClientCard> card(ClientId id, std::size_t last_calls = 10) const;
  // Newest first; at most `limit` entries.
  std::vector<HistoryEntry> history(ClientId id, std::size_t limit = 100) const;
  const CallRecord* call(const CallId& id) const;
  // Calls with a CallReceived but no CallEnded/CallInterrupted.
  std::vector<CallId> open_calls() const;
  std::size_t open_call_count() const { return open_calls_.size(); }
  std::size_t call_count() const { return calls_.size(); }
  // The calls received last, newest first (the view keeps kRecentCalls).
  std::vector<CallRecord> recent_calls(std::size_t limit) const;
  static constexpr std::size_t kRecentCalls = 1000;

  const AgentView* agent(const AgentId& id) const;
  // Calls waiting in queues now (queue_board.hpp; not in snapshots).
  const QueueBoard& queue_board() const { return queue_board_; }
  std::vector<AgentView> agents() const;  // sorted by id

  // ---- directory and deals (crm_views_queries.cpp) ---------------------------
  // The id a merged-away client lives on as (the id itself otherwise).
  ClientId resolve(ClientId id) const;
  // Clients whose name or company has a word starting with `query` (case
  // and "ё" folded, see client_search.hpp); at most `limit`.
  std::vector<ClientId> search(const std::string& query, std::size_t limit) const;
  // Client ids greater than `after`, ascending; at most `limit`.
  std::vector<ClientId> client_ids(ClientId after, std::size_t limit) const;
  // A deal and (through `client`, when given) its client; null when unknown.
  const Deal* deal(DealId id, ClientId* client = nullptr) const;
  // Open deals at each configured stage (per_stage newest per column),
  // then the other stages, won and lost. `responsible` non-empty: only his
  // clients' deals.
  Pipeline pipeline(const std::vector<std::string>& stages, std::size_t per_stage,
                    const AgentId& responsible = {}) const;
  NoteId max_note_id() const { return max_note_id_; }
  TaskId max_task_id() const { return tasks_.max_id(); }
  const TaskBoard& tasks() const { return tasks_; }
  std::vector<StatsRow> call_stats(const StatsQuery& q,
                                   const std::function<std::string(const std::string&)>& department_of) const;

  // ---- snapshots (crm_views_io.cpp) ------------------------------------------
  // The layout of save(): bump it whenever save() changes.
  static constexpr std::uint32_t kSnapshotVersion = 3;  // 2: CallRecord::direction, 3: CallRecord::source
  void save(ByteWriter& out) const;
  // Fresh views from save()'s bytes, their derived indexes rebuilt.
  // Errors: corruption (what did not decode).
  static Result<CrmViews> load(std::string_view bytes);
  // 32 hex digits over save()'s bytes and then the derived indexes, so a
  // difference in either (a field left out of a snapshot, an index rebuilt
  // differently from how it was kept) shows.
  std::string digest() const;

 private:
  void touch(const RecordedEvent& r, ClientId id);
  void rebuild_indexes();
  void save_indexes(ByteWriter& out) const;
  void on(const RecordedEvent& r, const ClientCreated& e);
  void on(const RecordedEvent& r, const ClientUpdated& e);
  void on(const RecordedEvent& r, const PhoneLinked& e);
  void on(const RecordedEvent& r, const PhoneUnlinked& e);
  void on(const RecordedEvent& r, const ResponsibleAssigned& e);
  void on(const RecordedEvent& r, const ClientsMerged& e);
  void on(const RecordedEvent& r, const ClientMergedInto& e);
  void on(const RecordedEvent& r, const TagAdded& e);
  void on(const RecordedEvent& r, const TagRemoved& e);
  void on(const RecordedEvent& r, const DealOpened& e);
  void on(const RecordedEvent& r, const DealStageChanged& e);
  void on(const RecordedEvent& r, const DealAmountChanged& e);
  void on(const RecordedEvent& r, const DealClosed& e);
  void on(const RecordedEvent& r, const NoteAdded& e);
  void on(const RecordedEvent& r, const TaskCreated& e);
  void on(const RecordedEvent& r, const TaskCompleted& e);
  void on(const RecordedEvent& r, const AgentCreated& e);
  void on(const RecordedEvent& r, const AgentRegistered& e);
  void on(const RecordedEvent& r, const AgentUnregistered& e);
  void on(const RecordedEvent& r, const AgentStateChanged& e);
  void on(const RecordedEvent& r, const AgentPauseChanged& e);
  void on(const RecordedEvent& r, const CallReceived& e);
  void on(const RecordedEvent& r, const CallClassified& e);
  void on(const RecordedEvent& r, const RoutingDecided& e);
  void on(const RecordedEvent& r, const CallQueued& e);
  void on(const RecordedEvent& r, const AgentOffered& e);
  void on(const RecordedEvent& r, const OfferFailed& e);
  void on(const RecordedEvent& r, const CallAnswered& e);
  void on(const RecordedEvent& r, const CallEnded& e);
  void on(const RecordedEvent& r, const CallInterrupted& e);
  void on(const RecordedEvent& r, const CallResultRecorded& e);
  void on(const RecordedEvent& r, const CallPlaced& e);
  void on(const RecordedEvent& r, const CallAttributed& e);
  // The record every call starts with (CallReceived, CallPlaced).
  CallRecord& open_call(const RecordedEvent& r, const CallId& id, const std::string& caller,
                        const std::string& dialled);
  void end_call(const RecordedEvent& r, CallRecord& c, CallOutcome outcome);

  Client* mutable_client(ClientId id);
  Deal* mutable_deal(ClientId client, DealId deal);
  void add_history(ClientId id, HistoryEntry entry);
  AgentView& mutable_agent(const AgentId& id);

  std::uint64_t last_sequence_ = 0;
  ClientId max_client_id_ = 0;
  DealId max_deal_id_ = 0;
  std::unordered_map<ClientId, Client> clients_;
  PhoneDirectory by_phone_;
  std::unordered_map<ClientId, ClientId> merged_into_;  // absorbed id -> survivor
  std::unordered_map<ClientId, std::vector<HistoryEntry>> history_;  // oldest first
  ShardedMap<CallId, CallRecord> calls_;  // every call: grows for ever, in small steps
  std::unordered_map<CallId, bool> open_calls_;
  std::deque<CallId> recent_;  // oldest first, at most kRecentCalls
  NoteId max_note_id_ = 0;
  TaskBoard tasks_;
  CallStats stats_;
  // Derived (rebuilt by load()): name search and where each deal is.
  ClientSearch search_;
  bool search_deferred_ = false;
  DealIndex deal_index_;
  std::map<AgentId, AgentView> agents_;
  QueueBoard queue_board_;  // live only: not saved, not in the digest (queue_board.hpp)
};

}  // namespace callboard::domain
