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

CallFlow::CallFlow(CallId id, std::string caller_name, std::string dialled, std::string department,
                   std::string source)
    : id_(std::move(id)),
      caller_name_(std::move(caller_name)),
      dialled_(std::move(dialled)),
      department_(std::move(department)),
      source_(std::move(source)) {}

const AgentId* CallFlow::leg_agent(LegId leg) const {
  auto it = legs_.find(leg);
  return it == legs_.end() ? nullptr : &it->second.agent;
}

CallOutput CallFlow::start(const Classification& who, std::vector<RouteStep> plan,
                           std::optional<std::vector<AgentId>> first_targets) {
  CallOutput out;
  if (phase_ != Phase::created) return out;
  who_ = who;
  plan_ = std::move(plan);
  phase_ = Phase::routing;
  out.events.emplace_back(CallReceived{id_, who_.caller, dialled_, caller_name_});
  if (!source_.empty()) out.events.emplace_back(CallAttributed{id_, source_});
  out.events.emplace_back(CallClassified{id_, who_.client, who_.responsible, who_.region});
  step_ = 0;
  start_step(out, first_targets ? &*first_targets : nullptr);
  return out;
}

// ---- steps and attempts --------------------------------------------------------

void CallFlow::start_step(CallOutput& out, const std::vector<AgentId>* known) {
  if (step_ >= plan_.size()) {
    out.commands.emplace_back(call_cmd::Reject{480, "Temporarily Unavailable"});
    end(out, CallOutcome::no_agent, EndedBy::system, 480);
    return;
  }
  ++attempt_;
  pending_offers_.clear();
  const RouteStep& s = step();
  if (s.finds_targets()) {
    if (known) take_targets(out, *known);
    else out.commands.emplace_back(call_cmd::FindTargets{attempt_, s, offered_});
    return;
  }
  switch (s.kind) {
    case StepKind::responsible:
    case StepKind::department:
    case StepKind::agents:
      return;  // finds_targets()
    case StepKind::auto_assign:
      out.commands.emplace_back(call_cmd::AutoAssign{attempt_, s.department, who_.caller});
      return;
    case StepKind::queue:
      out.commands.emplace_back(call_cmd::Enqueue{attempt_, s.department});
      return;
    case StepKind::reject:
      out.events.emplace_back(RoutingDecided{id_, s.rule, {}});
      out.commands.emplace_back(call_cmd::Reject{s.status, s.reason});
      end(out, s.outcome, EndedBy::system, s.status);
      return;
  }
}

void CallFlow::advance(CallOutput& out) {
  if (phase_ == Phase::queued) leave_queue(out);
  phase_ = Phase::routing;
  ++step_;
  start_step(out);
}

void CallFlow::offer(CallOutput& out, const std::string& rule, const std::vector<AgentId>& agents,
                     Duration timeout) {
  out.events.emplace_back(RoutingDecided{id_, rule, agents});
  for (const auto& agent : agents) {
    pending_offers_.insert(agent);
    if (std::find(offered_.begin(), offered_.end(), agent) == offered_.end()) offered_.push_back(agent);
    out.commands.emplace_back(call_cmd::Offer{attempt_, agent});
  }
  out.commands.emplace_back(call_cmd::StartTimer{attempt_, TimerKind::ring, timeout});
}

// Nobody of this attempt is ringing any more and nobody answered.
void CallFlow::attempt_failed(CallOutput& out) {
  pending_offers_.clear();
  if (phase_ == Phase::queued) {
    // Back in line, at the place the call had.
    out.commands.emplace_back(call_cmd::Requeue{step().department, offered_});
    return;
  }
  if (step().hunt() && step().kind != StepKind::responsible) {
    ++attempt_;  // the next agent of the hunt
    out.commands.emplace_back(call_cmd::FindTargets{attempt_, step(), offered_});
    return;
  }
  advance(out);
}

bool CallFlow::attempt_has_live_legs() const {
  return std::any_of(legs_.begin(), legs_.end(), [&](const auto& kv) {
    return kv.second.attempt == attempt_ && kv.second.state == LegState::ringing;
  });
}

void CallFlow::maybe_attempt_over(CallOutput& out) {
  if (pending_offers_.empty() && !attempt_has_live_legs()) attempt_failed(out);
}

// ---- answers to the flow's requests -------------------------------------------

CallOutput CallFlow::on_targets(std::uint64_t attempt, const std::vector<AgentId>& targets) {
  CallOutput out;
  if (phase_ != Phase::routing || attempt != attempt_) return out;
  take_targets(out, targets);
  return out;
}

void CallFlow::take_targets(CallOutput& out, const std::vector<AgentId>& targets) {
  if (targets.empty()) {
    advance(out);
    return;
  }
  offer(out, step().rule, targets, step().timeout);
}

CallOutput CallFlow::on_offer_reply(std::uint64_t attempt, const AgentId& agent, bool accepted) {
  CallOutput out;
  bool current = (phase_ == Phase::routing || phase_ == Phase::queued) && attempt == attempt_ &&
                 pending_offers_.erase(agent) > 0;
  if (!current) {
    // The attempt or the call moved on while the agent was being asked.
    if (accepted) out.commands.emplace_back(call_cmd::Withdraw{agent, "expired"});
    return out;
  }
  if (accepted) {
    LegId leg = next_leg_++;
    legs_[leg] = Leg{agent, attempt_, LegState::ringing};
    out.events.emplace_back(AgentOffered{id_, agent});
    out.commands.emplace_back(call_cmd::Ring{leg, agent});
  } else {
    maybe_attempt_over(out);
  }
  return out;
}

CallOutput CallFlow::on_timer(std::uint64_t attempt, TimerKind kind) {
  CallOutput out;
  switch (kind) {
    case TimerKind::ring:
      if ((phase_ != Phase::routing && phase_ != Phase::queued) || attempt != attempt_) return out;
      for (auto& [leg, l] : legs_) {
        if (l.state == LegState::ringing && l.attempt == attempt_) release_leg(out, leg, 0, "no_answer");
      }
      attempt_failed(out);
      return out;
    case TimerKind::queue_wait:
      if (phase_ != Phase::queued || attempt != queue_attempt_) return out;
      for (auto& [leg, l] : legs_) {
        if (l.state == LegState::ringing) release_leg(out, leg, 0, "queue_timeout");
      }
      advance(out);  // leaves the queue
      return out;
    case TimerKind::announce:
      if (phase_ != Phase::queued || attempt != queue_attempt_) return out;
      out.commands.emplace_back(call_cmd::Progress{182, "Queued"});
      out.commands.emplace_back(call_cmd::StartTimer{attempt, TimerKind::announce, step().announce});
      return out;
  }
  return out;
}

CallOutput CallFlow::on_enqueued(std::uint64_t attempt, bool accepted) {
  CallOutput out;
  if (phase_ != Phase::routing || attempt != attempt_ || step().kind != StepKind::queue) {
    if (accepted) out.commands.emplace_back(call_cmd::LeaveQueue{step().department});
    return out;
  }
  if (!accepted) {  // full, or nobody there to serve it
    advance(out);
    return out;
  }
  phase_ = Phase::queued;
  queue_attempt_ = attempt;
  out.events.emplace_back(CallQueued{id_, step().department});
  out.commands.emplace_back(call_cmd::Progress{182, "Queued"});
  out.commands.emplace_back(call_cmd::StartTimer{attempt, TimerKind::queue_wait, step().max_wait});
  if (step().announce > 0)
    out.commands.emplace_back(call_cmd::StartTimer{attempt, TimerKind::announce, step().announce});
  return out;
}

CallOutput CallFlow::on_queue_offer(const AgentId& agent) {
  CallOutput out;
  if (phase_ != Phase::queued) return out;
  if (!pending_offers_.empty() || attempt_has_live_legs()) {
    // Already ringing somebody from the queue: the dispatcher's view was stale.
    out.commands.emplace_back(call_cmd::Requeue{step().department, offered_});
    return out;
  }
  ++attempt_;
  offer(out, "queue", {agent}, step().timeout);
  return out;
}

CallOutput CallFlow::on_owner(std::uint64_t attempt, const AgentId& owner, ClientId client) {
  CallOutput out;
  if (phase_ != Phase::routing || attempt != attempt_ || step().kind != StepKind::auto_assign) return out;
  if (owner.empty() || client == 0) {
    advance(out);
    return out;
  }
  who_.client = client;
  who_.responsible = owner;
  out.events.emplace_back(CallClassified{id_, client, owner, who_.region});
  offer(out, "auto_assign", {owner}, step().timeout);
  return out;
}

// ---- the legs -------------------------------------------------------------------

CallOutput CallFlow::on_leg_ringing(LegId leg) {
  CallOutput out;
  auto it = legs_.find(leg);
  if ((phase_ != Phase::routing && phase_ != Phase::queued) || it == legs_.end() ||
      it->second.state != LegState::ringing)
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
  if (phase_ != Phase::routing && phase_ != Phase::queued) {
    // Someone else won (or the caller left) while this phone was picked up.
    release_leg(out, leg, 200, phase_ == Phase::answered ? "answered_elsewhere" : "cancelled");
    return out;
  }
  if (phase_ == Phase::queued) leave_queue(out);
  phase_ = Phase::answered;
  answered_leg_ = leg;
  it->second.state = LegState::answered;
  out.events.emplace_back(CallAnswered{id_, it->second.agent});
  out.commands.emplace_back(call_cmd::Bridge{leg});
  out.commands.emplace_back(call_cmd::Connect{it->second.agent});
  for (auto& [other, l] : legs_) {
    if (other != leg && l.state == LegState::ringing) release_leg(out, other, 0, "answered_elsewhere");
  }
  pending_offers_.clear();  // late acceptances are withdrawn on arrival
  return out;
}

CallOutput CallFlow::on_leg_failed(LegId leg, int sip_status) {
  CallOutput out;
  auto it = legs_.find(leg);
  if (it == legs_.end() || it->second.state != LegState::ringing) return out;
  it->second.state = LegState::over;
  std::string reason = failure_reason(sip_status);
  out.events.emplace_back(OfferFailed{id_, it->second.agent, sip_status, reason});
  out.commands.emplace_back(call_cmd::Withdraw{it->second.agent, reason});
  if ((phase_ == Phase::routing || phase_ == Phase::queued) && it->second.attempt == attempt_)
    maybe_attempt_over(out);
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
  if (phase_ == Phase::routing || phase_ == Phase::queued) {
    release_all(out, "cancelled");
    if (phase_ == Phase::queued) leave_queue(out);
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
  if (phase_ == Phase::routing || phase_ == Phase::queued) return on_caller_cancelled();
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
    case Phase::queued:
      release_all(out, reason);
      if (phase_ == Phase::queued) leave_queue(out);
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

// ---- helpers ----------------------------------------------------------------------

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

void CallFlow::leave_queue(CallOutput& out) {
  out.commands.emplace_back(call_cmd::LeaveQueue{step().department});
}

void CallFlow::end(CallOutput& out, CallOutcome outcome, EndedBy by, int sip_status) {
  phase_ = Phase::ended;
  out.events.emplace_back(CallEnded{id_, outcome, by, sip_status});
  bool missed = outcome == CallOutcome::abandoned || outcome == CallOutcome::no_agent ||
                outcome == CallOutcome::closed;
  if (missed && answered_leg_ == 0)
    out.commands.emplace_back(call_cmd::MissedCall{who_.client, who_.responsible, department_, who_.caller});
  out.commands.emplace_back(call_cmd::Done{});
}

}  // namespace callboard::domain
