#pragma once
// The waiting calls of every department queue, first come first served
// across all the queues an agent serves. Pure; the routing supervisor owns
// one. A call being offered to an agent from the queue leaves the line but
// keeps its place: when the agent does not take it, it goes back where it
// was (ahead of calls that came after it).

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

struct WaitingCall {
  CallId call;
  std::string queue;
  Timestamp since = 0;           // when it joined
  std::uint64_t order = 0;       // arrival order, across every queue
  std::vector<AgentId> tried;    // agents who let it ring out: not offered it again
};

class CallQueues {
 public:
  // False when the queue already holds max_length calls (waiting or being offered).
  bool join(const std::string& queue, const CallId& call, Timestamp now, std::size_t max_length);
  // Back in line after an offer from the queue was not taken. Returns the
  // queue it went back to; empty when the call was not being offered.
  std::string requeue(const CallId& call, const std::vector<AgentId>& tried);
  // Out of the queue for good (answered, hung up, timed out). No-op if absent.
  void leave(const CallId& call);

  // The oldest call waiting in any of `queues` that `agent` has not tried;
  // it moves to "being offered". nullopt when there is none.
  std::optional<WaitingCall> take_for(const AgentId& agent, const std::vector<std::string>& queues);

  bool any_waiting() const { return !lines_.empty(); }  // some call in line in some queue
  std::size_t waiting(const std::string& queue) const;  // in line, not being offered
  std::size_t size(const std::string& queue) const;     // in line + being offered
  std::vector<WaitingCall> line(const std::string& queue) const;  // in order
  bool contains(const CallId& call) const;

 private:
  // Each sorted by order; a queue with nobody in line has no entry, so
  // any_waiting() is free (the supervisor asks on every agent change).
  std::map<std::string, std::vector<WaitingCall>> lines_;
  std::map<CallId, WaitingCall> offering_;
  // Each waiting call's queue, so that leave() and contains() need not walk
  // every line: under overload thousands of calls wait, and every call
  // that ends leaves.
  std::unordered_map<CallId, std::string> in_line_;
  std::uint64_t next_order_ = 1;
};

}  // namespace callboard::domain
