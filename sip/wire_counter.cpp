#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include "sip/wire_counter.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include <sofia-sip/msg.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_log.h>

namespace callboard::sip {
namespace {

thread_local actors::SipMetrics* t_metrics = nullptr;

using ExtractBody = issize_t (*)(msg_t*, msg_pub_t*, char[], isize_t, int);
ExtractBody g_original_extract_body = nullptr;

void count_headers_complete(const sip_t* sip) {
  if (!t_metrics) return;
  if (sip->sip_error || sip_sanity_check(sip) < 0) {
    t_metrics->malformed_message();
  } else if (sip->sip_request) {
    t_metrics->request_received(sip->sip_request->rq_method_name);
  } else if (sip->sip_status) {
    t_metrics->response_received(sip->sip_status->st_status);
  }
}

// Called first at the empty line after the headers (then again for body
// chunks on streams); MSG_FLG_BODY tells the first call from the others.
issize_t counted_extract_body(msg_t* msg, msg_pub_t* pub, char b[], isize_t bsiz, int eos) {
  auto* sip = reinterpret_cast<sip_t*>(pub);
  const bool headers_open = !(sip->sip_flags & MSG_FLG_BODY);
  issize_t r = g_original_extract_body(msg, pub, b, bsiz, eos);
  if (headers_open && (sip->sip_flags & MSG_FLG_BODY)) count_headers_complete(sip);
  return r;
}

// nta's own words (its format string) for text that is neither a request
// nor a response: it drops it and reports it nowhere else.
constexpr char kNtaGarbage[] = "nta_agent: received garbage";

void log_tap(void*, char const* fmt, va_list ap) {
  if (!fmt) return;
  if (t_metrics && std::strncmp(fmt, kNtaGarbage, sizeof kNtaGarbage - 1) == 0)
    t_metrics->malformed_message();
  std::vfprintf(stderr, fmt, ap);
}

msg_mclass_t* build_mclass() {
  su_log_redirect(su_log_default, &log_tap, nullptr);
  msg_mclass_t* mc = msg_mclass_clone(sip_default_mclass(), 0, 0);
  if (!mc) return nullptr;
  g_original_extract_body = mc->mc_extract_body;
  mc->mc_extract_body = &counted_extract_body;
  return mc;
}

}  // namespace

const msg_mclass_s* counting_mclass() {
  static const msg_mclass_t* mc = build_mclass();
  return mc;
}

WireCounterBinding::WireCounterBinding(actors::SipMetrics& metrics) : previous_(t_metrics) {
  t_metrics = &metrics;
}

WireCounterBinding::~WireCounterBinding() { t_metrics = previous_; }

}  // namespace callboard::sip
