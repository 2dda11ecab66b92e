#pragma once
// One click-to-call from the agent's request to its end, as a pure state
// machine (third-party call control, RFC 3725 flow I): each input returns
// the events to record and the commands for the outbound call actor to
// carry out. The actor adds no rules.
//
//   claim the agent        his phone answers          the client answers
//  (new) ──────► claiming ───────► ringing_agent ───────► dialing_client ───────► connected
//                  │ refused          │ no answer / fails      │ busy / fails / no     │ BYE from
//                  ▼ (409, nothing    ▼ (CANCEL)               ▼ answer in time        ▼ either side
//                ended  recorded)   ended (abandoned, failed) ended (not_answered)   ended (answered)
//
// Legs: kAgentLeg is the agent's phone, INVITEd without SDP so that his 200
// carries the offer; that 200 stays un-ACKed while the client is dialled
// with the offer (kClientLeg); the client's 200 (the answer) is then sent
// to the agent in the ACK (Connect). The agent's phone retransmits its 200
// for 64*T1 = 32 s only, which bounds the client's answer timeout.
//
// Events on call/<id>: CallPlaced (his phone is being rung), CallAnswered
// (the client answered), CallEnded. Outcomes:
//   answered      the client answered; ended_by agent or caller (= the client)
//   not_answered  the client was busy, refused, unreachable, or did not
//                 answer in time (sip_status: his final response, 408 for
//                 our timeout); ended_by caller when he refused (486, 600,
//                 603), else system
//   abandoned     the agent's phone did not answer in time (408, ended_by
//                 system), he declined it (his response, ended_by agent),
//                 or he hung up before the client answered (ended_by agent)
//   failed        the agent's phone could not be rung (480 no contact, ...)
//                 or the call was aborted before it connected

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "domain/agent.hpp"
#include "domain/config.hpp"
#include "domain/events.hpp"

namespace callboard::domain {

enum class OutboundTimer { agent_ring, client_answer };

// How a request to place a call was answered (the HTTP API maps these).
enum class OriginateCode {
  placed,       // the agent's phone is being rung
  busy,         // he is ringing, on a call or in wrap-up
  offline,      // his phone is not registered
  paused,       // he is paused
  unavailable,  // the server is stopping, or the call ended meanwhile
};
const char* to_string(OriginateCode c);

namespace outbound_cmd {
struct Claim { AgentId agent; };  // offer the call to his actor; answer with on_claimed()
struct RingAgent { LegId leg; };  // INVITE his phone without SDP
// INVITE the client at `uri` with the offer of the answered agent leg.
struct DialClient { LegId leg; LegId agent_leg; std::string uri; std::string caller_id; };
struct Connect { LegId agent_leg; LegId client_leg; };  // ACK the agent with the client's answer
struct Release { LegId leg; };                          // CANCEL, or (ACK and) BYE, that leg
struct StartTimer { OutboundTimer kind; Duration after; };  // on_timer()
struct Withdraw { AgentId agent; std::string reason; };     // his phone never answered
struct Connected { AgentId agent; };                        // he is on the call
struct Finish { AgentId agent; };                           // his call is over
struct Reply { OriginateCode code; std::string message; };  // to whoever asked for the call
struct Done {};                                             // the call is over: stop
}  // namespace outbound_cmd

using OutboundCommand =
    std::variant<outbound_cmd::Claim, outbound_cmd::RingAgent, outbound_cmd::DialClient,
                 outbound_cmd::Connect, outbound_cmd::Release, outbound_cmd::StartTimer,
                 outbound_cmd::Withdraw, outbound_cmd::Connected, outbound_cmd::Finish,
                 outbound_cmd::Reply, outbound_cmd::Done>;

struct OutboundOutput {
  std::vector<Event> events;  // for the call's stream, in order
  std::vector<OutboundCommand> commands;
};

// What a click-to-call is about, fixed when it is asked for.
struct OutboundCall {
  CallId id;
  AgentId agent;
  ClientId client = 0;
  std::string number;     // the client's E.164 number
  std::string uri;        // outbound_uri(route, number)
  std::string caller_id;
  Duration ring_timeout = 30 * kMicrosPerSecond;    // the agent's phone
  Duration answer_timeout = 25 * kMicrosPerSecond;  // the client's phone
};

// The request URI for `number` on the configured route: "{number}" replaced.
std::string outbound_uri(const std::string& route, const std::string& number);
// The call as the configuration has it (its route, caller id and timeouts).
OutboundCall outbound_call(const OutboundConfig& config, CallId id, AgentId agent,
                           ClientId client, const std::string& number);

class OutboundFlow {
 public:
  enum class Phase { created, claiming, ringing_agent, dialing_client, connected, ended };
  static constexpr LegId kAgentLeg = 1;
  static constexpr LegId kClientLeg = 2;

  explicit OutboundFlow(OutboundCall call);

  OutboundOutput start();
  // The agent actor's answer to the claim (domain::agent_offer's reply).
  OutboundOutput on_claimed(OfferReply reply);
  OutboundOutput on_leg_ringing(LegId leg);
  OutboundOutput on_leg_answered(LegId leg);
  OutboundOutput on_leg_failed(LegId leg, int sip_status);
  OutboundOutput on_leg_hung_up(LegId leg);
  OutboundOutput on_timer(OutboundTimer kind);
  // The call must end now (the actor is failing or the server stops).
  OutboundOutput abort(const std::string& reason);

  const OutboundCall& call() const { return call_; }
  Phase phase() const { return phase_; }
  // True once the client's phone has sent a provisional response.
  bool client_ringing() const { return client_ringing_; }

 private:
  void end(OutboundOutput& out, CallOutcome outcome, EndedBy by, int sip_status);

  OutboundCall call_;
  Phase phase_ = Phase::created;
  bool client_ringing_ = false;
};

}  // namespace callboard::domain
