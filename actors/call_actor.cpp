#include "actors/call_actor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "domain/agent.hpp"

namespace callboard::actors {

namespace {
using Self = caf::stateful_actor<CallActorState>*;
namespace cmd = domain::call_cmd;

void run(Self self, domain::CallOutput out);

const AgentHandle* handle(Self self, const domain::AgentId& agent) {
  auto it = self->state.agents->find(agent);
  return it == self->state.agents->end() ? nullptr : &it->second;
}

void tell_agent(Self self, const domain::AgentId& agent, caf::message msg) {
  if (const AgentHandle* h = handle(self, agent)) self->send(h->actor, std::move(msg));
}

ScreenPop make_pop(Self self) {
  const auto& st = self->state;
  const auto& flow = *st.flow;
  const auto& who = flow.classification();
  ScreenPop pop;
  pop.call = flow.id();
  pop.caller = who.caller;
  pop.caller_name = flow.caller_name();
  pop.dialled = flow.dialled();
  pop.entry_point_name = st.entry_point_name;
  pop.region = who.region;
  pop.location = who.location;
  if (who.client != 0)
    pop.card = st.services.views->read([&](const domain::CrmViews& v) { return v.card(who.client); });
  return pop;
}

// Carries out one command of the flow.
struct Executor {
  Self self;

  const domain::CallId& id() const { return self->state.flow->id(); }
  const Services& services() const { return self->state.services; }

  void operator()(const cmd::FindTargets& c) const {
    auto s = self;
    std::size_t step = c.step;
    self->request(self->state.supervisor, caf::infinite, targets_atom::value,
                  static_cast<int>(c.spec.kind), c.spec.department,
                  self->state.flow->classification().responsible, c.exclude)
        .then([s, step](const std::vector<std::string>& ids) {
                run(s, s->state.flow->on_targets(step, ids));
              },
              [s, step](caf::error&) { run(s, s->state.flow->on_targets(step, {})); });
  }
  void operator()(const cmd::Offer& c) const {
    auto s = self;
    std::size_t step = c.step;
    domain::AgentId agent = c.agent;
    const AgentHandle* h = handle(self, agent);
    if (!h) {
      run(self, self->state.flow->on_offer_reply(step, agent, false));
      return;
    }
    // Agent actors live as long as the server and always reply; a dead one
    // answers with an error, which counts as a refusal.
    self->request(h->actor, caf::infinite, offer_atom::value, id())
        .then(
            [s, step, agent](int reply) {
              bool ok = reply == static_cast<int>(domain::OfferReply::accepted);
              run(s, s->state.flow->on_offer_reply(step, agent, ok));
            },
            [s, step, agent](caf::error&) {
              run(s, s->state.flow->on_offer_reply(step, agent, false));
            });
  }
  void operator()(const cmd::Ring& c) const {
    const AgentHandle* h = handle(self, c.agent);
    const auto& flow = *self->state.flow;
    services().telephony->ring(id(), c.leg, h ? h->sip_user : std::string(),
                               flow.classification().caller, flow.caller_name());
    services().panel->screen_pop(c.agent, make_pop(self));
  }
  void operator()(const cmd::StartTimer& c) const {
    self->delayed_send(self, std::chrono::microseconds(c.after), timeout_atom::value,
                       static_cast<std::uint64_t>(c.step));
  }
  void operator()(const cmd::Release& c) const { services().telephony->release(id(), c.leg); }
  void operator()(const cmd::Progress& c) const {
    services().telephony->progress(id(), c.status, c.reason);
  }
  void operator()(const cmd::Bridge& c) const { services().telephony->bridge(id(), c.leg); }
  void operator()(const cmd::Reject& c) const {
    services().telephony->reject(id(), c.status, c.reason);
  }
  void operator()(const cmd::HangUpCaller&) const { services().telephony->hang_up_caller(id()); }
  void operator()(const cmd::Withdraw& c) const {
    tell_agent(self, c.agent, caf::make_message(withdraw_atom::value, id(), c.reason));
    services().panel->pop_closed(c.agent, id(), c.reason);
  }
  void operator()(const cmd::Connect& c) const {
    tell_agent(self, c.agent, caf::make_message(connect_atom::value, id()));
  }
  void operator()(const cmd::Finish& c) const {
    tell_agent(self, c.agent, caf::make_message(finish_atom::value, id()));
    services().panel->pop_closed(c.agent, id(), "ended");
  }
  void operator()(const cmd::Done&) const { self->quit(); }
};

void run(Self self, domain::CallOutput out) {
  auto& st = self->state;
  st.writer.append(st.services, std::move(out.events));
  for (const auto& c : out.commands) std::visit(Executor{self}, c);
}

void on_leg(Self self, domain::LegId leg, int signal, int status) {
  auto& flow = *self->state.flow;
  switch (static_cast<LegSignal>(signal)) {
    case LegSignal::ringing: run(self, flow.on_leg_ringing(leg)); break;
    case LegSignal::answered: run(self, flow.on_leg_answered(leg)); break;
    case LegSignal::failed: run(self, flow.on_leg_failed(leg, status)); break;
    case LegSignal::hung_up: run(self, flow.on_leg_hung_up(leg)); break;
  }
}
}  // namespace

caf::behavior call_actor(Self self, Services services, CallInit init, caf::actor supervisor) {
  auto& st = self->state;
  st.services = std::move(services);
  st.supervisor = std::move(supervisor);
  st.agents = std::move(init.agents);
  st.entry_point_name = std::move(init.entry_point_name);
  st.writer = StreamWriter(domain::call_stream(init.id), 0);
  st.flow.emplace(init.id, init.caller_raw, init.caller_name, init.dialled);
  self->set_exception_handler([](caf::scheduled_actor* a, std::exception_ptr& eptr) -> caf::error {
    auto* s = static_cast<Self>(a);
    std::string what = "unknown";
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("call {} failed: {}; ending it", s->state.flow->id(), what);
    s->state.services.metrics->call_actor_failed();
    run(s, s->state.flow->abort("failed"));
    return caf::exit_reason::unhandled_exception;
  });
  run(self, st.flow->start(init.who, std::move(init.plan)));
  return {
      [=](leg_atom, const std::string&, domain::LegId leg, int signal, int status) {
        on_leg(self, leg, signal, status);
      },
      [=](caller_atom, const std::string&, int signal) {
        auto& flow = *self->state.flow;
        if (static_cast<CallerSignal>(signal) == CallerSignal::cancelled)
          run(self, flow.on_caller_cancelled());
        else
          run(self, flow.on_caller_hung_up());
      },
      [=](timeout_atom, std::uint64_t step) { run(self, self->state.flow->on_step_timeout(step)); },
      [=](abort_atom, const std::string& reason) {
        run(self, self->state.flow->abort(reason));
        if (self->state.flow->phase() != domain::CallFlow::Phase::ended) self->quit();
      },
  };
}

}  // namespace callboard::actors
