#include "monitoring/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace callboard::monitoring {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

constexpr std::array<const char*, 14> kSipMethods = {
    "INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE",
    "PRACK", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH"};
constexpr std::array<const char*, 7> kHttpMethods = {"GET", "POST", "PUT", "PATCH",
                                                     "DELETE", "HEAD", "OPTIONS"};

// A counter family whose label comes from a closed set, plus "other".
class LabelledCounters {
 public:
  LabelledCounters(Family<Counter>& family, const std::string& label) : family_(family), label_(label) {}
  Counter& get(const std::string& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_value_.find(value);
    if (it != by_value_.end()) return *it->second;
    Counter& c = family_.Add({{label_, value}});
    by_value_.emplace(value, &c);
    return c;
  }

 private:
  Family<Counter>& family_;
  std::string label_;
  std::mutex mutex_;
  std::map<std::string, Counter*> by_value_;
};

template <std::size_t N>
std::string fold(std::string_view value, const std::array<const char*, N>& known) {
  for (const char* k : known)
    if (value == k) return k;
  return "other";
}

std::string status_label(int status) {
  return status >= 100 && status <= 699 ? std::to_string(status) : "other";
}

Histogram::BucketBoundaries latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
}

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;

  Family<Counter>& calls = BuildCounter().Name("callboard_calls_total")
      .Help("Calls that ended, by outcome").Register(*registry);
  Counter& calls_received = BuildCounter().Name("callboard_calls_received_total")
      .Help("Calls that arrived at an entry point").Register(*registry).Add({});
  Gauge& calls_in_progress = BuildGauge().Name("callboard_calls_in_progress")
      .Help("Calls received and not yet ended").Register(*registry).Add({});
  Family<Gauge>& agents = BuildGauge().Name("callboard_agents")
      .Help("Agents by state").Register(*registry);
  std::map<domain::AgentState, Gauge*> agents_by_state;

  Family<Counter>& sip_requests_family = BuildCounter().Name("callboard_sip_requests_received_total")
      .Help("SIP requests received, by method").Register(*registry);
  Family<Counter>& sip_sent_family = BuildCounter().Name("callboard_sip_responses_sent_total")
      .Help("SIP responses sent, by status code").Register(*registry);
  Family<Counter>& sip_received_family = BuildCounter().Name("callboard_sip_responses_received_total")
      .Help("SIP responses received, by status code").Register(*registry);
  Family<Counter>& sip_auth_family = BuildCounter().Name("callboard_sip_auth_failures_total")
      .Help("REGISTER digest authentications refused, by reason").Register(*registry);
  Counter& sip_malformed = BuildCounter().Name("callboard_sip_malformed_messages_total")
      .Help("SIP messages dropped or refused as malformed").Register(*registry).Add({});
  LabelledCounters sip_requests{sip_requests_family, "method"};
  LabelledCounters sip_sent{sip_sent_family, "code"};
  LabelledCounters sip_received{sip_received_family, "code"};
  LabelledCounters sip_auth{sip_auth_family, "reason"};

  Family<Counter>& http_family = BuildCounter().Name("callboard_http_requests_total")
      .Help("HTTP requests served, by method and status code").Register(*registry);
  std::mutex http_mutex;
  std::map<std::pair<std::string, std::string>, Counter*> http_counters;
  Counter& login_failures = BuildCounter().Name("callboard_http_login_failures_total")
      .Help("Panel logins refused").Register(*registry).Add({});
  Gauge& websockets = BuildGauge().Name("callboard_websockets_open")
      .Help("Open panel WebSockets").Register(*registry).Add({});

  Counter& batches = BuildCounter().Name("callboard_event_batches_total")
      .Help("Synced writes of the event log").Register(*registry).Add({});
  Counter& events = BuildCounter().Name("callboard_events_appended_total")
      .Help("Events appended to the log").Register(*registry).Add({});
  Histogram& batch_size = BuildHistogram().Name("callboard_event_batch_size")
      .Help("Events per synced write").Register(*registry)
      .Add({}, Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096});
  Histogram& write_seconds = BuildHistogram().Name("callboard_event_write_seconds")
      .Help("Duration of one synced write of the event log").Register(*registry)
      .Add({}, latency_buckets());
  Histogram& append_seconds = BuildHistogram().Name("callboard_event_append_seconds")
      .Help("Submit to durable acknowledgement, oldest request of each batch").Register(*registry)
      .Add({}, latency_buckets());
  Counter& append_failures = BuildCounter().Name("callboard_event_append_failures_total")
      .Help("Appends that failed (I/O, conflict)").Register(*registry).Add({});
  Counter& call_actor_failures = BuildCounter().Name("callboard_call_actor_failures_total")
      .Help("Call actors that failed and ended their call").Register(*registry).Add({});

  Impl() {
    for (auto s : {domain::AgentState::offline, domain::AgentState::available,
                   domain::AgentState::ringing, domain::AgentState::on_call,
                   domain::AgentState::wrap_up, domain::AgentState::paused})
      agents_by_state[s] = &agents.Add({{"state", domain::to_string(s)}});
    for (auto o : {domain::CallOutcome::answered, domain::CallOutcome::abandoned,
                   domain::CallOutcome::no_agent, domain::CallOutcome::not_found,
                   domain::CallOutcome::failed, domain::CallOutcome::interrupted})
      calls.Add({{"outcome", domain::to_string(o)}});
  }

  // The state each agent is counted in. A batch recounts only the agents
  // its events name: copying every agent out of the views for each batch
  // cost the delivery thread O(agents) per batch, which with thousands of
  // agents took a fifth of a core (bench/routing, docs/BENCHMARKS.md) and
  // delayed the acknowledgements that wait behind the subscribers.
  // Delivery thread only (after watch()).
  std::unordered_map<domain::AgentId, domain::AgentState> counted;

  Gauge* gauge_for(domain::AgentState s) {
    auto it = agents_by_state.find(s);
    return it == agents_by_state.end() ? nullptr : it->second;
  }

  void count_all_agents(const domain::CrmViews& v) {
    counted.clear();
    for (auto& [state, gauge] : agents_by_state) gauge->Set(0);
    for (const auto& a : v.agents()) {
      counted[a.id] = a.state;
      if (Gauge* g = gauge_for(a.state)) g->Increment();
    }
  }

  // Moves one agent to the gauge of the state the views now hold for him.
  void recount_agent(const domain::CrmViews& v, const domain::AgentId& id) {
    const domain::AgentView* now = v.agent(id);
    auto it = counted.find(id);
    if (it != counted.end()) {
      if (now && now->state == it->second) return;
      if (Gauge* g = gauge_for(it->second)) g->Decrement();
      if (!now) {
        counted.erase(it);
        return;
      }
      it->second = now->state;
    } else {
      if (!now) return;
      counted.emplace(id, now->state);
    }
    if (Gauge* g = gauge_for(now->state)) g->Increment();
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() { stop(); }

Status Metrics::serve(const domain::Endpoint& endpoint) {
  try {
    impl_->exposer = std::make_unique<prometheus::Exposer>(endpoint.to_string(), 2);
    impl_->exposer->RegisterCollectable(impl_->registry);
  } catch (const std::exception& e) {
    return Status::unavailable("metrics: cannot listen on " + endpoint.to_string() + ": " + e.what());
  }
  return Status::ok();
}

void Metrics::stop() { impl_->exposer.reset(); }

void Metrics::watch(storage::GroupCommitLog& log, const storage::ViewHost& views) {
  Impl* impl = impl_.get();
  views.read([&](const domain::CrmViews& v) {
    impl->count_all_agents(v);
    impl->calls_in_progress.Set(static_cast<double>(v.open_call_count()));
    return 0;
  });
  log.subscribe([impl, &views](const std::vector<domain::RecordedEvent>& batch) {
    bool calls_changed = false;
    std::vector<const domain::AgentId*> agents_changed;  // may repeat: recounting is idempotent
    for (const auto& r : batch) {
      if (auto* e = std::get_if<domain::CallEnded>(&r.event)) {
        impl->calls.Add({{"outcome", domain::to_string(e->outcome)}}).Increment();
        calls_changed = true;
      } else if (std::holds_alternative<domain::CallInterrupted>(r.event)) {
        impl->calls.Add({{"outcome", "interrupted"}}).Increment();
        calls_changed = true;
      } else if (std::holds_alternative<domain::CallReceived>(r.event)) {
        impl->calls_received.Increment();
        calls_changed = true;
      } else if (auto* s = std::get_if<domain::AgentStateChanged>(&r.event)) {
        agents_changed.push_back(&s->agent);
      } else if (auto* c = std::get_if<domain::AgentCreated>(&r.event)) {
        agents_changed.push_back(&c->agent);
      }
    }
    if (agents_changed.empty() && !calls_changed) return;
    views.read([&](const domain::CrmViews& v) {
      for (const domain::AgentId* id : agents_changed) impl->recount_agent(v, *id);
      if (calls_changed) impl->calls_in_progress.Set(static_cast<double>(v.open_call_count()));
      return 0;
    });
  });
  log.set_batch_observer([impl](const storage::BatchReport& b) {
    if (b.events == 0) return;
    impl->batches.Increment();
    impl->events.Increment(static_cast<double>(b.events));
    impl->batch_size.Observe(static_cast<double>(b.events));
    impl->write_seconds.Observe(static_cast<double>(b.write_micros) / 1e6);
    impl->append_seconds.Observe(static_cast<double>(b.oldest_wait_micros) / 1e6);
  });
}

std::string Metrics::scrape() const {
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

void Metrics::request_received(std::string_view method) {
  impl_->sip_requests.get(fold(method, kSipMethods)).Increment();
}
void Metrics::response_sent(int status) { impl_->sip_sent.get(status_label(status)).Increment(); }
void Metrics::response_received(int status) {
  impl_->sip_received.get(status_label(status)).Increment();
}
void Metrics::auth_failed(std::string_view reason) {
  static const std::array<const char*, 6> kReasons = {"bad_password", "unknown_user", "stale_nonce",
                                                      "bad_nonce", "malformed", "realm"};
  impl_->sip_auth.get(fold(reason, kReasons)).Increment();
}
void Metrics::malformed_message() { impl_->sip_malformed.Increment(); }

void Metrics::request(std::string_view method, int status) {
  auto key = std::make_pair(fold(method, kHttpMethods), status_label(status));
  std::lock_guard<std::mutex> lock(impl_->http_mutex);
  auto it = impl_->http_counters.find(key);
  if (it == impl_->http_counters.end())
    it = impl_->http_counters
             .emplace(key, &impl_->http_family.Add({{"method", key.first}, {"code", key.second}}))
             .first;
  it->second->Increment();
}
void Metrics::login_failed() { impl_->login_failures.Increment(); }
void Metrics::websocket_opened() { impl_->websockets.Increment(); }
void Metrics::websocket_closed() { impl_->websockets.Decrement(); }
void Metrics::append_failed() { impl_->append_failures.Increment(); }
void Metrics::call_actor_failed() { impl_->call_actor_failures.Increment(); }

}  // namespace callboard::monitoring
