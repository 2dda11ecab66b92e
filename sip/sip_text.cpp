#include "sip/sip_text.hpp"

#include <cctype>
#include <cstring>

namespace callboard::sip {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved )
bool allowed_in_user(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::strchr("-_.!~*'()&=+$,;?/", c) != nullptr && c != '\0';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string quote_display_name(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (is_control(c)) continue;
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('"');
  return out;
}

std::string unquote_display_name(std::string_view display) {
  auto s = trim(display);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      if (s[i] == '\\' && i + 2 < s.size()) ++i;
      out.push_back(s[i]);
    }
    return out;
  }
  return std::string(s);
}

std::string escape_uri_user(std::string_view user) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(user.size());
  for (std::size_t i = 0; i < user.size(); ++i) {
    auto c = static_cast<unsigned char>(user[i]);
    if (user[i] == '%' && i + 2 < user.size() && is_hex(user[i + 1]) && is_hex(user[i + 2])) {
      out.push_back('%');
      continue;
    }
    if (allowed_in_user(c)) {
      out.push_back(user[i]);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0x0f]);
    }
  }
  return out;
}

std::string clean_reason_phrase(std::string_view reason) {
  std::string out;
  for (char ch : reason)
    if (!is_control(static_cast<unsigned char>(ch))) out.push_back(ch);
  return std::string(trim(out));
}

}  // namespace callboard::sip
