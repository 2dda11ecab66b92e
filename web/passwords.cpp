#include "web/passwords.hpp"

#include <sodium.h>

#include <cstring>

#include "web/session_store.hpp"

namespace callboard::web {

PasswordStrength PasswordStrength::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordStrength PasswordStrength::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<std::string> PasswordBook::hash(const std::string& plain, PasswordStrength strength) {
  if (sodium_init() < 0) return Status::unavailable("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, plain.data(), plain.size(), strength.opslimit, strength.memlimit) != 0) {
    return Status::unavailable("argon2id hashing failed (out of memory?)");
  }
  return std::string(out);
}

Result<PasswordBook> PasswordBook::build(const std::vector<domain::AgentConfig>& agents,
                                         PasswordStrength strength) {
  PasswordBook book;
  for (const auto& a : agents) {
    const bool has_plain = !a.password.empty();
    const bool has_hash = !a.password_hash.empty();
    if (has_plain && has_hash) {
      return Status::invalid_argument("agent '" + a.login +
                                      "': set either password or password_hash, not both");
    }
    if (has_hash) {
      const std::string prefix = crypto_pwhash_argon2id_STRPREFIX;
      if (a.password_hash.compare(0, prefix.size(), prefix) != 0 ||
          a.password_hash.size() >= crypto_pwhash_STRBYTES) {
        return Status::invalid_argument("agent '" + a.login +
                                        "': password_hash must be an argon2id string ($argon2id$...)");
      }
      book.hashes_[a.login] = a.password_hash;
    } else if (has_plain) {
      auto h = hash(a.password, strength);
      if (!h) return h.status();
      book.hashes_[a.login] = std::move(h.value());
    } else {
      book.without_password_.push_back(a.login);
    }
  }
  // The decoy is checked for unknown logins; its password is random and
  // thrown away, so nothing verifies against it.
  auto decoy = hash(random_token(16), strength);
  if (!decoy) return decoy.status();
  book.decoy_hash_ = std::move(decoy.value());
  return book;
}

bool PasswordBook::verify(const std::string& login, const std::string& password) const {
  auto it = hashes_.find(login);
  const std::string& stored = it == hashes_.end() ? decoy_hash_ : it->second;
  bool ok = crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
  return ok && it != hashes_.end();
}

}  // namespace callboard::web
