#include "sip/digest.hpp"

#include <sodium.h>

#include <cctype>
#include <cstdint>

// su_md5 is a plain hash: no root, no handles, so no MAGIC macros needed.
#include <sofia-sip/su_md5.h>

namespace callboard::sip {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "\"a\\\"b\"" -> a"b; a token stays as it is.
std::string unquote(std::string_view v) {
  v = trim(v);
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out.push_back(v[i]);
  }
  return out;
}

std::string hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0x0f];
  }
  return out;
}

std::string join_md5(std::initializer_list<std::string_view> parts) {
  std::string text;
  bool first = true;
  for (auto p : parts) {
    if (!first) text.push_back(':');
    text.append(p);
    first = false;
  }
  return md5_hex(text);
}

}  // namespace

std::vector<std::string> split_auth_params(std::string_view text) {
  std::vector<std::string> items;
  std::string current;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted && c == '\\' && i + 1 < text.size()) {
      current.push_back(c);
      current.push_back(text[++i]);
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      auto t = trim(current);
      if (!t.empty()) items.emplace_back(t);
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  auto t = trim(current);
  if (!t.empty()) items.emplace_back(t);
  return items;
}

Result<DigestCredentials> parse_digest_credentials(const std::vector<std::string>& params) {
  DigestCredentials c;
  struct Field {
    const char* name;
    std::string* target;
    bool seen;
  };
  Field fields[] = {
      {"username", &c.username, false}, {"realm", &c.realm, false},
      {"nonce", &c.nonce, false},       {"uri", &c.uri, false},
      {"response", &c.response, false}, {"algorithm", &c.algorithm, false},
      {"qop", &c.qop, false},           {"nc", &c.nc, false},
      {"cnonce", &c.cnonce, false},     {"opaque", &c.opaque, false},
  };
  for (const auto& item : params) {
    auto eq = item.find('=');
    if (eq == std::string::npos) continue;  // a bare token carries nothing we use
    auto name = trim(std::string_view(item).substr(0, eq));
    for (auto& f : fields) {
      if (!iequals(name, f.name)) continue;
      if (f.seen) return Status::invalid_argument(std::string("digest parameter repeated: ") + f.name);
      f.seen = true;
      *f.target = unquote(std::string_view(item).substr(eq + 1));
    }
  }
  for (const char* required : {"username", "realm", "nonce", "uri", "response"}) {
    for (auto& f : fields) {
      if (std::string_view(f.name) == required && !f.seen)
        return Status::invalid_argument(std::string("digest parameter missing: ") + required);
    }
  }
  if (!c.qop.empty() && (c.nc.empty() || c.cnonce.empty()))
    return Status::invalid_argument("digest qop given without nc and cnonce");
  return c;
}

std::string md5_hex(std::string_view data) {
  su_md5_t ctx;
  su_md5_init(&ctx);
  su_md5_update(&ctx, data.data(), data.size());
  unsigned char digest[16];
  su_md5_digest(&ctx, digest);
  su_md5_deinit(&ctx);
  return hex(digest, sizeof digest);
}

Result<std::string> digest_response(const DigestCredentials& c, std::string_view method,
                                    std::string_view password) {
  const bool sess = iequals(c.algorithm, "MD5-sess");
  if (!c.algorithm.empty() && !iequals(c.algorithm, "MD5") && !sess)
    return Status::invalid_argument("digest algorithm not supported: " + c.algorithm);
  if (!c.qop.empty() && !iequals(c.qop, "auth"))
    return Status::invalid_argument("digest qop not supported: " + c.qop);

  std::string ha1 = join_md5({c.username, c.realm, password});
  if (sess) ha1 = join_md5({ha1, c.nonce, c.cnonce});
  const std::string ha2 = join_md5({method, c.uri});
  if (c.qop.empty()) return join_md5({ha1, c.nonce, ha2});
  return join_md5({ha1, c.nonce, c.nc, c.cnonce, c.qop, ha2});
}

bool digest_matches(const DigestCredentials& c, std::string_view method, std::string_view password) {
  auto expected = digest_response(c, method, password);
  if (!expected) return false;
  std::string given = c.response;
  for (auto& ch : given) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (given.size() != expected->size()) return false;
  return sodium_memcmp(given.data(), expected->data(), given.size()) == 0;
}

}  // namespace callboard::sip
