#pragma once
// Click-to-call as the panel's API sees it: "ring my phone, then this
// client's number". No CAF here. Implemented by actors::CallCenter; the
// composition root hands the web a DeferredOriginate attached once the
// actors run.
//
// Threading: originate() blocks until the agent's actor has accepted or
// refused the call (a few milliseconds); call it from a thread that may
// wait (an HTTP worker thread), never from the web's io thread or an actor.

#include <atomic>
#include <string>

#include "domain/outbound_flow.hpp"
#include "domain/types.hpp"

namespace callboard::actors {

struct OriginateRequest {
  domain::AgentId agent;     // whose phone rings first; a configured agent
  domain::ClientId client = 0;
  std::string number;        // the client's number, E.164
};

struct OriginateReply {
  // placed: `call` is the new call (call/<id>), his phone is being rung.
  // busy / offline / paused: he cannot take it now; nothing was recorded.
  // unavailable: no outbound route, an unknown agent, the server is
  // starting or stopping, or no answer in time.
  domain::OriginateCode code = domain::OriginateCode::unavailable;
  domain::CallId call;
  std::string message;  // for a person: why it was refused
};

class OriginatePort {
 public:
  virtual ~OriginatePort() = default;
  virtual OriginateReply originate(const OriginateRequest& request) = 0;
};

// A port to attach later (the web server starts before the actors). Until
// attach(), and after attach(nullptr), every request is `unavailable`.
// REQUIRES: the target outlives every call made through this port.
class DeferredOriginate final : public OriginatePort {
 public:
  void attach(OriginatePort* target) { target_.store(target); }
  OriginateReply originate(const OriginateRequest& request) override {
    OriginatePort* t = target_.load();
    if (!t) return {domain::OriginateCode::unavailable, {}, "calls cannot be placed while the server starts or stops"};
    return t->originate(request);
  }

 private:
  std::atomic<OriginatePort*> target_{nullptr};
};

}  // namespace callboard::actors
