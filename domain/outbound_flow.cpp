#include "domain/outbound_flow.hpp"

namespace callboard::domain {

namespace {
// His own call: an unanswered ring is not a missed offer (agent.hpp counts
// "no_answer", "declined" and "busy" toward the automatic pause).
constexpr const char* kWithdrawReason = "cancelled";

bool refused_by_person(int status) { return status == 486 || status == 600 || status == 603; }
}  // namespace

const char* to_string(OriginateCode c) {
  switch (c) {
    case OriginateCode::placed: return "placed";
    case OriginateCode::busy: return "busy";
    case OriginateCode::offline: return "offline";
    case OriginateCode::paused: return "paused";
    case OriginateCode::unavailable: return "unavailable";
  }
  return "unknown";
}

std::string outbound_uri(const std::string& route, const std::string& number) {
  static const std::string kPlaceholder = "{number}";
  std::string out = route;
  for (auto at = out.find(kPlaceholder); at != std::string::npos; at = out.find(kPlaceholder, at + number.size()))
    out.replace(at, kPlaceholder.size(), number);
  return out;
}

OutboundCall outbound_call(const OutboundConfig& config, CallId id, AgentId agent, ClientId client,
                           const std::string& number) {
  OutboundCall c;
  c.id = std::move(id);
  c.agent = std::move(agent);
  c.client = client;
  c.number = number;
  c.uri = outbound_uri(config.route, number);
  c.caller_id = config.caller_id;
  c.ring_timeout = Duration(config.ring_timeout_s) * kMicrosPerSecond;
  c.answer_timeout = Duration(config.answer_timeout_s) * kMicrosPerSecond;
  return c;
}

OutboundFlow::OutboundFlow(OutboundCall call) : call_(std::move(call)) {}

OutboundOutput OutboundFlow::start() {
  OutboundOutput out;
  if (phase_ != Phase::created) return out;
  phase_ = Phase::claiming;
  out.commands.emplace_back(outbound_cmd::Claim{call_.agent});
  return out;
}

OutboundOutput OutboundFlow::on_claimed(OfferReply reply) {
  OutboundOutput out;
  if (phase_ != Phase::claiming) {
    // Aborted while his actor was asked: give him back.
    if (reply == OfferReply::accepted)
      out.commands.emplace_back(outbound_cmd::Withdraw{call_.agent, kWithdrawReason});
    return out;
  }
  switch (reply) {
    case OfferReply::accepted:
      phase_ = Phase::ringing_agent;
      out.events.emplace_back(CallPlaced{call_.id, call_.agent, call_.client, call_.number, call_.caller_id});
      out.commands.emplace_back(outbound_cmd::RingAgent{kAgentLeg});
      out.commands.emplace_back(outbound_cmd::StartTimer{OutboundTimer::agent_ring, call_.ring_timeout});
      out.commands.emplace_back(outbound_cmd::Reply{OriginateCode::placed, "his phone is ringing"});
      return out;
    case OfferReply::busy:
      out.commands.emplace_back(outbound_cmd::Reply{OriginateCode::busy, call_.agent + " is on another call"});
      break;
    case OfferReply::offline:
      out.commands.emplace_back(
          outbound_cmd::Reply{OriginateCode::offline, call_.agent + "'s phone is not registered"});
      break;
    case OfferReply::paused:
      out.commands.emplace_back(
          outbound_cmd::Reply{OriginateCode::paused, call_.agent + " is paused; resume to place calls"});
      break;
  }
  // Nothing was placed: nothing is recorded.
  phase_ = Phase::ended;
  out.commands.emplace_back(outbound_cmd::Done{});
  return out;
}

OutboundOutput OutboundFlow::on_leg_ringing(LegId leg) {
  // The agent's 180 needs nothing; the client's cannot be relayed to the
  // agent (his dialog waits for our ACK), it is only noted.
  if (leg == kClientLeg && phase_ == Phase::dialing_client) client_ringing_ = true;
  return {};
}

OutboundOutput OutboundFlow::on_leg_answered(LegId leg) {
  OutboundOutput out;
  if (leg == kAgentLeg && phase_ == Phase::ringing_agent) {
    phase_ = Phase::dialing_client;
    out.commands.emplace_back(outbound_cmd::Connected{call_.agent});
    out.commands.emplace_back(outbound_cmd::DialClient{kClientLeg, kAgentLeg, call_.uri, call_.caller_id});
    out.commands.emplace_back(outbound_cmd::StartTimer{OutboundTimer::client_answer, call_.answer_timeout});
  } else if (leg == kClientLeg && phase_ == Phase::dialing_client) {
    phase_ = Phase::connected;
    out.events.emplace_back(CallAnswered{call_.id, call_.agent});
    out.commands.emplace_back(outbound_cmd::Connect{kAgentLeg, kClientLeg});
  }
  return out;
}

OutboundOutput OutboundFlow::on_leg_failed(LegId leg, int sip_status) {
  OutboundOutput out;
  if (leg == kAgentLeg && phase_ == Phase::ringing_agent) {
    out.commands.emplace_back(outbound_cmd::Withdraw{call_.agent, kWithdrawReason});
    if (refused_by_person(sip_status))
      end(out, CallOutcome::abandoned, EndedBy::agent, sip_status);
    else
      end(out, CallOutcome::failed, EndedBy::system, sip_status);
  } else if (leg == kClientLeg && phase_ == Phase::dialing_client) {
    out.commands.emplace_back(outbound_cmd::Release{kAgentLeg});
    out.commands.emplace_back(outbound_cmd::Finish{call_.agent});
    end(out, CallOutcome::not_answered, refused_by_person(sip_status) ? EndedBy::caller : EndedBy::system,
        sip_status);
  }
  return out;
}

OutboundOutput OutboundFlow::on_leg_hung_up(LegId leg) {
  OutboundOutput out;
  if (phase_ == Phase::dialing_client && leg == kAgentLeg) {
    // He gave up while the client's phone rang (or his phone gave up on
    // its un-ACKed 200).
    out.commands.emplace_back(outbound_cmd::Release{kClientLeg});
    out.commands.emplace_back(outbound_cmd::Finish{call_.agent});
    end(out, CallOutcome::abandoned, EndedBy::agent, 0);
  } else if (phase_ == Phase::connected && (leg == kAgentLeg || leg == kClientLeg)) {
    out.commands.emplace_back(outbound_cmd::Release{leg == kAgentLeg ? kClientLeg : kAgentLeg});
    out.commands.emplace_back(outbound_cmd::Finish{call_.agent});
    end(out, CallOutcome::answered, leg == kAgentLeg ? EndedBy::agent : EndedBy::caller, 0);
  }
  return out;
}

OutboundOutput OutboundFlow::on_timer(OutboundTimer kind) {
  OutboundOutput out;
  if (kind == OutboundTimer::agent_ring && phase_ == Phase::ringing_agent) {
    out.commands.emplace_back(outbound_cmd::Release{kAgentLeg});
    out.commands.emplace_back(outbound_cmd::Withdraw{call_.agent, kWithdrawReason});
    end(out, CallOutcome::abandoned, EndedBy::system, 408);
  } else if (kind == OutboundTimer::client_answer && phase_ == Phase::dialing_client) {
    out.commands.emplace_back(outbound_cmd::Release{kClientLeg});
    out.commands.emplace_back(outbound_cmd::Release{kAgentLeg});
    out.commands.emplace_back(outbound_cmd::Finish{call_.agent});
    end(out, CallOutcome::not_answered, EndedBy::system, 408);
  }
  return out;
}

OutboundOutput OutboundFlow::abort(const std::string& reason) {
  OutboundOutput out;
  switch (phase_) {
    case Phase::created:
    case Phase::ended:
      return out;
    case Phase::claiming:
      // His actor may accept after this: the withdrawal follows the claim
      // in his mailbox and gives him back.
      phase_ = Phase::ended;
      out.commands.emplace_back(outbound_cmd::Withdraw{call_.agent, kWithdrawReason});
      out.commands.emplace_back(outbound_cmd::Reply{OriginateCode::unavailable, "the call was ended: " + reason});
      out.commands.emplace_back(outbound_cmd::Done{});
      return out;
    case Phase::ringing_agent:
      out.commands.emplace_back(outbound_cmd::Release{kAgentLeg});
      out.commands.emplace_back(outbound_cmd::Withdraw{call_.agent, kWithdrawReason});
      end(out, CallOutcome::failed, EndedBy::system, 0);
      return out;
    case Phase::dialing_client:
    case Phase::connected: {
      const bool answered = phase_ == Phase::connected;
      out.commands.emplace_back(outbound_cmd::Release{kClientLeg});
      out.commands.emplace_back(outbound_cmd::Release{kAgentLeg});
      out.commands.emplace_back(outbound_cmd::Finish{call_.agent});
      end(out, answered ? CallOutcome::answered : CallOutcome::failed, EndedBy::system, 0);
      return out;
    }
  }
  return out;
}

void OutboundFlow::end(OutboundOutput& out, CallOutcome outcome, EndedBy by, int sip_status) {
  phase_ = Phase::ended;
  out.events.emplace_back(CallEnded{call_.id, outcome, by, sip_status});
  out.commands.emplace_back(outbound_cmd::Done{});
}

}  // namespace callboard::domain
