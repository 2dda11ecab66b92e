// The agents' side: one leg per ring(), forked to every registered contact
// of the agent's SIP user, one nua handle (its own dialog) per contact.
//
//   branch: inviting ─18x─> ringing ─2xx─> answered ─BYE from agent─> ended
//              │               │              └─ release(): BYE ──> hanging_up
//              │               └─ release() / another branch won: CANCEL ──> cancelling
//              └─ 3xx-6xx ──> failed (all failed: leg_failed(best response))
//
// Per leg: leg_ringing once, leg_answered for the first 2xx (later 2xx of
// other contacts get BYE), nothing at all after release().

#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_tag.h>

#include "sip/engine.hpp"
#include "sip/fork_policy.hpp"
#include "sip/sip_text.hpp"

namespace callboard::sip {

void Engine::ring(const domain::CallId& id, domain::LegId leg_id, const std::string& sip_user,
                  const std::string& caller, const std::string& caller_name) {
  Call* call = find_call(id);
  if (!call || call->state != InboundState::early || shutting_down_) return;
  if (call->legs.count(leg_id)) return;  // a leg id is used once
  Leg& leg = call->legs[leg_id];
  leg.id = leg_id;

  const Body& offer = call->offer;
  fork_leg(id, leg, HandleCtx::Kind::outbound, sip_user, caller, caller_name,
           [this, &offer](nua_handle_s* nh, const std::string& contact) {
             // The caller's offer, as it came (an INVITE without one was refused).
             const char* ours = dialog_contact_to(contact);
             nua_invite(nh, NUTAG_URL(contact.c_str()), SIPTAG_CONTENT_TYPE_STR(offer.type.c_str()),
                        SIPTAG_PAYLOAD_STR(offer.data.c_str()), TAG_IF(ours, SIPTAG_CONTACT_STR(ours)),
                        TAG_END());
           });
}

bool Engine::fork_leg(const domain::CallId& id, Leg& leg, HandleCtx::Kind kind, const std::string& sip_user,
                      const std::string& from_number, const std::string& from_name,
                      const std::function<void(nua_handle_s*, const std::string&)>& invite) {
  const auto contacts = registrar_.contacts(sip_user, now_s());
  if (contacts.empty()) {
    leg.over = true;
    if (signals_on()) signals_.leg_failed(id, leg.id, 480);
    return false;
  }
  // His phone shows who calls (or, for click-to-call, whom he calls).
  std::string from = "<" + uri_for(from_number) + ">";
  if (!from_name.empty()) from = quote_display_name(from_name) + " " + from;
  const std::string to = "<" + uri_for(sip_user) + ">";
  for (const auto& contact : contacts) {
    const std::size_t index = leg.branches.size();
    auto ctx = std::make_unique<HandleCtx>(HandleCtx{kind, id, leg.id, index});
    nua_handle_t* nh = nua_handle(nua_, ctx.get(), SIPTAG_FROM_STR(from.c_str()),
                                  SIPTAG_TO_STR(to.c_str()), TAG_END());
    Branch branch;
    branch.contact = contact;
    if (!nh) {
      branch.state = BranchState::failed;
      branch.final_status = 500;
      leg.branches.push_back(std::move(branch));
      continue;
    }
    handles_[nh] = std::move(ctx);
    branch.nh = nh;
    leg.branches.push_back(std::move(branch));
    invite(nh, contact);
  }
  fail_leg_if_done(id, leg);
  return true;
}

void Engine::release(const domain::CallId& id, domain::LegId leg_id) {
  if (release_originated(id, leg_id)) return;
  Call* call = find_call(id);
  if (!call) return;
  Leg* leg = find_leg(*call, leg_id);
  if (!leg) return;
  release_leg(*leg);
}

void Engine::release_leg(Leg& leg) {
  leg.released = true;
  for (auto& b : leg.branches) end_branch(b);
}

void Engine::end_branch(Branch& b) {
  if (!b.nh) return;
  switch (b.state) {
    case BranchState::inviting:
    case BranchState::ringing:
      // nta holds the CANCEL back until a provisional response has come
      // (RFC 3261 §9.1); the 487 that follows is ACKed by the transaction.
      nua_cancel(b.nh, TAG_END());
      b.state = BranchState::cancelling;
      break;
    case BranchState::answered:
      nua_bye(b.nh, TAG_END());
      b.state = BranchState::hanging_up;
      break;
    default:
      break;
  }
}

void Engine::on_outbound_event(int event, int status, HandleCtx& ctx, const sip_s* sip,
                               int callstate) {
  Call* call = find_call(ctx.call);
  if (!call) return;
  Leg* leg = find_leg(*call, ctx.leg);
  if (!leg || ctx.branch >= leg->branches.size()) return;
  Branch& branch = leg->branches[ctx.branch];
  switch (event) {
    case nua_r_invite:
      on_invite_response(*call, *leg, ctx.branch, status, sip);
      break;
    case nua_i_bye:
      on_bye_from_branch(call->id, *leg, ctx.branch);
      break;
    case nua_i_state:
      if (callstate == nua_callstate_terminated) on_branch_terminated(*call, *leg, branch);
      break;
    default:
      break;
  }
}

void Engine::on_invite_response(Call& call, Leg& leg, std::size_t index, int status,
                                const sip_s* sip) {
  Branch& b = leg.branches[index];
  if (status < 200) {
    on_provisional(call.id, leg, b, status);
    return;
  }
  if (status < 300) {
    // nua has sent the ACK already (NUTAG_AUTOACK).
    if (b.state == BranchState::cancelling || leg.released || leg.answered || leg.over ||
        shutting_down_) {
      // Lost the race with a CANCEL, or another contact won: hang this one up.
      nua_bye(b.nh, TAG_END());
      b.state = BranchState::hanging_up;
      return;
    }
    b.state = BranchState::answered;
    leg.answered = true;
    leg.winner = index;
    leg.answer = message_body(sip);
    for (std::size_t i = 0; i < leg.branches.size(); ++i)
      if (i != index) end_branch(leg.branches[i]);
    if (signals_on()) signals_.leg_answered(call.id, leg.id);
    return;
  }
  if (b.state == BranchState::cancelling) {
    b.state = BranchState::ended;  // the 487 after our CANCEL: not a failure
    return;
  }
  if (b.state == BranchState::inviting || b.state == BranchState::ringing) {
    b.state = BranchState::failed;
    b.final_status = status;
    fail_leg_if_done(call.id, leg);
  }
}

void Engine::fail_leg_if_done(const domain::CallId& call, Leg& leg) {
  if (leg.released || leg.answered || leg.over) return;
  std::vector<int> statuses;
  for (const auto& b : leg.branches) {
    if (b.state != BranchState::failed) return;
    statuses.push_back(b.final_status);
  }
  leg.over = true;
  if (signals_on()) signals_.leg_failed(call, leg.id, best_final_response(statuses));
}

void Engine::on_branch_terminated(Call& call, Leg& leg, Branch& b) {
  const domain::CallId id = call.id;
  destroy_handle(settle_terminated_branch(id, leg, b));
  forget_if_done(id);
}

// ---- a leg's branches, shared with click-to-call (engine_originate.cpp) ------

void Engine::on_provisional(const domain::CallId& call, Leg& leg, Branch& b, int status) {
  if (status <= 100) return;
  if (b.state == BranchState::inviting) b.state = BranchState::ringing;
  if (!leg.ringing_reported && !leg.released && !leg.answered && !leg.over) {
    leg.ringing_reported = true;
    if (signals_on()) signals_.leg_ringing(call, leg.id);
  }
}

void Engine::on_bye_from_branch(const domain::CallId& call, Leg& leg, std::size_t index) {
  metrics_.response_sent(200);  // sent by nua
  if (leg.answered && leg.winner == index && !leg.released && !leg.over) {
    leg.over = true;
    if (signals_on()) signals_.leg_hung_up(call, leg.id);
  }
  leg.branches[index].state = BranchState::ended;
}

nua_handle_s* Engine::settle_terminated_branch(const domain::CallId& call, Leg& leg, Branch& b) {
  const std::size_t index = static_cast<std::size_t>(&b - leg.branches.data());
  if (b.state == BranchState::answered && leg.answered && leg.winner == index &&
      !leg.released && !leg.over) {
    // The dialog ended without a BYE reaching us: that phone is gone.
    leg.over = true;
    if (signals_on()) signals_.leg_hung_up(call, leg.id);
  }
  if (b.state == BranchState::inviting || b.state == BranchState::ringing) {
    b.state = BranchState::failed;
    if (b.final_status == 0) b.final_status = 500;
    fail_leg_if_done(call, leg);
  }
  if (b.state != BranchState::failed) b.state = BranchState::ended;
  nua_handle_s* nh = b.nh;
  b.nh = nullptr;
  return nh;
}

}  // namespace callboard::sip
