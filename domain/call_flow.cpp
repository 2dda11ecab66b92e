#include "domain/call_flow.hpp"

#include <algorithm>

namespace callboard::domain {

namespace {
// Why an agent's leg failed, in words the statistics and the panel use.
std::string failure_reason(int status) {
  switch (status) {
    case 486: case 600: return "busy";
    case 603: return "declined";
    case 408: case 480: return "no_answer";
    case 404: case 410: case 484: return "unreachable";
    default: return "failed";
  }
}
}  // namespace

CallFlow::CallFlow(CallId id, std::string caller_raw, std::string caller_name, std::string dialled)
    : id_(std::move(id)),
      caller_raw_(std::move(caller_raw)),
      caller_name_(std::move(caller_name)),
      dialled_(std::move(dialled)) {}

const AgentId* CallFlow::leg_agent(LegId leg) const {
  auto it = legs_.find(leg);
  return it == legs_.end() ? nullptr : &it->second.agent;
}

CallOutput CallFlow::start(const Classification& who, std::vector<RouteStep> plan) {
  CallOutput out;
  if (phase_ != Phase::created) return out;
  who_ = who;
  plan_ = std::move(plan);
  phase_ = Phase::routing;
  out.events.emplace_back(CallReceived{id_, who_.caller, dialled_, caller_name_});
  out.events.emplace_back(CallClassified{id_, who_.client, who_.responsible, who_.region});
  step_ = 0;
  start_step(out);
  return out;
}

void CallFlow::start_step(CallOutput& out) {
  if (step_ >= plan_.size()) {
    out.commands.emplace_back(call_cmd::Reject{480, "Temporarily Unavailable"});
    end(out, CallOutcome::no_agent, EndedBy::system, 480);
    return;
  }
  out.commands.emplace_back(call_cmd::FindTargets{step_, plan_[step_], offered_});
}

CallOutput CallFlow::on_targets(std::size_t step, const std::vector<AgentId>& targets) {
  CallOutput out;
  if (phase_ != Phase::routing || step != step_) return out;
  if (targets.empty()) {
    advance(out);
    return out;
  }
  out.events.emplace_back(RoutingDecided{id_, to_string(plan_[step_].kind), targets});
  for (const auto& agent : targets) {
    pending_offers_.insert(agent);
    offered_.push_back(agent);
    out.commands.emplace_back(call_cmd::Offer{step_, agent});
  }
  out.commands.emplace_back(call_cmd::StartTimer{step_, plan_[step_].timeout});
  return out;
}

CallOutput CallFlow::on_offer_reply(std::size_t step, const AgentId& agent, bool accepted) {
  CallOutput out;
  bool current = phase_ == Phase::routing && step == step_ && pending_offers_.erase(agent) > 0;
  if (!current) {
    // The step or the call moved on while the agent was being asked.
    if (accepted) out.commands.emplace_back(call_cmd::Withdraw{agent, "expired"});
    return out;
  }
  if (accepted) {
    LegId leg = next_leg_++;
    legs_[leg] = Leg{agent, step_, LegState::ringing};
    out.events.emplace_back(AgentOffered{id_, agent});
    out.commands.emplace_back(call_cmd::Ring{leg, agent});
  } else {
    maybe_step_exhausted(out);
  }
  return out;
}

CallOutput CallFlow::on_step_timeout(std::size_t step) {
  CallOutput out;
  if (phase_ != Phase::routing || step != step_) return out;
  for (auto& [leg, l] : legs_) {
    if (l.state == LegState::ringing && l.step == step_) release_leg(out, leg, 0, "no_answer");
  }
  advance(out);
  return out;
}

CallOutput CallFlow::on_leg_ringing(LegId leg) {
  CallOutput out;
  auto it = legs_.find(leg);
  if (phase_ != Phase::routing || it == legs_.end() || it->second.state != LegState::ringing)
    return out;
  if (!ringing_relayed_) {
    ringing_relayed_ = true;
    out.commands.emplace_back(call_cmd::Progress{180, "Ringing"});
  }
  return out;
}

CallOutput CallFlow::on_leg_answered(LegId leg) {
  CallOutput out;
  auto it = legs_.find(leg);
  if (it == legs_.end() || it->second.state != LegState::ringing) return out;
  if (phase_ != Phase::routing) {
    // Someone else won (or the caller left) while this phone was picked up.
    release_leg(out, leg, 200, phase_ == Phase::answered ? "answered_elsewhere" : "cancelled");
    return out;
  }
  phase_ = Phase::answered;
  answered_leg_ = leg;
  it->second.state = LegState::answered;
  out.events.emplace_back(CallAnswered{id_, it->second.agent});
  out.commands.emplace_back(call_cmd::Bridge{leg});
  out.commands.emplace_back(call_cmd::Connect{it->second.agent});
  for (auto& [other, l] : legs_) {
    if (other != leg && l.state == LegState::ringing)
      release_leg(out, other, 0, "answered_elsewhere");
  }
  pending_offers_.clear();  // late acceptances are withdrawn on arrival
  return out;
}

CallOutput CallFlow::on_leg_failed(LegId leg, int sip_status) {
  CallOutput out;
  auto it = legs_.find(leg);
  if (it == legs_.end() || it->second.state != LegState::ringing) return out;
  it->second.state = LegState::over;
  out.events.emplace_back(OfferFailed{id_, it->second.agent, sip_status, failure_reason(sip_status)});
  out.commands.emplace_back(call_cmd::Withdraw{it->second.agent, failure_reason(sip_status)});
  if (phase_ == Phase::routing && it->second.step == step_) maybe_step_exhausted(out);
  return out;
}

CallOutput CallFlow::on_leg_hung_up(LegId leg) {
  CallOutput out;
  if (phase_ != Phase::answered || leg != answered_leg_) return out;
  Leg& l = legs_[leg];
  l.state = LegState::over;
  out.commands.emplace_back(call_cmd::HangUpCaller{});
  out.commands.emplace_back(call_cmd::Finish{l.agent});
  end(out, CallOutcome::answered, EndedBy::agent, 0);
  return out;
}

CallOutput CallFlow::on_caller_cancelled() {
  CallOutput out;
  if (phase_ == Phase::routing) {
    release_all(out, "cancelled");
    end(out, CallOutcome::abandoned, EndedBy::caller, 487);
  } else if (phase_ == Phase::answered) {
    // The CANCEL crossed our 200: the telephony side reports it only when the
    // CANCEL ended the INVITE (487 sent), so the caller never got connected.
    // The agent who picked up is released.
    Leg& l = legs_[answered_leg_];
    l.state = LegState::over;
    out.commands.emplace_back(call_cmd::Release{answered_leg_});
    out.commands.emplace_back(call_cmd::Finish{l.agent});
    end(out, CallOutcome::abandoned, EndedBy::caller, 487);
  }
  return out;
}

CallOutput CallFlow::on_caller_hung_up() {
  CallOutput out;
  if (phase_ == Phase::routing) return on_caller_cancelled();
  if (phase_ != Phase::answered) return out;
  Leg& l = legs_[answered_leg_];
  l.state = LegState::over;
  out.commands.emplace_back(call_cmd::Release{answered_leg_});
  out.commands.emplace_back(call_cmd::Finish{l.agent});
  end(out, CallOutcome::answered, EndedBy::caller, 0);
  return out;
}

CallOutput CallFlow::abort(const std::string& reason) {
  CallOutput out;
  switch (phase_) {
    case Phase::created:
    case Phase::ended:
      return out;
    case Phase::routing:
      release_all(out, reason);
      out.commands.emplace_back(call_cmd::Reject{500, "Server Internal Error"});
      end(out, CallOutcome::failed, EndedBy::system, 500);
      return out;
    case Phase::answered: {
      Leg& l = legs_[answered_leg_];
      l.state = LegState::over;
      out.commands.emplace_back(call_cmd::Release{answered_leg_});
      out.commands.emplace_back(call_cmd::HangUpCaller{});
      out.commands.emplace_back(call_cmd::Finish{l.agent});
      end(out, CallOutcome::answered, EndedBy::system, 0);
      return out;
    }
  }
  return out;
}

void CallFlow::advance(CallOutput& out) {
  pending_offers_.clear();
  ++step_;
  start_step(out);
}

bool CallFlow::step_has_live_legs() const {
  return std::any_of(legs_.begin(), legs_.end(), [&](const auto& kv) {
    return kv.second.step == step_ && kv.second.state == LegState::ringing;
  });
}

void CallFlow::maybe_step_exhausted(CallOutput& out) {
  if (pending_offers_.empty() && !step_has_live_legs()) advance(out);
}

void CallFlow::release_leg(CallOutput& out, LegId leg, int sip_status, const std::string& reason) {
  Leg& l = legs_[leg];
  l.state = LegState::over;
  out.events.emplace_back(OfferFailed{id_, l.agent, sip_status, reason});
  out.commands.emplace_back(call_cmd::Release{leg});
  out.commands.emplace_back(call_cmd::Withdraw{l.agent, reason});
}

void CallFlow::release_all(CallOutput& out, const std::string& reason) {
  for (auto& [leg, l] : legs_) {
    if (l.state == LegState::ringing) release_leg(out, leg, 0, reason);
  }
  pending_offers_.clear();
}

void CallFlow::end(CallOutput& out, CallOutcome outcome, EndedBy by, int sip_status) {
  phase_ = Phase::ended;
  out.events.emplace_back(CallEnded{id_, outcome, by, sip_status});
  out.commands.emplace_back(call_cmd::Done{});
}

}  // namespace callboard::domain
