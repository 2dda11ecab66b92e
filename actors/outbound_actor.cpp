#include "actors/outbound_actor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "actors/timer_service.hpp"
#include "domain/agent.hpp"

namespace callboard::actors {

namespace {
using Self = caf::stateful_actor<OutboundActorState>*;
namespace cmd = domain::outbound_cmd;

void run(Self self, domain::OutboundOutput out);

// Carries out one command of the flow.
struct Executor {
  Self self;

  const domain::OutboundCall& call() const { return self->state.flow->call(); }
  TelephonyPort& telephony() const { return *self->state.services.telephony; }
  void tell_agent(caf::message msg) const {
    if (self->state.agent) self->send(self->state.agent, std::move(msg));
  }

  void operator()(const cmd::Claim&) const {
    auto s = self;
    if (!self->state.agent) {
      run(self, self->state.flow->on_claimed(domain::OfferReply::offline));
      return;
    }
    // Agent actors live as long as the server and always reply; a dead one
    // answers with an error, which counts as his phone being away.
    self->request(self->state.agent, caf::infinite, offer_atom::value, call().id)
        .then([s](int reply) { run(s, s->state.flow->on_claimed(static_cast<domain::OfferReply>(reply))); },
              [s](caf::error&) { run(s, s->state.flow->on_claimed(domain::OfferReply::offline)); });
  }
  void operator()(const cmd::RingAgent& c) const {
    telephony().originate(call().id, c.leg, self->state.sip_user, call().number, self->state.client_name);
  }
  void operator()(const cmd::DialClient& c) const {
    telephony().dial(call().id, c.leg, c.agent_leg, c.uri, c.caller_id);
  }
  void operator()(const cmd::Connect& c) const { telephony().connect(call().id, c.agent_leg, c.client_leg); }
  void operator()(const cmd::Release& c) const { telephony().release(call().id, c.leg); }
  void operator()(const cmd::StartTimer& c) const {
    send_later(self, std::chrono::microseconds(c.after),
               caf::make_message(timeout_atom::value, static_cast<int>(c.kind)));
  }
  void operator()(const cmd::Withdraw& c) const {
    tell_agent(caf::make_message(withdraw_atom::value, call().id, c.reason));
  }
  void operator()(const cmd::Connected&) const { tell_agent(caf::make_message(connect_atom::value, call().id)); }
  void operator()(const cmd::Finish&) const { tell_agent(caf::make_message(finish_atom::value, call().id)); }
  void operator()(const cmd::Reply& c) const {
    auto& st = self->state;
    if (st.replied) return;
    st.replied = true;
    st.reply.deliver(static_cast<int>(c.code), call().id, c.message);
  }
  void operator()(const cmd::Done&) const { self->quit(); }
};

void run(Self self, domain::OutboundOutput out) {
  auto& st = self->state;
  st.writer.append(st.services, std::move(out.events));
  for (const auto& c : out.commands) std::visit(Executor{self}, c);
}

void on_leg(Self self, domain::LegId leg, int signal, int status) {
  feed_leg_signal(*self->state.flow, leg, signal, status, [self](auto out) { run(self, std::move(out)); });
}
}  // namespace

caf::behavior outbound_actor(Self self, Services services, OutboundInit init) {
  auto& st = self->state;
  st.services = std::move(services);
  st.agent = std::move(init.agent);
  st.sip_user = std::move(init.sip_user);
  st.client_name = std::move(init.client_name);
  st.writer = StreamWriter(domain::call_stream(init.call.id), 0);
  st.flow.emplace(std::move(init.call));
  self->set_exception_handler([](caf::scheduled_actor* a, std::exception_ptr& eptr) -> caf::error {
    auto* s = static_cast<Self>(a);
    std::string what = "unknown";
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("outbound call {} failed: {}; ending it", s->state.flow->call().id, what);
    s->state.services.metrics->call_actor_failed();
    run(s, s->state.flow->abort("failed"));
    return caf::exit_reason::unhandled_exception;
  });
  return {
      [=](originate_atom) -> caf::result<int, std::string, std::string> {
        auto& s = self->state;
        s.reply = self->make_response_promise();
        auto rp = s.reply;
        run(self, s.flow->start());
        return rp;
      },
      [=](leg_atom, const std::string&, domain::LegId leg, int signal, int status) {
        on_leg(self, leg, signal, status);
      },
      // An outbound call has no caller leg: the adapter never reports one.
      [=](caller_atom, const std::string&, int) {},
      [=](timeout_atom, int kind) {
        run(self, self->state.flow->on_timer(static_cast<domain::OutboundTimer>(kind)));
      },
      [=](abort_atom, const std::string& reason) {
        run(self, self->state.flow->abort(reason));
        if (self->state.flow->phase() != domain::OutboundFlow::Phase::ended) self->quit();
      },
  };
}

}  // namespace callboard::actors
