#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include "sip/engine.hpp"

#include <sodium.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>

#include "sip/sip_text.hpp"
#include "sip/wire_counter.hpp"

namespace callboard::sip {
namespace {

void nua_callback(nua_event_t event, int status, char const* phrase, nua_t*, Engine* engine,
                  nua_handle_t* nh, HandleCtx* ctx, sip_t const* sip, tagi_t tags[]) {
  int callstate = -1;
  if (event == nua_i_state) tl_gets(tags, NUTAG_CALLSTATE_REF(callstate), TAG_END());
  engine->on_event(event, status, phrase, nh, ctx, sip, callstate);
}

void tick_callback(Engine* engine, su_timer_t*, void*) { engine->on_tick(); }

// Receive buffer of the UDP socket, as Kamailio's maxbuffer in peer-bench.
// The kernel default (net.core.rmem_default, 208 KiB) holds ~100 datagrams
// on loopback, a few milliseconds of traffic at 700 calls/s: when the
// Sofia thread lost the CPU that long, the socket dropped requests and the
// peers retransmitted (bench/routing, docs/BENCHMARKS.md). Sofia sets it
// with SO_RCVBUFFORCE when it may, else SO_RCVBUF, capped by
// net.core.rmem_max; the kernel doubles the value for its bookkeeping.
constexpr unsigned kUdpReceiveBuffer = 4u << 20;

std::string host_for_uri(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

// Requests outside any dialog of ours for which nua makes a new handle,
// answers by itself (OPTIONS: 200) and then tells us; we keep none of
// those handles.
bool creates_handle(int event) {
  switch (event) {
    case nua_i_options:
    case nua_i_message:
    case nua_i_info:
    case nua_i_method:
    case nua_i_subscribe:
    case nua_i_notify:
    case nua_i_refer:
    case nua_i_publish:
    case nua_i_update:
    case nua_i_prack:
      return true;
    default:
      return false;
  }
}

constexpr char kAllow[] = "INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER";

}  // namespace

Engine::Engine(const SipServerConfig& config, actors::SipMetrics& metrics,
               actors::CallSignals& signals)
    : config_(config),
      metrics_(metrics),
      signals_(signals),
      domain_(config.domain.empty() ? config.listen.host : config.domain),
      nonces_(NonceAuthority::with_random_key()),
      registrar_(ExpiryPolicy{config.min_expires, config.max_expires, config.default_expires}) {
  set_accounts(config_.accounts);
}

Engine::~Engine() = default;

void Engine::set_accounts(std::vector<SipAccount> accounts) {
  accounts_list_ = std::move(accounts);
  accounts_.clear();
  for (const auto& a : accounts_list_)
    if (!a.user.empty()) accounts_[a.user] = &a;
}

Status Engine::open(su_root_s* root) {
  root_ = root;
  // The timer first: once nua exists, giving up means a full nua shutdown.
  tick_ = su_timer_create(su_root_task(root), 1000);
  if (!tick_) return Status::unavailable("cannot create the registration expiry timer");
  const std::string url = "sip:" + host_for_uri(config_.listen.host) + ":" +
                          std::to_string(config_.listen.port);
  // With a dialog port, its transports come first: nta sends every request
  // of ours from the first transport of the protocol, so the agents' answers
  // come back there. nua binds a second URL given as NUTAG_SIPS_URL; a sip:
  // URL there is a plain SIP transport, not TLS.
  const bool two_ports = config_.dialog_port != 0;
  const std::string dialog_url =
      two_ports ? "sip:" + host_for_uri(config_.listen.host) + ":" + std::to_string(config_.dialog_port) : url;
  dialog_contact_ = two_ports ? "<" + dialog_url + ">" : std::string();
  errno = 0;
  nua_ = nua_create(root, &nua_callback, this,
                    NUTAG_URL(dialog_url.c_str()),
                    TAG_IF(two_ports, NUTAG_SIPS_URL(url.c_str())),
                    NTATAG_MCLASS(counting_mclass()),
                    TPTAG_UDP_RMEM(kUdpReceiveBuffer),
                    // Signalling only: SDP passes through untouched, no soa.
                    NUTAG_MEDIA_ENABLE(0),
                    NUTAG_AUTOANSWER(0),
                    NUTAG_AUTOALERT(0),
                    NUTAG_AUTOACK(1),
                    NUTAG_SESSION_TIMER(0),
                    NUTAG_ENABLEMESSAGE(0),
                    SIPTAG_ALLOW_STR(kAllow),
                    // No session timers (nua would refresh sessions without
                    // SDP) and no reliable provisionals (PRACK is not allowed).
                    SIPTAG_SUPPORTED_STR(""),
                    NUTAG_ALLOW("REGISTER"),
                    NUTAG_APPL_METHOD("REGISTER"),
                    SIPTAG_USER_AGENT_STR("Callboard"),
                    TAG_END());
  if (!nua_) {
    const int err = errno;
    return Status::io_error("cannot listen on " + url + (two_ports ? " and " + dialog_url : std::string()) +
                            " (UDP and TCP)" +
                            (err ? std::string(": ") + std::strerror(err) : std::string()));
  }
  // Fails only for a null timer or callback, and neither is.
  su_timer_set_for_ever(tick_, &tick_callback, nullptr);
  return Status::ok();
}

void Engine::begin_shutdown() {
  if (shutting_down_ || !nua_) return;
  shutting_down_ = true;
  for (auto& [id, call] : calls_) {
    end_inbound_for_shutdown(call);
    for (auto& [leg_id, leg] : call.legs) release_leg(leg);
  }
  end_originated_for_shutdown();
  if (tick_) su_timer_reset(tick_);
  nua_shutdown(nua_);
}

void Engine::close() {
  if (tick_) su_timer_destroy(tick_), tick_ = nullptr;
  if (nua_) nua_destroy(nua_), nua_ = nullptr;
  // nua_destroy() freed every handle; only our contexts are left.
  handles_.clear();
  calls_.clear();
  originated_.clear();
}

SipServerSnapshot Engine::snapshot() const {
  SipServerSnapshot s;
  s.calls = calls_.size() + originated_.size();
  s.nua_handles = handles_.size();
  s.bindings = registrar_.binding_count();
  s.registered_users = registrar_.user_count();
  return s;
}

void Engine::on_event(int event, int status, const char* phrase, nua_handle_s* nh,
                      HandleCtx* ctx, const sip_s* sip, int callstate) {
  switch (event) {
    case nua_r_shutdown:
      if (status >= 200) su_root_break(root_);
      return;
    case nua_i_register:
      on_register(nh, sip);
      return;
    case nua_i_invite:
      if (!ctx) {
        on_incoming_invite(nh, sip);
      } else if (ctx->kind == HandleCtx::Kind::originated) {
        on_originated_reinvite(nh, *ctx, sip);
      } else {
        on_reinvite(nh, *ctx, sip);
      }
      return;
    default:
      break;
  }
  if (!ctx) {
    if (nh && creates_handle(event) && handles_.count(nh) == 0) {
      if (status >= 200) metrics_.response_sent(status);
      nua_handle_destroy(nh);
    }
    return;
  }
  if (ctx->kind == HandleCtx::Kind::inbound) {
    on_inbound_event(event, status, *ctx, sip, callstate);
  } else if (ctx->kind == HandleCtx::Kind::originated) {
    on_originated_event(event, status, *ctx, sip, callstate);
  } else {
    on_outbound_event(event, status, *ctx, sip, callstate);
  }
}

void Engine::on_tick() {
  for (const auto& user : registrar_.expire(now_s()))
    report_binding_change(user, RegisterOutcome::Change::last_binding_gone, "expired");
}

HandleCtx* Engine::adopt(nua_handle_s* nh, HandleCtx ctx) {
  auto owned = std::make_unique<HandleCtx>(std::move(ctx));
  HandleCtx* raw = owned.get();
  handles_[nh] = std::move(owned);
  nua_handle_bind(nh, raw);
  return raw;
}

void Engine::destroy_handle(nua_handle_s* nh) {
  if (!nh) return;
  nua_handle_destroy(nh);
  handles_.erase(nh);
}

void Engine::forget_if_done(const domain::CallId& id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  const Call& call = it->second;
  if (call.in) return;
  for (const auto& [leg_id, leg] : call.legs)
    for (const auto& b : leg.branches)
      if (b.nh) return;
  calls_.erase(it);
}

void Engine::respond(nua_handle_s* nh, int status, const char* phrase) {
  nua_respond(nh, status, phrase, TAG_END());
  metrics_.response_sent(status);
}

const char* Engine::phrase_copy(nua_handle_s* nh, const std::string& text) {
  if (text.empty()) return nullptr;
  return su_strdup(nua_handle_home(nh), text.c_str());
}

std::string Engine::uri_for(const std::string& user) const {
  std::string uri = "sip:";
  if (!user.empty()) uri += escape_uri_user(user) + "@";
  return uri + host_for_uri(domain_);
}

const char* Engine::dialog_contact(bool over_udp) const {
  return over_udp && !dialog_contact_.empty() ? dialog_contact_.c_str() : nullptr;
}

const char* Engine::dialog_contact_for(const sip_s* request) const {
  return dialog_contact_.empty() ? nullptr : dialog_contact(came_over_udp(request));
}

const char* Engine::dialog_contact_to(const std::string& uri) const {
  if (dialog_contact_.empty()) return nullptr;
  // A URI's transport parameter, if any, names the transport; none: UDP.
  const char* transport = su_strcasestr(uri.c_str(), ";transport=");
  return dialog_contact(!transport || su_casenmatch(transport + 11, "udp", 3));
}

bool Engine::came_over_udp(const sip_s* request) {
  return request && request->sip_via && request->sip_via->v_protocol &&
         su_casematch(request->sip_via->v_protocol, sip_transport_udp);
}

std::int64_t Engine::now_s() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Call* Engine::find_call(const domain::CallId& id) {
  auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : &it->second;
}

Leg* Engine::find_leg(Call& call, domain::LegId leg) {
  auto it = call.legs.find(leg);
  return it == call.legs.end() ? nullptr : &it->second;
}

domain::CallId Engine::new_call_id() const {
  for (;;) {
    unsigned char bytes[8];
    randombytes_buf(bytes, sizeof bytes);
    char text[sizeof bytes * 2 + 1];
    sodium_bin2hex(text, sizeof text, bytes, sizeof bytes);
    domain::CallId id(text);
    if (calls_.count(id) == 0) return id;
  }
}

}  // namespace callboard::sip
