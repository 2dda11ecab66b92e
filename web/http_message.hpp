#pragma once
// Beast-free HTTP values: what the network adapter (web/detail/) hands the
// API router, and what it gets back. Keeping these plain lets the router, the
// static file server and their tests compile without Boost.Beast.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callboard::web {

struct HttpRequest {
  std::string method;        // as sent, e.g. "GET"
  std::string target;        // raw request-target, percent-encoded: "/api/clients/7?limit=5"
  std::string cookie;        // every Cookie header, joined with "; "
  std::string csrf_token;    // the X-CSRF-Token header, if any
  std::string content_type;  // the Content-Type header, if any
  std::string origin;        // the Origin header, if any
  std::string host;          // the Host header, if any
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  // Extra headers (Set-Cookie, Retry-After, Allow, Cache-Control, ...).
  std::vector<std::pair<std::string, std::string>> headers;

  HttpResponse& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// A JSON error body {"error": code, "message": message[, "field": field]}.
// Every error the server sends has this shape (docs/api.md lists the codes).
HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::string_view field = {});

// 204 with no body.
HttpResponse no_content();

}  // namespace callboard::web
