// REGISTER: digest authentication (digest.hpp, nonce.hpp), then the
// location service (registrar.hpp); agents hear of their first and last
// binding through CallSignals.
//
//   no credentials for our realm ........ 401 + fresh nonce
//   credentials that do not parse ........ 400, auth_failed("malformed_credentials")
//   nonce not ours ....................... 401 + fresh nonce, auth_failed("bad_nonce")
//   unknown user ......................... 403, auth_failed("unknown_user")
//   wrong password ....................... 403, auth_failed("bad_password")
//   right password, nonce too old ........ 401 stale=true
//   To is not the user's own AoR ......... 403, auth_failed("foreign_aor")
//   otherwise ............................ Registrar::apply -> 200/400/423/500

#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include <cstdlib>
#include <string>
#include <vector>

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/url.h>

#include "sip/digest.hpp"
#include "sip/engine.hpp"
#include "sip/sip_text.hpp"

namespace callboard::sip {
namespace {

// Finishes a REGISTER transaction: the handle nua made for it is not kept.
// `phrase` must outlive the call (nua reads it later): a literal or a
// copy in the handle's memory (the handle lives until nua processed both).
void answer_register(nua_t* nua, nua_handle_t* nh, actors::SipMetrics& metrics, int status,
                     const char* phrase, tag_type_t tag, tag_value_t value) {
  nua_respond(nh, status, phrase, NUTAG_WITH_THIS(nua), tag, value, TAG_END());
  metrics.response_sent(status);
  nua_handle_destroy(nh);
}

std::optional<std::uint32_t> parse_delta(const char* text) {
  if (!text || !*text) return std::nullopt;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<std::uint32_t>(std::min<unsigned long long>(v, 0xffffffffULL));
}

}  // namespace

void Engine::on_register(nua_handle_s* nh, const sip_s* sip) {
  if (!nh) return;
  if (shutting_down_ || !sip) {
    answer_register(nua_, nh, metrics_, 503, "Service Unavailable", TAG_NULL());
    return;
  }

  std::optional<DigestCredentials> credentials;
  bool malformed = false;
  for (auto* a = sip->sip_authorization; a; a = a->au_next) {
    if (!a->au_scheme || !su_casematch(a->au_scheme, "Digest")) continue;
    std::vector<std::string> params;
    for (auto p = a->au_params; p && *p; ++p) params.emplace_back(*p);
    auto parsed = parse_digest_credentials(params);
    if (!parsed) {
      malformed = true;
      continue;
    }
    if (parsed->realm == config_.realm) {
      credentials = std::move(parsed.value());
      break;
    }
  }
  if (!credentials) {
    if (malformed) {
      metrics_.auth_failed("malformed_credentials");
      answer_register(nua_, nh, metrics_, 400, "Malformed Credentials", TAG_NULL());
    } else {
      challenge(nh, false);
    }
    return;
  }

  const auto nonce = nonces_.verify(credentials->nonce, now_s(), config_.nonce_lifetime_s);
  if (nonce == NonceAuthority::Check::invalid) {
    metrics_.auth_failed("bad_nonce");
    challenge(nh, false);
    return;
  }
  auto account = accounts_.find(credentials->username);
  if (account == accounts_.end()) {
    metrics_.auth_failed("unknown_user");
    answer_register(nua_, nh, metrics_, 403, "Forbidden", TAG_NULL());
    return;
  }
  if (!digest_matches(*credentials, "REGISTER", account->second->password)) {
    metrics_.auth_failed("bad_password");
    answer_register(nua_, nh, metrics_, 403, "Forbidden", TAG_NULL());
    return;
  }
  // RFC 2617: stale=true only for a response that was right but too old.
  if (nonce == NonceAuthority::Check::stale) {
    challenge(nh, true);
    return;
  }
  const char* to_user = sip->sip_to ? sip->sip_to->a_url->url_user : nullptr;
  if (!to_user || credentials->username != to_user) {
    metrics_.auth_failed("foreign_aor");
    answer_register(nua_, nh, metrics_, 403, "Forbidden", TAG_NULL());
    return;
  }
  apply_register(nh, sip, *account->second);
}

void Engine::challenge(nua_handle_s* nh, bool stale) {
  std::string header = "Digest realm=" + quote_display_name(config_.realm) + ", nonce=\"" +
                       nonces_.issue(now_s()) + "\", algorithm=MD5, qop=\"auth\"";
  if (stale) header += ", stale=true";
  answer_register(nua_, nh, metrics_, 401, "Unauthorized",
                  SIPTAG_WWW_AUTHENTICATE_STR(header.c_str()));
}

void Engine::apply_register(nua_handle_s* nh, const sip_s* sip, const SipAccount& account) {
  RegisterRequest request;
  request.user = account.user;
  request.call_id = sip->sip_call_id ? sip->sip_call_id->i_id : "";
  request.cseq = sip->sip_cseq ? sip->sip_cseq->cs_seq : 0;
  if (sip->sip_expires) request.expires = static_cast<std::uint32_t>(sip->sip_expires->ex_delta);

  su_home_t home[1] = {SU_HOME_INIT(home)};
  for (auto* m = sip->sip_contact; m; m = m->m_next) {
    if (m->m_url->url_type == url_any) {
      request.wildcard = true;
      continue;
    }
    ContactSpec spec;
    if (char* text = url_as_string(home, m->m_url)) spec.uri = text;
    spec.expires = parse_delta(m->m_expires);
    request.contacts.push_back(std::move(spec));
  }
  su_home_deinit(home);

  const RegisterOutcome outcome = registrar_.apply(request, now_s());
  if (outcome.status == 423) {
    const std::string min = std::to_string(outcome.min_expires);
    answer_register(nua_, nh, metrics_, 423, "Interval Too Brief",
                    SIPTAG_MIN_EXPIRES_STR(min.c_str()));
    return;
  }
  if (outcome.status != 200) {
    answer_register(nua_, nh, metrics_, outcome.status, phrase_copy(nh, outcome.reason), TAG_NULL());
    return;
  }
  std::string contacts;
  for (const auto& b : outcome.bindings) {
    if (!contacts.empty()) contacts += ", ";
    contacts += "<" + b.uri + ">;expires=" + std::to_string(b.expires_in);
  }
  if (contacts.empty()) {
    answer_register(nua_, nh, metrics_, 200, "OK", TAG_NULL());
  } else {
    answer_register(nua_, nh, metrics_, 200, "OK", SIPTAG_CONTACT_STR(contacts.c_str()));
  }
  report_binding_change(account.user, outcome.change, "unregistered");
}

void Engine::report_binding_change(const std::string& user, RegisterOutcome::Change change,
                                   const char* reason) {
  auto account = accounts_.find(user);
  if (account == accounts_.end() || change == RegisterOutcome::Change::none) return;
  const domain::AgentId& agent = account->second->agent;
  if (change == RegisterOutcome::Change::first_binding) {
    if (++agent_users_registered_[agent] == 1 && signals_on()) {
      auto contacts = registrar_.contacts(user, now_s());
      signals_.agent_registered(agent, contacts.empty() ? std::string() : contacts.front());
    }
    return;
  }
  auto it = agent_users_registered_.find(agent);
  if (it == agent_users_registered_.end()) return;
  if (--it->second == 0) {
    agent_users_registered_.erase(it);
    if (signals_on()) signals_.agent_unregistered(agent, reason);
  }
}

}  // namespace callboard::sip
