#include "actors/agent_actor.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/timer_service.hpp"

namespace callboard::actors {

namespace {
using Self = caf::stateful_actor<AgentActorState>*;

void report(Self self) {
  const auto& s = self->state.status;
  self->send(self->state.supervisor, status_atom::value, s.id, static_cast<int>(s.state),
             s.registered, s.paused);
}

void apply(Self self, std::vector<domain::Event> events) {
  if (events.empty()) return;
  auto& st = self->state;
  auto before = st.status;
  for (const auto& e : events) st.status = domain::evolve(st.status, e);
  st.writer.append(st.services, std::move(events));
  if (before.state != st.status.state || before.registered != st.status.registered ||
      before.paused != st.status.paused)
    report(self);
  if (st.status.state == domain::AgentState::wrap_up && before.state != domain::AgentState::wrap_up) {
    send_later(self, std::chrono::microseconds(st.policy.wrap_up),
               caf::make_message(wrapped_atom::value, st.status.call));
  }
}
}  // namespace

caf::behavior agent_actor(Self self, Services services, AgentInit init, caf::actor supervisor) {
  auto& st = self->state;
  st.services = std::move(services);
  st.status = std::move(init.status);
  st.policy = init.policy;
  st.writer = StreamWriter(domain::agent_stream(st.status.id), init.version);
  st.supervisor = std::move(supervisor);
  report(self);
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
      [=](withdraw_atom, const std::string& call, const std::string& reason) {
        auto& s = self->state;
        apply(self, domain::agent_offer_withdrawn(s.status, call, reason, s.policy));
      },
      [=](connect_atom, const std::string& call) {
        apply(self, domain::agent_connected(self->state.status, call));
      },
      [=](finish_atom, const std::string& call) {
        auto& s = self->state;
        apply(self, domain::agent_call_finished(s.status, call, s.policy));
      },
      [=](wrapped_atom, const std::string& call) {
        apply(self, domain::agent_wrap_up_done(self->state.status, call));
      },
      [=](pause_atom, const std::string& reason, const std::string& by) {
        apply(self, domain::agent_pause(self->state.status, reason, by));
      },
      [=](resume_atom, const std::string& by) {
        apply(self, domain::agent_resume(self->state.status, by));
      },
      [=](policy_atom, std::int64_t wrap_up, std::uint32_t max_missed) {
        self->state.policy = domain::AgentPolicy{wrap_up, max_missed};
      },
      [=](get_atom) -> std::tuple<int, bool, std::string, bool> {
        const auto& s = self->state.status;
        return {static_cast<int>(s.state), s.registered, s.call, s.paused};
      },
  };
}

}  // namespace callboard::actors
