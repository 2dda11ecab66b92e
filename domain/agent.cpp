#include "domain/agent.hpp"

namespace callboard::domain {

const char* to_string(OfferReply r) {
  switch (r) {
    case OfferReply::accepted: return "accepted";
    case OfferReply::busy: return "busy";
    case OfferReply::offline: return "offline";
    case OfferReply::paused: return "paused";
  }
  return "unknown";
}

bool counts_as_missed(const std::string& reason) {
  return reason == "no_answer" || reason == "declined" || reason == "busy";
}

namespace {
AgentStateChanged state_change(const AgentStatus& s, AgentState to, const CallId& call,
                               std::string reason = {}) {
  return AgentStateChanged{s.id, to, std::move(reason), call};
}
// Where an agent goes when nothing holds him.
AgentState idle_state(const AgentStatus& s) {
  if (!s.registered) return AgentState::offline;
  return s.paused ? AgentState::paused : AgentState::available;
}
}  // namespace

std::vector<Event> agent_registered(const AgentStatus& s, const std::string& contact) {
  std::vector<Event> out;
  if (s.registered && s.contact == contact) return out;
  out.emplace_back(AgentRegistered{s.id, contact});
  if (s.state == AgentState::offline) {
    AgentStatus after = s;
    after.registered = true;
    out.emplace_back(state_change(s, idle_state(after), {}));
  }
  return out;
}

std::vector<Event> agent_unregistered(const AgentStatus& s, const std::string& reason) {
  std::vector<Event> out;
  if (!s.registered) return out;
  out.emplace_back(AgentUnregistered{s.id, reason});
  // A call in progress goes on (media flows between the phones); he goes
  // offline when it finishes. A ringing offer fails on its own.
  if (s.state == AgentState::available || s.state == AgentState::paused)
    out.emplace_back(state_change(s, AgentState::offline, {}, reason));
  return out;
}

OfferDecision agent_offer(const AgentStatus& s, const CallId& call) {
  OfferDecision d;
  if (!s.registered || s.state == AgentState::offline) {
    d.reply = OfferReply::offline;
  } else if (s.paused) {
    d.reply = OfferReply::paused;
  } else if (s.state != AgentState::available) {
    d.reply = OfferReply::busy;  // ringing, on a call, or in wrap-up
  } else {
    d.reply = OfferReply::accepted;
    d.events.emplace_back(state_change(s, AgentState::ringing, call));
  }
  return d;
}

std::vector<Event> agent_offer_withdrawn(const AgentStatus& s, const CallId& call,
                                         const std::string& reason, const AgentPolicy& policy) {
  if (s.state != AgentState::ringing || s.call != call) return {};
  std::vector<Event> out;
  bool missed = counts_as_missed(reason);
  if (missed && policy.max_missed_offers > 0 && !s.paused &&
      s.missed_in_row + 1 >= policy.max_missed_offers) {
    std::string why = "missed " + std::to_string(s.missed_in_row + 1) + " offers in a row";
    out.emplace_back(AgentPauseChanged{s.id, true, why, {}});
    out.emplace_back(state_change(s, s.registered ? AgentState::paused : AgentState::offline, {}, why));
    return out;
  }
  out.emplace_back(state_change(s, idle_state(s), {}, missed ? reason : std::string()));
  return out;
}

std::vector<Event> agent_connected(const AgentStatus& s, const CallId& call) {
  if (s.state == AgentState::on_call && s.call == call) return {};
  return {state_change(s, AgentState::on_call, call)};
}

std::vector<Event> agent_call_finished(const AgentStatus& s, const CallId& call,
                                       const AgentPolicy& policy) {
  if (s.call != call || (s.state != AgentState::on_call && s.state != AgentState::ringing))
    return {};
  if (s.state == AgentState::on_call && policy.wrap_up > 0)
    return {state_change(s, AgentState::wrap_up, call)};
  return {state_change(s, idle_state(s), {})};
}

std::vector<Event> agent_wrap_up_done(const AgentStatus& s, const CallId& call) {
  if (s.state != AgentState::wrap_up || s.call != call) return {};
  return {state_change(s, idle_state(s), {})};
}

std::vector<Event> agent_pause(const AgentStatus& s, const std::string& reason, const AgentId& by) {
  if (s.paused && s.pause_reason == reason) return {};
  std::vector<Event> out;
  out.emplace_back(AgentPauseChanged{s.id, true, reason, by});
  if (s.state == AgentState::available) out.emplace_back(state_change(s, AgentState::paused, {}, reason));
  return out;
}

std::vector<Event> agent_resume(const AgentStatus& s, const AgentId& by) {
  if (!s.paused) return {};
  std::vector<Event> out;
  out.emplace_back(AgentPauseChanged{s.id, false, {}, by});
  if (s.state == AgentState::paused) out.emplace_back(state_change(s, AgentState::available, {}));
  return out;
}

AgentStatus evolve(AgentStatus s, const Event& e) {
  if (auto* r = std::get_if<AgentRegistered>(&e)) {
    s.registered = true;
    s.contact = r->contact;
  } else if (std::get_if<AgentUnregistered>(&e)) {
    s.registered = false;
  } else if (auto* p = std::get_if<AgentPauseChanged>(&e)) {
    s.paused = p->paused;
    s.pause_reason = p->paused ? p->reason : std::string();
    s.missed_in_row = 0;
  } else if (auto* c = std::get_if<AgentStateChanged>(&e)) {
    if (c->state == AgentState::on_call) s.missed_in_row = 0;
    if (s.state == AgentState::ringing && c->state != AgentState::on_call && counts_as_missed(c->reason))
      s.missed_in_row++;
    s.state = c->state;
    s.call = c->call;
  }
  return s;
}

}  // namespace callboard::domain
