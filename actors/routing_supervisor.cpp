#include "actors/routing_supervisor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "actors/messages.hpp"
#include "actors/outbound_actor.hpp"
#include "domain/classify.hpp"

namespace callboard::actors {

namespace {
using Self = caf::stateful_actor<SupervisorState>*;
using domain::AgentId;

// A call's actor, from its spawn to its end (the down handler): the
// signals for the call are forwarded to it.
void track_call(Self self, const domain::CallId& call, const caf::actor& actor) {
  auto& st = self->state;
  st.call_ids[actor.address()] = call;
  st.calls.emplace(call, actor);
}

void forward(Self self, const domain::CallId& call, caf::message msg) {
  auto it = self->state.calls.find(call);
  if (it != self->state.calls.end()) self->send(it->second, std::move(msg));
}

void tell_agent(Self self, const AgentId& agent, caf::message msg) {
  auto it = self->state.agents->find(agent);
  if (it != self->state.agents->end()) self->send(it->second.actor, std::move(msg));
}

domain::AgentPolicy policy_for(const domain::Config& config, const domain::AgentConfig& agent) {
  domain::AgentPolicy p;
  if (const auto* d = config.find_department(agent.department))
    p.wrap_up = domain::Duration(d->wrap_up_s) * domain::kMicrosPerSecond;
  p.max_missed_offers = config.routing.max_missed_offers;
  return p;
}

// The queues an agent serves (his department's and those the config adds),
// as sync_agents() recorded them for the current configuration.
const std::vector<std::string>& served_queues(const SupervisorState& st, const AgentId& agent) {
  static const std::vector<std::string> none;
  auto it = st.served.find(agent);
  return it == st.served.end() ? none : it->second;
}

// The board's entries of one department: what pick_owner chooses from, and
// the candidates of a department step (step_candidates).
std::vector<domain::AgentCandidate> members_of(Self self, const std::string& department) {
  std::vector<domain::AgentCandidate> out;
  auto m = self->state.members.find(department);
  if (m == self->state.members.end()) return out;
  out.reserve(m->second.size() + 1);  // step_candidates may add one more
  for (const auto& id : m->second) {
    auto a = self->state.board.find(id);
    if (a != self->state.board.end()) out.push_back(a->second);
  }
  return out;
}

// The board entries select_targets() looks at for `step` (domain/routing.cpp):
// for a department step its members, plus the agent its round robin rang
// last if a reload moved him elsewhere; for a responsible step that agent.
// Copying the whole board for every call (a 500 KB vector with 4,800 agents)
// took ~10% of the server's CPU in bench/routing.
std::vector<domain::AgentCandidate> step_candidates(Self self, const domain::RouteStep& step,
                                                    const AgentId& responsible) {
  const auto& st = self->state;
  std::vector<domain::AgentCandidate> out;
  auto add = [&](const AgentId& id) {
    auto it = st.board.find(id);
    if (it != st.board.end()) out.push_back(it->second);
  };
  switch (step.kind) {
    case domain::StepKind::responsible:
      add(responsible);
      return out;
    case domain::StepKind::department: {
      out = members_of(self, step.department);
      auto last = st.memory.last_rung.find(step.department);
      if (last != st.memory.last_rung.end()) {
        auto it = st.board.find(last->second);
        if (it != st.board.end() && it->second.department != step.department) out.push_back(it->second);
      }
      return out;
    }
    default:
      out.reserve(st.board.size());
      for (const auto& [id, a] : st.board) out.push_back(a);
      return out;
  }
}

// Spawns actors for agents the configuration has and the board has not, and
// brings the board's departments, order and policies in line with it.
void sync_agents(Self self, std::map<AgentId, AgentInit> inits) {
  auto& st = self->state;
  const domain::Config& config = *st.services.config;
  std::set<AgentId> configured;
  std::size_t order = 0;
  st.served.clear();  // rebuilt for the configured agents below
  for (const auto& a : config.agents) {
    configured.insert(a.login);
    domain::AgentPolicy policy = policy_for(config, a);
    auto it = st.agents->find(a.login);
    if (it == st.agents->end()) {
      AgentInit init = inits.count(a.login) ? std::move(inits[a.login]) : AgentInit{};
      init.status.id = a.login;
      init.policy = policy;
      st.board[a.login] = domain::AgentCandidate{a.login, a.department, init.status.state,
                                                 init.status.registered, init.status.paused};
      auto actor = self->spawn(agent_actor, st.services, std::move(init),
                               caf::actor_cast<caf::actor>(self));
      (*st.agents)[a.login] = AgentHandle{std::move(actor), a.sip_user};
    } else {
      it->second.sip_user = a.sip_user;
      self->send(it->second.actor, policy_atom::value, policy.wrap_up, policy.max_missed_offers);
    }
    auto& served = st.served[a.login];
    served.assign(1, a.department);
    served.insert(served.end(), a.queues.begin(), a.queues.end());
    auto& b = st.board[a.login];
    b.id = a.login;
    b.department = a.department;
    b.order = order++;
  }
  // Agents gone from the configuration get no new calls; their actors stay
  // until the server stops (one may still be on a call).
  for (auto it = st.board.begin(); it != st.board.end();) {
    it = configured.count(it->first) ? std::next(it) : st.board.erase(it);
  }
  st.members.clear();
  for (const auto& [id, a] : st.board) st.members[a.department].push_back(id);
  st.servers.clear();
  for (const auto& [id, a] : st.board) {
    for (const auto& q : served_queues(st, id)) st.servers[q].push_back(id);
  }
}

// Hands each of `agents` that is free the oldest queued call he serves,
// the longest idle first.
//
// Called with the agents a change concerns: the one whose status changed,
// or those serving the queue a call joined. That is enough because after
// every dispatch no free agent serves a queue holding a call he may take;
// only an agent coming free, a call joining a line, or a new configuration
// (dispatch_all) can change that. With thousands of agents on the board a
// dispatch over all of them on every status change, while calls wait, took
// the actor worker's whole core under overload.
void dispatch(Self self, const std::vector<AgentId>& agents) {
  auto& st = self->state;
  if (!st.queues.any_waiting()) return;
  std::vector<const domain::AgentCandidate*> free;
  for (const auto& id : agents) {
    auto a = st.board.find(id);
    if (a != st.board.end() && a->second.free() && !st.promised.count(id)) free.push_back(&a->second);
  }
  std::sort(free.begin(), free.end(), [](auto* x, auto* y) {
    return x->idle_since != y->idle_since ? x->idle_since < y->idle_since : x->order < y->order;
  });
  free.erase(std::unique(free.begin(), free.end()), free.end());
  for (const auto* a : free) {
    auto w = st.queues.take_for(a->id, served_queues(st, a->id));
    if (!w) continue;
    auto call = st.calls.find(w->call);
    if (call == st.calls.end()) {
      st.queues.leave(w->call);
      continue;
    }
    st.promised[a->id] = w->call;
    self->send(call->second, qoffer_atom::value, a->id);
  }
}

void dispatch_all(Self self) {
  std::vector<AgentId> all;
  all.reserve(self->state.board.size());
  for (const auto& [id, a] : self->state.board) all.push_back(id);
  dispatch(self, all);
}

const std::vector<AgentId>& servers_of(const SupervisorState& st, const std::string& queue) {
  static const std::vector<AgentId> none;
  auto it = st.servers.find(queue);
  return it == st.servers.end() ? none : it->second;
}

// A call out of the queue or back in line: the agents it was promised to
// are free for other calls again (the call's actor drops an offer it can no
// longer take, e.g. when the caller hung up while it was on its way).
std::vector<AgentId> release_promises(SupervisorState& st, const domain::CallId& call) {
  std::vector<AgentId> released;
  for (auto it = st.promised.begin(); it != st.promised.end();) {
    if (it->second == call) {
      released.push_back(it->first);
      it = st.promised.erase(it);
    } else {
      ++it;
    }
  }
  return released;
}

void on_left_queue(Self self, const domain::CallId& call) {
  auto& st = self->state;
  st.queues.leave(call);
  if (!st.promised.empty()) dispatch(self, release_promises(st, call));
}

void on_status(Self self, const AgentId& agent, int state, bool registered, bool paused) {
  auto& st = self->state;
  auto it = st.board.find(agent);
  if (it == st.board.end()) return;
  auto& a = it->second;
  auto next = static_cast<domain::AgentState>(state);
  domain::Timestamp now = st.services.clock->now();
  std::int64_t day = now / (86400 * domain::kMicrosPerSecond);
  if (day != st.today) {
    for (auto& [id, b] : st.board) b.calls_today = 0;
    st.today = day;
  }
  if (next == domain::AgentState::available && a.state != next) a.idle_since = now;
  if (next == domain::AgentState::on_call && a.state != next) ++a.calls_today;
  if (next != domain::AgentState::available) st.promised.erase(agent);
  a.state = next;
  a.registered = registered;
  a.paused = paused;
  if (st.queues.any_waiting()) dispatch(self, {agent});
}

// A dialled number nobody configured: 404, recorded like any other call.
void reject_unknown_number(Self self, const domain::CallId& call, const std::string& caller,
                           const std::string& caller_name, const std::string& dialled) {
  const auto& s = self->state.services;
  s.telephony->reject(call, 404, "Not Found");
  StreamWriter writer(domain::call_stream(call), 0);
  writer.append(s, {domain::CallReceived{call, caller, dialled, caller_name},
                    domain::CallEnded{call, domain::CallOutcome::not_found,
                                      domain::EndedBy::system, 404}});
}

// The agents to offer a call for `step` (select_targets on the board).
std::vector<std::string> targets_for(Self self, const domain::RouteStep& step,
                                     const std::string& responsible,
                                     const std::vector<std::string>& exclude) {
  auto& st = self->state;
  // First come, first served: while calls wait in the department's queue, a
  // new call does not jump ahead of them to a freed agent.
  if (step.kind == domain::StepKind::department && st.queues.waiting(step.department) > 0) return {};
  domain::Classification who;
  who.responsible = responsible;
  return domain::select_targets(step, who, step_candidates(self, step, responsible), exclude, st.memory,
                                *st.services.random);
}

void on_incoming(Self self, const domain::CallId& call, const std::string& caller,
                 const std::string& caller_name, const std::string& dialled) {
  auto& st = self->state;
  if (st.calls.count(call)) return;  // a retransmission the adapter let through
  std::shared_ptr<const domain::Config> config = st.services.config;
  const domain::EntryPointConfig* entry = config->find_entry_point(dialled);
  if (!entry) {
    reject_unknown_number(self, call, caller, caller_name, dialled);
    return;
  }
  CallInit init;
  init.id = call;
  init.caller_name = caller_name;
  init.dialled = dialled;
  init.department = entry->department;
  init.entry_point_name = entry->name;
  init.source = entry->source;
  init.who = st.services.views->read([&](const domain::CrmViews& v) {
    return domain::classify(caller, *st.services.phones, v);
  });
  // The geocoder only for a regional rule; the call actor locates the
  // caller for the screen pop after the first INVITE is on its way.
  if (domain::needs_location(init.who, *entry)) domain::locate(init.who, *st.services.phones);
  init.plan = domain::plan_route(init.who, *entry, *config, st.services.clock->now());
  // The first step's agents are chosen here and travel with the call: its
  // actor offers them at once instead of asking this actor first (a round
  // trip behind everything else in this mailbox, on the INVITE's path).
  if (!init.plan.empty() && init.plan.front().finds_targets())
    init.first_targets = targets_for(self, init.plan.front(), init.who.responsible, {});
  init.agents = st.agents;
  init.clients = st.clients;
  auto actor = self->spawn<caf::monitored>(call_actor, st.services, std::move(init),
                                           caf::actor_cast<caf::actor>(self));
  track_call(self, call, actor);
}

bool on_enqueue(Self self, const std::string& department, const domain::CallId& call) {
  auto& st = self->state;
  const domain::Config& config = *st.services.config;
  const domain::DepartmentConfig* d = config.find_department(department);
  if (!d || !d->queue.enabled) return false;
  if (!d->queue.wait_when_nobody_logged_in) {
    const auto& servers = servers_of(st, department);
    bool anyone = std::any_of(servers.begin(), servers.end(), [&](const AgentId& id) {
      auto a = st.board.find(id);
      return a != st.board.end() && a->second.registered;
    });
    if (!anyone) return false;
  }
  if (!st.queues.join(department, call, st.services.clock->now(), d->queue.max_length)) return false;
  // The answer reaches the call before any offer the dispatch sends it.
  self->send(self, get_atom::value, department);
  return true;
}

// Click-to-call: a call actor of its own, in the same table as inbound
// calls (leg signals, abort and the drain reach it alike), asked to claim
// the agent and ring him; the request's answer comes from it.
caf::result<int, std::string, std::string> on_originate(Self self, const std::string& agent,
                                                       domain::ClientId client, const std::string& number) {
  auto& st = self->state;
  const domain::Config& config = *st.services.config;
  auto unavailable = [](std::string why) {
    return caf::result<int, std::string, std::string>(static_cast<int>(domain::OriginateCode::unavailable),
                                                      std::string(), std::move(why));
  };
  if (!config.outbound.enabled()) return unavailable("no outbound route is configured");
  auto handle = st.agents->find(agent);
  if (handle == st.agents->end() || !st.board.count(agent)) return unavailable("no agent '" + agent + "'");
  domain::CallId id;
  do {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx",
                  static_cast<unsigned long long>(st.services.random->below(UINT64_MAX)));
    id = text;
  } while (st.calls.count(id));
  OutboundInit init;
  init.call = domain::outbound_call(config.outbound, id, agent, client, number);
  init.agent = handle->second.actor;
  init.sip_user = handle->second.sip_user;
  init.client_name = st.services.views->read([&](const domain::CrmViews& v) {
    const domain::Client* c = v.client(client);
    return c ? c->name : std::string();
  });
  auto actor = self->spawn<caf::monitored>(outbound_actor, st.services, std::move(init));
  track_call(self, id, actor);
  auto rp = self->make_response_promise();
  rp.delegate(actor, originate_atom::value);
  return rp;
}

void check_drained(Self self) {
  if (!self->state.calls.empty()) return;
  for (auto& p : self->state.drained) p.deliver(std::size_t{0});
  self->state.drained.clear();
}
}  // namespace

caf::behavior routing_supervisor(Self self, Services services,
                                 std::map<domain::AgentId, AgentInit> agents, caf::actor clients) {
  auto& st = self->state;
  st.services = std::move(services);
  st.agents = std::make_shared<AgentDirectory>();
  st.clients = std::move(clients);
  sync_agents(self, std::move(agents));
  // Agent actors live as long as the supervisor.
  self->attach_functor([agents = st.agents](const caf::error&) {
    for (auto& [login, h] : *agents) caf::anon_send_exit(h.actor, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& s = self->state;
    auto it = s.call_ids.find(msg.source);
    if (it == s.call_ids.end()) return;
    domain::CallId call = it->second;
    s.calls.erase(call);
    s.call_ids.erase(it);
    on_left_queue(self, call);
    check_drained(self);
  });
  // The telephony adapter's signals, alone or in a batch (signals_atom).
  caf::message_handler signal_handlers{
      [=](incoming_atom, const std::string& call, const std::string& caller,
          const std::string& caller_name, const std::string& dialled) {
        on_incoming(self, call, caller, caller_name, dialled);
      },
      [=](leg_atom a, const std::string& call, domain::LegId leg, int signal, int status) {
        forward(self, call, caf::make_message(a, call, leg, signal, status));
      },
      [=](caller_atom a, const std::string& call, int signal) {
        forward(self, call, caf::make_message(a, call, signal));
      },
      [=](reg_atom a, const std::string& agent, const std::string& contact) {
        tell_agent(self, agent, caf::make_message(a, contact));
      },
      [=](unreg_atom a, const std::string& agent, const std::string& reason) {
        tell_agent(self, agent, caf::make_message(a, reason));
      },
  };
  return signal_handlers.or_else(
      [=](signals_atom, std::vector<caf::message>& batch) mutable {
        for (auto& m : batch)
          if (!signal_handlers(m)) spdlog::error("routing: unexpected signal {}", to_string(m));
      },
      [=](pause_atom a, const std::string& agent, const std::string& reason, const std::string& by) {
        tell_agent(self, agent, caf::make_message(a, reason, by));
      },
      [=](resume_atom a, const std::string& agent, const std::string& by) {
        tell_agent(self, agent, caf::make_message(a, by));
      },
      [=](status_atom, const std::string& agent, int state, bool registered, bool paused) {
        on_status(self, agent, state, registered, paused);
      },
      [=](targets_atom, int kind, const std::string& department,
          const std::vector<std::string>& agents, int strategy, const std::string& rule,
          const std::string& responsible, const std::vector<std::string>& exclude) {
        domain::RouteStep step;
        step.kind = static_cast<domain::StepKind>(kind);
        step.department = department;
        step.agents = agents;
        step.strategy = static_cast<domain::Strategy>(strategy);
        step.rule = rule;
        return targets_for(self, step, responsible, exclude);
      },
      [=](enqueue_atom, const std::string& department, const std::string& call) {
        return on_enqueue(self, department, call);
      },
      [=](requeue_atom, const std::string&, const std::string& call,
          const std::vector<std::string>& tried) {
        auto& s = self->state;
        std::vector<AgentId> concerned = release_promises(s, call);
        std::string queue = s.queues.requeue(call, tried);
        const auto& servers = servers_of(s, queue);
        concerned.insert(concerned.end(), servers.begin(), servers.end());
        dispatch(self, concerned);
      },
      [=](leave_atom, const std::string&, const std::string& call) { on_left_queue(self, call); },
      [=](owner_atom, const std::string& department) -> std::string {
        return domain::pick_owner(department, members_of(self, department), self->state.memory);
      },
      [=](reload_atom, const std::shared_ptr<const domain::Config>& config) {
        self->state.services.config = config;
        sync_agents(self, {});
        dispatch_all(self);
        spdlog::info("routing: configuration reloaded from {}", config->source);
      },
      [=](originate_atom, const std::string& agent, domain::ClientId client, const std::string& number) {
        return on_originate(self, agent, client, number);
      },
      [=](get_atom, const std::string& queue) { dispatch(self, servers_of(self->state, queue)); },
      [=](abort_atom a, const std::string& reason) -> caf::result<std::size_t> {
        auto& s = self->state;
        if (s.calls.empty()) return std::size_t{0};
        for (auto& [id, actor] : s.calls) self->send(actor, a, reason);
        auto promise = self->make_response_promise<std::size_t>();
        s.drained.push_back(promise);
        return promise;
      },
      [=](get_atom) { return self->state.calls.size(); });
}

}  // namespace callboard::actors
