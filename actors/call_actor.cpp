#include "actors/call_actor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/crm_messages.hpp"
#include "actors/lane_scheduler.hpp"
#include "actors/messages.hpp"
#include "actors/timer_service.hpp"
#include "domain/agent.hpp"
#include "domain/classify.hpp"

namespace callboard::actors {

namespace {
using Self = caf::stateful_actor<CallActorState>*;
namespace cmd = domain::call_cmd;

void run(Self self, domain::CallOutput out);
void auto_assign(Self self, const cmd::AutoAssign& c);
void missed_call(Self self, const cmd::MissedCall& c);

const AgentHandle* handle(Self self, const domain::AgentId& agent) {
  auto it = self->state.agents->find(agent);
  return it == self->state.agents->end() ? nullptr : &it->second;
}

void tell_agent(Self self, const domain::AgentId& agent, caf::message msg) {
  if (const AgentHandle* h = handle(self, agent)) self->send(h->actor, std::move(msg));
}

// The caller's location for the screen pop: the geocoder runs on the first
// pop of the call (after its first ring is posted), unless routing needed
// it already.
const std::string& caller_location(Self self) {
  auto& st = self->state;
  if (!st.location) {
    const domain::Classification& who = st.flow->classification();
    st.location = st.services.phones ? domain::location_of(who, *st.services.phones) : who.location;
  }
  return *st.location;
}

ScreenPop make_pop(Self self) {
  const std::string& location = caller_location(self);
  const auto& st = self->state;
  const auto& flow = *st.flow;
  const auto& who = flow.classification();
  ScreenPop pop;
  pop.call = flow.id();
  pop.caller = who.caller;
  pop.caller_name = flow.caller_name();
  pop.dialled = flow.dialled();
  pop.entry_point_name = st.entry_point_name;
  pop.source = flow.source();
  pop.region = who.region;
  pop.location = location;
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
    std::uint64_t attempt = c.attempt;
    self->request(self->state.supervisor, caf::infinite, targets_atom::value,
                  static_cast<int>(c.spec.kind), c.spec.department, c.spec.agents,
                  static_cast<int>(c.spec.strategy), c.spec.rule,
                  self->state.flow->classification().responsible, c.exclude)
        .then([s, attempt](const std::vector<std::string>& ids) {
                run(s, s->state.flow->on_targets(attempt, ids));
              },
              [s, attempt](caf::error&) { run(s, s->state.flow->on_targets(attempt, {})); });
  }
  void operator()(const cmd::Offer& c) const {
    auto s = self;
    std::uint64_t attempt = c.attempt;
    domain::AgentId agent = c.agent;
    const AgentHandle* h = handle(self, agent);
    if (!h) {
      run(self, self->state.flow->on_offer_reply(attempt, agent, false));
      return;
    }
    // Agent actors live as long as the server and always reply; a dead one
    // answers with an error, which counts as a refusal.
    self->request(h->actor, caf::infinite, offer_atom::value, id())
        .then(
            [s, attempt, agent](int reply) {
              bool ok = reply == static_cast<int>(domain::OfferReply::accepted);
              run(s, s->state.flow->on_offer_reply(attempt, agent, ok));
            },
            [s, attempt, agent](caf::error&) {
              run(s, s->state.flow->on_offer_reply(attempt, agent, false));
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
    send_later(self, std::chrono::microseconds(c.after),
               caf::make_message(timeout_atom::value, c.attempt, static_cast<int>(c.kind)));
  }
  void operator()(const cmd::Enqueue& c) const {
    auto s = self;
    std::uint64_t attempt = c.attempt;
    self->request(self->state.supervisor, caf::infinite, enqueue_atom::value, c.department, id())
        .then([s, attempt](bool ok) { run(s, s->state.flow->on_enqueued(attempt, ok)); },
              [s, attempt](caf::error&) { run(s, s->state.flow->on_enqueued(attempt, false)); });
  }
  void operator()(const cmd::Requeue& c) const {
    self->send(self->state.supervisor, requeue_atom::value, c.department, id(), c.tried);
  }
  void operator()(const cmd::LeaveQueue& c) const {
    self->send(self->state.supervisor, leave_atom::value, c.department, id());
  }
  void operator()(const cmd::AutoAssign& c) const { auto_assign(self, c); }
  void operator()(const cmd::MissedCall& c) const { missed_call(self, c); }
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
  void operator()(const cmd::Done&) const {
    self->state.done = true;
    if (self->state.pending_tasks == 0) self->quit();
  }
};

// Auto-assign: the supervisor picks the owner by rotation, the client
// registry creates the caller's card with him as responsible (once: a later
// call from the number finds the card), then the flow rings him. When the
// number got a card meanwhile (two calls at once), its owner is rung.
void auto_assign(Self self, const cmd::AutoAssign& c) {
  auto s = self;
  std::uint64_t attempt = c.attempt;
  std::string phone = c.phone;
  self->request(self->state.supervisor, caf::infinite, owner_atom::value, c.department)
      .then(
          [s, attempt, phone](const std::string& owner) {
            if (owner.empty() || !s->state.clients) {
              run(s, s->state.flow->on_owner(attempt, {}, 0));
              return;
            }
            const auto& flow = *s->state.flow;
            std::string name = flow.caller_name().empty() ? phone : flow.caller_name();
            s->request(s->state.clients, caf::infinite, create_atom::value, name, std::string(),
                       std::string(), std::vector<std::string>{phone}, owner, std::string(),
                       std::string())
                .then(
                    [s, attempt, owner, phone](domain::ClientId id, const std::string&) {
                      if (id != 0) {
                        run(s, s->state.flow->on_owner(attempt, owner, id));
                        return;
                      }
                      auto existing = s->state.services.views->read([&](const domain::CrmViews& v) {
                        std::pair<domain::ClientId, domain::AgentId> found{0, {}};
                        if (auto cid = v.client_by_phone(phone)) {
                          if (const auto* cl = v.client(*cid)) found = {cl->id, cl->responsible};
                        }
                        return found;
                      });
                      run(s, s->state.flow->on_owner(attempt, existing.second, existing.first));
                    },
                    [s, attempt](caf::error&) { run(s, s->state.flow->on_owner(attempt, {}, 0)); });
          },
          [s, attempt](caf::error&) { run(s, s->state.flow->on_owner(attempt, {}, 0)); });
}

// Nobody answered: a call-back task for the client's manager, or for the
// department when the number is unknown, through the client registry. The
// call actor stays until the task is durable (or refused, then logged and
// counted), so it is never lost silently.
void missed_call(Self self, const cmd::MissedCall& c) {
  auto& st = self->state;
  if (!st.clients) return;
  domain::CreateTask t;
  t.client = c.client;
  t.kind = domain::TaskKind::call_back;
  if (c.client != 0 && !c.responsible.empty())
    t.assignee = c.responsible;
  else
    t.department = c.department;
  t.due = st.services.clock->now();
  t.call = st.flow->id();
  if (!c.phone.empty() && c.phone[0] == '+') {
    t.phone = c.phone;
  } else {  // a withheld or unparsable number cannot be called back
    t.kind = domain::TaskKind::other;
    t.text = "missed call from " + (c.phone.empty() ? std::string("an unknown number") : c.phone);
  }
  ++st.pending_tasks;
  std::string call = st.flow->id();
  auto done = [self, call](const Status& s) {
    if (!s) {
      self->state.services.metrics->append_failed();
      spdlog::error("call {}: the call-back task was not created: {}", call, s.to_string());
    }
    if (--self->state.pending_tasks == 0 && self->state.done) self->quit();
  };
  self->request(st.clients, caf::infinite, crm_atom::value, domain::CommandEnvelope{t, {}, {}})
      .then([done](const CrmReply& r) { done(r.status); },
            [done](caf::error& e) { done(Status::unavailable(caf::to_string(e))); });
}

void run(Self self, domain::CallOutput out) {
  auto& st = self->state;
  st.writer.append(st.services, std::move(out.events));
  for (const auto& c : out.commands) std::visit(Executor{self}, c);
  if (!st.set_up && st.flow->phase() == domain::CallFlow::Phase::answered) {
    // Set up: what is left (the hang-up) gives way to calls still ringing.
    st.set_up = true;
    set_lane(self->home_system(), self->id(), Lane::other);
  }
}

void on_leg(Self self, domain::LegId leg, int signal, int status) {
  feed_leg_signal(*self->state.flow, leg, signal, status, [self](auto out) { run(self, std::move(out)); });
}
}  // namespace

caf::behavior call_actor(Self self, Services services, CallInit init, caf::actor supervisor) {
  auto& st = self->state;
  st.services = std::move(services);
  st.supervisor = std::move(supervisor);
  st.agents = std::move(init.agents);
  st.clients = std::move(init.clients);
  st.entry_point_name = std::move(init.entry_point_name);
  st.writer = StreamWriter(domain::call_stream(init.id), 0);
  st.flow.emplace(init.id, init.caller_name, init.dialled, init.department, std::move(init.source));
  self->attach_functor([sys = &self->home_system(), id = self->id()] { set_lane(*sys, id, Lane::setup); });
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
  run(self, st.flow->start(init.who, std::move(init.plan), std::move(init.first_targets)));
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
      [=](timeout_atom, std::uint64_t attempt, int kind) {
        run(self, self->state.flow->on_timer(attempt, static_cast<domain::TimerKind>(kind)));
      },
      [=](qoffer_atom, const std::string& agent) {
        run(self, self->state.flow->on_queue_offer(agent));
      },
      [=](abort_atom, const std::string& reason) {
        run(self, self->state.flow->abort(reason));
        if (self->state.flow->phase() != domain::CallFlow::Phase::ended) self->quit();
      },
  };
}

}  // namespace callboard::actors
