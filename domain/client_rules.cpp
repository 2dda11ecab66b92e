// Field checks of the client aggregate, shared with the API and the CSV
// import, and the small helpers over ClientCommand.
#include <cctype>

#include "domain/client.hpp"
#include "domain/utf8.hpp"

namespace callboard::domain {

namespace {

// Control characters other than tab and newline would corrupt a CSV export
// or a terminal; a single-line field refuses tab and newline too.
bool has_bad_control(const std::string& s, bool multiline) {
  for (unsigned char c : s) {
    if (c == 0x7F) return true;
    if (c >= 0x20) continue;
    if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
    return true;
  }
  return false;
}

}  // namespace

bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    if (decode_utf8(text, i) == kInvalidCodePoint) return false;
  }
  return true;
}

std::string trimmed(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Status check_text(const char* field, const std::string& value, std::size_t min_bytes,
                  std::size_t max_bytes, bool multiline) {
  const std::string f(field);
  if (value.size() < min_bytes)
    return Status::invalid_argument(f + (min_bytes == 1 ? ": must not be empty" : ": is too short"));
  if (value.size() > max_bytes)
    return Status::invalid_argument(f + ": is longer than " + std::to_string(max_bytes) + " bytes");
  if (!valid_utf8(value)) return Status::invalid_argument(f + ": is not valid UTF-8");
  if (has_bad_control(value, multiline))
    return Status::invalid_argument(f + ": contains control characters");
  return Status::ok();
}

Status check_email(const std::string& email) {
  if (email.empty()) return Status::ok();
  if (Status s = check_text("email", email, 0, kMaxEmailBytes); !s) return s;
  const std::size_t at = email.find('@');
  const bool shaped = at != std::string::npos && at > 0 && email.find('@', at + 1) == std::string::npos &&
                      email.find('.', at) != std::string::npos && email.back() != '.' &&
                      email.find(' ') == std::string::npos && email[at + 1] != '.';
  if (!shaped) return Status::invalid_argument("email: '" + email + "' is not an e-mail address");
  return Status::ok();
}

Status check_e164(const char* field, const std::string& phone) {
  bool ok = phone.size() >= 8 && phone.size() <= 16 && phone[0] == '+' && phone[1] != '0';
  for (std::size_t i = 1; ok && i < phone.size(); ++i) ok = phone[i] >= '0' && phone[i] <= '9';
  if (!ok) return Status::invalid_argument(std::string(field) + ": '" + phone + "' is not an E.164 number");
  return Status::ok();
}

Status check_tag(const std::string& tag) {
  if (Status s = check_text("tag", tag, 1, kMaxTagBytes); !s) return s;
  // ',' and ';' separate tags in the CSV import and export.
  if (tag.find_first_of(",;") != std::string::npos)
    return Status::invalid_argument("tag: must not contain ',' or ';'");
  return Status::ok();
}

Status check_currency(const std::string& currency, std::int64_t amount) {
  if (currency.empty()) {
    if (amount != 0) return Status::invalid_argument("currency: an amount needs a currency");
    return Status::ok();
  }
  bool ok = currency.size() == 3;
  for (char c : currency) ok = ok && c >= 'A' && c <= 'Z';
  if (!ok) return Status::invalid_argument("currency: '" + currency + "' is not an ISO 4217 code (e.g. BYN)");
  return Status::ok();
}

ClientId target_of(const ClientCommand& c) {
  return std::visit(
      [](const auto& cmd) -> ClientId {
        using C = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<C, CreateClient>) return cmd.id;
        else return cmd.client;
      },
      c);
}

const char* name_of(const ClientCommand& c) {
  static constexpr const char* kNames[] = {
      "create_client", "update_client", "link_phone", "unlink_phone", "assign_responsible",
      "add_tag", "remove_tag", "merge_clients", "open_deal", "change_deal_stage",
      "change_deal_amount", "update_deal", "close_deal", "add_note", "create_task", "complete_task",
      "record_call_result"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == std::variant_size_v<ClientCommand>);
  return kNames[c.index()];
}

}  // namespace callboard::domain
