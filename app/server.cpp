#include "app/server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>

#include "actors/call_center.hpp"
#include "app/config_loader.hpp"
#include "app/system_clock.hpp"
#include "domain/startup.hpp"
#include "monitoring/metrics.hpp"
#include "sip/sip_server.hpp"
#include "storage/event_log.hpp"
#include "storage/group_commit.hpp"
#include "storage/snapshot.hpp"
#include "storage/snapshotter.hpp"
#include "storage/view_host.hpp"
#include "web/web_server.hpp"

namespace callboard::app {

std::string log_path(const domain::Config& config) { return config.data_dir + "/eventlog"; }
std::string snapshot_path(const domain::Config& config) { return config.data_dir + "/snapshots"; }

namespace {
// At most one synced write of the event log per 2 ms (storage/group_commit.hpp):
// nothing on a call's routing path waits for durability, and a CRM command
// or panel action waits at most this much longer.
constexpr std::chrono::microseconds kLogSyncInterval{2000};

// The panel's pause/resume of agents, pointed at the actors once they run
// (the web server starts first: the actors need it as their PanelPort).
class AgentControlBridge final : public web::AgentControl {
 public:
  void attach(actors::CallCenter* calls) { calls_.store(calls); }
  bool pause(const domain::AgentId& agent, const std::string& reason, const domain::AgentId& by) override {
    actors::CallCenter* c = calls_.load();
    if (c) c->pause_agent(agent, reason, by);
    return c != nullptr;
  }
  bool resume(const domain::AgentId& agent, const domain::AgentId& by) override {
    actors::CallCenter* c = calls_.load();
    if (c) c->resume_agent(agent, by);
    return c != nullptr;
  }

 private:
  std::atomic<actors::CallCenter*> calls_{nullptr};
};
}  // namespace

// Declared in the order they start; destroyed in reverse.
struct Server::Parts {
  std::shared_ptr<const domain::Config> config;
  SystemClock clock;
  domain::SeededRandom random{std::random_device{}()};
  std::unique_ptr<domain::PhoneNumbers> phones;
  monitoring::Metrics metrics;
  std::unique_ptr<storage::EventLog> log;
  storage::ViewHost views;
  std::unique_ptr<storage::GroupCommitLog> group;
  std::unique_ptr<storage::Snapshotter> snapshots;
  actors::DeferredCrm crm;  // attached to `calls` once start-up succeeded
  AgentControlBridge agent_control;  // likewise
  actors::DeferredOriginate originate;  // likewise (click-to-call)
  std::unique_ptr<actors::GroupCommitSink> sink;
  std::unique_ptr<sip::SipServer> sip;
  std::unique_ptr<web::WebServer> web;
  std::unique_ptr<actors::CallCenter> calls;
  bool stopped = false;

  // A start-up that fails half-way destroys the parts in reverse order:
  // the web's CRM workers must be gone before the actors they call.
  ~Parts() {
    crm.attach(nullptr);
    originate.attach(nullptr);
    if (web) web->stop();
  }
  std::mutex reload_mutex;
  std::vector<std::shared_ptr<const domain::Config>> reloaded;  // kept alive for readers
};

namespace {

// Appends events decided at start-up, each with its stream's expected version.
Status append_at_startup(storage::EventLog& log, storage::GroupCommitLog& group,
                         const domain::Clock& clock, const std::vector<domain::StreamEvent>& events) {
  if (events.empty()) return Status::ok();
  std::map<std::string, std::uint64_t> versions;
  std::vector<storage::NewEvent> batch;
  for (const auto& e : events) {
    auto it = versions.find(e.stream);
    if (it == versions.end()) {
      auto v = log.stream_version(e.stream);
      if (!v) return v.status();
      it = versions.emplace(e.stream, *v).first;
    }
    batch.push_back({e.stream, clock.now(), it->second++, e.event});
  }
  auto r = group.append(std::move(batch));
  return r.is_ok() ? Status::ok() : r.status();
}

std::map<domain::AgentId, actors::AgentInit> agent_inits(const domain::Config& config,
                                                          const storage::EventLog& log,
                                                          const storage::ViewHost& views) {
  std::map<domain::AgentId, actors::AgentInit> out;
  for (const auto& a : config.agents) {
    actors::AgentInit init;
    init.status.id = a.login;
    views.read([&](const domain::CrmViews& v) {
      if (const domain::AgentView* known = v.agent(a.login)) {
        init.status.state = known->state;
        init.status.registered = known->registered;
      }
      return 0;
    });
    auto version = log.stream_version(domain::agent_stream(a.login));
    init.version = version ? *version : 0;
    out.emplace(a.login, std::move(init));
  }
  return out;
}

Status import_demo_clients(const domain::Config& config, const storage::ViewHost& views,
                           actors::CallCenter& calls) {
  bool empty = views.read([](const domain::CrmViews& v) { return v.client_count() == 0; });
  if (!empty || config.demo_clients.empty()) return Status::ok();
  for (const auto& d : config.demo_clients) {
    domain::NewClient c;
    c.name = d.name;
    c.company = d.company;
    c.phones = d.phones;
    c.responsible = d.responsible;
    c.deal_title = d.deal_title;
    c.deal_stage = d.deal_stage;
    auto id = calls.create_client(c);
    if (!id) return Status(id.status());
  }
  spdlog::info("imported {} demo clients", config.demo_clients.size());
  return Status::ok();
}

// Reads the configuration file again; a valid one takes effect for new
// calls, new registrations and new panel sessions are unchanged (the panel
// and the listen addresses follow the file only after a restart).
Status reload_parts(Server::Parts& p) {
  std::lock_guard<std::mutex> lock(p.reload_mutex);
  auto next = load_config(p.config->source);
  if (!next) {
    spdlog::error("configuration reload refused, the old one stays: {}", next.status().message());
    return next.status();
  }
  next->data_dir = p.config->data_dir;  // the log stays where it is
  if (next->listen.sip.to_string() != p.config->listen.sip.to_string() ||
      next->listen.http.to_string() != p.config->listen.http.to_string() ||
      next->listen.metrics.to_string() != p.config->listen.metrics.to_string())
    spdlog::warn("configuration reload: listen addresses change only at a restart");
  auto config = std::make_shared<const domain::Config>(std::move(*next));
  p.sip->set_accounts(sip::server_config_from(*config).accounts);
  p.calls->reload(config);
  p.reloaded.push_back(p.config);  // the panel keeps pointers into the first one
  p.config = config;
  spdlog::info("configuration reloaded from {}", config->source);
  return Status::ok();
}

}  // namespace

Status Server::reload() { return reload_parts(*parts_); }

Result<std::unique_ptr<Server>> Server::start(domain::Config config, ServerOptions options) {
  auto p = std::make_unique<Parts>();
  p->config = std::make_shared<const domain::Config>(std::move(config));
  const domain::Config& cfg = *p->config;
  p->phones = std::make_unique<domain::PhoneNumbers>(cfg.default_region);

  if (Status s = p->metrics.serve(cfg.listen.metrics); !s) return s;

  auto log = storage::open_rocksdb_log({log_path(cfg)});
  if (!log) return Status::io_error("data directory " + cfg.data_dir + ": " + log.status().message());
  p->log = std::move(*log);
  auto t0 = std::chrono::steady_clock::now();
  // The newest valid snapshot, then the log after it; a snapshot that is
  // not to be trusted is skipped with a warning (storage/snapshot.hpp).
  std::vector<std::string> warnings;
  auto snapshot = storage::load_newest_snapshot(snapshot_path(cfg), p->log->last_sequence(), warnings);
  for (const auto& w : warnings) spdlog::warn("{}", w);
  const std::uint64_t from_snapshot = snapshot ? snapshot->info.sequence : 0;
  Status replayed = snapshot ? p->views.restore(std::move(snapshot->views), *p->log) : p->views.rebuild(*p->log);
  if (!replayed) return Status::corruption("replaying " + log_path(cfg) + ": " + replayed.message());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  if (snapshot)
    spdlog::info("loaded the snapshot at sequence {} and replayed {} events after it in {} ms", from_snapshot,
                 p->log->last_sequence() - from_snapshot, ms);
  else
    spdlog::info("replayed {} events in {} ms", p->log->last_sequence(), ms);

  p->group = std::make_unique<storage::GroupCommitLog>(
      *p->log, storage::GroupCommitLog::kDefaultMaxBatchEvents, kLogSyncInterval);
  p->views.attach(*p->group);
  storage::SnapshotPolicy policy{snapshot_path(cfg), options.snapshot_every, 2};
  p->snapshots = std::make_unique<storage::Snapshotter>(
      p->views, policy,
      [](const std::string& message, bool error) {
        if (error) spdlog::error("{}", message);
        else spdlog::info("{}", message);
      },
      from_snapshot);
  p->snapshots->attach(*p->group);
  p->metrics.watch(*p->group, p->views);
  p->sink = std::make_unique<actors::GroupCommitSink>(*p->group);

  auto recovery = p->views.read([&](const domain::CrmViews& v) { return domain::startup_recovery(v, cfg); });
  if (Status s = append_at_startup(*p->log, *p->group, p->clock, recovery); !s)
    return Status::io_error("start-up recovery: " + s.message());
  if (!recovery.empty()) spdlog::info("start-up recovery wrote {} events", recovery.size());

  sip::SipServerConfig sip_config = sip::server_config_from(cfg);
  sip_config.thread_nice = options.thread_nice;
  p->sip = sip::SipServer::create(std::move(sip_config), p->metrics);

  web::WebDeps wd;
  wd.config = p->config.get();
  wd.views = &p->views;
  wd.feed = p->group.get();
  wd.log = p->log.get();
  wd.crm = &p->crm;
  wd.agents = &p->agent_control;
  wd.originate = &p->originate;
  wd.metrics = &p->metrics;
  wd.clock = &p->clock;
  wd.options.fast_password_hashing = options.fast_password_hashing;
  wd.options.idle_timeout = options.session_idle_timeout_s * domain::kMicrosPerSecond;
  Parts* parts = p.get();
  wd.reload = [parts]() { return reload_parts(*parts); };
  auto web = web::WebServer::start(std::move(wd));
  if (!web) return web.status();
  p->web = std::move(*web);

  actors::Services services;
  services.config = p->config;
  services.events = p->sink.get();
  services.views = &p->views;
  services.log = p->log.get();
  services.telephony = p->sip.get();
  services.panel = p->web.get();
  services.clock = &p->clock;
  services.phones = p->phones.get();
  services.metrics = &p->metrics;
  services.random = &p->random;
  actors::CallCenterOptions call_options;
  call_options.client_idle = std::chrono::milliseconds(options.client_idle_ms);
  call_options.threads = options.actor_threads;
  call_options.thread_nice = options.thread_nice;
  p->calls = std::make_unique<actors::CallCenter>(services, agent_inits(cfg, *p->log, p->views), call_options);
  // CRM writes work from here on: the web answers /healthz already, so a
  // client that waited for it must not get 503 for the CRM.
  p->crm.attach(p->calls.get());

  if (Status s = import_demo_clients(cfg, p->views, *p->calls); !s)
    return Status::invalid_argument("demo clients: " + s.message());
  if (Status s = p->sip->start(p->calls->signals()); !s) return s;
  p->agent_control.attach(p->calls.get());
  p->originate.attach(p->calls.get());
  return std::unique_ptr<Server>(new Server(std::move(p)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() { stop(); }

std::string Server::describe() const {
  const auto& l = parts_->config->listen;  // what was bound at start
  return "panel   http://" + l.http.to_string() + "/\n" +
         "SIP     " + l.sip.to_string() + " (UDP and TCP), realm " + parts_->config->sip.realm + "\n" +
         "metrics http://" + l.metrics.to_string() + "/metrics\n" +
         "data    " + parts_->config->data_dir;
}

void Server::stop() {
  if (!parts_ || parts_->stopped) return;
  parts_->stopped = true;
  auto& p = *parts_;
  if (p.calls) p.calls->shutdown();  // ends calls: legs released, events appended
  if (p.sip) p.sip->stop();
  if (p.web) p.web->stop();
  if (p.group) p.group->stop();  // drains: every event submitted is written
  p.crm.attach(nullptr);         // the web's workers are stopped: nobody calls it now
  p.agent_control.attach(nullptr);
  p.originate.attach(nullptr);
  if (p.snapshots) {
    // The last state, so the next start replays nothing.
    p.snapshots->stop();
    p.snapshots->snapshot_now();
  }
  p.metrics.stop();
}

}  // namespace callboard::app
