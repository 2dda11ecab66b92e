#pragma once
// Reading a request-target ("/api/clients?phone=%2B375...") safely: percent
// decoding, the query split into parameters, and the check that turns a URL
// path into a file name under the static directory without any way out of
// it. Pure functions; any thread.

#include <map>
#include <string>
#include <string_view>

#include "domain/status.hpp"

namespace callboard::web {

struct RequestTarget {
  std::string path;                           // decoded, e.g. "/api/clients/7"
  std::map<std::string, std::string> query;   // decoded; a repeated name keeps the first value
};

// Decodes %XX escapes. '+' stays '+' (RFC 3986: it is not a space outside
// HTML forms, and E.164 numbers start with it). Errors: invalid_argument for
// a truncated or non-hex escape, or an escaped NUL.
Result<std::string> percent_decode(std::string_view text);

// Splits and decodes a request-target. Errors: invalid_argument when it does
// not start with '/', or an escape is malformed.
Result<RequestTarget> parse_target(std::string_view raw);

// Maps a decoded URL path to a relative file name under the static root:
// "/" -> "index.html", "/app.js" -> "app.js", "/img/logo.png" -> "img/logo.png".
// Refuses (invalid_argument) anything that could leave the root or reach a
// hidden file: "..", ".", empty segments, segments starting with '.', a
// backslash, a colon, NUL, and any byte outside [A-Za-z0-9._/-]. Run it on
// the decoded path, so "%2e%2e" is caught as "..".
Result<std::string> sanitize_static_path(std::string_view decoded_path);

// Content-Type for a file name by its extension; application/octet-stream
// for anything not listed.
std::string content_type_for(std::string_view file_name);

}  // namespace callboard::web
