// The client registry: ids, cross-client rules, client actors on demand,
// merges, tasks of no client. The client actor is in client_actor.cpp.
#include <caf/all.hpp>

#include "actors/client_actor.hpp"
#include "actors/messages.hpp"

namespace callboard::actors {

namespace {

using Self = caf::stateful_actor<ClientRegistryState>*;

CrmReply failure(Status s) { return CrmReply{std::move(s), {}}; }

std::string task_stream(domain::TaskId id) { return "task/" + std::to_string(id); }

// Points a command at the client it now concerns (a merged-away id's
// survivor), so its events name the client whose stream they go to.
void retarget(domain::ClientCommand& c, domain::ClientId id) {
  std::visit(
      [id](auto& cmd) {
        using C = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<C, domain::CreateClient>) cmd.id = id;
        else cmd.client = id;
      },
      c);
}

domain::ClientId resolve(Self self, domain::ClientId id) {
  return self->state.services.views->read([id](const domain::CrmViews& v) { return v.resolve(id); });
}

bool known(Self self, domain::ClientId id) {
  if (self->state.live.count(id)) return true;
  return self->state.services.views->read([id](const domain::CrmViews& v) { return v.client(id) != nullptr; });
}

caf::actor live_actor(Self self, domain::ClientId id, bool load) {
  auto& st = self->state;
  auto it = st.live.find(id);
  if (it != st.live.end()) return it->second.actor;
  auto actor = self->spawn(client_actor, st.services, st.options, caf::actor_cast<caf::actor>(self), id, load);
  self->monitor(actor);
  st.live[id] = ClientRegistryState::Live{actor, 0};
  st.ids[actor.address()] = id;
  return actor;
}

// Sends a command to the client's actor (spawning it, loading its state,
// when it is not alive); `after` runs in the registry before the reply
// goes back.
caf::result<CrmReply> forward(Self self, domain::ClientId id, bool load, domain::CommandEnvelope env,
                              std::function<void(const CrmReply&)> after = {}) {
  caf::actor actor = live_actor(self, id, load);
  ++self->state.live[id].forwarded;
  auto promise = self->make_response_promise<CrmReply>();
  self->request(actor, caf::infinite, crm_atom::value, std::move(env))
      .then(
          [=](CrmReply& r) mutable {
            if (after) after(r);
            promise.deliver(std::move(r));
          },
          [=](caf::error& e) mutable {
            CrmReply r = failure(Status::unavailable("client " + std::to_string(id) + ": " + caf::to_string(e)));
            if (after) after(r);
            promise.deliver(std::move(r));
          });
  return promise;
}

// Refuses a phone another client has, or is being given right now.
Status phone_free(Self self, const std::string& phone, domain::ClientId for_client, const char* field) {
  auto owner = self->state.services.views->read(
      [&](const domain::CrmViews& v) { return v.client_by_phone(phone); });
  if (owner && *owner != for_client)
    return Status::conflict(std::string(field) + ": " + phone + " belongs to client " + std::to_string(*owner));
  auto r = self->state.reserved_phones.find(phone);
  if (r != self->state.reserved_phones.end() && r->second != for_client)
    return Status::conflict(std::string(field) + ": " + phone + " is being given to client " +
                            std::to_string(r->second));
  return Status::ok();
}

std::function<void(const CrmReply&)> releaser(Self self, std::vector<std::string> phones, domain::ClientId id) {
  return [self, phones = std::move(phones), id](const CrmReply&) {
    for (const auto& p : phones) {
      auto it = self->state.reserved_phones.find(p);
      if (it != self->state.reserved_phones.end() && it->second == id) self->state.reserved_phones.erase(it);
    }
  };
}

caf::result<CrmReply> create(Self self, domain::CommandEnvelope env) {
  auto& st = self->state;
  auto& c = std::get<domain::CreateClient>(env.command);
  for (const auto& p : c.client.phones) {
    if (Status s = phone_free(self, p, 0, "phones"); !s) return failure(s);
  }
  c.id = st.next_client++;
  if (!domain::trimmed(c.client.deal_title).empty()) c.deal = st.next_deal++;
  for (const auto& p : c.client.phones) st.reserved_phones[p] = c.id;
  const domain::ClientId id = c.id;
  auto release = releaser(self, c.client.phones, id);
  return forward(self, id, false, std::move(env), std::move(release));
}

caf::result<CrmReply> merge(Self self, domain::CommandEnvelope env) {
  auto& m = std::get<domain::MergeClients>(env.command);
  const domain::ClientId survivor = resolve(self, m.client);
  const domain::ClientId absorbed = resolve(self, m.merged);
  if (m.client == m.merged) return failure(Status::invalid_argument("merged: a client cannot be merged into itself"));
  if (survivor == absorbed)
    return failure(Status::conflict("merged: client " + std::to_string(m.merged) + " is merged into client " +
                                    std::to_string(survivor) + " already"));
  if (!known(self, survivor)) return failure(Status::not_found("client " + std::to_string(m.client) + " does not exist"));
  if (!known(self, absorbed))
    return failure(Status::not_found("merged: client " + std::to_string(m.merged) + " does not exist"));
  m.client = survivor;
  m.merged = absorbed;
  caf::actor from = live_actor(self, absorbed, true);
  ++self->state.live[absorbed].forwarded;
  auto promise = self->make_response_promise<CrmReply>();
  self->request(from, caf::infinite, snap_atom::value)
      .then(
          [=](StateReply& sr) mutable {
            if (!sr.status) {
              promise.deliver(failure(sr.status));
              return;
            }
            caf::actor into = live_actor(self, survivor, true);
            ++self->state.live[survivor].forwarded;
            self->request(into, caf::infinite, absorb_atom::value, env, std::move(sr.state))
                .then(
                    [=](CrmReply& r) mutable {
                      if (r.status) {
                        // The absorbed stream is closed; its actor's work is over.
                        auto it = self->state.live.find(absorbed);
                        if (it != self->state.live.end()) {
                          self->send_exit(it->second.actor, caf::exit_reason::user_shutdown);
                          self->state.ids.erase(it->second.actor.address());
                          self->state.live.erase(it);
                        }
                      }
                      promise.deliver(std::move(r));
                    },
                    [=](caf::error& e) mutable {
                      promise.deliver(failure(Status::unavailable("merge: " + caf::to_string(e))));
                    });
          },
          [=](caf::error& e) mutable { promise.deliver(failure(Status::unavailable("merge: " + caf::to_string(e)))); });
  return promise;
}

caf::result<CrmReply> append_task(Self self, std::vector<storage::NewEvent> batch, domain::CommandOutcome outcome) {
  auto& st = self->state;
  const std::uint64_t request = st.next_request++;
  auto promise = self->make_response_promise<CrmReply>();
  st.task_appends.emplace(request, promise);
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.services.events->submit(std::move(batch), [me, request, outcome](const Result<storage::AppendResult>& r) {
    AppendDone done{r.is_ok() ? Status::ok() : r.status(), r.is_ok() ? r->last_sequence : 0};
    caf::anon_send(me, durable_atom::value, request, std::move(done), outcome);
  });
  return promise;
}

caf::result<CrmReply> create_task_of_no_client(Self self, domain::CommandEnvelope env) {
  auto& st = self->state;
  auto& t = std::get<domain::CreateTask>(env.command);
  t.task = st.next_task++;
  auto decided = domain::decide_task(nullptr, t, env.by, *st.services.config);
  if (!decided) return failure(decided.status());
  std::vector<storage::NewEvent> batch{{task_stream(t.task), st.services.clock->now(), 0, decided->front()}};
  return append_task(self, std::move(batch), domain::CommandOutcome{0, t.task, 1, 0, 1});
}

caf::result<CrmReply> complete_task_of_no_client(Self self, domain::CommandEnvelope env) {
  auto& st = self->state;
  auto& c = std::get<domain::CompleteTask>(env.command);
  struct Found {
    bool exists = false;
    bool done = false;
    domain::ClientId client = 0;
  };
  const Found f = st.services.views->read([&](const domain::CrmViews& v) {
    const domain::Task* t = v.tasks().find(c.task);
    return t ? Found{true, t->done, v.resolve(t->client)} : Found{};
  });
  if (!f.exists) return failure(Status::not_found("task " + std::to_string(c.task) + " does not exist"));
  if (f.client != 0) {
    c.client = f.client;  // a client's task after all: its actor decides
    return forward(self, f.client, true, std::move(env));
  }
  if (f.done) return failure(Status::conflict("task " + std::to_string(c.task) + " is done already"));
  // TaskCreated is version 1 of task/<id>; a completion already written
  // makes the expected version fail (conflict) instead of doubling it.
  std::vector<storage::NewEvent> batch{
      {task_stream(c.task), st.services.clock->now(), 1, domain::TaskCompleted{0, c.task, env.by}}};
  return append_task(self, std::move(batch), domain::CommandOutcome{0, 0, 2, 0, 1});
}

caf::result<CrmReply> on_command(Self self, domain::CommandEnvelope env) {
  auto& st = self->state;
  auto& cmd = env.command;
  if (std::holds_alternative<domain::CreateClient>(cmd)) return create(self, std::move(env));
  if (std::holds_alternative<domain::MergeClients>(cmd)) return merge(self, std::move(env));
  if (const auto* t = std::get_if<domain::CreateTask>(&cmd); t && t->client == 0)
    return create_task_of_no_client(self, std::move(env));
  if (const auto* t = std::get_if<domain::CompleteTask>(&cmd); t && t->client == 0)
    return complete_task_of_no_client(self, std::move(env));

  const domain::ClientId asked = domain::target_of(cmd);
  const domain::ClientId id = resolve(self, asked);
  if (!known(self, id)) return failure(Status::not_found("client " + std::to_string(asked) + " does not exist"));
  retarget(cmd, id);
  if (auto* x = std::get_if<domain::OpenDeal>(&cmd)) x->deal = st.next_deal++;
  if (auto* x = std::get_if<domain::AddNote>(&cmd)) x->note = st.next_note++;
  if (auto* x = std::get_if<domain::CreateTask>(&cmd)) x->task = st.next_task++;
  if (const auto* link = std::get_if<domain::LinkPhone>(&cmd)) {
    if (Status s = phone_free(self, link->phone, id, "phone"); !s) return failure(s);
    st.reserved_phones[link->phone] = id;
    auto release = releaser(self, {link->phone}, id);
    return forward(self, id, true, std::move(env), std::move(release));
  }
  return forward(self, id, true, std::move(env));
}

}  // namespace

caf::behavior client_registry(Self self, Services services, ClientActorOptions options) {
  auto& st = self->state;
  st.services = std::move(services);
  st.options = options;
  st.services.views->read([&](const domain::CrmViews& v) {
    st.next_client = v.max_client_id() + 1;
    st.next_deal = v.max_deal_id() + 1;
    st.next_note = v.max_note_id() + 1;
    st.next_task = v.max_task_id() + 1;
    return 0;
  });
  // Stopping the registry (CallCenter::shutdown) stops its client actors:
  // they are monitored, not linked, so nothing else would, and the actor
  // system waits for every actor before it goes.
  self->set_exit_handler([self](caf::exit_msg& m) {
    for (auto& [id, live] : self->state.live) self->send_exit(live.actor, m.reason);
    self->state.live.clear();
    self->state.ids.clear();
    self->quit(m.reason);
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& s = self->state;
    auto it = s.ids.find(dm.source);
    if (it == s.ids.end()) return;
    auto live = s.live.find(it->second);
    if (live != s.live.end() && live->second.actor.address() == dm.source) s.live.erase(live);
    s.ids.erase(it);
  });
  return {
      [=](crm_atom, domain::CommandEnvelope& env) -> caf::result<CrmReply> {
        return on_command(self, std::move(env));
      },
      [=](idle_atom, domain::ClientId id, std::uint64_t handled) {
        auto& s = self->state;
        auto it = s.live.find(id);
        // Passivate only if everything sent to it has been handled: a
        // command on its way would otherwise meet a dead actor.
        if (it == s.live.end() || it->second.forwarded != handled ||
            caf::actor_cast<caf::actor_addr>(self->current_sender()) != it->second.actor.address())
          return;
        self->send_exit(it->second.actor, caf::exit_reason::user_shutdown);
        s.ids.erase(it->second.actor.address());
        s.live.erase(it);
      },
      [=](durable_atom, std::uint64_t request, const AppendDone& done, const domain::CommandOutcome& outcome) {
        auto& s = self->state;
        auto it = s.task_appends.find(request);
        if (it == s.task_appends.end()) return;
        if (done.status) {
          domain::CommandOutcome o = outcome;
          o.sequence = done.last_sequence;
          it->second.deliver(CrmReply{Status::ok(), o});
        } else {
          s.services.metrics->append_failed();
          Status st = done.status.code() == Status::Code::conflict
                          ? Status::conflict("task: done already, or written by someone else meanwhile")
                          : done.status;
          it->second.deliver(failure(st));
        }
        s.task_appends.erase(it);
      },
      [=](live_atom) -> std::size_t { return self->state.live.size(); },
      // The older creation message (call actors' auto-assign): (id, "") or
      // (0, reason).
      [=](create_atom, const std::string& name, const std::string& company, const std::string& email,
          const std::vector<std::string>& phones, const std::string& responsible,
          const std::string& deal_title,
          const std::string& deal_stage) -> caf::result<domain::ClientId, std::string> {
        domain::NewClient draft{name, company, email, phones, responsible, deal_title, deal_stage, {}, 0, {}};
        domain::CommandEnvelope env{domain::CreateClient{draft, 0, 0}, responsible, std::nullopt};
        auto promise = self->make_response_promise<domain::ClientId, std::string>();
        self->request(caf::actor_cast<caf::actor>(self), caf::infinite, crm_atom::value, std::move(env))
            .then(
                [=](CrmReply& r) mutable {
                  if (r.status) promise.deliver(r.outcome.client, std::string());
                  else promise.deliver(domain::ClientId{0}, r.status.to_string());
                },
                [=](caf::error& e) mutable { promise.deliver(domain::ClientId{0}, caf::to_string(e)); });
        return promise;
      },
  };
}

}  // namespace callboard::actors
