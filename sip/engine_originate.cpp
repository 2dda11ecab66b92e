// Click-to-call: third-party call control, RFC 3725 flow I.
//
//   agent's phone             Callboard                client (route)
//     <── INVITE (no SDP) ──────┤
//     ─── 180 / 200 (offer) ───>│   (200 left un-ACKed)
//                               ├── INVITE (offer) ──────────>
//                               │<── 180 / 200 (answer) ──────   (ACKed by nua)
//     <── ACK (answer) ─────────┤   connect()
//     <═════════════ media between the two phones ═══════════>
//     BYE from either side: leg_hung_up; the actors release() the other.
//
// The agent's leg forks to every registered contact of his SIP user, one
// nua handle each with NUTAG_AUTOACK(0) (nua must not ACK a 200 whose offer
// we have no answer for yet); the first 200 wins. A 200 that is not used
// (another contact won, the leg was released, the client failed) is ACKed
// with an answer refusing every stream (sdp_refusal.hpp) and then BYEd.
// The client's leg is one INVITE to the route with the agent's offer,
// ACKed by nua as usual.
//
//   branch: inviting ─18x─> ringing ─2xx─> answered ─BYE─> ended
//              └─ release(): CANCEL (cancelling) / (ACK and) BYE (hanging_up)
//              └─ 3xx-6xx ──> failed (all failed: leg_failed(best response))
//
// The inbound path is untouched: an INVITE without SDP from a caller is
// still refused with 488 (engine_inbound.cpp); only legs we originate are
// late offers.

#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_tag.h>

#include "sip/engine.hpp"
#include "sip/fork_policy.hpp"
#include "sip/sdp_refusal.hpp"
#include "sip/sip_text.hpp"

namespace callboard::sip {

namespace {
// Sofia reports its own failures (no transport, bad URI) as 9xx.
int sip_status_of(int status) { return status >= 700 ? 500 : status; }
}  // namespace

void Engine::originate(const domain::CallId& id, domain::LegId leg_id, const std::string& sip_user,
                       const std::string& client_number, const std::string& client_name) {
  if (shutting_down_) return;
  if (calls_.count(id)) {
    // An inbound call with the same id (64 random bits): refuse, never mix.
    if (signals_on()) signals_.leg_failed(id, leg_id, 500);
    return;
  }
  OriginatedCall& call = originated_[id];
  if (call.legs.count(leg_id)) return;  // a leg id is used once
  call.id = id;
  call.agent_leg = leg_id;
  Leg& leg = call.legs[leg_id];
  leg.id = leg_id;

  const bool forked = fork_leg(id, leg, HandleCtx::Kind::originated, sip_user, client_number, client_name,
                              [this](nua_handle_s* nh, const std::string& contact) {
                                // Processed by nua in order, before the INVITE: this
                                // handle's 200 waits for nua_ack() with our answer.
                                nua_set_hparams(nh, NUTAG_AUTOACK(0), TAG_END());
                                const char* ours = dialog_contact_to(contact);
                                nua_invite(nh, NUTAG_URL(contact.c_str()),  // a late offer
                                           TAG_IF(ours, SIPTAG_CONTACT_STR(ours)), TAG_END());
                              });
  if (!forked) forget_originated_if_done(id);
}

void Engine::dial(const domain::CallId& id, domain::LegId leg_id, domain::LegId agent_leg,
                  const std::string& uri, const std::string& caller_id) {
  auto it = originated_.find(id);
  if (it == originated_.end() || shutting_down_) return;
  OriginatedCall& call = it->second;
  auto agent = call.legs.find(agent_leg);
  if (agent == call.legs.end() || !agent->second.answered || agent->second.over || agent->second.released ||
      call.legs.count(leg_id))
    return;
  const Body offer = agent->second.answer;
  Leg& leg = call.legs[leg_id];
  leg.id = leg_id;
  const std::string from = "<" + uri_for(caller_id) + ">";
  const std::string to = "<" + uri + ">";
  auto ctx = std::make_unique<HandleCtx>(HandleCtx{HandleCtx::Kind::originated, id, leg_id, 0});
  nua_handle_t* nh = nua_handle(nua_, ctx.get(), SIPTAG_FROM_STR(from.c_str()), SIPTAG_TO_STR(to.c_str()),
                                TAG_END());
  Branch branch;
  branch.contact = uri;
  if (!nh) {
    branch.state = BranchState::failed;
    branch.final_status = 500;
    leg.branches.push_back(std::move(branch));
    fail_leg_if_done(call.id, leg);
    return;
  }
  handles_[nh] = std::move(ctx);
  branch.nh = nh;
  leg.branches.push_back(std::move(branch));
  const char* ours = dialog_contact_to(uri);
  nua_invite(nh, NUTAG_URL(uri.c_str()), SIPTAG_CONTENT_TYPE_STR(offer.type.c_str()),
             SIPTAG_PAYLOAD_STR(offer.data.c_str()), TAG_IF(ours, SIPTAG_CONTACT_STR(ours)), TAG_END());
}

void Engine::connect(const domain::CallId& id, domain::LegId agent_leg, domain::LegId client_leg) {
  auto it = originated_.find(id);
  if (it == originated_.end() || shutting_down_) return;
  OriginatedCall& call = it->second;
  auto agent = call.legs.find(agent_leg);
  auto client = call.legs.find(client_leg);
  if (agent == call.legs.end() || client == call.legs.end()) return;
  Leg& a = agent->second;
  const Leg& c = client->second;
  if (call.agent_acked || !a.answered || a.released || a.over || !c.answered || c.released || c.over) return;
  Branch& winner = a.branches[a.winner];
  if (!winner.nh || winner.state != BranchState::answered) return;
  nua_ack(winner.nh, SIPTAG_CONTENT_TYPE_STR(c.answer.type.c_str()), SIPTAG_PAYLOAD_STR(c.answer.data.c_str()),
          TAG_END());
  call.agent_acked = true;
  call.answer_sent = c.answer;
}

bool Engine::release_originated(const domain::CallId& id, domain::LegId leg_id) {
  auto it = originated_.find(id);
  if (it == originated_.end()) return false;
  auto leg = it->second.legs.find(leg_id);
  if (leg == it->second.legs.end()) return true;
  leg->second.released = true;
  for (auto& b : leg->second.branches) end_originated_branch(it->second, leg->second, b);
  return true;
}

void Engine::end_originated_for_shutdown() {
  for (auto& [id, call] : originated_) {
    for (auto& [leg_id, leg] : call.legs) {
      leg.released = true;
      for (auto& b : leg.branches) end_originated_branch(call, leg, b);
    }
  }
}

void Engine::end_originated_branch(OriginatedCall& call, Leg& leg, Branch& b) {
  if (!b.nh) return;
  switch (b.state) {
    case BranchState::inviting:
    case BranchState::ringing:
      // nta holds the CANCEL back until a provisional response has come.
      nua_cancel(b.nh, TAG_END());
      b.state = BranchState::cancelling;
      break;
    case BranchState::answered: {
      const std::size_t index = static_cast<std::size_t>(&b - leg.branches.data());
      const bool unacked = leg.id == call.agent_leg && !(call.agent_acked && leg.winner == index);
      if (unacked) {
        refuse_and_bye(b, leg.winner == index ? leg.answer : Body{});
      } else {
        nua_bye(b.nh, TAG_END());
        b.state = BranchState::hanging_up;
      }
      break;
    }
    default:
      break;
  }
}

// A 200 from the agent's phone that will not be used: ACK it with an
// answer refusing its offer (the ACK must carry one), then BYE.
void Engine::refuse_and_bye(Branch& b, const Body& offer) {
  if (offer.data.empty()) {
    nua_ack(b.nh, TAG_END());
  } else {
    const std::string answer = refusing_answer(offer.data, config_.listen.host);
    nua_ack(b.nh, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(answer.c_str()), TAG_END());
  }
  nua_bye(b.nh, TAG_END());
  b.state = BranchState::hanging_up;
}

void Engine::on_originated_event(int event, int status, HandleCtx& ctx, const sip_s* sip, int callstate) {
  auto it = originated_.find(ctx.call);
  if (it == originated_.end()) return;
  OriginatedCall& call = it->second;
  auto leg_it = call.legs.find(ctx.leg);
  if (leg_it == call.legs.end() || ctx.branch >= leg_it->second.branches.size()) return;
  Leg& leg = leg_it->second;
  Branch& branch = leg.branches[ctx.branch];
  switch (event) {
    case nua_r_invite:
      on_originated_response(call, leg, ctx.branch, status, sip);
      break;
    case nua_i_bye:
      on_bye_from_branch(call.id, leg, ctx.branch);
      break;
    case nua_i_state:
      if (callstate == nua_callstate_terminated) on_originated_terminated(call, leg, branch);
      break;
    default:
      break;
  }
}

void Engine::on_originated_response(OriginatedCall& call, Leg& leg, std::size_t index, int status,
                                    const sip_s* sip) {
  Branch& b = leg.branches[index];
  const bool agent_leg = leg.id == call.agent_leg;
  if (status < 200) {
    on_provisional(call.id, leg, b, status);
    return;
  }
  if (status < 300) {
    // A retransmission, or a branch we hung up already.
    if (b.state != BranchState::inviting && b.state != BranchState::ringing && b.state != BranchState::cancelling)
      return;
    const Body body = message_body(sip);
    if (b.state == BranchState::cancelling || leg.released || leg.answered || leg.over || shutting_down_) {
      // Lost the race with our CANCEL, or another contact won: hang it up.
      if (agent_leg) {
        refuse_and_bye(b, body);
      } else {
        nua_bye(b.nh, TAG_END());  // nua has ACKed it
        b.state = BranchState::hanging_up;
      }
      return;
    }
    if (agent_leg && body.data.empty()) {
      // His phone made no offer: there is nothing to send the client.
      refuse_and_bye(b, body);
      b.state = BranchState::failed;
      b.final_status = 488;
      fail_leg_if_done(call.id, leg);
      return;
    }
    b.state = BranchState::answered;
    leg.answered = true;
    leg.winner = index;
    leg.answer = body;
    for (std::size_t i = 0; i < leg.branches.size(); ++i)
      if (i != index) end_originated_branch(call, leg, leg.branches[i]);
    if (signals_on()) signals_.leg_answered(call.id, leg.id);
    return;
  }
  if (b.state == BranchState::cancelling) {
    b.state = BranchState::ended;  // the 487 after our CANCEL: not a failure
    return;
  }
  if (b.state == BranchState::inviting || b.state == BranchState::ringing) {
    b.state = BranchState::failed;
    b.final_status = sip_status_of(status);
    fail_leg_if_done(call.id, leg);
  }
}

void Engine::on_originated_terminated(OriginatedCall& call, Leg& leg, Branch& b) {
  const domain::CallId id = call.id;
  destroy_handle(settle_terminated_branch(id, leg, b));
  forget_originated_if_done(id);
}

void Engine::forget_originated_if_done(const domain::CallId& id) {
  auto it = originated_.find(id);
  if (it == originated_.end()) return;
  for (const auto& [leg_id, leg] : it->second.legs)
    for (const auto& b : leg.branches)
      if (b.nh) return;
  originated_.erase(it);
}

void Engine::on_originated_reinvite(nua_handle_s* nh, HandleCtx& ctx, const sip_s* sip) {
  // As for inbound calls (engine_inbound.cpp): a refresh keeps the media,
  // a change would have to be relayed to the other leg, so it gets 488.
  auto it = originated_.find(ctx.call);
  const Leg* leg = nullptr;
  if (it != originated_.end()) {
    auto l = it->second.legs.find(ctx.leg);
    if (l != it->second.legs.end()) leg = &l->second;
  }
  if (!leg || !leg->answered) {
    respond(nh, 481, "Call Does Not Exist");
    return;
  }
  const OriginatedCall& call = it->second;
  // What we sent this phone: the agent got the client's answer in the ACK,
  // the client got the agent's offer in the INVITE.
  Body ours;
  if (leg->id == call.agent_leg) {
    ours = call.answer_sent;
  } else if (auto a = call.legs.find(call.agent_leg); a != call.legs.end()) {
    ours = a->second.answer;
  }
  const Body offer = message_body(sip);
  if (!offer.data.empty() && offer.data != leg->answer.data) {
    respond(nh, 488, "Media Change Not Supported");
    return;
  }
  const char* contact = dialog_contact_for(sip);
  if (offer.data.empty() || ours.data.empty()) {
    nua_respond(nh, 200, "OK", TAG_IF(contact, SIPTAG_CONTACT_STR(contact)), TAG_END());
  } else {
    nua_respond(nh, 200, "OK", SIPTAG_CONTENT_TYPE_STR(ours.type.c_str()), SIPTAG_PAYLOAD_STR(ours.data.c_str()),
                TAG_IF(contact, SIPTAG_CONTACT_STR(contact)), TAG_END());
  }
  metrics_.response_sent(200);
}

}  // namespace callboard::sip
