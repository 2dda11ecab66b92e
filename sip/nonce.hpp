#pragma once
// Stateless digest nonces for the registrar: a nonce is the time it was
// issued plus an HMAC-SHA256 of that time under a per-process random key, so
// the registrar can verify it (and tell a stale one from a forged one)
// without remembering what it handed out.
//
//   nonce = 16 hex digits of the issue time (seconds)
//         + 32 hex digits of HMAC-SHA256(key, issue time as 8 big-endian bytes), truncated
//
// Limits: a nonce can be replayed within its lifetime (nonce counts are not
// tracked); a restart invalidates every outstanding nonce (clients get a
// fresh 401 and retry). Immutable after construction: any thread may call.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace callboard::sip {

class NonceAuthority {
 public:
  static constexpr std::size_t kKeySize = 32;
  using Key = std::array<unsigned char, kKeySize>;

  explicit NonceAuthority(const Key& key) : key_(key) {}
  // A key from libsodium's CSPRNG. REQUIRES: sodium_init() succeeded.
  static NonceAuthority with_random_key();

  // A nonce issued at `now_s` (seconds on any clock the caller keeps using).
  std::string issue(std::int64_t now_s) const;

  enum class Check {
    valid,    // ours and younger than the lifetime
    stale,    // ours but older than the lifetime: challenge again with stale=true
    invalid,  // not ours (bad syntax, bad MAC, or issued in the future)
  };
  Check verify(std::string_view nonce, std::int64_t now_s, std::int64_t lifetime_s) const;

 private:
  std::string mac_hex(std::uint64_t issued) const;
  Key key_;
};

const char* to_string(NonceAuthority::Check c);

}  // namespace callboard::sip
