#pragma once
// In-memory seams for actor tests: a telephony port and a panel that record
// what they are asked, and an event sink that "commits" at once (applying
// the events to a ViewHost) so the test coordinator stays deterministic.

#include <mutex>
#include <string>
#include <vector>

#include "actors/ports.hpp"
#include "actors/services.hpp"

namespace callboard::test {

struct TelephonyCall {
  std::string op;  // ring, release, bridge, progress, reject, hangup, originate, dial, connect
  std::string call;
  domain::LegId leg = 0;
  std::string arg;  // sip user for ring
  int status = 0;
};

class FakeTelephony final : public actors::TelephonyPort {
 public:
  void ring(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
            const std::string&, const std::string&) override {
    add({"ring", call, leg, sip_user, 0});
  }
  void release(const domain::CallId& call, domain::LegId leg) override {
    add({"release", call, leg, {}, 0});
  }
  void bridge(const domain::CallId& call, domain::LegId leg) override {
    add({"bridge", call, leg, {}, 0});
  }
  void progress(const domain::CallId& call, int status, const std::string&) override {
    add({"progress", call, 0, {}, status});
  }
  void reject(const domain::CallId& call, int status, const std::string&) override {
    add({"reject", call, 0, {}, status});
  }
  void hang_up_caller(const domain::CallId& call) override { add({"hangup", call, 0, {}, 0}); }
  // Click-to-call: arg is the SIP user, the route URI, or the client leg.
  void originate(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
                 const std::string&, const std::string&) override {
    add({"originate", call, leg, sip_user, 0});
  }
  void dial(const domain::CallId& call, domain::LegId leg, domain::LegId, const std::string& uri,
            const std::string&) override {
    add({"dial", call, leg, uri, 0});
  }
  void connect(const domain::CallId& call, domain::LegId agent_leg, domain::LegId client_leg) override {
    add({"connect", call, agent_leg, std::to_string(client_leg), 0});
  }

  std::vector<TelephonyCall> take() {
    std::lock_guard<std::mutex> l(m_);
    auto out = std::move(calls_);
    calls_.clear();
    return out;
  }
  // The legs rung for a call so far, by SIP user.
  std::vector<TelephonyCall> all() {
    std::lock_guard<std::mutex> l(m_);
    return history_;
  }

 private:
  void add(TelephonyCall c) {
    std::lock_guard<std::mutex> l(m_);
    calls_.push_back(c);
    history_.push_back(std::move(c));
  }
  std::mutex m_;
  std::vector<TelephonyCall> calls_;
  std::vector<TelephonyCall> history_;
};

class FakePanel final : public actors::PanelPort {
 public:
  struct Pop {
    std::string agent;
    actors::ScreenPop pop;
  };
  void screen_pop(const domain::AgentId& agent, const actors::ScreenPop& pop) override {
    std::lock_guard<std::mutex> l(m_);
    pops.push_back({agent, pop});
  }
  void pop_closed(const domain::AgentId& agent, const domain::CallId& call,
                  const std::string& reason) override {
    std::lock_guard<std::mutex> l(m_);
    closed.push_back(agent + "/" + call + "/" + reason);
  }
  std::mutex m_;
  std::vector<Pop> pops;
  std::vector<std::string> closed;
};

// Commits synchronously into an in-memory log (the storage contract, with
// expected versions checked), updates the views and runs the callback
// inline, so the test coordinator stays deterministic.
class InstantSink final : public actors::EventSink {
 public:
  explicit InstantSink(storage::ViewHost& views) : views_(views), log_(storage::make_memory_log()) {}
  void submit(std::vector<storage::NewEvent> events, storage::AppendCallback done) override {
    auto r = log_->append(events, false);
    if (r.is_ok()) {
      views_.apply(r->recorded);
      log.insert(log.end(), r->recorded.begin(), r->recorded.end());
    }
    if (done) done(r);
  }
  storage::EventLog& event_log() { return *log_; }
  std::vector<domain::RecordedEvent> log;  // everything committed, in order

 private:
  storage::ViewHost& views_;
  std::unique_ptr<storage::EventLog> log_;
};

}  // namespace callboard::test
