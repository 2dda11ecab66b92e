#pragma once
// The location service behind REGISTER (RFC 3261 §10.3 steps 6-8): which
// contacts each SIP user has bound, until when. Pure: no Sofia, no clock
// (callers pass `now` in seconds of a monotonic clock), no authentication
// (the caller authenticates first and passes the authenticated user).
//
// Single-threaded: the SIP engine owns one and calls it from the Sofia
// thread only.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace callboard::sip {

struct ExpiryPolicy {
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 3600;
  std::uint32_t default_expires = 600;
};

struct ContactSpec {
  std::string uri;                       // as the client wrote it, without <>
  std::optional<std::uint32_t> expires;  // the contact's ;expires= parameter
};

// False for a Contact whose host Callboard must never send to: the
// unspecified address, IPv4 multicast and broadcast (224.0.0.0 and up,
// including 255.255.255.255), IPv6 multicast. A REGISTER binding one gets
// 400. Host names and ordinary addresses are allowed.
bool contact_host_allowed(const std::string& uri);

struct RegisterRequest {
  std::string user;       // the authenticated user; the AoR's user part
  std::string call_id;
  std::uint32_t cseq = 0;
  bool wildcard = false;  // Contact: *
  std::optional<std::uint32_t> expires;  // the Expires header
  std::vector<ContactSpec> contacts;     // empty with wildcard, or for a query
};

struct BindingView {
  std::string uri;
  std::uint32_t expires_in = 0;  // seconds left
};

struct RegisterOutcome {
  enum class Change {
    none,
    first_binding,      // the user had no binding before and has one now
    last_binding_gone,  // the user had bindings and has none now
  };
  int status = 200;                   // 200, 400, 423 or 500
  std::string reason;                 // phrase for a non-200 status
  std::uint32_t min_expires = 0;      // with 423: the Min-Expires to send
  std::vector<BindingView> bindings;  // with 200: the user's bindings now
  Change change = Change::none;
};

class Registrar {
 public:
  explicit Registrar(ExpiryPolicy policy) : policy_(policy) {}

  // Applies one REGISTER atomically: on any error nothing changes.
  // 400 for a wildcard that is not alone or not with Expires: 0; 423 when a
  // non-zero expiry is below min_expires; 500 when a binding from the same
  // Call-ID has an equal or higher CSeq (out of order). Expiries above
  // max_expires are lowered to it; an expiry of 0 removes that binding.
  RegisterOutcome apply(const RegisterRequest& request, std::int64_t now_s);

  // Drops bindings whose time has come; returns the users left with none.
  std::vector<std::string> expire(std::int64_t now_s);

  // Live contact URIs of `user`, oldest registration first.
  std::vector<std::string> contacts(const std::string& user, std::int64_t now_s) const;

  std::size_t binding_count() const;
  std::size_t user_count() const { return users_.size(); }
  // The earliest expiry among all bindings, if any.
  std::optional<std::int64_t> next_expiry() const;

 private:
  struct Binding {
    std::string uri;
    std::int64_t expires_at = 0;
    std::string call_id;
    std::uint32_t cseq = 0;
    std::uint64_t order = 0;  // registration order, for stable contact lists
  };
  std::vector<BindingView> view(const std::vector<Binding>& bindings, std::int64_t now_s) const;

  ExpiryPolicy policy_;
  std::map<std::string, std::vector<Binding>> users_;  // no entry: no binding
  std::uint64_t next_order_ = 0;
};

}  // namespace callboard::sip
