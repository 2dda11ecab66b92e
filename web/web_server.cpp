// WebServer: owns the io_context, the worker, the stores and the router;
// bridges the EventFeed and the PanelPort onto the io thread.
#include "web/web_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "domain/phone.hpp"
#include "web/api_router.hpp"
#include "web/board_feed.hpp"
#include "web/board_json.hpp"
#include "web/json_util.hpp"
#include "web/bounded_worker.hpp"
#include "web/detail/server_context.hpp"
#include "web/detail/transport.hpp"
#include "web/login_throttle.hpp"
#include "web/passwords.hpp"
#include "web/session_store.hpp"
#include "web/static_files.hpp"
#include "web/ws_hub.hpp"
#include "web/ws_messages.hpp"
#include "web/worker_pool.hpp"

namespace callboard::web {

namespace asio = boost::asio;

namespace {

// The feed has no unsubscribe and may outlive the server: its subscriber
// reaches the server only through this, which stop() detaches. The board's
// producer state lives here too: it is the delivery thread's.
struct FeedBridge {
  explicit FeedBridge(std::uint64_t start) : producer(start) {}
  std::mutex mutex;
  WebServer::Impl* target = nullptr;
  BoardProducer producer;
  std::uint64_t queue_version = 0;
};

// The board's gate closes after this many sweeps with no board socket open,
// so a supervisor's page that reconnects within them resumes with deltas.
constexpr int kBoardIdleSweeps = 2;

// Pops still ringing, per agent, re-sent to a page opened meanwhile. Bounded:
// a pop whose pop_closed never comes must not pile up.
constexpr std::size_t kMaxActivePopsPerAgent = 8;

// How long work handed over from the actor and log threads (screen pops,
// board deltas, agent states) waits for more before the io thread runs it
// all. Posting each item woke the io thread 1.6 times per call (a context
// switch on each side, in the actor worker's routing path); batched, it
// wakes at most twice per window. A screen pop shows up to this much later.
constexpr std::chrono::milliseconds kHandoffDelay{10};

}  // namespace

struct WebServer::Impl {
  Impl(WebDeps d, std::optional<StaticFiles> files, PasswordBook book)
      : deps(std::move(d)),
        metrics(deps.metrics ? deps.metrics : &null_metrics),
        statics(std::move(files)),
        passwords(std::move(book)),
        phones(deps.config->default_region),
        sessions(*deps.clock, SessionPolicy{deps.options.idle_timeout, deps.options.absolute_timeout}),
        throttle(*deps.clock, ThrottlePolicy{}),
        worker(deps.options.max_pending_logins),
        crm_workers(deps.options.crm_threads, deps.options.crm_queue_per_thread),
        board_log(deps.options.board_deltas_kept, deps.views->read([](const domain::CrmViews& v) {
                    return v.last_sequence();
                  })),
        bridge(std::make_shared<FeedBridge>(board_log.floor())),
        sweep_timer(ioc),
        handoff_timer(ioc) {}

  void post(std::function<void()> f) { asio::post(ioc, std::move(f)); }

  // Runs `f` on the io thread, after the items handed over before it, within
  // kHandoffDelay. Any thread.
  void hand_over(std::function<void()> f) {
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(handoff_mutex);
      first = handoff.empty();  // else a wake-up is on its way for the batch
      handoff.push_back(std::move(f));
    }
    if (!first) return;
    post([this] {
      handoff_timer.expires_after(kHandoffDelay);
      handoff_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) run_handed_over();
      });
    });
  }

  void run_handed_over() {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(handoff_mutex);
      batch.swap(handoff);
    }
    for (auto& f : batch) f();
  }

  std::vector<std::string> greeting(const domain::AgentConfig& agent, bool board,
                                    std::optional<std::uint64_t> since) {
    std::vector<std::string> frames;
    frames.push_back(deps.views->read([&](const domain::CrmViews& v) {
      return hello_message(agent, v.agent(agent.login), deps.clock->now());
    }));
    auto it = active_pops.find(agent.login);
    if (it != active_pops.end()) {
      for (const auto& [call, frame] : it->second) frames.push_back(frame);
    }
    if (board) board_greeting(since, frames);
    return frames;
  }

  // ---- the supervisor board (board_feed.hpp) --------------------------------
  void switch_board(bool on) {
    ++board_epoch;
    board_gate.store(gate_word(board_epoch, on));
    board_log.new_epoch(board_epoch);
  }

  // The board, or the deltas after `since`, for a socket that just opened.
  void board_greeting(std::optional<std::uint64_t> since, std::vector<std::string>& frames) {
    // Open the gate before reading the views: a batch the producer skipped
    // was applied before it looked at the gate, so the views read below hold it.
    if (!gate_on(board_gate.load())) switch_board(true);
    board_idle_sweeps = 0;
    const domain::Timestamp now = deps.clock->now();
    deps.views->read([&](const domain::CrmViews& v) {
      BoardLog::Resume plan;
      if (since) plan = board_log.resume(*since, v.last_sequence());
      if (plan.snapshot) {
        nlohmann::json j = board_snapshot(v, *deps.config, now);
        j["type"] = "board";
        frames.push_back(dump_json(j));
        return 0;
      }
      for (const auto& f : plan.frames) frames.push_back(*f);
      frames.push_back(dump_json({{"type", "board_resumed"},
                                  {"since", *since},
                                  {"deltas", plan.frames.size()},
                                  {"server_time_us", now}}));
      return 0;
    });
  }

  // Delivery thread, right after the views applied the batch.
  std::optional<BoardDelta> produce_board_delta(const std::vector<domain::RecordedEvent>& batch, FeedBridge& b) {
    const std::uint64_t gate = board_gate.load();
    const std::uint64_t seq = batch.back().sequence;
    if (!BoardProducer::recording(gate)) {
      b.producer.skip(seq);
      return std::nullopt;
    }
    const domain::Timestamp now = deps.clock->now();
    return deps.views->read([&](const domain::CrmViews& v) {
      BoardChanges changes = board_changes(batch, v, b.queue_version);
      return b.producer.on_batch(seq, gate, changes, [&](const BoardChanges& c) {
        return board_delta_body(v, *deps.config, c, now);
      });
    });
  }

  void on_board_delta(const BoardDelta& d) {
    board_log.add(d);
    hub.push_board(d.frame);
  }

  void sweep_board() {
    if (!gate_on(board_gate.load())) return;
    if (hub.board_count() > 0) {
      board_idle_sweeps = 0;
    } else if (++board_idle_sweeps >= kBoardIdleSweeps) {
      switch_board(false);
    }
  }

  void push_states(const std::set<domain::AgentId>& agents) {
    for (const auto& login : agents) {
      if (hub.count(login) == 0) continue;
      auto frame = deps.views->read([&](const domain::CrmViews& v) -> std::optional<std::string> {
        const domain::AgentView* view = v.agent(login);
        if (!view) return std::nullopt;
        return state_message(*view, deps.clock->now());
      });
      if (frame) hub.push(login, *frame);
    }
  }

  void on_pop(const domain::AgentId& agent, const actors::ScreenPop& pop) {
    std::string frame = pop_message(pop, *deps.config, deps.clock->now());
    auto& pops = active_pops[agent];
    pops.erase(std::remove_if(pops.begin(), pops.end(), [&](const auto& p) { return p.first == pop.call; }),
               pops.end());
    pops.emplace_back(pop.call, frame);
    while (pops.size() > kMaxActivePopsPerAgent) pops.pop_front();
    hub.push(agent, frame);
  }

  void on_pop_closed(const domain::AgentId& agent, const domain::CallId& call, const std::string& reason) {
    auto it = active_pops.find(agent);
    if (it != active_pops.end()) {
      auto& pops = it->second;
      pops.erase(std::remove_if(pops.begin(), pops.end(), [&](const auto& p) { return p.first == call; }),
                 pops.end());
      if (pops.empty()) active_pops.erase(it);
    }
    hub.push(agent, pop_closed_message(call, reason));
  }

  void arm_sweep() {
    sweep_timer.expires_after(std::chrono::milliseconds(deps.options.sweep_interval_ms));
    sweep_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || ctx.stopping) return;
      for (const auto& id : sessions.sweep()) hub.close_session(id);
      throttle.prune();
      sweep_board();
      arm_sweep();
    });
  }

  void run_io() {
    // A handler that throws (bad_alloc) must not take the server down; log
    // it and keep serving.
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("web: unexpected exception on the io thread: {}", e.what());
      }
    }
  }

  WebDeps deps;
  actors::NullHttpMetrics null_metrics;
  actors::HttpMetrics* metrics;
  std::optional<StaticFiles> statics;
  PasswordBook passwords;
  domain::PhoneNumbers phones;
  SessionStore sessions;
  LoginThrottle throttle;
  BoundedWorker worker;
  WorkerPool crm_workers;
  WsHub hub;
  detail::ConnectionSet connections;
  std::unique_ptr<ApiRouter> router;
  detail::ServerContext ctx;
  std::map<domain::AgentId, std::deque<std::pair<domain::CallId, std::string>>> active_pops;
  // The board's feed: the gate the delivery thread reads, the rest io-thread only.
  std::atomic<std::uint64_t> board_gate{gate_word(0, false)};
  std::uint64_t board_epoch = 0;
  int board_idle_sweeps = 0;
  BoardLog board_log;
  std::shared_ptr<FeedBridge> bridge;
  std::atomic<bool> running{false};
  // Declared after everything a pending handler may touch: destroying the
  // io_context destroys those handlers (and the sessions they hold) first.
  asio::io_context ioc;
  asio::steady_timer sweep_timer;
  std::mutex handoff_mutex;
  std::vector<std::function<void()>> handoff;  // under handoff_mutex; non-empty: a wake-up is armed
  asio::steady_timer handoff_timer;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::shared_ptr<detail::Listener> listener;
  std::promise<void> io_finished;
  std::thread io_thread;
};

Result<std::unique_ptr<WebServer>> WebServer::start(WebDeps deps) {
  if (!deps.config || !deps.views || !deps.clock) {
    return Status::invalid_argument("web server: config, views and clock are required");
  }
  std::string dir = deps.static_dir.empty() ? default_static_dir() : deps.static_dir;
  auto files = StaticFiles::open(dir);
  if (!files) return files.status();

  auto book = PasswordBook::build(deps.config->agents, deps.options.fast_password_hashing
                                                          ? PasswordStrength::minimum()
                                                          : PasswordStrength::interactive());
  if (!book) return book.status();
  for (const auto& login : book->without_password()) {
    spdlog::warn("web: agent '{}' has neither password nor password_hash; he cannot log in", login);
  }

  auto impl = std::make_unique<Impl>(std::move(deps), std::move(files.value()), std::move(book.value()));
  Impl* p = impl.get();

  RouterDeps rd;
  rd.config = p->deps.config;
  rd.views = p->deps.views;
  rd.log = p->deps.log;
  rd.clock = p->deps.clock;
  rd.phones = &p->phones;
  rd.sessions = &p->sessions;
  rd.throttle = &p->throttle;
  rd.passwords = &p->passwords;
  rd.worker = &p->worker;
  rd.crm = p->deps.crm;
  rd.crm_workers = &p->crm_workers;
  rd.metrics = p->metrics;
  rd.statics = &*p->statics;
  rd.post = [p](std::function<void()> f) { p->post(std::move(f)); };
  rd.session_ended = [p](const std::string& id) { p->hub.close_session(id); };
  rd.reload = p->deps.reload;
  rd.agents = p->deps.agents;
  rd.originate = p->deps.originate;
  p->router = std::make_unique<ApiRouter>(std::move(rd));

  p->ctx.router = p->router.get();
  p->ctx.hub = &p->hub;
  p->ctx.metrics = p->metrics;
  p->ctx.connections = &p->connections;
  p->ctx.greeting = [p](const domain::AgentConfig& a, bool board, std::optional<std::uint64_t> since) {
    return p->greeting(a, board, since);
  };
  p->ctx.ws_queue_messages = p->deps.options.ws_queue_messages;
  p->ctx.ws_queue_bytes = p->deps.options.ws_queue_bytes;

  auto listener = detail::start_listener(p->ioc, p->deps.config->listen.http, p->ctx);
  if (!listener) return listener.status();
  p->listener = std::move(listener.value());

  if (p->deps.feed) {
    p->bridge->target = p;
    p->deps.feed->subscribe([bridge = p->bridge](const std::vector<domain::RecordedEvent>& batch) {
      // Runs on the log's writer thread: pick the agents out quickly, leave
      // reading the views and writing frames to the io thread.
      std::set<domain::AgentId> agents;
      for (const auto& e : batch) {
        if (auto* s = std::get_if<domain::AgentStateChanged>(&e.event)) agents.insert(s->agent);
        else if (auto* r = std::get_if<domain::AgentRegistered>(&e.event)) agents.insert(r->agent);
        else if (auto* u = std::get_if<domain::AgentUnregistered>(&e.event)) agents.insert(u->agent);
        else if (auto* p = std::get_if<domain::AgentPauseChanged>(&e.event)) agents.insert(p->agent);
      }
      std::lock_guard<std::mutex> lock(bridge->mutex);
      Impl* target = bridge->target;
      if (!target || batch.empty()) return;
      if (!agents.empty())
        target->hand_over([target, agents = std::move(agents)] { target->push_states(agents); });
      if (auto delta = target->produce_board_delta(batch, *bridge))
        target->hand_over([target, d = std::move(*delta)] { target->on_board_delta(d); });
    });
  }

  p->work.emplace(p->ioc.get_executor());
  p->arm_sweep();
  p->running = true;
  p->io_thread = std::thread([p] {
    p->run_io();
    p->io_finished.set_value();
  });
  spdlog::info("web: panel and API on http://{}:{}", p->deps.config->listen.http.host, p->listener->port());
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebServer::~WebServer() { stop(); }

std::uint16_t WebServer::port() const { return impl_->listener ? impl_->listener->port() : 0; }

void WebServer::stop() {
  Impl* p = impl_.get();
  if (!p || !p->running.exchange(false)) return;
  {
    std::lock_guard<std::mutex> lock(p->bridge->mutex);
    p->bridge->target = nullptr;
  }
  p->post([p] {
    p->ctx.stopping = true;
    p->listener->stop();
    p->sweep_timer.cancel();
    p->handoff_timer.cancel();
    p->hub.close_all();
    p->connections.close_all();
  });
  p->work.reset();
  // Close frames need a round trip; a page that does not answer within the
  // grace period is cut off by stopping the io_context.
  auto done = p->io_finished.get_future();
  if (done.wait_for(std::chrono::seconds(1)) != std::future_status::ready) p->ioc.stop();
  if (p->io_thread.joinable()) p->io_thread.join();
  p->worker.stop();
  p->crm_workers.stop();
}

void WebServer::screen_pop(const domain::AgentId& agent, const actors::ScreenPop& pop) {
  Impl* p = impl_.get();
  if (!p->running) return;
  p->hand_over([p, agent, pop] { p->on_pop(agent, pop); });
}

void WebServer::pop_closed(const domain::AgentId& agent, const domain::CallId& call,
                           const std::string& reason) {
  Impl* p = impl_.get();
  if (!p->running) return;
  p->hand_over([p, agent, call, reason] { p->on_pop_closed(agent, call, reason); });
}

}  // namespace callboard::web
