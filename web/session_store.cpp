#include "web/session_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <vector>

namespace callboard::web {

std::string random_token(std::size_t bytes) {
  // sodium_init is idempotent and thread-safe; randombytes needs it first.
  if (sodium_init() < 0) std::abort();  // no usable entropy source: cannot run safely
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();  // the terminating NUL sodium writes
  sodium_memzero(raw.data(), raw.size());
  return hex;
}

SessionStore::SessionStore(const domain::Clock& clock, SessionPolicy policy)
    : clock_(clock), policy_(policy) {}

Session SessionStore::create(const domain::AgentId& login) {
  if (live_count() >= policy_.max_sessions) evict_least_recently_used();
  Entry e;
  e.session.id = random_token(32);
  e.session.csrf = random_token(32);
  e.session.login = login;
  e.session.created = e.session.last_seen = clock_.now();
  Session copy = e.session;
  sessions_.emplace(copy.id, std::move(e));
  return copy;
}

bool SessionStore::timed_out(const Entry& e, domain::Timestamp now) const {
  return now - e.session.last_seen >= policy_.idle || now - e.session.created >= policy_.absolute;
}

SessionLookup SessionStore::lookup(std::string_view id) {
  SessionLookup out;
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return out;
  Entry& e = it->second;
  const domain::Timestamp now = clock_.now();
  if (!e.expired && timed_out(e, now)) {
    e.expired = true;
    e.expired_at = now;
  }
  if (e.expired) {
    out.check = SessionCheck::expired;
    return out;
  }
  e.session.last_seen = now;
  out.check = SessionCheck::ok;
  out.session = e.session;
  return out;
}

void SessionStore::remove(std::string_view id) { sessions_.erase(std::string(id)); }

std::vector<std::string> SessionStore::remove_login(const domain::AgentId& login) {
  std::vector<std::string> ids;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.session.login == login) {
      ids.push_back(it->first);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return ids;
}

std::vector<std::string> SessionStore::sweep() {
  std::vector<std::string> newly_expired;
  const domain::Timestamp now = clock_.now();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Entry& e = it->second;
    if (!e.expired && timed_out(e, now)) {
      e.expired = true;
      e.expired_at = now;
      newly_expired.push_back(it->first);
    }
    if (e.expired && now - e.expired_at >= policy_.remember_expired) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return newly_expired;
}

bool SessionStore::csrf_matches(const Session& session, std::string_view token) {
  if (token.size() != session.csrf.size() || token.empty()) return false;
  return sodium_memcmp(token.data(), session.csrf.data(), token.size()) == 0;
}

std::size_t SessionStore::live_count() const {
  return static_cast<std::size_t>(std::count_if(
      sessions_.begin(), sessions_.end(), [](const auto& kv) { return !kv.second.expired; }));
}

void SessionStore::evict_least_recently_used() {
  // Expired tombstones go first; they cost nothing to drop.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expired ? sessions_.erase(it) : std::next(it);
  }
  if (sessions_.size() < policy_.max_sessions) return;
  auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
    return a.second.session.last_seen < b.second.session.last_seen;
  });
  if (oldest != sessions_.end()) sessions_.erase(oldest);
}

}  // namespace callboard::web
