#pragma once
// An SDP answer that refuses every stream of an offer (RFC 3264 §6: each
// m= line answered with port 0). Click-to-call needs it when the agent's
// phone made its offer in a 200 (a late offer) that will not be used, the
// client having failed or the call having been released: the ACK must
// still carry an answer before the BYE (RFC 3261 §13.2.2.4). Pure; any
// thread.

#include <string>

namespace callboard::sip {

// `offer`: the SDP as received (lines ended by CRLF or LF). `host`: our
// address, for the o= line (IPv6 when it contains ':'). The answer has one
// m= line per offered one, same media and transport, port 0, the first
// format kept (a media line must list one), and ends every line with CRLF.
std::string refusing_answer(const std::string& offer, const std::string& host);

}  // namespace callboard::sip
