#include "actors/agent_actor.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace callboard::actors {

namespace {
using Self = caf::stateful_actor<AgentActorState>*;

void apply(Self self, std::vector<domain::Event> events) {
  if (events.empty()) return;
  auto& st = self->state;
  auto before = st.status;
  for (const auto& e : events) st.status = domain::evolve(st.status, e);
  st.writer.append(st.services, std::move(events));
  if (before.state != st.status.state || before.registered != st.status.registered) {
    self->send(st.supervisor, status_atom::value, st.status.id,
               static_cast<int>(st.status.state), st.status.registered);
  }
}
}  // namespace

caf::behavior agent_actor(Self self, Services services, AgentInit init, caf::actor supervisor) {
  auto& st = self->state;
  st.services = std::move(services);
  st.status = std::move(init.status);
  st.writer = StreamWriter(domain::agent_stream(st.status.id), init.version);
  st.supervisor = std::move(supervisor);
  self->send(st.supervisor, status_atom::value, st.status.id, static_cast<int>(st.status.state),
             st.status.registered);
  return {
      [=](reg_atom, const std::string& contact) {
        apply(self, domain::agent_registered(self->state.status, contact));
      },
      [=](unreg_atom, const std::string& reason) {
        apply(self, domain::agent_unregistered(self->state.status, reason));
      },
      [=](offer_atom, const std::string& call) -> int {
        auto d = domain::agent_offer(self->state.status, call);
        apply(self, std::move(d.events));
        return static_cast<int>(d.reply);
      },
      [=](withdraw_atom, const std::string& call, const std::string&) {
        apply(self, domain::agent_offer_withdrawn(self->state.status, call));
      },
      [=](connect_atom, const std::string& call) {
        apply(self, domain::agent_connected(self->state.status, call));
      },
      [=](finish_atom, const std::string& call) {
        apply(self, domain::agent_call_finished(self->state.status, call));
      },
      [=](get_atom) -> std::tuple<int, bool, std::string> {
        const auto& s = self->state.status;
        return {static_cast<int>(s.state), s.registered, s.call};
      },
  };
}

}  // namespace callboard::actors
