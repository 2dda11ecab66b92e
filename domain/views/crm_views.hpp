#pragma once
// The CRM read models, folded from the event log: client directory (by id and
// by E.164 number), client cards with deals, each client's interaction
// history, and the agent board. Pure and single-threaded: apply() events in
// log order; storage::ViewHost adds the locking for concurrent readers.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/events.hpp"
#include "domain/types.hpp"

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
  AgentId agent;           // who answered, or empty
  std::optional<CallOutcome> outcome;  // set when ended
  EndedBy ended_by = EndedBy::system;
  Duration wait() const;  // received -> answered (or -> ended when unanswered)
  Duration talk() const;  // answered -> ended, 0 when unanswered
};

struct HistoryEntry {
  enum class Kind { call, note, deal, task };
  Kind kind = Kind::call;
  Timestamp time = 0;
  CallId call;           // kind == call: look it up with CrmViews::call()
  std::string text;      // note text, deal change, task text
  AgentId agent;         // author / agent involved
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
};

class CrmViews {
 public:
  // REQUIRES: events in log order, each once.
  void apply(const RecordedEvent& e);
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
  std::vector<AgentView> agents() const;  // sorted by id

 private:
  void on(const RecordedEvent& r, const ClientCreated& e);
  void on(const RecordedEvent& r, const ClientUpdated& e);
  void on(const RecordedEvent& r, const PhoneLinked& e);
  void on(const RecordedEvent& r, const PhoneUnlinked& e);
  void on(const RecordedEvent& r, const ResponsibleAssigned& e);
  void on(const RecordedEvent& r, const ClientsMerged& e);
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
  void on(const RecordedEvent& r, const CallReceived& e);
  void on(const RecordedEvent& r, const CallClassified& e);
  void on(const RecordedEvent& r, const RoutingDecided& e);
  void on(const RecordedEvent& r, const CallQueued& e);
  void on(const RecordedEvent& r, const AgentOffered& e);
  void on(const RecordedEvent& r, const OfferFailed& e);
  void on(const RecordedEvent& r, const CallAnswered& e);
  void on(const RecordedEvent& r, const CallEnded& e);
  void on(const RecordedEvent& r, const CallInterrupted& e);

  Client* mutable_client(ClientId id);
  Deal* mutable_deal(ClientId client, DealId deal);
  void add_history(ClientId id, HistoryEntry entry);
  AgentView& mutable_agent(const AgentId& id);

  std::uint64_t last_sequence_ = 0;
  ClientId max_client_id_ = 0;
  DealId max_deal_id_ = 0;
  std::unordered_map<ClientId, Client> clients_;
  std::unordered_map<std::string, ClientId> by_phone_;
  std::unordered_map<ClientId, ClientId> merged_into_;  // absorbed id -> survivor
  std::unordered_map<ClientId, std::vector<HistoryEntry>> history_;  // oldest first
  std::unordered_map<CallId, CallRecord> calls_;
  std::unordered_map<CallId, bool> open_calls_;
  std::deque<CallId> recent_;  // oldest first, at most kRecentCalls
  std::map<AgentId, AgentView> agents_;
};

}  // namespace callboard::domain
