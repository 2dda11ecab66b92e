#include "web/login_throttle.hpp"

#include <algorithm>

namespace callboard::web {

LoginThrottle::LoginThrottle(const domain::Clock& clock, ThrottlePolicy policy)
    : clock_(clock), policy_(policy) {}

std::optional<domain::Duration> LoginThrottle::retry_after(const std::string& login) {
  auto it = records_.find(login);
  if (it == records_.end()) return std::nullopt;
  const domain::Timestamp now = clock_.now();
  if (now - it->second.last_failure >= policy_.forget_after) {
    records_.erase(it);
    return std::nullopt;
  }
  if (it->second.locked_until > now) return it->second.locked_until - now;
  return std::nullopt;
}

void LoginThrottle::record_failure(const std::string& login) {
  const domain::Timestamp now = clock_.now();
  if (records_.size() >= policy_.max_tracked && records_.find(login) == records_.end()) prune();
  if (records_.size() >= policy_.max_tracked && records_.find(login) == records_.end()) {
    // Still full of recent guesses: drop the oldest so the newest name is
    // tracked (a flood of fresh names is what an attacker would send).
    auto oldest = std::min_element(records_.begin(), records_.end(), [](const auto& a, const auto& b) {
      return a.second.last_failure < b.second.last_failure;
    });
    records_.erase(oldest);
  }
  Record& r = records_[login];
  if (r.failures > 0 && now - r.last_failure >= policy_.forget_after) r = Record{};
  ++r.failures;
  r.last_failure = now;
  if (r.failures > policy_.free_failures) {
    std::uint32_t doublings = std::min<std::uint32_t>(r.failures - policy_.free_failures - 1, 30);
    domain::Duration delay = policy_.base_delay;
    for (std::uint32_t i = 0; i < doublings && delay < policy_.max_delay; ++i) delay *= 2;
    r.locked_until = now + std::min(delay, policy_.max_delay);
  }
}

void LoginThrottle::record_success(const std::string& login) { records_.erase(login); }

void LoginThrottle::prune() {
  const domain::Timestamp now = clock_.now();
  for (auto it = records_.begin(); it != records_.end();) {
    bool stale = now - it->second.last_failure >= policy_.forget_after && it->second.locked_until <= now;
    it = stale ? records_.erase(it) : std::next(it);
  }
}

}  // namespace callboard::web
