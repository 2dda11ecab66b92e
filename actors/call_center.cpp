#include "actors/call_center.hpp"

#include <caf/all.hpp>
#include <caf/thread_hook.hpp>
#include <spdlog/spdlog.h>

#include <atomic>

#include "actors/client_actor.hpp"
#include "actors/crm_messages.hpp"
#include "actors/lane_scheduler.hpp"
#include "actors/messages.hpp"
#include "actors/routing_supervisor.hpp"
#include "actors/thread_priority.hpp"
#include "actors/timer_service.hpp"

namespace callboard::actors {

namespace {
// Telephony signals become messages to the routing supervisor, held until
// the Sofia thread's flush() and sent then as one message: the supervisor
// (and the worker it runs on) is woken once per stretch of SIP input, not
// once per signal. Called on the Sofia thread only.
class SignalsToSupervisor final : public CallSignals {
 public:
  explicit SignalsToSupervisor(caf::actor supervisor) : supervisor_(std::move(supervisor)) {}

  void incoming(IncomingCall c) override {
    hold(incoming_atom::value, std::move(c.call), std::move(c.caller), std::move(c.caller_name),
         std::move(c.dialled));
  }
  void leg_ringing(const CallId& call, LegId leg) override { leg_signal(call, leg, LegSignal::ringing, 0); }
  void leg_answered(const CallId& call, LegId leg) override { leg_signal(call, leg, LegSignal::answered, 200); }
  void leg_failed(const CallId& call, LegId leg, int status) override {
    leg_signal(call, leg, LegSignal::failed, status);
  }
  void leg_hung_up(const CallId& call, LegId leg) override { leg_signal(call, leg, LegSignal::hung_up, 0); }
  void caller_cancelled(const CallId& call) override {
    hold(caller_atom::value, call, static_cast<int>(CallerSignal::cancelled));
  }
  void caller_hung_up(const CallId& call) override {
    hold(caller_atom::value, call, static_cast<int>(CallerSignal::hung_up));
  }
  void agent_registered(const AgentId& agent, const std::string& contact) override {
    hold(reg_atom::value, agent, contact);
  }
  void agent_unregistered(const AgentId& agent, const std::string& reason) override {
    hold(unreg_atom::value, agent, reason);
  }
  void flush() override {
    if (held_.empty()) return;
    std::vector<caf::message> batch;
    batch.swap(held_);
    held_.reserve(batch.size());
    caf::anon_send(supervisor_, signals_atom::value, std::move(batch));
  }

 private:
  template <class... Ts>
  void hold(Ts&&... xs) {
    held_.push_back(caf::make_message(std::forward<Ts>(xs)...));
  }
  void leg_signal(const CallId& call, LegId leg, LegSignal s, int status) {
    hold(leg_atom::value, call, leg, static_cast<int>(s), status);
  }
  caf::actor supervisor_;
  std::vector<caf::message> held_;
};

// Sets the nice of each thread the actor system starts; says once if it
// cannot.
class NiceThreads final : public caf::thread_hook {
 public:
  explicit NiceThreads(int nice) : nice_(nice) {}
  void init(caf::actor_system&) override {}
  void thread_started() override {
    const std::string error = set_this_thread_nice(nice_);
    if (!error.empty() && !warned_.exchange(true)) spdlog::warn("actor threads: {}", error);
  }
  void thread_terminates() override {}

 private:
  int nice_;
  std::atomic<bool> warned_{false};
};

caf::actor_system_config make_config(const CallCenterOptions& options) {
  caf::actor_system_config cfg;
  if (options.thread_nice != 0) cfg.add_thread_hook<NiceThreads>(options.thread_nice);
  cfg.set("scheduler.max-threads", options.threads);
  // Shared queues whose idle workers sleep on a condition variable, in two
  // lanes so that setting calls up goes before hang-ups (lane_scheduler.hpp).
  // CAF's default work-stealing policy polls an idle worker's queue with 50
  // us sleeps for its first 500 attempts, so under a steady trickle of calls
  // both workers woke ~20,000 times a second and burned 15-25% of a core for
  // nothing (bench/routing, docs/BENCHMARKS.md).
  use_lane_scheduler(cfg);
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
  std::chrono::milliseconds crm_timeout{10'000};
  std::unique_ptr<SignalsToSupervisor> signals;
  bool stopped = false;
};

CallCenter::CallCenter(Services services, std::map<domain::AgentId, AgentInit> agents,
                       CallCenterOptions options)
    : impl_(std::make_unique<Impl>(options)) {
  impl_->crm_timeout = options.crm_timeout;
  start_timer_service(impl_->system, options.timer_granularity);
  impl_->clients = impl_->system.spawn(client_registry, services, ClientActorOptions{options.client_idle});
  impl_->supervisor = impl_->system.spawn(routing_supervisor, std::move(services), std::move(agents),
                                          impl_->clients);
  impl_->signals = std::make_unique<SignalsToSupervisor>(impl_->supervisor);
}

CallCenter::~CallCenter() { shutdown(); }

CallSignals& CallCenter::signals() { return *impl_->signals; }

void CallCenter::pause_agent(const domain::AgentId& agent, const std::string& reason,
                             const domain::AgentId& by) {
  caf::anon_send(impl_->supervisor, pause_atom::value, agent, reason, by);
}

void CallCenter::resume_agent(const domain::AgentId& agent, const domain::AgentId& by) {
  caf::anon_send(impl_->supervisor, resume_atom::value, agent, by);
}

void CallCenter::reload(std::shared_ptr<const domain::Config> config) {
  caf::anon_send(impl_->supervisor, reload_atom::value, std::move(config));
}

Result<domain::CommandOutcome> CallCenter::execute(const domain::CommandEnvelope& command) {
  return execute_all({command}).front();
}

std::vector<Result<domain::CommandOutcome>> CallCenter::execute_all(
    const std::vector<domain::CommandEnvelope>& commands) {
  std::vector<Result<domain::CommandOutcome>> out(commands.size(), Status::unavailable("shutting down"));
  if (impl_->stopped) return out;
  caf::scoped_actor self{impl_->system};
  // Every request goes out before the first answer is awaited, so the
  // commands' appends can share group commits; a handle's receive() takes
  // its own response and leaves the others in the mailbox.
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> handles;
  handles.reserve(commands.size());
  for (const auto& c : commands)
    handles.push_back(self->request(impl_->clients, impl_->crm_timeout, crm_atom::value, c));
  for (std::size_t i = 0; i < handles.size(); ++i) {
    handles[i].receive(
        [&](CrmReply& r) {
          if (r.status) out[i] = r.outcome;
          else out[i] = r.status;
        },
        [&](caf::error& err) {
          out[i] = Status::unavailable("no answer from the client registry: " + caf::to_string(err));
        });
  }
  return out;
}

Result<domain::ClientId> CallCenter::create_client(const domain::NewClient& c) {
  domain::CommandEnvelope env{domain::CreateClient{c, 0, 0}, {}, std::nullopt};
  auto r = execute(env);
  if (!r) return r.status();
  return r->client;
}

OriginateReply CallCenter::originate(const OriginateRequest& r) {
  OriginateReply out{domain::OriginateCode::unavailable, {}, "shutting down"};
  if (impl_->stopped) return out;
  caf::scoped_actor self{impl_->system};
  // The agent's actor answers at once; the bound only guards a stuck system.
  self->request(impl_->supervisor, std::chrono::seconds(10), originate_atom::value, r.agent, r.client, r.number)
      .receive(
          [&](int code, std::string& call, std::string& message) {
            out.code = static_cast<domain::OriginateCode>(code);
            out.call = std::move(call);
            out.message = std::move(message);
          },
          [&](caf::error& err) { out.message = "no answer from the call center: " + caf::to_string(err); });
  return out;
}

std::size_t CallCenter::live_clients() {
  if (impl_->stopped) return 0;
  caf::scoped_actor self{impl_->system};
  std::size_t n = 0;
  self->request(impl_->clients, std::chrono::seconds(5), live_atom::value)
      .receive([&](std::size_t live) { n = live; }, [](caf::error&) {});
  return n;
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
  stop_timer_service(impl_->system);
}

}  // namespace callboard::actors
