// The caller's side of each call: the inbound INVITE dialog.
//
//   INVITE ──> early ──bridge()──> answered ──ACK──> confirmed
//                │                    │                  │
//   CANCEL ──────┤ caller_cancelled   └──── BYE ─────────┴──> caller_hung_up
//   reject() ────┘ (final non-2xx)         hang_up_caller() ──> BYE to the caller
//
// nua answers 100, the 200 to CANCEL/BYE and the 487 after a CANCEL by
// itself; the engine answers everything else.

#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

#include "sip/engine.hpp"
#include "sip/sip_text.hpp"

namespace callboard::sip {

Body message_body(const sip_s* sip) {
  Body b;
  if (sip && sip->sip_payload && sip->sip_payload->pl_len > 0) {
    b.data.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    b.type = sip->sip_content_type && sip->sip_content_type->c_type
                 ? sip->sip_content_type->c_type
                 : "application/sdp";
  }
  return b;
}

namespace {

// Answers the INVITE pending on `nh`, with `body` when it has one, and
// `contact` (Engine::dialog_contact) as the Contact when not null.
void answer_invite(nua_handle_t* nh, int status, const char* phrase, const Body& body, const char* contact) {
  if (body.data.empty()) {
    nua_respond(nh, status, phrase, TAG_IF(contact, SIPTAG_CONTACT_STR(contact)), TAG_END());
  } else {
    nua_respond(nh, status, phrase, SIPTAG_CONTENT_TYPE_STR(body.type.c_str()),
                SIPTAG_PAYLOAD_STR(body.data.c_str()), TAG_IF(contact, SIPTAG_CONTACT_STR(contact)), TAG_END());
  }
}

}  // namespace

void Engine::on_incoming_invite(nua_handle_s* nh, const sip_s* sip) {
  if (!nh || !sip) return;
  const domain::CallId id = new_call_id();
  Call& call = calls_[id];
  call.id = id;
  call.in = nh;
  call.over_udp = came_over_udp(sip);
  adopt(nh, HandleCtx{HandleCtx::Kind::inbound, id, 0, 0});
  metrics_.response_sent(100);  // nta answers every new INVITE with 100 Trying

  if (shutting_down_) {
    call.state = InboundState::ended;
    respond(nh, 503, "Service Unavailable");
    return;
  }
  call.offer = message_body(sip);
  if (call.offer.data.empty()) {
    // Without an offer the agent's 200 would carry one and the caller's ACK
    // the answer, which an auto-ACKing leg cannot relay: refuse it plainly.
    call.state = InboundState::ended;
    respond(nh, 488, "Offer Required");
    return;
  }

  actors::IncomingCall incoming;
  incoming.call = id;
  if (sip->sip_from && sip->sip_from->a_url->url_user)
    incoming.caller = sip->sip_from->a_url->url_user;
  if (sip->sip_from && sip->sip_from->a_display)
    incoming.caller_name = unquote_display_name(sip->sip_from->a_display);
  if (sip->sip_request && sip->sip_request->rq_url->url_user)
    incoming.dialled = sip->sip_request->rq_url->url_user;
  if (signals_on()) signals_.incoming(std::move(incoming));
}

void Engine::on_reinvite(nua_handle_s* nh, HandleCtx& ctx, const sip_s* sip) {
  // A session refresh keeps the media as it is; a real change of media
  // would have to be relayed to the other leg, which this B2BUA does not
  // do, so it is refused and the session stays as it was (RFC 3261 §14.2).
  Call* call = find_call(ctx.call);
  const Body offer = message_body(sip);
  const Body* previous_remote = nullptr;
  const Body* ours = nullptr;
  if (call && ctx.kind == HandleCtx::Kind::inbound) {
    previous_remote = &call->offer;
    ours = &call->answer_sent;
  } else if (call) {
    Leg* leg = find_leg(*call, ctx.leg);
    if (leg) {
      previous_remote = &leg->answer;
      ours = &call->offer;
    }
  }
  if (!ours) {
    respond(nh, 481, "Call Does Not Exist");
    return;
  }
  if (!offer.data.empty() && offer.data != previous_remote->data) {
    respond(nh, 488, "Media Change Not Supported");
    return;
  }
  answer_invite(nh, 200, "OK", offer.data.empty() ? Body{} : *ours, dialog_contact_for(sip));
  metrics_.response_sent(200);
}

void Engine::on_inbound_event(int event, int status, HandleCtx& ctx, const sip_s* sip,
                              int callstate) {
  Call* call = find_call(ctx.call);
  if (!call) return;
  switch (event) {
    case nua_i_cancel:
      // nua has answered the CANCEL with 200 and, while the INVITE was still
      // pending, the INVITE with 487. A CANCEL that crossed our 200 changes
      // nothing: the caller ACKs and then sends BYE.
      metrics_.response_sent(200);
      if (call->state == InboundState::early) {
        metrics_.response_sent(487);
        call->state = InboundState::ended;
        if (!call->caller_reported) {
          call->caller_reported = true;
          if (signals_on()) signals_.caller_cancelled(call->id);
        }
      }
      break;
    case nua_i_ack:
      if (call->state == InboundState::answered) call->state = InboundState::confirmed;
      break;
    case nua_i_bye:
      metrics_.response_sent(200);  // sent by nua
      if (!call->caller_reported) {
        call->caller_reported = true;
        if (signals_on()) signals_.caller_hung_up(call->id);
      }
      call->state = InboundState::ended;
      break;
    case nua_i_state:
      if (callstate == nua_callstate_terminated) on_inbound_terminated(*call);
      break;
    default:
      break;
  }
}

void Engine::on_inbound_terminated(Call& call) {
  if (call.state != InboundState::ended && !call.caller_reported) {
    // The dialog died without CANCEL/BYE reaching us (e.g. no ACK came):
    // for the actors it is the caller going away.
    call.caller_reported = true;
    if (signals_on()) {
      if (call.state == InboundState::early) {
        signals_.caller_cancelled(call.id);
      } else {
        signals_.caller_hung_up(call.id);
      }
    }
  }
  call.state = InboundState::ended;
  nua_handle_s* nh = call.in;
  call.in = nullptr;
  const domain::CallId id = call.id;
  destroy_handle(nh);
  forget_if_done(id);
}

void Engine::end_inbound_for_shutdown(Call& call) {
  if (!call.in) return;
  if (call.state == InboundState::early) {
    respond(call.in, 487, "Request Terminated");
  } else if (call.state == InboundState::answered || call.state == InboundState::confirmed) {
    nua_bye(call.in, TAG_END());
  }
  call.state = InboundState::ended;
}

void Engine::bridge(const domain::CallId& id, domain::LegId leg_id) {
  Call* call = find_call(id);
  if (!call || !call->in || call->state != InboundState::early || shutting_down_) return;
  Leg* leg = find_leg(*call, leg_id);
  if (!leg || !leg->answered || leg->released || leg->over) return;
  answer_invite(call->in, 200, "OK", leg->answer, dialog_contact(call->over_udp));
  metrics_.response_sent(200);
  call->answer_sent = leg->answer;
  call->state = InboundState::answered;
}

void Engine::progress(const domain::CallId& id, int status, const std::string& reason) {
  Call* call = find_call(id);
  if (!call || !call->in || call->state != InboundState::early || shutting_down_) return;
  if (status <= 100 || status > 199) return;
  const std::string phrase = clean_reason_phrase(reason);
  respond(call->in, status, phrase_copy(call->in, phrase));
}

void Engine::reject(const domain::CallId& id, int status, const std::string& reason) {
  Call* call = find_call(id);
  if (!call || !call->in || call->state != InboundState::early || shutting_down_) return;
  if (status < 300 || status > 699) return;
  const std::string phrase = clean_reason_phrase(reason);
  respond(call->in, status, phrase_copy(call->in, phrase));
  call->state = InboundState::ended;
}

void Engine::hang_up_caller(const domain::CallId& id) {
  Call* call = find_call(id);
  if (!call || !call->in || shutting_down_) return;
  if (call->state != InboundState::answered && call->state != InboundState::confirmed) return;
  nua_bye(call->in, TAG_END());
  call->state = InboundState::ended;
}

}  // namespace callboard::sip
