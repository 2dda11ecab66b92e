// The SipServer facade: owns the Sofia thread and the gate through which
// other threads post work to it.
//
// Posting: a TelephonyPort call becomes a heap-allocated closure carried by
// an su_msg addressed to the root's task; su_msg_send() queues it under
// Sofia's mutex and wakes the loop, which runs the closures in FIFO order.
// The gate (mutex_ + accepting_) refuses posts before start() finished and
// from the moment stop() begins, so nothing is sent to a root that is gone.
// Closures queued but never run are deleted by the message deinitializer.

#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include "sip/sip_server.hpp"

#include <pthread.h>
#include <sodium.h>

#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <spdlog/spdlog.h>

#include "actors/thread_priority.hpp"

#include "sip/engine.hpp"
#include "sip/loop_timeouts.hpp"
#include "sip/signal_batch.hpp"
#include "sip/wire_counter.hpp"

namespace callboard::sip {
namespace {

struct Command {
  std::function<void(Engine&)> run;
};

void deliver_command(Engine* engine, su_msg_r, void* arg) {
  auto** slot = static_cast<Command**>(arg);
  std::unique_ptr<Command> cmd(*slot);
  *slot = nullptr;  // the deinitializer must not delete it again
  if (cmd && engine) cmd->run(*engine);
}

void drop_command(void* arg) {
  auto** slot = static_cast<Command**>(arg);
  delete *slot;
  *slot = nullptr;
}

Status validate(const SipServerConfig& c) {
  if (c.listen.host.empty() || c.listen.port == 0)
    return Status::invalid_argument("sip listen address needs a host and a port, got '" +
                                    c.listen.to_string() + "'");
  if (c.dialog_port != 0 && c.dialog_port == c.listen.port)
    return Status::invalid_argument("sip dialog port " + std::to_string(c.dialog_port) +
                                    " is the listen port; give another, or 0 for none");
  // The dialog port's Contact names the listen host: it must be one a phone can reach.
  if (c.dialog_port != 0 && c.listen.any_address())
    return Status::invalid_argument("sip dialog port needs the listen address to name one host, not '" +
                                    c.listen.host + "' (its Contact carries that host)");
  if (c.realm.empty()) return Status::invalid_argument("sip realm is empty");
  if (c.min_expires == 0 || c.min_expires > c.max_expires ||
      c.default_expires < c.min_expires || c.default_expires > c.max_expires)
    return Status::invalid_argument("sip expires must satisfy 0 < min <= default <= max");
  std::set<std::string> users;
  for (const auto& a : c.accounts) {
    if (a.user.empty()) continue;  // an agent without a phone
    if (a.agent.empty())
      return Status::invalid_argument("sip account '" + a.user + "' belongs to no agent");
    if (!users.insert(a.user).second)
      return Status::invalid_argument("sip user '" + a.user + "' is given to two agents");
  }
  return Status::ok();
}

}  // namespace

class SipServer::Impl {
 public:
  Impl(SipServerConfig config, actors::SipMetrics& metrics)
      : config_(std::move(config)), metrics_(metrics) {}

  ~Impl() { stop(); }

  Status start(actors::CallSignals& signals) {
    std::lock_guard<std::mutex> life(lifecycle_);
    if (started_) return Status::unavailable("sip server already started");
    if (Status s = validate(config_); !s) return s;
    if (sodium_init() < 0) return Status::unavailable("libsodium failed to initialise");
    started_ = true;
    std::promise<Status> opened;
    auto result = opened.get_future();
    thread_ = std::thread([this, &signals, p = std::move(opened)]() mutable {
      run(signals, std::move(p));
    });
    Status s = result.get();
    if (!s) thread_.join();
    return s;
  }

  void stop() {
    if (on_sofia_thread()) {
      // Joining ourselves would deadlock: start the shutdown and let the
      // destructor (or a stop() from another thread) do the joining.
      std::lock_guard<std::mutex> lock(mutex_);
      if (accepting_) send_locked([](Engine& e) { e.begin_shutdown(); });
      accepting_ = false;
      return;
    }
    std::lock_guard<std::mutex> life(lifecycle_);
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (accepting_) send_locked([](Engine& e) { e.begin_shutdown(); });
      accepting_ = false;
    }
    thread_.join();
  }

  bool post(std::function<void(Engine&)> fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!accepting_) return false;
    return send_locked(std::move(fn));
  }

  Result<SipServerSnapshot> snapshot() {
    if (on_sofia_thread())
      return Status::unavailable("snapshot() called on the Sofia thread (it would wait for itself)");
    auto promise = std::make_shared<std::promise<SipServerSnapshot>>();
    auto future = promise->get_future();
    if (!post([promise](Engine& e) { promise->set_value(e.snapshot()); }))
      return Status::unavailable("sip server is not running");
    // A queued closure dropped at shutdown breaks the promise.
    try {
      return future.get();
    } catch (const std::future_error&) {
      return Status::unavailable("sip server stopped before answering");
    }
  }

 private:
  bool on_sofia_thread() const {
    return sofia_thread_id_.load() == std::this_thread::get_id();
  }

  // REQUIRES: mutex_ held and the root alive (accepting_ or stopping).
  bool send_locked(std::function<void(Engine&)> fn) {
    su_msg_r msg = SU_MSG_R_INIT;
    if (su_msg_create(msg, su_root_task(root_), su_task_null, &deliver_command,
                      sizeof(Command*)) != 0)
      return false;
    auto** slot = static_cast<Command**>(su_msg_data(msg));
    *slot = new Command{std::move(fn)};
    su_msg_deinitializer(msg, &drop_command);
    return su_msg_send(msg) == 0;
  }

  // The Sofia thread. `opened` is fulfilled once the sockets are bound (or
  // failed to bind); the loop then runs until the engine's shutdown ends.
  void run(actors::CallSignals& signals, std::promise<Status> opened) {
    sofia_thread_id_.store(std::this_thread::get_id());
    // Named for per-thread CPU figures (/proc/PID/task/*/comm, bench/routing).
    pthread_setname_np(pthread_self(), "cb-sip");
    if (config_.thread_nice != 0) {
      const std::string error = actors::set_this_thread_nice(config_.thread_nice);
      if (!error.empty()) spdlog::warn("SIP thread: {}", error);
    }
    su_init();
    Status result = serve(signals, opened);
    su_deinit();
    sofia_thread_id_.store(std::thread::id());
    if (!result) opened.set_value(result);
  }

  // Returns a non-ok Status only when it failed before fulfilling `opened`.
  Status serve(actors::CallSignals& signals, std::promise<Status>& opened) {
    su_root_t* root = su_root_create(nullptr);
    if (!root) return Status::unavailable("cannot create the Sofia event loop");
    // nua runs on this thread too: one thread owns every Sofia object.
    su_root_threading(root, 0);
    if (!loop_timeouts_round_up(root))
      spdlog::warn(
          "SIP thread: Sofia's timer waits still round down (libsofia-sip-ua built -Bsymbolic?); "
          "the loop will spin before each timer (sip/loop_timeouts.hpp)");
    WireCounterBinding counting(metrics_);
    Status s;
    {
      SignalBatch batch(signals);
      Engine engine(config_, metrics_, batch);
      su_root_set_magic(root, &engine);
      s = engine.open(root);
      if (s) {
        std::vector<unsigned short> ports{config_.listen.port};
        if (config_.dialog_port != 0) ports.push_back(config_.dialog_port);
        if (Status b = batch.attach(root, SignalBatch::udp_sockets_on(ports)); !b)
          spdlog::warn("SIP thread: {}; every signal goes to the actors at once", b.message());
        {
          std::lock_guard<std::mutex> lock(mutex_);
          root_ = root;
          accepting_ = true;
        }
        opened.set_value(Status::ok());
        su_root_run(root);
        std::lock_guard<std::mutex> lock(mutex_);
        accepting_ = false;
      }
      engine.close();
      batch.detach();
      su_root_set_magic(root, nullptr);
    }
    su_root_destroy(root);  // drops closures still queued
    std::lock_guard<std::mutex> lock(mutex_);
    root_ = nullptr;
    return s;
  }

  const SipServerConfig config_;
  actors::SipMetrics& metrics_;

  std::mutex lifecycle_;  // serialises start() and stop()
  bool started_ = false;
  std::thread thread_;
  std::atomic<std::thread::id> sofia_thread_id_{};

  std::mutex mutex_;  // guards the two below: the posting gate
  su_root_t* root_ = nullptr;
  bool accepting_ = false;
};

std::unique_ptr<SipServer> SipServer::create(SipServerConfig config, actors::SipMetrics& metrics) {
  return std::unique_ptr<SipServer>(
      new SipServer(std::make_unique<Impl>(std::move(config), metrics)));
}

SipServer::SipServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SipServer::~SipServer() = default;

Status SipServer::start(actors::CallSignals& signals) { return impl_->start(signals); }
void SipServer::stop() { impl_->stop(); }
Result<SipServerSnapshot> SipServer::snapshot() { return impl_->snapshot(); }

void SipServer::ring(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
                     const std::string& caller, const std::string& caller_name) {
  impl_->post([=](Engine& e) { e.ring(call, leg, sip_user, caller, caller_name); });
}

void SipServer::set_accounts(std::vector<SipAccount> accounts) {
  impl_->post([accounts = std::move(accounts)](Engine& e) mutable { e.set_accounts(std::move(accounts)); });
}

void SipServer::release(const domain::CallId& call, domain::LegId leg) {
  impl_->post([=](Engine& e) { e.release(call, leg); });
}

void SipServer::bridge(const domain::CallId& call, domain::LegId leg) {
  impl_->post([=](Engine& e) { e.bridge(call, leg); });
}

void SipServer::progress(const domain::CallId& call, int status, const std::string& reason) {
  impl_->post([=](Engine& e) { e.progress(call, status, reason); });
}

void SipServer::reject(const domain::CallId& call, int status, const std::string& reason) {
  impl_->post([=](Engine& e) { e.reject(call, status, reason); });
}

void SipServer::hang_up_caller(const domain::CallId& call) {
  impl_->post([=](Engine& e) { e.hang_up_caller(call); });
}

void SipServer::originate(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
                          const std::string& client_number, const std::string& client_name) {
  impl_->post([=](Engine& e) { e.originate(call, leg, sip_user, client_number, client_name); });
}

void SipServer::dial(const domain::CallId& call, domain::LegId leg, domain::LegId agent_leg,
                     const std::string& uri, const std::string& caller_id) {
  impl_->post([=](Engine& e) { e.dial(call, leg, agent_leg, uri, caller_id); });
}

void SipServer::connect(const domain::CallId& call, domain::LegId agent_leg, domain::LegId client_leg) {
  impl_->post([=](Engine& e) { e.connect(call, agent_leg, client_leg); });
}

}  // namespace callboard::sip
