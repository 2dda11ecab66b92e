// The client actor (one per client's stream, while it is needed). The
// registry is in client_registry.cpp.
#include "actors/client_actor.hpp"

#include <caf/all.hpp>

#include "actors/timer_service.hpp"

namespace callboard::actors {

namespace {

using Self = caf::stateful_actor<ClientActorState>*;

CrmReply failure(Status s) { return CrmReply{std::move(s), {}}; }

// The id of what a command creates (deal, note, task), for the reply.
std::uint64_t created_id(const domain::ClientCommand& c) {
  if (const auto* x = std::get_if<domain::CreateClient>(&c)) return x->deal;
  if (const auto* x = std::get_if<domain::OpenDeal>(&c)) return x->deal;
  if (const auto* x = std::get_if<domain::AddNote>(&c)) return x->note;
  if (const auto* x = std::get_if<domain::CreateTask>(&c)) return x->task;
  return 0;
}

void arm_idle(Self self) {
  auto& st = self->state;
  send_later(self, st.options.idle, caf::make_message(idle_atom::value, ++st.idle_generation));
}

// ok when the actor may decide now.
Status ready(Self self) {
  auto& st = self->state;
  if (!st.broken.is_ok()) return st.broken;
  if (!st.reload) return Status::ok();
  // Appends still in flight were decided on the state that failed; they
  // fail too (their expected versions no longer hold). Wait for them.
  if (!st.pending.empty())
    return Status::conflict("client " + std::to_string(st.client.id) +
                            ": an earlier change failed to be written; try again");
  if (!st.services.log) return Status::unavailable("no event log to reload client " + std::to_string(st.client.id));
  auto fresh = load_client(*st.services.log, st.client.id);
  if (!fresh) return fresh.status();
  st.client = std::move(fresh).value();
  st.reload = false;
  return Status::ok();
}

Status check_version(const ClientActorState& st, const domain::CommandEnvelope& env) {
  if (!env.expected_version || *env.expected_version == st.client.version) return Status::ok();
  return Status::conflict("version: client " + std::to_string(st.client.id) + " is at version " +
                          std::to_string(st.client.version) + ", not " +
                          std::to_string(*env.expected_version));
}

// One append for the whole batch (both streams of a merge at once); the
// reply goes out when it is durable.
caf::result<CrmReply> submit(Self self, std::vector<storage::NewEvent> batch, domain::CommandOutcome outcome) {
  auto& st = self->state;
  const std::uint64_t request = st.next_request++;
  auto promise = self->make_response_promise<CrmReply>();
  st.pending.emplace(request, ClientActorState::Pending{promise, outcome, {}});
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.services.events->submit(std::move(batch), [me, request](const Result<storage::AppendResult>& r) {
    AppendDone done{r.is_ok() ? Status::ok() : r.status(), r.is_ok() ? r->last_sequence : 0};
    caf::anon_send(me, durable_atom::value, request, std::move(done));
  });
  return promise;
}

// Nothing to write: true once every append before it is durable.
caf::result<CrmReply> settle(Self self, domain::CommandOutcome outcome) {
  auto& st = self->state;
  if (st.pending.empty()) return CrmReply{Status::ok(), outcome};
  auto promise = self->make_response_promise<CrmReply>();
  st.pending.rbegin()->second.followers.emplace_back(promise, outcome);
  return promise;
}

caf::result<CrmReply> on_command(Self self, const domain::CommandEnvelope& env) {
  auto& st = self->state;
  if (Status s = ready(self); !s) {
    if (!st.broken.is_ok()) self->quit();  // the registry spawns a fresh one next time
    return failure(s);
  }
  if (Status s = check_version(st, env); !s) return failure(s);
  auto decided = domain::decide(st.client, env.command, env.by, *st.services.config);
  if (!decided) return failure(decided.status());
  const std::string stream = domain::client_stream(st.client.id);
  const domain::Timestamp now = st.services.clock->now();
  std::vector<storage::NewEvent> batch;
  batch.reserve(decided->size());
  for (auto& e : *decided) {
    batch.push_back(storage::NewEvent{stream, now, st.client.version, e});
    st.client = domain::evolve(std::move(st.client), e);
  }
  domain::CommandOutcome outcome;
  outcome.client = st.client.id;
  outcome.id = batch.empty() ? 0 : created_id(env.command);
  outcome.version = st.client.version;
  outcome.events = batch.size();
  if (batch.empty()) return settle(self, outcome);
  return submit(self, std::move(batch), outcome);
}

caf::result<CrmReply> on_absorb(Self self, const domain::CommandEnvelope& env,
                                const domain::ClientState& absorbed) {
  auto& st = self->state;
  if (Status s = ready(self); !s) {
    if (!st.broken.is_ok()) self->quit();  // the registry spawns a fresh one next time
    return failure(s);
  }
  if (Status s = check_version(st, env); !s) return failure(s);
  auto decided = domain::decide_merge(st.client, absorbed);
  if (!decided) return failure(decided.status());
  const domain::Timestamp now = st.services.clock->now();
  std::vector<storage::NewEvent> batch;
  // ClientMergedInto closes the absorbed stream at the version we read:
  // a change to it since then fails this append (conflict) instead of
  // being lost.
  batch.push_back({domain::client_stream(absorbed.id), now, absorbed.version, (*decided)[0]});
  batch.push_back({domain::client_stream(st.client.id), now, st.client.version, (*decided)[1]});
  st.client = domain::absorb(domain::evolve(std::move(st.client), (*decided)[1]), absorbed);
  domain::CommandOutcome outcome;
  outcome.client = st.client.id;
  outcome.version = st.client.version;
  outcome.events = batch.size();
  return submit(self, std::move(batch), outcome);
}

void on_durable(Self self, std::uint64_t request, const AppendDone& done) {
  auto& st = self->state;
  auto it = st.pending.find(request);
  if (it == st.pending.end()) return;
  ClientActorState::Pending p = std::move(it->second);
  st.pending.erase(it);
  if (done.status) {
    p.outcome.sequence = done.last_sequence;
    p.promise.deliver(CrmReply{Status::ok(), p.outcome});
    for (auto& [promise, outcome] : p.followers) promise.deliver(CrmReply{Status::ok(), outcome});
  } else {
    st.services.metrics->append_failed();
    st.reload = true;
    p.promise.deliver(failure(done.status));
    for (auto& f : p.followers) f.first.deliver(failure(done.status));
  }
  if (st.pending.empty()) arm_idle(self);
}

}  // namespace

Result<domain::ClientState> load_client(const storage::EventLog& log, domain::ClientId id) {
  std::vector<domain::Event> events;
  Status read = log.read_stream(domain::client_stream(id), 1, [&](const domain::RecordedEvent& e) {
    events.push_back(e.event);
    return true;
  });
  if (!read) return read;
  domain::ClientState s;
  s.id = id;
  for (const auto& e : events) {
    s = domain::evolve(std::move(s), e);
    if (const auto* m = std::get_if<domain::ClientsMerged>(&e)) {
      // A merged stream is closed (ClientMergedInto), so merges form a
      // tree and this recursion ends.
      auto absorbed = load_client(log, m->merged);
      if (!absorbed) return absorbed.status();
      s = domain::absorb(std::move(s), *absorbed);
    }
  }
  return s;
}

caf::behavior client_actor(Self self, Services services, ClientActorOptions options, caf::actor registry,
                           domain::ClientId id, bool load) {
  auto& st = self->state;
  st.services = std::move(services);
  st.options = options;
  st.registry = std::move(registry);
  st.client.id = id;
  if (load && !st.services.log) {
    st.broken = Status::unavailable("client " + std::to_string(id) + ": no event log to load it from");
  } else if (load) {
    auto loaded = load_client(*st.services.log, id);
    if (loaded) st.client = std::move(loaded).value();
    else st.broken = Status::io_error("loading client " + std::to_string(id) + ": " + loaded.status().message());
  }
  arm_idle(self);
  return {
      [=](crm_atom, const domain::CommandEnvelope& env) -> caf::result<CrmReply> {
        ++self->state.handled;
        arm_idle(self);
        return on_command(self, env);
      },
      [=](absorb_atom, const domain::CommandEnvelope& env,
          const domain::ClientState& absorbed) -> caf::result<CrmReply> {
        ++self->state.handled;
        arm_idle(self);
        return on_absorb(self, env, absorbed);
      },
      [=](snap_atom) -> StateReply {
        ++self->state.handled;
        arm_idle(self);
        Status s = ready(self);
        if (!self->state.broken.is_ok()) self->quit();
        return StateReply{s, self->state.client};
      },
      [=](durable_atom, std::uint64_t request, const AppendDone& done) { on_durable(self, request, done); },
      [=](idle_atom, std::uint64_t generation) {
        auto& s = self->state;
        if (generation != s.idle_generation || !s.pending.empty()) return;
        self->send(s.registry, idle_atom::value, s.client.id, s.handled);
      },
  };
}

}  // namespace callboard::actors
