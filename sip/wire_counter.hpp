#pragma once
// Counting every SIP message the stack parses, including the ones nua
// answers or drops by itself (501 to an unknown method, 481 to a BYE
// outside any dialog, garbage bytes). Sofia has no per-message hook and nua
// does not expose its nta agent (so no nta statistics either). Two taps:
//
//  1. A copy of Sofia's SIP message class, handed to nta (NTATAG_MCLASS),
//     whose body-extraction entry point runs once the headers of a message
//     are complete (the empty line): request_received(method) or
//     response_received(status), or malformed_message() when a mandatory
//     header is missing or broken (sip_sanity_check()).
//  2. Sofia's default log, redirected (su_log_redirect, public API): nta
//     reports text that is neither request nor response ("received
//     garbage") there and nowhere else; that line counts as
//     malformed_message(). Everything is still written to stderr as before.
//     Counting needs nta's log level >= 3, Sofia's default; an operator who
//     silences Sofia (NTA_DEBUG=0 / SOFIA_DEBUG=0) silences this count too.
//
// Not counted: a datagram whose headers lack the final empty line (Sofia
// accepts it at end of datagram without reaching tap 1), and a datagram
// whose first byte is 0x00 or 0x01: tport hands those to its STUN responder
// (NAT keep-alives, RFC 5626), which answers or drops them on its own.
// Retransmissions are messages too and are counted again.
//
// Threads: both taps run on the thread that parses, i.e. the Sofia thread;
// they report to the SipMetrics bound on that thread with
// WireCounterBinding (thread-local: several servers in one process each
// count their own).

#include "actors/ports.hpp"

struct msg_mclass_s;

namespace callboard::sip {

// The counting message class; built once per process, never freed. The
// first call also installs the log tap. Thread-safe.
const msg_mclass_s* counting_mclass();

// Routes the taps' counts on this thread to `metrics` while it lives.
class WireCounterBinding {
 public:
  explicit WireCounterBinding(actors::SipMetrics& metrics);
  ~WireCounterBinding();
  WireCounterBinding(const WireCounterBinding&) = delete;
  WireCounterBinding& operator=(const WireCounterBinding&) = delete;

 private:
  actors::SipMetrics* previous_;
};

}  // namespace callboard::sip
