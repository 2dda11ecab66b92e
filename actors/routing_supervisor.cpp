#include "actors/routing_supervisor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "domain/classify.hpp"

namespace callboard::actors {

namespace {
using Self = caf::stateful_actor<SupervisorState>*;

void forward(Self self, const domain::CallId& call, caf::message msg) {
  auto it = self->state.calls.find(call);
  if (it != self->state.calls.end()) self->send(it->second, std::move(msg));
}

void tell_agent(Self self, const domain::AgentId& agent, caf::message msg) {
  auto it = self->state.agents->find(agent);
  if (it != self->state.agents->end()) self->send(it->second.actor, std::move(msg));
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

void on_incoming(Self self, const domain::CallId& call, const std::string& caller,
                 const std::string& caller_name, const std::string& dialled) {
  auto& st = self->state;
  const auto& config = *st.services.config;
  if (st.calls.count(call)) return;  // a retransmission the adapter let through
  const domain::EntryPointConfig* entry = config.find_entry_point(dialled);
  if (!entry) {
    reject_unknown_number(self, call, caller, caller_name, dialled);
    return;
  }
  CallInit init;
  init.id = call;
  init.caller_raw = caller;
  init.caller_name = caller_name;
  init.dialled = dialled;
  init.entry_point_name = entry->name;
  init.who = st.services.views->read([&](const domain::CrmViews& v) {
    return domain::classify(caller, *st.services.phones, v);
  });
  init.plan = domain::plan_route(init.who, *entry, config.routing);
  init.agents = st.agents;
  auto actor = self->spawn<caf::monitored>(call_actor, st.services, std::move(init),
                                           caf::actor_cast<caf::actor>(self));
  st.call_ids[actor.address()] = call;
  st.calls.emplace(call, std::move(actor));
}

std::vector<std::string> on_targets(Self self, int kind, const std::string& department,
                                    const std::string& responsible,
                                    const std::vector<std::string>& exclude) {
  domain::RouteStep step;
  step.kind = static_cast<domain::StepKind>(kind);
  step.department = department;
  domain::Classification who;
  who.responsible = responsible;
  std::vector<domain::AgentCandidate> agents;
  agents.reserve(self->state.board.size());
  for (const auto& [id, a] : self->state.board) agents.push_back(a);
  return domain::select_targets(step, who, agents, exclude);
}

void check_drained(Self self) {
  if (!self->state.calls.empty()) return;
  for (auto& p : self->state.drained) p.deliver(std::size_t{0});
  self->state.drained.clear();
}
}  // namespace

caf::behavior routing_supervisor(Self self, Services services,
                                 std::map<domain::AgentId, AgentInit> agents) {
  auto& st = self->state;
  st.services = std::move(services);
  st.agents = std::make_shared<AgentDirectory>();
  for (auto& [login, init] : agents) {
    const domain::AgentConfig* cfg = st.services.config->find_agent(login);
    if (!cfg) continue;
    st.board[login] = domain::AgentCandidate{login, cfg->department, init.status.state,
                                             init.status.registered};
    auto actor = self->spawn(agent_actor, st.services, std::move(init),
                                          caf::actor_cast<caf::actor>(self));
    (*st.agents)[login] = AgentHandle{std::move(actor), cfg->sip_user};
  }
  // Agent actors live as long as the supervisor.
  self->attach_functor([agents = st.agents](const caf::error&) {
    for (auto& [login, h] : *agents) caf::anon_send_exit(h.actor, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& s = self->state;
    auto it = s.call_ids.find(msg.source);
    if (it == s.call_ids.end()) return;
    s.calls.erase(it->second);
    s.call_ids.erase(it);
    check_drained(self);
  });
  return {
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
      [=](status_atom, const std::string& agent, int state, bool registered) {
        auto it = self->state.board.find(agent);
        if (it == self->state.board.end()) return;
        it->second.state = static_cast<domain::AgentState>(state);
        it->second.registered = registered;
      },
      [=](targets_atom, int kind, const std::string& department, const std::string& responsible,
          const std::vector<std::string>& exclude) {
        return on_targets(self, kind, department, responsible, exclude);
      },
      [=](abort_atom a, const std::string& reason) -> caf::result<std::size_t> {
        auto& s = self->state;
        if (s.calls.empty()) return std::size_t{0};
        for (auto& [id, actor] : s.calls) self->send(actor, a, reason);
        auto promise = self->make_response_promise<std::size_t>();
        s.drained.push_back(promise);
        return promise;
      },
      [=](get_atom) { return self->state.calls.size(); },
  };
}

}  // namespace callboard::actors
