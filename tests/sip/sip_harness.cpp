// sip_harness: the real SipServer with a scripted stand-in for the actor
// layer, for the SIPp integration test (sip_adapter_test.py) and for
// measuring the adapter alone.
//
// Script (runs on the Sofia thread, inside the CallSignals calls):
//   incoming           -> ring every registered account, each on its own leg
//                         (legs 1..n in account order); nobody: reject 480
//   first leg_ringing  -> progress 180
//   first leg_answered -> bridge it, release every other leg
//   leg_failed         -> when every leg failed: reject with the status of
//                         the only leg, or 480 for several
//   caller_cancelled / caller_hung_up -> release every leg
//   leg_hung_up        -> hang_up_caller, release every other leg
//
// Output, one line each, flushed: "ready", every signal ("incoming ...",
// "leg_answered CALL LEG", ...), every metric ("metric request INVITE", with
// --quiet-metrics only at exit as totals), "snapshot ...", "stopped".
// Input, one command per line: "snapshot", "ring CALL LEG USER",
// click-to-call's "originate CALL LEG USER NUMBER [NAME...]",
// "dial CALL LEG AGENT_LEG URI CALLER_ID", "connect CALL AGENT_LEG CLIENT_LEG",
// "release CALL LEG" (the script does not react to signals of originated
// calls: the test drives them), "quit" (or end of input): stop the server
// and exit 0. With --wait-signal
// stdin is ignored and SIGTERM/SIGINT stop the server (for benchmarks that
// start the harness in the background).

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sip/sip_server.hpp"

namespace {

using callboard::domain::CallId;
using callboard::domain::LegId;
namespace sip = callboard::sip;

std::mutex g_out;

void say(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_out);
  std::cout << line << '\n' << std::flush;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

class PrintingMetrics final : public callboard::actors::SipMetrics {
 public:
  explicit PrintingMetrics(bool quiet) : quiet_(quiet) {}
  void request_received(std::string_view method) override { count("request " + std::string(method)); }
  void response_sent(int status) override { count("response_sent " + std::to_string(status)); }
  void response_received(int status) override {
    count("response_received " + std::to_string(status));
  }
  void auth_failed(std::string_view reason) override { count("auth_failed " + std::string(reason)); }
  void malformed_message() override { count("malformed"); }

  void print_totals() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, n] : totals_) say("total " + key + " " + std::to_string(n));
  }

 private:
  void count(const std::string& key) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++totals_[key];
    }
    if (!quiet_) say("metric " + key);
  }
  bool quiet_;
  std::mutex mutex_;
  std::map<std::string, long> totals_;
};

class ScriptedSignals final : public callboard::actors::CallSignals {
 public:
  ScriptedSignals(std::vector<sip::SipAccount> accounts, bool quiet)
      : accounts_(std::move(accounts)), quiet_(quiet) {}
  void attach(sip::SipServer* server) { server_ = server; }

  void incoming(callboard::actors::IncomingCall c) override {
    log("incoming " + c.call + " " + c.caller + " " + quoted(c.caller_name) + " " + c.dialled);
    Call& call = calls_[c.call];
    call.caller = c.caller;
    call.caller_name = c.caller_name;
    LegId leg = 0;
    for (const auto& a : accounts_) {
      if (!registered_.count(a.agent)) continue;
      ++leg;
      call.legs.insert(leg);
      log("action ring " + c.call + " " + std::to_string(leg) + " " + a.user);
      server_->ring(c.call, leg, a.user, c.caller, c.caller_name);
    }
    if (leg == 0) {
      log("action reject " + c.call + " 480");
      server_->reject(c.call, 480, "No Agent Registered");
      calls_.erase(c.call);
    }
  }
  void leg_ringing(const CallId& call, LegId leg) override {
    log("leg_ringing " + call + " " + std::to_string(leg));
    auto it = calls_.find(call);
    if (it == calls_.end() || it->second.progressed) return;
    it->second.progressed = true;
    server_->progress(call, 180, "Ringing");
  }
  void leg_answered(const CallId& call, LegId leg) override {
    log("leg_answered " + call + " " + std::to_string(leg));
    auto it = calls_.find(call);
    if (it == calls_.end()) return;
    if (it->second.bridged) {
      server_->release(call, leg);
      return;
    }
    it->second.bridged = true;
    it->second.answered_leg = leg;
    log("action bridge " + call + " " + std::to_string(leg));
    server_->bridge(call, leg);
    release_others(call, it->second, leg);
  }
  void leg_failed(const CallId& call, LegId leg, int status) override {
    log("leg_failed " + call + " " + std::to_string(leg) + " " + std::to_string(status));
    auto it = calls_.find(call);
    if (it == calls_.end()) return;
    it->second.failed.insert(leg);
    if (!it->second.bridged && it->second.failed.size() == it->second.legs.size()) {
      const int final_status = it->second.legs.size() == 1 ? status : 480;
      log("action reject " + call + " " + std::to_string(final_status));
      server_->reject(call, final_status, "");
      calls_.erase(it);
    }
  }
  void leg_hung_up(const CallId& call, LegId leg) override {
    log("leg_hung_up " + call + " " + std::to_string(leg));
    auto it = calls_.find(call);
    if (it == calls_.end()) return;
    log("action hang_up_caller " + call);
    server_->hang_up_caller(call);
    release_others(call, it->second, leg);
    calls_.erase(it);
  }
  void caller_cancelled(const CallId& call) override {
    log("caller_cancelled " + call);
    end_call(call);
  }
  void caller_hung_up(const CallId& call) override {
    log("caller_hung_up " + call);
    end_call(call);
  }
  void agent_registered(const callboard::domain::AgentId& agent, const std::string& contact) override {
    registered_.insert(agent);
    say("agent_registered " + agent + " " + contact);
  }
  void agent_unregistered(const callboard::domain::AgentId& agent, const std::string& reason) override {
    registered_.erase(agent);
    say("agent_unregistered " + agent + " " + reason);
  }

 private:
  struct Call {
    std::string caller, caller_name;
    std::set<LegId> legs, failed;
    bool progressed = false;
    bool bridged = false;
    LegId answered_leg = 0;
  };
  void log(const std::string& line) {
    if (!quiet_) say(line);
  }
  void release_others(const CallId& id, const Call& call, LegId keep) {
    for (LegId l : call.legs) {
      if (l == keep || call.failed.count(l)) continue;
      log("action release " + id + " " + std::to_string(l));
      server_->release(id, l);
    }
  }
  void end_call(const CallId& id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    for (LegId l : it->second.legs) {
      if (it->second.failed.count(l)) continue;
      log("action release " + id + " " + std::to_string(l));
      server_->release(id, l);
    }
    calls_.erase(it);
  }

  // Touched on the Sofia thread only (CallSignals are called there).
  std::vector<sip::SipAccount> accounts_;
  bool quiet_;
  sip::SipServer* server_ = nullptr;
  std::set<callboard::domain::AgentId> registered_;
  std::map<CallId, Call> calls_;
};

// Resident memory of this process, from /proc (for the leak check).
std::string rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream in(line.substr(6));
      long kb = 0;
      in >> kb;
      return std::to_string(kb);
    }
  }
  return "0";
}

int usage() {
  std::cerr << "usage: sip_harness --listen HOST:PORT [--dialog-port P] [--realm R] [--domain D]\n"
               "  [--min-expires N] [--max-expires N] [--default-expires N]\n"
               "  [--nonce-lifetime N] [--quiet] [--wait-signal]\n"
               "  --account USER:PASSWORD:AGENT ...\n";
  return 64;
}

bool parse_endpoint(const std::string& text, callboard::domain::Endpoint& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  out.host = text.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  const long port = std::strtol(text.c_str() + colon + 1, nullptr, 10);
  if (port <= 0 || port > 65535) return false;
  out.port = static_cast<std::uint16_t>(port);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  sip::SipServerConfig config;
  bool quiet = false;
  bool wait_signal = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (arg == "--listen") {
      if (!parse_endpoint(value(), config.listen)) return usage();
    } else if (arg == "--dialog-port") {
      config.dialog_port = static_cast<std::uint16_t>(std::stoul(value()));
    } else if (arg == "--realm") {
      config.realm = value();
    } else if (arg == "--domain") {
      config.domain = value();
    } else if (arg == "--min-expires") {
      config.min_expires = static_cast<std::uint32_t>(std::stoul(value()));
    } else if (arg == "--max-expires") {
      config.max_expires = static_cast<std::uint32_t>(std::stoul(value()));
    } else if (arg == "--default-expires") {
      config.default_expires = static_cast<std::uint32_t>(std::stoul(value()));
    } else if (arg == "--nonce-lifetime") {
      config.nonce_lifetime_s = static_cast<std::uint32_t>(std::stoul(value()));
    } else if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--wait-signal") {
      wait_signal = true;
    } else if (arg == "--account") {
      std::istringstream in(value());
      sip::SipAccount a;
      if (!std::getline(in, a.user, ':') || !std::getline(in, a.password, ':') ||
          !std::getline(in, a.agent))
        return usage();
      config.accounts.push_back(a);
    } else {
      return usage();
    }
  }

  // Blocked before any thread starts, so that only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (wait_signal) pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  PrintingMetrics metrics(quiet);
  ScriptedSignals signals(config.accounts, quiet);
  auto server = sip::SipServer::create(config, metrics);
  signals.attach(server.get());
  if (auto s = server->start(signals); !s) {
    say("error " + s.to_string());
    return 2;
  }
  say("ready");

  if (wait_signal) {
    int received = 0;
    sigwait(&stop_signals, &received);
    say("signal " + std::to_string(received));
  }
  std::string line;
  while (!wait_signal && std::getline(std::cin, line)) {
    std::istringstream cmd(line);
    std::string verb;
    cmd >> verb;
    if (verb == "quit") break;
    if (verb == "snapshot") {
      auto snap = server->snapshot();
      if (!snap) {
        say("snapshot error " + snap.status().to_string());
        continue;
      }
      say("snapshot calls=" + std::to_string(snap->calls) +
          " handles=" + std::to_string(snap->nua_handles) +
          " bindings=" + std::to_string(snap->bindings) +
          " users=" + std::to_string(snap->registered_users) + " rss_kb=" + rss_kb());
    } else if (verb == "ring") {
      std::string call, user;
      LegId leg = 0;
      cmd >> call >> leg >> user;
      server->ring(call, leg, user, "harness", "Harness");
    } else if (verb == "originate") {
      std::string call, user, number, name;
      LegId leg = 0;
      cmd >> call >> leg >> user >> number;
      std::getline(cmd >> std::ws, name);
      server->originate(call, leg, user, number, name);
    } else if (verb == "dial") {
      std::string call, uri, caller_id;
      LegId leg = 0, agent_leg = 0;
      cmd >> call >> leg >> agent_leg >> uri >> caller_id;
      server->dial(call, leg, agent_leg, uri, caller_id);
    } else if (verb == "connect") {
      std::string call;
      LegId agent_leg = 0, client_leg = 0;
      cmd >> call >> agent_leg >> client_leg;
      server->connect(call, agent_leg, client_leg);
    } else if (verb == "release") {
      std::string call;
      LegId leg = 0;
      cmd >> call >> leg;
      server->release(call, leg);
    } else if (!verb.empty()) {
      say("unknown command " + verb);
    }
  }
  server->stop();
  // After stop() the Sofia thread is gone: the snapshot must refuse.
  say(server->snapshot().is_ok() ? "snapshot after stop answered" : "stopped");
  metrics.print_totals();
  return 0;
}
