#include "domain/agent.hpp"

namespace callboard::domain {

const char* to_string(OfferReply r) {
  switch (r) {
    case OfferReply::accepted: return "accepted";
    case OfferReply::busy: return "busy";
    case OfferReply::offline: return "offline";
  }
  return "unknown";
}

namespace {
AgentStateChanged state_change(const AgentStatus& s, AgentState to, const CallId& call,
                               std::string reason = {}) {
  return AgentStateChanged{s.id, to, std::move(reason), call};
}
// Where an agent goes when a call lets go of him.
AgentState idle_state(const AgentStatus& s) {
  return s.registered ? AgentState::available : AgentState::offline;
}
}  // namespace

std::vector<Event> agent_registered(const AgentStatus& s, const std::string& contact) {
  std::vector<Event> out;
  if (s.registered && s.contact == contact) return out;
  out.emplace_back(AgentRegistered{s.id, contact});
  if (s.state == AgentState::offline) out.emplace_back(state_change(s, AgentState::available, {}));
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
  } else if (s.state != AgentState::available) {
    d.reply = OfferReply::busy;
  } else {
    d.reply = OfferReply::accepted;
    d.events.emplace_back(state_change(s, AgentState::ringing, call));
  }
  return d;
}

std::vector<Event> agent_offer_withdrawn(const AgentStatus& s, const CallId& call) {
  if (s.state != AgentState::ringing || s.call != call) return {};
  return {state_change(s, idle_state(s), {})};
}

std::vector<Event> agent_connected(const AgentStatus& s, const CallId& call) {
  if (s.state == AgentState::on_call && s.call == call) return {};
  return {state_change(s, AgentState::on_call, call)};
}

std::vector<Event> agent_call_finished(const AgentStatus& s, const CallId& call) {
  if (s.call != call || (s.state != AgentState::on_call && s.state != AgentState::ringing))
    return {};
  return {state_change(s, idle_state(s), {})};
}

AgentStatus evolve(AgentStatus s, const Event& e) {
  if (auto* r = std::get_if<AgentRegistered>(&e)) {
    s.registered = true;
    s.contact = r->contact;
  } else if (std::get_if<AgentUnregistered>(&e)) {
    s.registered = false;
  } else if (auto* c = std::get_if<AgentStateChanged>(&e)) {
    s.state = c->state;
    s.call = c->call;
  }
  return s;
}

}  // namespace callboard::domain
