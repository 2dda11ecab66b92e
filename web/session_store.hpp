#pragma once
// Panel sessions: who is logged in behind a cookie, with an idle timeout
// (sliding: every request pushes it back) and an absolute one (from login,
// never extended), both read from the Clock seam so tests move time by hand.
//
// Not thread-safe: the web server uses it from its io thread only.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/clock.hpp"
#include "domain/types.hpp"

namespace callboard::web {

// 2 * bytes hex characters of libsodium randomness (randombytes_buf).
std::string random_token(std::size_t bytes);

struct SessionPolicy {
  domain::Duration idle = 30LL * 60 * domain::kMicrosPerSecond;
  domain::Duration absolute = 12LL * 3600 * domain::kMicrosPerSecond;
  // An expired session is remembered this long, so its owner is told
  // "session_expired" rather than "unauthenticated".
  domain::Duration remember_expired = 3600LL * domain::kMicrosPerSecond;
  // Past this many live sessions, a login evicts the least recently used one.
  std::size_t max_sessions = 10000;
};

struct Session {
  std::string id;    // the cookie value: 256 random bits, hex
  std::string csrf;  // the X-CSRF-Token value: 256 random bits, hex
  domain::AgentId login;
  domain::Timestamp created = 0;
  domain::Timestamp last_seen = 0;
};

enum class SessionCheck { ok, missing, expired };

struct SessionLookup {
  SessionCheck check = SessionCheck::missing;
  Session session;  // valid when check == ok
};

class SessionStore {
 public:
  // The clock must outlive the store.
  SessionStore(const domain::Clock& clock, SessionPolicy policy);

  // A new session with fresh random id and CSRF token.
  Session create(const domain::AgentId& login);

  // Finds a session and, when it is still valid, marks it used now.
  SessionLookup lookup(std::string_view id);

  // Ends a session (logout). Unknown ids are ignored.
  void remove(std::string_view id);

  // Ends every session of an agent (a supervisor logged him out); returns
  // their ids, so the caller can close their WebSockets.
  std::vector<std::string> remove_login(const domain::AgentId& login);

  // Marks sessions that have timed out and forgets those expired longer than
  // remember_expired. Returns the ids that expired since the last call, so
  // the caller can close their WebSockets.
  std::vector<std::string> sweep();

  // Constant-time comparison of a request's X-CSRF-Token with the session's.
  static bool csrf_matches(const Session& session, std::string_view token);

  std::size_t live_count() const;
  const SessionPolicy& policy() const { return policy_; }

 private:
  struct Entry {
    Session session;
    bool expired = false;
    domain::Timestamp expired_at = 0;
  };
  bool timed_out(const Entry& e, domain::Timestamp now) const;
  void evict_least_recently_used();

  const domain::Clock& clock_;
  SessionPolicy policy_;
  std::unordered_map<std::string, Entry> sessions_;
};

}  // namespace callboard::web
