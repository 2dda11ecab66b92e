#pragma once
// The queue board: the calls waiting in each queue right now, in the order
// the queue serves them, with when each joined and which agent, if any, the
// queue is ringing for it. What a supervisor watches live.
//
// Folded from a call's events (domain/call_flow.hpp):
//   CallQueued                     the call joins its department's queue
//   RoutingDecided rule "queue"    the queue offers it to an agent (it still waits)
//   AgentOffered / OfferFailed     that agent's phone rings / stopped ringing
//   CallAnswered, CallEnded,
//   CallInterrupted                it leaves the queue
//   RoutingDecided, another rule   it left the queue for the next step of
//                                  its ladder (the queue's maximum wait passed)
// A call that goes back in line after an unanswered offer keeps its place,
// as the queue itself does.
//
// Not part of the views' snapshots or digest: a call waits only while the
// server runs, and start-up recovery ends every call a restart finds open,
// so a board that starts empty after a snapshot is the board a full replay
// gives once recovery has run.
//
// Pure and single-threaded, as CrmViews (whose part it is).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/events.hpp"
#include "domain/types.hpp"

namespace callboard::domain {

struct QueuedCall {
  CallId call;
  std::string queue;        // the department whose queue it is in
  Timestamp since = 0;      // when it joined the queue (CallQueued's time)
  std::uint64_t order = 0;  // CallQueued's log sequence: who joined first
  AgentId offered;          // the agent being rung for it now, or empty
};

class QueueBoard {
 public:
  // REQUIRES: events in log order, each once.
  void apply(const RecordedEvent& e);

  // The calls waiting in `queue`, first to be served first.
  std::vector<QueuedCall> waiting(const std::string& queue) const;
  // Every waiting call, by queue id, then by place in its queue.
  std::vector<QueuedCall> all() const;
  const QueuedCall* find(const CallId& call) const;
  std::size_t size() const { return calls_.size(); }

  // Moves on every change of the board, so a reader can tell whether a
  // batch of events changed it without comparing boards.
  std::uint64_t version() const { return version_; }

 private:
  void leave(const CallId& call);

  std::unordered_map<CallId, QueuedCall> calls_;
  std::uint64_t version_ = 0;
};

}  // namespace callboard::domain
