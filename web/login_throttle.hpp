#pragma once
// Slows down password guessing per login name. The first `free_failures`
// wrong passwords cost nothing; each further one locks the login for
// base_delay * 2^(n-1), capped at max_delay, during which a login attempt
// is answered 429 with Retry-After without checking the password. A success
// clears the record; so does a quiet spell of `forget_after`.
//
// Not thread-safe: the web server uses it from its io thread only.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"
#include "domain/types.hpp"

namespace callboard::web {

struct ThrottlePolicy {
  std::uint32_t free_failures = 3;
  domain::Duration base_delay = 1 * domain::kMicrosPerSecond;
  domain::Duration max_delay = 300 * domain::kMicrosPerSecond;
  domain::Duration forget_after = 900 * domain::kMicrosPerSecond;
  // Bounds memory against guesses at random login names.
  std::size_t max_tracked = 10000;
};

class LoginThrottle {
 public:
  // The clock must outlive the throttle.
  LoginThrottle(const domain::Clock& clock, ThrottlePolicy policy);

  // How long until `login` may try again; nullopt when he may now.
  std::optional<domain::Duration> retry_after(const std::string& login);

  void record_failure(const std::string& login);
  void record_success(const std::string& login);

  // Drops records older than forget_after. Called from the sweep timer.
  void prune();

  std::size_t tracked() const { return records_.size(); }

 private:
  struct Record {
    std::uint32_t failures = 0;
    domain::Timestamp last_failure = 0;
    domain::Timestamp locked_until = 0;
  };
  const domain::Clock& clock_;
  ThrottlePolicy policy_;
  std::unordered_map<std::string, Record> records_;
};

}  // namespace callboard::web
