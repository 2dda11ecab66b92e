#include "domain/views/crm_views.hpp"

#include <algorithm>

namespace callboard::domain {

Duration CallRecord::wait() const {
  Timestamp until = answered ? answered : ended;
  return until > received ? until - received : 0;
}

Duration CallRecord::talk() const {
  return (answered && ended > answered) ? ended - answered : 0;
}

void CrmViews::apply(const RecordedEvent& e) {
  last_sequence_ = e.sequence;
  std::visit([&](const auto& ev) { on(e, ev); }, e.event);
  queue_board_.apply(e);
}

// ---- queries ----------------------------------------------------------------

const Client* CrmViews::client(ClientId id) const {
  auto m = merged_into_.find(id);
  if (m != merged_into_.end()) id = m->second;
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : &it->second;
}

std::optional<ClientId> CrmViews::client_by_phone(const std::string& e164) const {
  return by_phone_.find(e164);
}

std::optional<ClientCard> CrmViews::card(ClientId id, std::size_t last_calls) const {
  const Client* c = client(id);
  if (!c) return std::nullopt;
  ClientCard card;
  card.client = *c;
  if (const AgentView* a = agent(c->responsible)) card.responsible_name = a->name;
  auto h = history_.find(c->id);
  if (h != history_.end()) {
    for (auto it = h->second.rbegin(); it != h->second.rend() && card.last_calls.size() < last_calls;
         ++it) {
      if (it->kind != HistoryEntry::Kind::call) continue;
      if (const CallRecord* r = call(it->call)) card.last_calls.push_back(*r);
    }
  }
  return card;
}

std::vector<HistoryEntry> CrmViews::history(ClientId id, std::size_t limit) const {
  std::vector<HistoryEntry> out;
  const Client* c = client(id);
  if (!c) return out;
  auto h = history_.find(c->id);
  if (h == history_.end()) return out;
  for (auto it = h->second.rbegin(); it != h->second.rend() && out.size() < limit; ++it)
    out.push_back(*it);
  return out;
}

const CallRecord* CrmViews::call(const CallId& id) const { return calls_.find(id); }

std::vector<CallId> CrmViews::open_calls() const {
  std::vector<CallId> out;
  out.reserve(open_calls_.size());
  for (const auto& [id, open] : open_calls_) {
    if (open) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<CallRecord> CrmViews::recent_calls(std::size_t limit) const {
  std::vector<CallRecord> out;
  for (auto it = recent_.rbegin(); it != recent_.rend() && out.size() < limit; ++it) {
    if (const CallRecord* r = call(*it)) out.push_back(*r);
  }
  return out;
}

const AgentView* CrmViews::agent(const AgentId& id) const {
  auto it = agents_.find(id);
  return it == agents_.end() ? nullptr : &it->second;
}

std::vector<AgentView> CrmViews::agents() const {
  std::vector<AgentView> out;
  out.reserve(agents_.size());
  for (const auto& [id, a] : agents_) out.push_back(a);
  return out;
}

// ---- helpers ----------------------------------------------------------------

Client* CrmViews::mutable_client(ClientId id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : &it->second;
}

Deal* CrmViews::mutable_deal(ClientId client, DealId deal) {
  Client* c = mutable_client(client);
  if (!c) return nullptr;
  for (auto& d : c->deals) {
    if (d.id == deal) return &d;
  }
  return nullptr;
}

// Every event of a client's stream moves its version (the HTTP "version").
void CrmViews::touch(const RecordedEvent& r, ClientId id) {
  if (Client* c = mutable_client(id)) c->version = r.stream_version;
}

void CrmViews::add_history(ClientId id, HistoryEntry entry) {
  if (id == 0) return;
  history_[id].push_back(std::move(entry));
}

AgentView& CrmViews::mutable_agent(const AgentId& id) {
  AgentView& a = agents_[id];
  a.id = id;
  return a;
}

// ---- clients ----------------------------------------------------------------

void CrmViews::on(const RecordedEvent& r, const ClientCreated& e) {
  Client& c = clients_[e.client];
  c.id = e.client;
  c.name = e.name;
  c.company = e.company;
  c.email = e.email;
  c.created = r.time;
  c.version = r.stream_version;
  if (!search_deferred_) search_.add(e.client, e.name, e.company);
  max_client_id_ = std::max(max_client_id_, e.client);
}

void CrmViews::on(const RecordedEvent& r, const ClientUpdated& e) {
  if (Client* c = mutable_client(e.client)) {
    if (!search_deferred_ && (c->name != e.name || c->company != e.company)) {
      search_.remove(c->id, c->name, c->company);
      search_.add(c->id, e.name, e.company);
    }
    c->name = e.name;
    c->company = e.company;
    c->email = e.email;
    c->version = r.stream_version;
  }
}

void CrmViews::on(const RecordedEvent& r, const PhoneLinked& e) {
  Client* c = mutable_client(e.client);
  if (!c) return;
  c->version = r.stream_version;
  if (std::find(c->phones.begin(), c->phones.end(), e.phone) == c->phones.end())
    c->phones.push_back(e.phone);
  by_phone_.assign(e.phone, e.client);
}

void CrmViews::on(const RecordedEvent& r, const PhoneUnlinked& e) {
  Client* c = mutable_client(e.client);
  if (!c) return;
  c->version = r.stream_version;
  c->phones.erase(std::remove(c->phones.begin(), c->phones.end(), e.phone), c->phones.end());
  by_phone_.release(e.phone, e.client);
}

void CrmViews::on(const RecordedEvent& r, const ResponsibleAssigned& e) {
  touch(r, e.client);
  if (Client* c = mutable_client(e.client)) c->responsible = e.agent;
}

void CrmViews::on(const RecordedEvent& r, const ClientsMerged& e) {
  Client* survivor = mutable_client(e.client);
  auto absorbed_it = clients_.find(e.merged);
  if (!survivor || absorbed_it == clients_.end() || e.client == e.merged) return;
  survivor->version = r.stream_version;
  Client absorbed = std::move(absorbed_it->second);
  clients_.erase(absorbed_it);
  if (!search_deferred_) search_.remove(absorbed.id, absorbed.name, absorbed.company);
  for (const auto& d : absorbed.deals) deal_index_.moved(d.id, e.client);
  tasks_.moved(e.merged, e.client);
  for (const auto& p : absorbed.phones) {
    if (std::find(survivor->phones.begin(), survivor->phones.end(), p) == survivor->phones.end())
      survivor->phones.push_back(p);
    by_phone_.assign(p, e.client);
  }
  for (const auto& t : absorbed.tags) {
    if (std::find(survivor->tags.begin(), survivor->tags.end(), t) == survivor->tags.end())
      survivor->tags.push_back(t);
  }
  for (auto& d : absorbed.deals) survivor->deals.push_back(std::move(d));
  auto h = history_.find(e.merged);
  if (h != history_.end()) {
    auto& into = history_[e.client];
    into.insert(into.end(), h->second.begin(), h->second.end());
    std::stable_sort(into.begin(), into.end(),
                     [](const HistoryEntry& a, const HistoryEntry& b) { return a.time < b.time; });
    history_.erase(e.merged);
  }
  for (auto& [absorbed_id, survivor_id] : merged_into_) {
    if (survivor_id == e.merged) survivor_id = e.client;
  }
  merged_into_[e.merged] = e.client;
}

// The survivor's ClientsMerged (same append) carries the move.
void CrmViews::on(const RecordedEvent&, const ClientMergedInto&) {}

void CrmViews::on(const RecordedEvent& r, const TagAdded& e) {
  touch(r, e.client);
  Client* c = mutable_client(e.client);
  if (c && std::find(c->tags.begin(), c->tags.end(), e.tag) == c->tags.end())
    c->tags.push_back(e.tag);
}

void CrmViews::on(const RecordedEvent& r, const TagRemoved& e) {
  touch(r, e.client);
  if (Client* c = mutable_client(e.client))
    c->tags.erase(std::remove(c->tags.begin(), c->tags.end(), e.tag), c->tags.end());
}

// ---- deals, notes, tasks ----------------------------------------------------

namespace {

HistoryEntry entry(HistoryEntry::Kind kind, HistoryEntry::Action action, Timestamp time,
                   std::string text, AgentId agent, std::uint64_t ref, CallId call = {}) {
  HistoryEntry h;
  h.kind = kind;
  h.action = action;
  h.time = time;
  h.call = std::move(call);
  h.text = std::move(text);
  h.agent = std::move(agent);
  h.ref = ref;
  return h;
}

// "1250.00 BYN": amounts are minor units; two decimals fit the currencies
// the teams here use (BYN, RUB, USD, EUR).
std::string money(std::int64_t minor, const std::string& currency) {
  const bool negative = minor < 0;
  const std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string cents = std::to_string(v % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  std::string out = (negative ? "-" : "") + std::to_string(v / 100) + "." + cents;
  return currency.empty() ? out : out + " " + currency;
}

}  // namespace

void CrmViews::on(const RecordedEvent& r, const DealOpened& e) {
  max_deal_id_ = std::max(max_deal_id_, e.deal);
  Client* c = mutable_client(e.client);
  if (!c) return;
  c->version = r.stream_version;
  Deal d;
  d.id = e.deal;
  d.title = e.title;
  d.stage = e.stage;
  d.amount = e.amount;
  d.currency = e.currency;
  c->deals.push_back(std::move(d));
  deal_index_.opened(e.deal, e.client, e.stage);
  add_history(e.client, entry(HistoryEntry::Kind::deal, HistoryEntry::Action::opened, r.time,
                              "opened: " + e.title + " (" + e.stage + ")", {}, e.deal));
}

void CrmViews::on(const RecordedEvent& r, const DealStageChanged& e) {
  touch(r, e.client);
  if (Deal* d = mutable_deal(e.client, e.deal)) {
    if (!d->closed) deal_index_.stage_changed(e.deal, d->stage, e.stage);
    d->stage = e.stage;
    add_history(e.client, entry(HistoryEntry::Kind::deal, HistoryEntry::Action::stage, r.time,
                                "stage: " + e.stage, e.by, e.deal));
  }
}

void CrmViews::on(const RecordedEvent& r, const DealAmountChanged& e) {
  touch(r, e.client);
  if (Deal* d = mutable_deal(e.client, e.deal)) {
    d->amount = e.amount;
    d->currency = e.currency;
    add_history(e.client, entry(HistoryEntry::Kind::deal, HistoryEntry::Action::amount, r.time,
                                "amount: " + money(e.amount, e.currency), {}, e.deal));
  }
}

void CrmViews::on(const RecordedEvent& r, const DealClosed& e) {
  touch(r, e.client);
  if (Deal* d = mutable_deal(e.client, e.deal)) {
    deal_index_.closed(e.deal, d->stage, e.won);
    d->closed = true;
    d->won = e.won;
    add_history(e.client, entry(HistoryEntry::Kind::deal,
                                e.won ? HistoryEntry::Action::won : HistoryEntry::Action::lost, r.time,
                                e.won ? "won" : "lost: " + e.reason, {}, e.deal));
  }
}

void CrmViews::on(const RecordedEvent& r, const NoteAdded& e) {
  max_note_id_ = std::max(max_note_id_, e.note);
  touch(r, e.client);
  add_history(e.client, entry(HistoryEntry::Kind::note, HistoryEntry::Action::none, r.time, e.text,
                              e.author, e.note, e.call));
}

void CrmViews::on(const RecordedEvent& r, const CallResultRecorded& e) {
  touch(r, e.client);
  add_history(e.client, entry(HistoryEntry::Kind::result, HistoryEntry::Action::none, r.time, e.result, e.by, 0,
                              e.call));
}

void CrmViews::on(const RecordedEvent& r, const TaskCreated& e) {
  touch(r, e.client);
  Task t;
  t.id = e.task;
  t.client = e.client;
  t.kind = e.kind;
  t.assignee = e.assignee;
  t.department = e.department;
  t.due = e.due;
  t.created = r.time;
  t.phone = e.phone;
  t.text = e.text;
  t.call = e.call;
  tasks_.created(std::move(t));
  add_history(e.client, entry(HistoryEntry::Kind::task, HistoryEntry::Action::created, r.time, e.text,
                              e.assignee, e.task, e.call));
}

void CrmViews::on(const RecordedEvent& r, const TaskCompleted& e) {
  touch(r, e.client);
  const Task* t = tasks_.find(e.task);
  if (!t || t->done) return;
  const ClientId client = t->client;
  std::string text = t->text;
  tasks_.completed(e.task, r.time, e.by);
  add_history(client, entry(HistoryEntry::Kind::task, HistoryEntry::Action::done, r.time,
                            std::move(text), e.by, e.task));
}

// ---- agents -----------------------------------------------------------------

void CrmViews::on(const RecordedEvent& r, const AgentCreated& e) {
  AgentView& a = mutable_agent(e.agent);
  a.name = e.name;
  a.department = e.department;
  if (a.since == 0) a.since = r.time;
}

void CrmViews::on(const RecordedEvent&, const AgentRegistered& e) {
  AgentView& a = mutable_agent(e.agent);
  a.registered = true;
  a.contact = e.contact;
}

void CrmViews::on(const RecordedEvent&, const AgentUnregistered& e) {
  AgentView& a = mutable_agent(e.agent);
  a.registered = false;
}

void CrmViews::on(const RecordedEvent& r, const AgentStateChanged& e) {
  AgentView& a = mutable_agent(e.agent);
  a.state = e.state;
  a.since = r.time;
  a.call = e.call;
}

void CrmViews::on(const RecordedEvent&, const AgentPauseChanged& e) {
  AgentView& a = mutable_agent(e.agent);
  a.paused = e.paused;
  a.pause_reason = e.paused ? e.reason : std::string();
}

// ---- calls ------------------------------------------------------------------

CallRecord& CrmViews::open_call(const RecordedEvent& r, const CallId& id, const std::string& caller,
                                 const std::string& dialled) {
  CallRecord& c = calls_[id];
  c.id = id;
  c.caller = caller;
  c.dialled = dialled;
  c.received = r.time;
  open_calls_[id] = true;
  recent_.push_back(id);
  if (recent_.size() > kRecentCalls) recent_.pop_front();
  return c;
}

void CrmViews::on(const RecordedEvent& r, const CallReceived& e) { open_call(r, e.call, e.caller, e.dialled); }

// Click-to-call: the call is the client's from the start (his history).
void CrmViews::on(const RecordedEvent& r, const CallPlaced& e) {
  CallRecord& c = open_call(r, e.call, e.caller_id, e.number);
  c.client = e.client;
  c.agent = e.agent;
  c.direction = CallDirection::outbound;
  HistoryEntry h;
  h.kind = HistoryEntry::Kind::call;
  h.time = r.time;
  h.call = e.call;
  add_history(e.client, std::move(h));
}

void CrmViews::on(const RecordedEvent&, const CallAttributed& e) {
  if (CallRecord* c = calls_.find(e.call)) c->source = e.source;
}

void CrmViews::on(const RecordedEvent& r, const CallClassified& e) {
  CallRecord* c = calls_.find(e.call);
  if (!c || e.client == 0) return;
  c->client = e.client;
  HistoryEntry h;
  h.kind = HistoryEntry::Kind::call;
  h.time = c->received;
  h.call = e.call;
  add_history(e.client, std::move(h));
}

void CrmViews::on(const RecordedEvent&, const RoutingDecided&) {}
void CrmViews::on(const RecordedEvent&, const CallQueued&) {}

void CrmViews::on(const RecordedEvent&, const AgentOffered& e) {
  if (const CallRecord* c = call(e.call)) stats_.agent_offered(c->received, e.agent);
}

void CrmViews::on(const RecordedEvent&, const OfferFailed& e) {
  if (const CallRecord* c = call(e.call)) stats_.offer_failed(c->received, e.agent, e.reason);
}

void CrmViews::on(const RecordedEvent& r, const CallAnswered& e) {
  CallRecord* c = calls_.find(e.call);
  if (!c) return;
  c->answered = r.time;
  c->agent = e.agent;
}

namespace {
EndedCall ended_call(const CallRecord& c) {
  return EndedCall{c.received, c.answered, c.ended, c.dialled, c.agent, *c.outcome};
}
}  // namespace

void CrmViews::on(const RecordedEvent& r, const CallEnded& e) {
  CallRecord* c = calls_.find(e.call);
  if (!c) return;
  c->ended_by = e.ended_by;
  end_call(r, *c, e.outcome);
}

void CrmViews::on(const RecordedEvent& r, const CallInterrupted& e) {
  if (CallRecord* c = calls_.find(e.call)) end_call(r, *c, CallOutcome::interrupted);
}

void CrmViews::end_call(const RecordedEvent& r, CallRecord& c, CallOutcome outcome) {
  const bool first_end = !c.outcome.has_value();
  c.ended = r.time;
  c.outcome = outcome;
  open_calls_.erase(c.id);
  // The statistics measure how inbound calls are served.
  if (first_end && c.direction == CallDirection::inbound) stats_.call_ended(ended_call(c));
}

}  // namespace callboard::domain
