#pragma once
// The session cookie: finding it in a Cookie header and writing Set-Cookie.
// Pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>

namespace callboard::web {

inline constexpr std::string_view kSessionCookie = "cb_session";

// The value of cookie `name` in a Cookie header ("a=1; cb_session=abc").
// Names match exactly; surrounding spaces are ignored; a quoted value loses
// its quotes. nullopt when the cookie is absent or its value is empty.
std::optional<std::string> find_cookie(std::string_view header, std::string_view name);

// Set-Cookie value for a new session: HttpOnly (scripts cannot read it),
// SameSite=Strict (other sites cannot send it), Path=/, no Max-Age (it ends
// with the browser; the server enforces its own timeouts).
std::string session_cookie(std::string_view value);

// Set-Cookie value that deletes the session cookie.
std::string expired_session_cookie();

}  // namespace callboard::web
