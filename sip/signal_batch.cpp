#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include "sip/signal_batch.hpp"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include <sofia-sip/su_wait.h>
#include <spdlog/spdlog.h>

namespace callboard::sip {
namespace {

void on_timer(Engine*, su_timer_t*, void* arg) { static_cast<SignalBatch*>(arg)->decide(); }
void on_prepoll(void* arg, su_root_t*) { static_cast<SignalBatch*>(arg)->on_turn(); }

unsigned short local_port(int fd, int* type) {
  socklen_t len = sizeof(*type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &len) != 0) return 0;
  sockaddr_storage addr{};
  len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

}  // namespace

SignalBatch::SignalBatch(actors::CallSignals& inner, SignalBatchLimits limits)
    : inner_(inner), limits_(limits) {}

SignalBatch::~SignalBatch() { detach(); }

Status SignalBatch::attach(su_root_t* root, std::vector<int> input_fds) {
  timer_ = su_timer_create(su_root_task(root), 0);
  if (!timer_) return Status::unavailable("signal batching: Sofia cannot make a timer");
  if (su_root_add_prepoll(root, &on_prepoll, this) != 0) {
    su_timer_destroy(timer_);
    timer_ = nullptr;
    return Status::unavailable("signal batching: the Sofia loop already has a prepoll hook");
  }
  root_ = root;
  inputs_.clear();
  for (int fd : input_fds) inputs_.push_back(pollfd{fd, POLLIN, 0});
  return Status::ok();
}

void SignalBatch::detach() {
  flush();
  if (!root_) return;
  if (signals_ > 0)
    spdlog::info("SIP thread: {} signals went to the actors in {} batches", signals_, batches_);
  su_root_remove_prepoll(root_);
  su_timer_destroy(timer_);
  timer_ = nullptr;
  root_ = nullptr;
  armed_ = false;
}

std::vector<int> SignalBatch::udp_sockets_on(const std::vector<unsigned short>& ports) {
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return fds;
  const int own = dirfd(dir);
  while (const dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    int type = 0;
    const unsigned short port = local_port(static_cast<int>(fd), &type);
    if (type == SOCK_DGRAM && std::find(ports.begin(), ports.end(), port) != ports.end())
      fds.push_back(static_cast<int>(fd));
  }
  closedir(dir);
  return fds;
}

void SignalBatch::held() {
  if (held_++ == 0 && root_) first_held_ = std::chrono::steady_clock::now();
  if (!root_ || held_ >= limits_.max_signals) {
    flush();
    return;
  }
  if (!armed_) arm(0);
}

void SignalBatch::on_turn() {
  if (held_ > 0) arm(0);  // decide in this turn, after its messages
}

void SignalBatch::arm(long ms) {
  if (!timer_) return;
  if (su_timer_set_interval(timer_, &on_timer, this, static_cast<su_duration_t>(ms)) == 0) armed_ = true;
  else flush();  // cannot wait for a decision: do not hold
}

void SignalBatch::decide() {
  armed_ = false;
  if (held_ == 0) return;
  if (input_pending() && std::chrono::steady_clock::now() - first_held_ < limits_.max_hold) {
    // The next turn reads it without waiting, and its prepoll hook asks
    // again. Should the loop sleep all the same (the input is there but
    // Sofia is not reading it), the batch goes in a millisecond.
    arm(1);
    return;
  }
  flush();
}

bool SignalBatch::input_pending() {
  return !inputs_.empty() && ::poll(inputs_.data(), inputs_.size(), 0) > 0;
}

void SignalBatch::flush() {
  if (held_ == 0) return;
  ++batches_;
  signals_ += held_;
  held_ = 0;
  if (armed_ && timer_) su_timer_reset(timer_);
  armed_ = false;
  inner_.flush();
}

void SignalBatch::incoming(actors::IncomingCall call) {
  inner_.incoming(std::move(call));
  ++held_;
  flush();  // a new call is routed at once (with what was held before it)
}
void SignalBatch::leg_ringing(const actors::CallId& call, actors::LegId leg) {
  inner_.leg_ringing(call, leg);
  held();
}
void SignalBatch::leg_answered(const actors::CallId& call, actors::LegId leg) {
  inner_.leg_answered(call, leg);
  held();
}
void SignalBatch::leg_failed(const actors::CallId& call, actors::LegId leg, int status) {
  inner_.leg_failed(call, leg, status);
  held();
}
void SignalBatch::leg_hung_up(const actors::CallId& call, actors::LegId leg) {
  inner_.leg_hung_up(call, leg);
  held();
}
void SignalBatch::caller_cancelled(const actors::CallId& call) {
  inner_.caller_cancelled(call);
  held();
}
void SignalBatch::caller_hung_up(const actors::CallId& call) {
  inner_.caller_hung_up(call);
  held();
}
void SignalBatch::agent_registered(const actors::AgentId& agent, const std::string& contact) {
  inner_.agent_registered(agent, contact);
  held();
}
void SignalBatch::agent_unregistered(const actors::AgentId& agent, const std::string& reason) {
  inner_.agent_unregistered(agent, reason);
  held();
}

}  // namespace callboard::sip
