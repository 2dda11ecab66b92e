#pragma once
// HTTP Digest authentication as SIP uses it for REGISTER (RFC 3261 §22.4,
// RFC 2617 §3.2.2, MD5 and MD5-sess, qop absent or "auth"). Pure functions:
// no I/O, no clock, no Sofia types; callable from any thread.
//
// The registrar (engine_register.cpp) parses the Authorization header with
// parse_digest_credentials() and checks it with digest_matches(); the nonce
// inside is checked separately (nonce.hpp).

#include <string>
#include <string_view>
#include <vector>

#include "domain/status.hpp"

namespace callboard::sip {

// The parameters of one `Authorization: Digest ...` header, unquoted.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;   // 32 lowercase hex digits for MD5
  std::string algorithm;  // empty means MD5
  std::string qop;        // empty (RFC 2069 compatibility) or "auth"
  std::string nc;         // nonce count, 8 hex digits, with qop
  std::string cnonce;     // client nonce, with qop
  std::string opaque;
};

// Splits the text after "Digest " into `name=value` items, honouring quoted
// strings (commas and escaped quotes inside them). Whitespace around items
// is dropped; values keep their quotes (parse_digest_credentials removes
// them). Never fails: a malformed tail becomes one more item.
std::vector<std::string> split_auth_params(std::string_view text);

// Builds credentials from `name=value` items as Sofia splits them
// (msg_auth_t::au_params) or as split_auth_params() returns them. Unknown
// parameters are ignored; names are case-insensitive.
// Errors: invalid_argument when username, realm, nonce, uri or response is
// missing, when a parameter appears twice, or when qop is given without
// nc/cnonce.
Result<DigestCredentials> parse_digest_credentials(const std::vector<std::string>& params);

// Lowercase hex MD5 of `data`.
std::string md5_hex(std::string_view data);

// The request-digest a client holding `password` must send for `method`
// (RFC 2617 §3.2.2.1). Errors: invalid_argument for an algorithm other than
// MD5/MD5-sess or a qop other than "auth" (auth-int is not supported).
Result<std::string> digest_response(const DigestCredentials& credentials,
                                    std::string_view method, std::string_view password);

// True when the credentials' response equals digest_response() (compared
// in constant time). False for any unsupported algorithm or qop.
bool digest_matches(const DigestCredentials& credentials, std::string_view method,
                    std::string_view password);

}  // namespace callboard::sip
