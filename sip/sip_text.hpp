#pragma once
// Small text rules of SIP that the engine needs when it builds headers from
// values other layers give it (caller numbers, display names, reason
// phrases) or reads them from requests. Pure; any thread.

#include <string>
#include <string_view>

namespace callboard::sip {

// A display name as a quoted-string: "Ivan \"Vanya\" Petrov". Control
// characters (CR, LF, ...) are dropped so a value cannot inject a header.
std::string quote_display_name(std::string_view name);

// The display name as the user wrote it: quotes and escapes removed, or an
// unquoted token sequence trimmed. Empty stays empty.
std::string unquote_display_name(std::string_view display);

// A URI user part with every character RFC 3261 does not allow there
// percent-encoded ("+375 29" -> "+375%2029"). Existing %HH escapes are kept.
std::string escape_uri_user(std::string_view user);

// A reason phrase safe to put on a status line: control characters dropped;
// empty when nothing printable is left (the stack then uses its default).
std::string clean_reason_phrase(std::string_view reason);

}  // namespace callboard::sip
