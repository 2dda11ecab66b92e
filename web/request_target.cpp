#include "web/request_target.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace callboard::web {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '%') {
      if (c == '\0') return Status::invalid_argument("NUL byte in the URL");
      out.push_back(c);
      continue;
    }
    if (i + 2 >= text.size()) {
      return Status::invalid_argument("truncated %-escape in the URL");
    }
    int hi = hex_value(text[i + 1]);
    int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return Status::invalid_argument("malformed %-escape in the URL");
    char decoded = static_cast<char>(hi * 16 + lo);
    if (decoded == '\0') return Status::invalid_argument("escaped NUL in the URL");
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

Result<RequestTarget> parse_target(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') {
    return Status::invalid_argument("the request target must be an absolute path");
  }
  // A fragment never reaches a server from a browser; drop one sent by hand.
  raw = raw.substr(0, std::min(raw.find('#'), raw.size()));
  std::string_view path = raw.substr(0, std::min(raw.find('?'), raw.size()));
  std::string_view query = path.size() < raw.size() ? raw.substr(path.size() + 1) : "";

  RequestTarget t;
  auto decoded_path = percent_decode(path);
  if (!decoded_path) return decoded_path.status();
  t.path = std::move(decoded_path.value());

  while (!query.empty()) {
    std::string_view pair = query.substr(0, std::min(query.find('&'), query.size()));
    query = pair.size() < query.size() ? query.substr(pair.size() + 1) : "";
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name) return name.status();
    if (!value) return value.status();
    t.query.emplace(std::move(name.value()), std::move(value.value()));
  }
  return t;
}

Result<std::string> sanitize_static_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return Status::invalid_argument("not an absolute path");
  if (path == "/") return std::string("index.html");
  std::string_view rest = path.substr(1);
  for (char c : rest) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '/';
    if (!ok) return Status::invalid_argument("forbidden character in a static path");
  }
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = std::min(rest.find('/', start), rest.size());
    std::string_view segment = rest.substr(start, end - start);
    if (segment.empty()) return Status::invalid_argument("empty segment in a static path");
    // Covers ".", ".." and hidden files such as ".git" in one rule.
    if (segment.front() == '.') return Status::invalid_argument("dot segment in a static path");
    start = end + 1;
  }
  return std::string(rest);
}

std::string content_type_for(std::string_view name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json; charset=utf-8"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (ends_with(name, ext)) return std::string(type);
  }
  return "application/octet-stream";
}

}  // namespace callboard::web
