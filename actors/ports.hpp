#pragma once
// The contracts between the actor layer and its adapters. No CAF here: sip/,
// web/ and monitoring/ include this header only.
//
//   sip/  --CallSignals-->  actors  --TelephonyPort-->  sip/
//                           actors  --PanelPort------>  web/
//   sip/, web/ --SipMetrics / HttpMetrics--> monitoring/
//
// Every method of every port is thread-safe and returns at once (it posts to
// the receiving side's own thread or mailbox). Ids that are no longer known
// to the receiver (a call that ended meanwhile) are ignored, not errors.

#include <optional>
#include <string>
#include <string_view>

#include "domain/types.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::actors {

using domain::AgentId;
using domain::CallId;
using domain::LegId;

// An INVITE that reached a dialled number.
struct IncomingCall {
  CallId call;              // assigned by the telephony adapter, unique
  std::string caller;       // From URI user part, as sent
  std::string caller_name;  // From display name, may be empty
  std::string dialled;      // Request-URI user part
};

// Telephony effects the call actors ask for. Implemented by sip/.
class TelephonyPort {
 public:
  virtual ~TelephonyPort() = default;
  // INVITE every registered contact of the agent's SIP user with the
  // caller's SDP, From showing the caller. Progress comes back as
  // CallSignals::leg_*. No registered contact: leg_failed(480).
  virtual void ring(const CallId& call, LegId leg, const std::string& sip_user,
                    const std::string& caller, const std::string& caller_name) = 0;
  // Ends an outbound leg: CANCEL while it rings, BYE once answered, nothing
  // when it is already over. No leg_* signal follows for a released leg.
  virtual void release(const CallId& call, LegId leg) = 0;
  // Answers the caller (200) with the SDP of this answered leg.
  virtual void bridge(const CallId& call, LegId leg) = 0;
  // A provisional response to the caller (180 Ringing, 182 Queued).
  virtual void progress(const CallId& call, int status, const std::string& reason) = 0;
  // A final non-2xx response to the caller's INVITE (404, 480, ...).
  virtual void reject(const CallId& call, int status, const std::string& reason) = 0;
  // BYE to the caller after he was answered.
  virtual void hang_up_caller(const CallId& call) = 0;

  // ---- click-to-call: third-party call control, RFC 3725 flow I
  // (sip/README.md). The call has no caller leg; `call` is the actors' id.
  // INVITE every registered contact of the agent's SIP user without SDP, so
  // that his phone offers in its 200; From shows the client. That 200 stays
  // un-ACKed until connect() or release(). Progress: CallSignals::leg_* for
  // `leg`, as for ring(); no registered contact: leg_failed(480).
  virtual void originate(const CallId& call, LegId leg, const std::string& sip_user,
                         const std::string& client_number, const std::string& client_name) = 0;
  // INVITE `uri` (the outbound route) with the SDP offer of the answered
  // leg `agent_leg`, From `caller_id`. Progress: CallSignals::leg_* for `leg`.
  virtual void dial(const CallId& call, LegId leg, LegId agent_leg, const std::string& uri,
                    const std::string& caller_id) = 0;
  // The client answered on `client_leg`: ACK the agent's 200 with the
  // client's SDP answer. release() ends either leg (a pending agent 200 is
  // ACKed with every stream refused, then BYEd).
  virtual void connect(const CallId& call, LegId agent_leg, LegId client_leg) = 0;
};

// What the telephony adapter reports. Implemented by actors/.
//
// Batching: an implementation may hold signals and hand them on together
// at flush(). The adapter calls flush() when it has read everything its
// sockets held (it is about to wait), or sooner after a bounded stretch of
// work, so a signal is held for at most that stretch. Signals are handed on
// in the order they were made.
class CallSignals {
 public:
  virtual ~CallSignals() = default;
  virtual void flush() {}
  virtual void incoming(IncomingCall call) = 0;
  virtual void leg_ringing(const CallId& call, LegId leg) = 0;  // 180/183 from the agent
  virtual void leg_answered(const CallId& call, LegId leg) = 0;  // 200 from the agent (ACKed)
  // A final failure of a leg that was not released: the agent's response
  // (486, 603, ...), 408 when it never answered, 480 with no contact.
  virtual void leg_failed(const CallId& call, LegId leg, int status) = 0;
  virtual void leg_hung_up(const CallId& call, LegId leg) = 0;  // BYE from the agent
  // CANCEL that ended the INVITE (487 sent): before the 200 went out. A
  // CANCEL that crosses our 200 is not reported (the caller ACKs, then BYEs).
  virtual void caller_cancelled(const CallId& call) = 0;
  virtual void caller_hung_up(const CallId& call) = 0;          // BYE from the caller
  // The agent's first binding appeared / his last binding went away.
  virtual void agent_registered(const AgentId& agent, const std::string& contact) = 0;
  virtual void agent_unregistered(const AgentId& agent, const std::string& reason) = 0;
};

// What an agent's screen shows while his phone rings.
struct ScreenPop {
  CallId call;
  std::string caller;            // E.164 when it parsed
  std::string caller_name;
  std::string dialled;
  std::string entry_point_name;  // "Sales line"
  std::string source;            // call tracking: the number's traffic source, or empty
  std::string region;            // "BY", and location below
  std::string location;          // "Минск"
  std::optional<domain::ClientCard> card;  // nullopt: unknown number
};

// Screen pops to agents' pages. Implemented by web/.
class PanelPort {
 public:
  virtual ~PanelPort() = default;
  virtual void screen_pop(const AgentId& agent, const ScreenPop& pop) = 0;
  // reason: "answered" (by him), "answered_elsewhere", "cancelled", "missed", "ended"
  virtual void pop_closed(const AgentId& agent, const CallId& call, const std::string& reason) = 0;
};

// Counters the SIP adapter reports. Implemented by monitoring/.
class SipMetrics {
 public:
  virtual ~SipMetrics() = default;
  virtual void request_received(std::string_view method) = 0;
  virtual void response_sent(int status) = 0;
  virtual void response_received(int status) = 0;
  virtual void auth_failed(std::string_view reason) = 0;  // "bad_password", "unknown_user", ...
  virtual void malformed_message() = 0;
};

// Counters the HTTP adapter reports. Implemented by monitoring/.
class HttpMetrics {
 public:
  virtual ~HttpMetrics() = default;
  virtual void request(std::string_view method, int status) = 0;
  virtual void login_failed() = 0;
  virtual void websocket_opened() = 0;
  virtual void websocket_closed() = 0;
};

// Ports that do nothing, for tests and for adapters that are switched off.
class NullSipMetrics final : public SipMetrics {
 public:
  void request_received(std::string_view) override {}
  void response_sent(int) override {}
  void response_received(int) override {}
  void auth_failed(std::string_view) override {}
  void malformed_message() override {}
};

class NullHttpMetrics final : public HttpMetrics {
 public:
  void request(std::string_view, int) override {}
  void login_failed() override {}
  void websocket_opened() override {}
  void websocket_closed() override {}
};

}  // namespace callboard::actors
