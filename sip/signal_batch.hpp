#pragma once
// Holds the telephony signals of one stretch of SIP input and lets them go
// together (actors::CallSignals::flush()), so that the actors' worker is
// woken once per stretch rather than once per signal.
//
// Why: the Sofia thread and the actor worker often share a CPU. Each signal
// handed to a sleeping worker woke it there; it preempted the Sofia thread
// at once, ran a few microseconds and slept again: two context switches per
// SIP message, while the datagrams behind it (a burst of the callers' BYEs
// with an INVITE among them) waited in the socket (docs/BENCHMARKS.md,
// routing, fifth pass, and next steps).
//
// When: every signal goes to `inner` at once (it holds them); the batch is
// flushed once the sockets given to attach() have nothing more to read, or
// when it holds `max_signals`, or when its first signal has been held for
// `max_hold`, or at once when the signal is a new call (its routing is the
// latency that matters; holding it behind the rest of a burst made the
// median worse: docs/BENCHMARKS.md, routing, sixth pass). A zero-delay
// Sofia timer, armed while anything is held, makes the loop decide before
// it can go to sleep: a held signal never waits for the next datagram.
// While input is pending the timer is set 1 ms ahead as well, so that a
// loop that sleeps all the same (the input there but not being read) lets
// the batch go within a millisecond of `max_hold`.
//
// Sofia thread only, like CallSignals itself.

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <vector>

#include "actors/ports.hpp"
#include "domain/status.hpp"

struct su_root_s;
struct su_timer_s;

namespace callboard::sip {

struct SignalBatchLimits {
  std::size_t max_signals = 64;
  std::chrono::microseconds max_hold{200};
};

class SignalBatch final : public actors::CallSignals {
 public:
  SignalBatch(actors::CallSignals& inner, SignalBatchLimits limits = {});
  ~SignalBatch() override;  // detaches
  SignalBatch(const SignalBatch&) = delete;
  SignalBatch& operator=(const SignalBatch&) = delete;

  // Starts batching on `root` (its thread), the stretch of input lasting
  // while any of `input_fds` has something to read. Until attach() (and
  // after detach()) every signal is flushed at once.
  // Errors: unavailable when Sofia cannot make the timer or the root
  // already has a prepoll hook.
  Status attach(su_root_s* root, std::vector<int> input_fds);
  void detach();  // flushes what is held

  // The UDP sockets of this process bound to one of `ports` (any address):
  // the server's own, found after nua bound them.
  static std::vector<int> udp_sockets_on(const std::vector<unsigned short>& ports);

  // actors::CallSignals
  void incoming(actors::IncomingCall call) override;
  void leg_ringing(const actors::CallId& call, actors::LegId leg) override;
  void leg_answered(const actors::CallId& call, actors::LegId leg) override;
  void leg_failed(const actors::CallId& call, actors::LegId leg, int status) override;
  void leg_hung_up(const actors::CallId& call, actors::LegId leg) override;
  void caller_cancelled(const actors::CallId& call) override;
  void caller_hung_up(const actors::CallId& call) override;
  void agent_registered(const actors::AgentId& agent, const std::string& contact) override;
  void agent_unregistered(const actors::AgentId& agent, const std::string& reason) override;
  void flush() override;

  // For tests and diagnostics: batches flushed, signals flushed.
  std::size_t batches() const { return batches_; }
  std::size_t signals() const { return signals_; }

  // The timer's and the prepoll hook's entries (Sofia callbacks).
  void decide();
  void on_turn();

 private:
  void held();
  void arm(long ms);  // the decision timer, `ms` from now
  bool input_pending();  // poll() writes revents into inputs_

  actors::CallSignals& inner_;
  const SignalBatchLimits limits_;
  su_root_s* root_ = nullptr;
  su_timer_s* timer_ = nullptr;
  bool armed_ = false;
  std::vector<pollfd> inputs_;  // the sockets given to attach(), polled for POLLIN
  std::size_t held_ = 0;
  std::chrono::steady_clock::time_point first_held_{};
  std::size_t batches_ = 0;
  std::size_t signals_ = 0;
};

}  // namespace callboard::sip
