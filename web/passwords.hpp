#pragma once
// Panel passwords, held only as argon2id hashes (libsodium crypto_pwhash_str).
// Plain passwords from a demo config are hashed once at start-up and the
// plain text is not kept. Verifying is slow on purpose (tens of ms, 64 MiB at
// the interactive strength): run verify() off the thread that serves requests
// (see BoundedWorker).
//
// Immutable after build(); verify() may run on any thread, concurrently.

#include <string>
#include <unordered_map>
#include <vector>

#include "domain/config.hpp"
#include "domain/status.hpp"

namespace callboard::web {

struct PasswordStrength {
  unsigned long long opslimit = 0;
  std::size_t memlimit = 0;
  // libsodium's interactive limits: what the server uses.
  static PasswordStrength interactive();
  // libsodium's minimum limits: fast hashing for tests and the harness.
  static PasswordStrength minimum();
};

class PasswordBook {
 public:
  // Hashes each agent's plain `password`, or checks his `password_hash` is an
  // argon2id string. Errors: invalid_argument naming the agent when both are
  // set or the hash is not "$argon2id$..."; unavailable when libsodium cannot
  // start or hashing runs out of memory. Agents with neither cannot log in;
  // without_password() names them so the caller can warn.
  static Result<PasswordBook> build(const std::vector<domain::AgentConfig>& agents,
                                    PasswordStrength strength);

  // An argon2id string for `plain`. Errors: unavailable (out of memory).
  static Result<std::string> hash(const std::string& plain, PasswordStrength strength);

  // True when `login` exists and `password` is his. An unknown login still
  // costs one verification, so response time does not reveal which logins exist.
  bool verify(const std::string& login, const std::string& password) const;

  const std::vector<std::string>& without_password() const { return without_password_; }

 private:
  PasswordBook() = default;
  std::unordered_map<std::string, std::string> hashes_;  // login -> argon2id string
  std::string decoy_hash_;
  std::vector<std::string> without_password_;
};

}  // namespace callboard::web
