// CrmViews::save/load/digest: the views' state as canonical bytes (layout
// kSnapshotVersion, described in storage/FORMAT.md "Views snapshots").
// Canonical: hash maps are written in key order, so equal views give equal
// bytes. Derived indexes (phone directory, name search, deal index, task
// indexes) are not written; load() rebuilds them.
#include <algorithm>

#include "domain/views/crm_views.hpp"

namespace callboard::domain {

namespace {

template <class Map, class F>
void each_key(const Map& m, F f) {
  for (const auto& kv : m) f(kv.first);
}
template <class K, class V, std::size_t S, class H, class F>
void each_key(const ShardedMap<K, V, S, H>& m, F f) {
  m.for_each([&](const K& k, const V&) { f(k); });
}

template <class Map>
std::vector<typename Map::key_type> sorted_keys(const Map& m) {
  std::vector<typename Map::key_type> keys;
  keys.reserve(m.size());
  each_key(m, [&](const typename Map::key_type& k) { keys.push_back(k); });
  std::sort(keys.begin(), keys.end());
  return keys;
}

void put_strings(ByteWriter& w, const std::vector<std::string>& v) {
  w.u64(v.size());
  for (const auto& s : v) w.str(s);
}

bool get_strings(ByteReader& r, std::vector<std::string>& v) {
  std::uint64_t n = 0;
  if (!r.count(n)) return false;
  v.resize(static_cast<std::size_t>(n));
  for (auto& s : v) {
    if (!r.str(s)) return false;
  }
  return true;
}

void put_counters(ByteWriter& w, const CallCounters& c) {
  w.u64(c.offered);
  w.u64(c.answered);
  w.u64(c.abandoned);
  w.u64(c.missed);
  w.i64(c.wait_total);
  w.i64(c.talk_total);
  w.u64(c.answered_after_s.size());
  for (const auto& [s, n] : c.answered_after_s) {
    w.u64(s);
    w.u64(n);
  }
}

bool get_counters(ByteReader& r, CallCounters& c) {
  std::uint64_t n = 0;
  if (!r.u64(c.offered) || !r.u64(c.answered) || !r.u64(c.abandoned) || !r.u64(c.missed) ||
      !r.i64(c.wait_total) || !r.i64(c.talk_total) || !r.count(n))
    return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint32_t secs = 0;
    std::uint64_t count = 0;
    if (!r.u(secs) || !r.u64(count)) return false;
    c.answered_after_s[secs] = count;
  }
  return true;
}

void put_stats(ByteWriter& w, const std::map<CallStats::LineKey, CallCounters>& m) {
  w.u64(m.size());
  for (const auto& [key, c] : m) {
    w.i64(key.first);
    w.str(key.second);
    put_counters(w, c);
  }
}

bool get_stats(ByteReader& r, std::map<CallStats::LineKey, CallCounters>& m) {
  std::uint64_t n = 0;
  if (!r.count(n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::int64_t day = 0;
    std::string key;
    CallCounters c;
    if (!r.i64(day) || !r.str(key) || !get_counters(r, c)) return false;
    m[{static_cast<std::int32_t>(day), std::move(key)}] = std::move(c);
  }
  return true;
}

// Enums travel as their numbers; a number this build does not name is
// corruption, not a silent default.
template <class E>
bool get_enum(ByteReader& r, E& out, std::uint64_t max) {
  std::uint64_t v = 0;
  if (!r.u64(v) || v > max) return false;
  out = static_cast<E>(v);
  return true;
}

}  // namespace

void CrmViews::save(ByteWriter& w) const {
  w.u64(kSnapshotVersion);
  w.u64(last_sequence_);
  w.u64(max_client_id_);
  w.u64(max_deal_id_);
  w.u64(max_note_id_);

  w.u64(clients_.size());
  for (ClientId id : sorted_keys(clients_)) {
    const Client& c = clients_.at(id);
    w.u64(c.id);
    w.str(c.name);
    w.str(c.company);
    w.str(c.email);
    put_strings(w, c.phones);
    w.str(c.responsible);
    put_strings(w, c.tags);
    w.u64(c.deals.size());
    for (const auto& d : c.deals) {
      w.u64(d.id);
      w.str(d.title);
      w.str(d.stage);
      w.i64(d.amount);
      w.str(d.currency);
      w.boolean(d.closed);
      w.boolean(d.won);
    }
    w.i64(c.created);
    w.u64(c.version);
  }

  w.u64(merged_into_.size());
  for (ClientId id : sorted_keys(merged_into_)) {
    w.u64(id);
    w.u64(merged_into_.at(id));
  }

  w.u64(history_.size());
  for (ClientId id : sorted_keys(history_)) {
    const auto& entries = history_.at(id);
    w.u64(id);
    w.u64(entries.size());
    for (const auto& h : entries) {
      w.u64(static_cast<std::uint64_t>(h.kind));
      w.u64(static_cast<std::uint64_t>(h.action));
      w.i64(h.time);
      w.str(h.call);
      w.str(h.text);
      w.str(h.agent);
      w.u64(h.ref);
    }
  }

  w.u64(calls_.size());
  for (const CallId& id : sorted_keys(calls_)) {
    const CallRecord& c = calls_.at(id);
    w.str(c.id);
    w.u64(c.client);
    w.str(c.caller);
    w.str(c.dialled);
    w.i64(c.received);
    w.i64(c.answered);
    w.i64(c.ended);
    w.str(c.agent);
    w.u64(c.outcome ? static_cast<std::uint64_t>(*c.outcome) : 0);
    w.u64(static_cast<std::uint64_t>(c.ended_by));
    w.u64(static_cast<std::uint64_t>(c.direction));
    w.str(c.source);
  }
  w.u64(open_calls_.size());
  for (const CallId& id : sorted_keys(open_calls_)) {
    w.str(id);
    w.boolean(open_calls_.at(id));
  }
  w.u64(recent_.size());
  for (const CallId& id : recent_) w.str(id);

  w.u64(agents_.size());
  for (const auto& [id, a] : agents_) {
    w.str(a.id);
    w.str(a.name);
    w.str(a.department);
    w.u64(static_cast<std::uint64_t>(a.state));
    w.i64(a.since);
    w.boolean(a.registered);
    w.str(a.contact);
    w.str(a.call);
    w.boolean(a.paused);
    w.str(a.pause_reason);
  }

  w.u64(tasks_.all().size());
  for (const auto& [id, t] : tasks_.all()) {
    w.u64(t.id);
    w.u64(t.client);
    w.u64(static_cast<std::uint64_t>(t.kind));
    w.str(t.assignee);
    w.str(t.department);
    w.i64(t.due);
    w.i64(t.created);
    w.str(t.phone);
    w.str(t.text);
    w.str(t.call);
    w.boolean(t.done);
    w.i64(t.done_at);
    w.str(t.done_by);
  }

  put_stats(w, stats_.lines());
  put_stats(w, stats_.agents());
}

Result<CrmViews> CrmViews::load(std::string_view bytes) {
  ByteReader r(bytes);
  CrmViews v;
  auto bad = [&r](const char* what) {
    return Status::corruption(std::string("views snapshot: ") + what + " does not decode (at byte " +
                              std::to_string(r.position()) + ")");
  };
  std::uint64_t version = 0;
  if (!r.u64(version)) return bad("the layout version");
  if (version != kSnapshotVersion)
    return Status::corruption("views snapshot: layout version " + std::to_string(version) +
                              " is not this build's (" + std::to_string(kSnapshotVersion) + ")");
  if (!r.u64(v.last_sequence_) || !r.u64(v.max_client_id_) || !r.u64(v.max_deal_id_) ||
      !r.u64(v.max_note_id_))
    return bad("the header");

  std::uint64_t n = 0;
  if (!r.count(n)) return bad("the client count");
  v.clients_.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    Client c;
    std::uint64_t deals = 0;
    if (!r.u64(c.id) || !r.str(c.name) || !r.str(c.company) || !r.str(c.email) ||
        !get_strings(r, c.phones) || !r.str(c.responsible) || !get_strings(r, c.tags) || !r.count(deals))
      return bad("a client");
    c.deals.resize(static_cast<std::size_t>(deals));
    for (auto& d : c.deals) {
      if (!r.u64(d.id) || !r.str(d.title) || !r.str(d.stage) || !r.i64(d.amount) || !r.str(d.currency) ||
          !r.boolean(d.closed) || !r.boolean(d.won))
        return bad("a deal");
    }
    if (!r.i64(c.created) || !r.u64(c.version)) return bad("a client");
    const ClientId id = c.id;
    v.clients_.emplace(id, std::move(c));
  }

  if (!r.count(n)) return bad("the merged clients");
  for (std::uint64_t i = 0; i < n; ++i) {
    ClientId from = 0;
    ClientId to = 0;
    if (!r.u64(from) || !r.u64(to)) return bad("a merged client");
    v.merged_into_[from] = to;
  }

  if (!r.count(n)) return bad("the histories");
  for (std::uint64_t i = 0; i < n; ++i) {
    ClientId id = 0;
    std::uint64_t entries = 0;
    if (!r.u64(id) || !r.count(entries)) return bad("a history");
    auto& list = v.history_[id];
    list.resize(static_cast<std::size_t>(entries));
    for (auto& h : list) {
      if (!get_enum(r, h.kind, 4) || !get_enum(r, h.action, 7) || !r.i64(h.time) || !r.str(h.call) ||
          !r.str(h.text) || !r.str(h.agent) || !r.u64(h.ref))
        return bad("a history entry");
    }
  }

  if (!r.count(n)) return bad("the calls");
  v.calls_.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    CallRecord c;
    std::uint64_t outcome = 0;
    if (!r.str(c.id) || !r.u64(c.client) || !r.str(c.caller) || !r.str(c.dialled) || !r.i64(c.received) ||
        !r.i64(c.answered) || !r.i64(c.ended) || !r.str(c.agent) || !r.u64(outcome) ||
        !get_enum(r, c.ended_by, 3) || !get_enum(r, c.direction, 1) || !r.str(c.source) || outcome > 255)
      return bad("a call");
    if (outcome != 0) c.outcome = static_cast<CallOutcome>(outcome);
    CallId id = c.id;
    v.calls_.emplace(std::move(id), std::move(c));
  }
  if (!r.count(n)) return bad("the open calls");
  for (std::uint64_t i = 0; i < n; ++i) {
    CallId id;
    bool open = false;
    if (!r.str(id) || !r.boolean(open)) return bad("an open call");
    v.open_calls_[id] = open;
  }
  if (!r.count(n)) return bad("the recent calls");
  for (std::uint64_t i = 0; i < n; ++i) {
    CallId id;
    if (!r.str(id)) return bad("a recent call");
    v.recent_.push_back(std::move(id));
  }

  if (!r.count(n)) return bad("the agents");
  for (std::uint64_t i = 0; i < n; ++i) {
    AgentView a;
    if (!r.str(a.id) || !r.str(a.name) || !r.str(a.department) || !get_enum(r, a.state, 255) ||
        !r.i64(a.since) || !r.boolean(a.registered) || !r.str(a.contact) || !r.str(a.call) ||
        !r.boolean(a.paused) || !r.str(a.pause_reason))
      return bad("an agent");
    AgentId id = a.id;
    v.agents_.emplace(std::move(id), std::move(a));
  }

  if (!r.count(n)) return bad("the tasks");
  std::map<TaskId, Task> tasks;
  for (std::uint64_t i = 0; i < n; ++i) {
    Task t;
    if (!r.u64(t.id) || !r.u64(t.client) || !get_enum(r, t.kind, 255) || !r.str(t.assignee) ||
        !r.str(t.department) || !r.i64(t.due) || !r.i64(t.created) || !r.str(t.phone) || !r.str(t.text) ||
        !r.str(t.call) || !r.boolean(t.done) || !r.i64(t.done_at) || !r.str(t.done_by))
      return bad("a task");
    const TaskId id = t.id;
    tasks.emplace(id, std::move(t));
  }
  v.tasks_.restore(std::move(tasks));

  std::map<CallStats::LineKey, CallCounters> lines;
  std::map<CallStats::LineKey, CallCounters> agents;
  if (!get_stats(r, lines) || !get_stats(r, agents)) return bad("the call statistics");
  v.stats_.restore(std::move(lines), std::move(agents));

  if (!r.at_end()) return bad("the end (bytes left over)");
  v.rebuild_indexes();
  return v;
}

void CrmViews::end_replay() {
  if (!search_deferred_) return;
  search_deferred_ = false;
  search_.clear();
  search_.begin_bulk();
  // Any order: the index sorts its keys (with the id) once, in end_bulk().
  for (const auto& [id, c] : clients_) search_.add(id, c.name, c.company);
  search_.end_bulk();
}

void CrmViews::rebuild_indexes() {
  by_phone_.clear();
  search_.clear();
  deal_index_.clear();
  // In id order, so a phone two clients claim (it cannot happen through
  // the client registry) resolves the same way on every load.
  std::vector<ClientId> ids = sorted_keys(clients_);
  by_phone_.reserve(ids.size());
  search_.begin_bulk();
  for (ClientId id : ids) {
    const Client& c = clients_.at(id);
    for (const auto& p : c.phones) by_phone_.assign(p, id);
    search_.add(id, c.name, c.company);
    for (const auto& d : c.deals) {
      deal_index_.opened(d.id, id, d.stage);
      if (d.closed) deal_index_.closed(d.id, d.stage, d.won);
    }
  }
  search_.end_bulk();
}

void CrmViews::save_indexes(ByteWriter& w) const {
  const std::vector<std::pair<std::string, ClientId>> phones = by_phone_.sorted();
  w.u64(phones.size());
  for (const auto& [phone, id] : phones) {
    w.str(phone);
    w.u64(id);
  }
  std::uint64_t keys = 0;
  search_.for_each_key([&w, &keys](std::string_view key, ClientId id) {
    w.str(key);
    w.u64(id);
    ++keys;
  });
  w.u64(keys);
  std::vector<std::pair<DealId, ClientId>> owners(deal_index_.owners().begin(), deal_index_.owners().end());
  std::sort(owners.begin(), owners.end());
  w.u64(owners.size());
  for (const auto& [deal, client] : owners) {
    w.u64(deal);
    w.u64(client);
  }
  for (const auto* index : {&deal_index_.open_by_stage()}) {
    w.u64(index->size());
    for (const auto& [stage, ids] : *index) {
      w.str(stage);
      w.u64(ids.size());
      for (DealId id : ids) w.u64(id);
    }
  }
  for (const auto* ids : {&deal_index_.won(), &deal_index_.lost()}) {
    w.u64(ids->size());
    for (DealId id : *ids) w.u64(id);
  }
  for (const auto* index : {&tasks_.open_by_assignee(), &tasks_.open_by_department()}) {
    w.u64(index->size());
    for (const auto& [key, due_ids] : *index) {
      w.str(key);
      w.u64(due_ids.size());
      for (const auto& [due, id] : due_ids) {
        w.i64(due);
        w.u64(id);
      }
    }
  }
  w.u64(tasks_.open_count());
}

std::string CrmViews::digest() const {
  Digest d;
  {
    ByteWriter w([&d](std::string_view bytes) { d.update(bytes); });
    save(w);
    save_indexes(w);
  }
  return d.hex();
}

// A field added to a struct the snapshot writes changes its size: this
// stops the build until save()/load() above write the field too (and
// kSnapshotVersion is bumped), instead of snapshots silently losing it.
// Sizes for x86-64 with libstdc++; other platforms skip the check.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(Client) == 224, "Client changed: update CrmViews::save/load and kSnapshotVersion");
static_assert(sizeof(Deal) == 120, "Deal changed: update CrmViews::save/load and kSnapshotVersion");
static_assert(sizeof(CallRecord) == 200, "CallRecord changed: update CrmViews::save/load and kSnapshotVersion");
static_assert(sizeof(HistoryEntry) == 120, "HistoryEntry changed: update CrmViews::save/load and kSnapshotVersion");
static_assert(sizeof(AgentView) == 224, "AgentView changed: update CrmViews::save/load and kSnapshotVersion");
static_assert(sizeof(Task) == 248, "Task changed: update CrmViews::save/load and kSnapshotVersion");
static_assert(sizeof(CallCounters) == 96, "CallCounters changed: update CrmViews::save/load and kSnapshotVersion");
#endif

}  // namespace callboard::domain
