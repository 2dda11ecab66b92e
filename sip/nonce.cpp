#include "sip/nonce.hpp"

#include <sodium.h>

#include <cstdio>

namespace callboard::sip {
namespace {

constexpr std::size_t kTimeHex = 16;
constexpr std::size_t kMacBytes = 16;  // of the 32 HMAC-SHA256 bytes
constexpr std::size_t kMacHex = kMacBytes * 2;
// A nonce stamped a little in the future is tolerated: the same process
// issues and checks, but `now` may come from two reads of the clock.
constexpr std::int64_t kFutureSkew = 2;

bool parse_hex64(std::string_view s, std::uint64_t& out) {
  if (s.size() != kTimeHex) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return false;
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  out = v;
  return true;
}

}  // namespace

NonceAuthority NonceAuthority::with_random_key() {
  Key key;
  randombytes_buf(key.data(), key.size());
  return NonceAuthority(key);
}

std::string NonceAuthority::mac_hex(std::uint64_t issued) const {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(issued & 0xff);
    issued >>= 8;
  }
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key_.data(), key_.size());
  crypto_auth_hmacsha256_update(&st, msg, sizeof msg);
  crypto_auth_hmacsha256_final(&st, mac);
  char out[kMacHex + 1];
  sodium_bin2hex(out, sizeof out, mac, kMacBytes);
  return std::string(out, kMacHex);
}

std::string NonceAuthority::issue(std::int64_t now_s) const {
  char stamp[kTimeHex + 1];
  std::snprintf(stamp, sizeof stamp, "%016llx",
                static_cast<unsigned long long>(static_cast<std::uint64_t>(now_s)));
  return std::string(stamp, kTimeHex) + mac_hex(static_cast<std::uint64_t>(now_s));
}

NonceAuthority::Check NonceAuthority::verify(std::string_view nonce, std::int64_t now_s,
                                             std::int64_t lifetime_s) const {
  if (nonce.size() != kTimeHex + kMacHex) return Check::invalid;
  std::uint64_t issued = 0;
  if (!parse_hex64(nonce.substr(0, kTimeHex), issued)) return Check::invalid;
  const std::string expected = mac_hex(issued);
  if (sodium_memcmp(expected.data(), nonce.data() + kTimeHex, kMacHex) != 0) return Check::invalid;
  const auto t = static_cast<std::int64_t>(issued);
  if (t > now_s + kFutureSkew) return Check::invalid;
  if (now_s - t > lifetime_s) return Check::stale;
  return Check::valid;
}

const char* to_string(NonceAuthority::Check c) {
  switch (c) {
    case NonceAuthority::Check::valid: return "valid";
    case NonceAuthority::Check::stale: return "stale";
    case NonceAuthority::Check::invalid: return "invalid";
  }
  return "invalid";
}

}  // namespace callboard::sip
