#include "app/server.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "actors/call_center.hpp"
#include "app/system_clock.hpp"
#include "domain/startup.hpp"
#include "monitoring/metrics.hpp"
#include "sip/sip_server.hpp"
#include "storage/event_log.hpp"
#include "storage/group_commit.hpp"
#include "storage/view_host.hpp"
#include "web/web_server.hpp"

namespace callboard::app {

std::string log_path(const domain::Config& config) { return config.data_dir + "/eventlog"; }

// Declared in the order they start; destroyed in reverse.
struct Server::Parts {
  std::shared_ptr<const domain::Config> config;
  SystemClock clock;
  std::unique_ptr<domain::PhoneNumbers> phones;
  monitoring::Metrics metrics;
  std::unique_ptr<storage::EventLog> log;
  storage::ViewHost views;
  std::unique_ptr<storage::GroupCommitLog> group;
  std::unique_ptr<actors::GroupCommitSink> sink;
  std::unique_ptr<sip::SipServer> sip;
  std::unique_ptr<web::WebServer> web;
  std::unique_ptr<actors::CallCenter> calls;
  bool stopped = false;
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
    domain::NewClient c{d.name, d.company, "", d.phones, d.responsible, d.deal_title, d.deal_stage};
    auto id = calls.create_client(c);
    if (!id) return Status(id.status());
  }
  spdlog::info("imported {} demo clients", config.demo_clients.size());
  return Status::ok();
}

}  // namespace

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
  if (Status s = p->views.rebuild(*p->log); !s)
    return Status::corruption("replaying " + log_path(cfg) + ": " + s.message());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("replayed {} events in {} ms", p->log->last_sequence(), ms);

  p->group = std::make_unique<storage::GroupCommitLog>(*p->log);
  p->views.attach(*p->group);
  p->metrics.watch(*p->group, p->views);
  p->sink = std::make_unique<actors::GroupCommitSink>(*p->group);

  auto recovery = p->views.read([&](const domain::CrmViews& v) { return domain::startup_recovery(v, cfg); });
  if (Status s = append_at_startup(*p->log, *p->group, p->clock, recovery); !s)
    return Status::io_error("start-up recovery: " + s.message());
  if (!recovery.empty()) spdlog::info("start-up recovery wrote {} events", recovery.size());

  sip::SipServerConfig sc;
  sc.listen = cfg.listen.sip;
  sc.realm = cfg.sip.realm;
  sc.domain = cfg.sip.domain;
  sc.min_expires = cfg.sip.min_expires;
  sc.max_expires = cfg.sip.max_expires;
  sc.default_expires = cfg.sip.default_expires;
  for (const auto& a : cfg.agents) sc.accounts.push_back({a.sip_user, a.sip_password, a.login});
  p->sip = sip::SipServer::create(std::move(sc), p->metrics);

  web::WebDeps wd;
  wd.config = p->config.get();
  wd.views = &p->views;
  wd.feed = p->group.get();
  wd.log = p->log.get();
  wd.metrics = &p->metrics;
  wd.clock = &p->clock;
  wd.options.fast_password_hashing = options.fast_password_hashing;
  wd.options.idle_timeout = options.session_idle_timeout_s * domain::kMicrosPerSecond;
  auto web = web::WebServer::start(std::move(wd));
  if (!web) return web.status();
  p->web = std::move(*web);

  actors::Services services;
  services.config = p->config;
  services.events = p->sink.get();
  services.views = &p->views;
  services.telephony = p->sip.get();
  services.panel = p->web.get();
  services.clock = &p->clock;
  services.phones = p->phones.get();
  services.metrics = &p->metrics;
  p->calls = std::make_unique<actors::CallCenter>(services, agent_inits(cfg, *p->log, p->views));

  if (Status s = import_demo_clients(cfg, p->views, *p->calls); !s)
    return Status::invalid_argument("demo clients: " + s.message());
  if (Status s = p->sip->start(p->calls->signals()); !s) return s;
  return std::unique_ptr<Server>(new Server(std::move(p)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() { stop(); }

std::string Server::describe() const {
  const auto& l = parts_->config->listen;
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
  p.metrics.stop();
}

}  // namespace callboard::app
