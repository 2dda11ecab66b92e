#pragma once
// Prometheus metrics (prometheus-cpp), served on their own port at /metrics.
// Names are prefixed callboard_ and documented in docs/metrics.md; the
// Prometheus config, alert rules and Grafana dashboard in ops/ use them.
//
// Counters that adapters report come in through the ports this class
// implements; call outcomes and agent states come from the committed event
// feed and the views, so they count what the log holds. Every method is
// thread-safe. Label values that come from the network (SIP methods, status
// codes) are folded into a fixed set, so a hostile peer cannot grow the
// number of series.

#include <memory>
#include <string>

#include "actors/ports.hpp"
#include "actors/services.hpp"
#include "domain/config.hpp"
#include "domain/status.hpp"
#include "storage/group_commit.hpp"
#include "storage/view_host.hpp"

namespace callboard::monitoring {

class Metrics final : public actors::SipMetrics,
                      public actors::HttpMetrics,
                      public actors::ActorMetrics {
 public:
  Metrics();
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves /metrics on the endpoint. Errors: unavailable naming the address
  // (port taken, bad address).
  Status serve(const domain::Endpoint& endpoint);
  void stop();

  // Counts calls, agent states and log batches from the committed events.
  // Call after views.attach(log) so the views already hold each batch.
  void watch(storage::GroupCommitLog& log, const storage::ViewHost& views);

  // The text a scrape returns (for tests and the CLI).
  std::string scrape() const;

  // SipMetrics
  void request_received(std::string_view method) override;
  void response_sent(int status) override;
  void response_received(int status) override;
  void auth_failed(std::string_view reason) override;
  void malformed_message() override;
  // HttpMetrics
  void request(std::string_view method, int status) override;
  void login_failed() override;
  void websocket_opened() override;
  void websocket_closed() override;
  // ActorMetrics
  void append_failed() override;
  void call_actor_failed() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard::monitoring
