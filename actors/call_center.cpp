#include "actors/call_center.hpp"

#include <caf/all.hpp>

#include "actors/client_actor.hpp"
#include "actors/messages.hpp"
#include "actors/routing_supervisor.hpp"

namespace callboard::actors {

namespace {
// Telephony signals become messages to the routing supervisor.
class SignalsToSupervisor final : public CallSignals {
 public:
  explicit SignalsToSupervisor(caf::actor supervisor) : supervisor_(std::move(supervisor)) {}

  void incoming(IncomingCall c) override {
    caf::anon_send(supervisor_, incoming_atom::value, std::move(c.call), std::move(c.caller),
                   std::move(c.caller_name), std::move(c.dialled));
  }
  void leg_ringing(const CallId& call, LegId leg) override { leg_signal(call, leg, LegSignal::ringing, 0); }
  void leg_answered(const CallId& call, LegId leg) override { leg_signal(call, leg, LegSignal::answered, 200); }
  void leg_failed(const CallId& call, LegId leg, int status) override {
    leg_signal(call, leg, LegSignal::failed, status);
  }
  void leg_hung_up(const CallId& call, LegId leg) override { leg_signal(call, leg, LegSignal::hung_up, 0); }
  void caller_cancelled(const CallId& call) override {
    caf::anon_send(supervisor_, caller_atom::value, call, static_cast<int>(CallerSignal::cancelled));
  }
  void caller_hung_up(const CallId& call) override {
    caf::anon_send(supervisor_, caller_atom::value, call, static_cast<int>(CallerSignal::hung_up));
  }
  void agent_registered(const AgentId& agent, const std::string& contact) override {
    caf::anon_send(supervisor_, reg_atom::value, agent, contact);
  }
  void agent_unregistered(const AgentId& agent, const std::string& reason) override {
    caf::anon_send(supervisor_, unreg_atom::value, agent, reason);
  }

 private:
  void leg_signal(const CallId& call, LegId leg, LegSignal s, int status) {
    caf::anon_send(supervisor_, leg_atom::value, call, leg, static_cast<int>(s), status);
  }
  caf::actor supervisor_;
};

caf::actor_system_config make_config(const CallCenterOptions& options) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", options.threads);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  return cfg;
}
}  // namespace

struct CallCenter::Impl {
  explicit Impl(const CallCenterOptions& options) : config(make_config(options)), system(config) {}
  caf::actor_system_config config;
  caf::actor_system system;
  caf::actor supervisor;
  caf::actor clients;
  std::unique_ptr<SignalsToSupervisor> signals;
  bool stopped = false;
};

CallCenter::CallCenter(Services services, std::map<domain::AgentId, AgentInit> agents,
                       CallCenterOptions options)
    : impl_(std::make_unique<Impl>(options)) {
  impl_->supervisor = impl_->system.spawn(routing_supervisor, services, std::move(agents));
  impl_->signals = std::make_unique<SignalsToSupervisor>(impl_->supervisor);
  impl_->clients = impl_->system.spawn(client_registry, std::move(services));
}

CallCenter::~CallCenter() { shutdown(); }

CallSignals& CallCenter::signals() { return *impl_->signals; }

Result<domain::ClientId> CallCenter::create_client(const domain::NewClient& c) {
  if (impl_->stopped) return Status::unavailable("shutting down");
  caf::scoped_actor self{impl_->system};
  Result<domain::ClientId> out = Status::unavailable("no reply from the client registry");
  self->request(impl_->clients, std::chrono::seconds(10), create_atom::value, c.name, c.company,
                c.email, c.phones, c.responsible, c.deal_title, c.deal_stage)
      .receive(
          [&](domain::ClientId id, const std::string& error) {
            if (id != 0) out = id;
            else if (error.rfind("I/O", 0) == 0 || error.find("io_error") != std::string::npos)
              out = Status::io_error(error);
            else
              out = Status::invalid_argument(error);
          },
          [&](caf::error& err) { out = Status::unavailable(caf::to_string(err)); });
  return out;
}

void CallCenter::shutdown() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  caf::scoped_actor self{impl_->system};
  self->request(impl_->supervisor, std::chrono::seconds(5), abort_atom::value,
                std::string("shutdown"))
      .receive([](std::size_t) {}, [](caf::error&) {});
  self->send_exit(impl_->supervisor, caf::exit_reason::user_shutdown);
  self->send_exit(impl_->clients, caf::exit_reason::user_shutdown);
}

}  // namespace callboard::actors
