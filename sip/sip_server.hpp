#pragma once
// The telephony adapter: a signalling back-to-back user agent and registrar
// on Sofia-SIP's nua. Agents' phones REGISTER here (digest auth); callers'
// INVITEs become CallSignals::incoming; the call actors drive the legs
// through TelephonyPort (ring, bridge, release, ...). SDP passes through
// untouched; media flows between the phones.
//
// Threads: the server runs one Sofia thread of its own (su_root with
// threading off, so nua runs on it too). Every TelephonyPort method may be
// called from any thread, the Sofia thread included (i.e. from inside a
// CallSignals method): it posts an owned copy of its arguments to the Sofia
// thread and returns at once; posts run in the order they were made.
// CallSignals and SipMetrics are called on the Sofia thread only.
//
// Lifetime, in app/: create() -> hand the server to the actor layer as its
// TelephonyPort -> start(signals) -> ... -> stop() -> destroy. TelephonyPort
// calls before start() or after stop() are ignored. `signals` and `metrics`
// must outlive stop(). Sofia types never appear here (see engine.hpp).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/ports.hpp"
#include "domain/config.hpp"
#include "domain/status.hpp"

namespace callboard::sip {

// One agent phone account: the digest user name (also the AoR user part),
// its password, and the agent it belongs to.
struct SipAccount {
  std::string user;
  std::string password;
  domain::AgentId agent;
};

struct SipServerConfig {
  domain::Endpoint listen{"127.0.0.1", 5060};  // UDP and TCP
  std::string realm = "callboard";             // digest realm
  std::string domain;                          // host in From/To; empty: listen.host
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 3600;
  std::uint32_t default_expires = 600;
  std::uint32_t nonce_lifetime_s = 300;        // after it: 401 with stale=true
  // UDP and TCP on listen.host too: the server's own requests go out from it
  // and dialogs over UDP name it in their Contact, so listen.port takes new
  // requests only (see sip/README.md, "Two ports"). 0: listen.port for all.
  // Needs listen.host to be one address (not 0.0.0.0 or ::): the Contact
  // of the dialogs names it.
  std::uint16_t dialog_port = 0;
  std::vector<SipAccount> accounts;            // an empty user (no phone) is skipped
  int thread_nice = 0;  // the Sofia thread's nice (actors/thread_priority.hpp); 0: unchanged
};

// The server's part of the application's configuration: listen.sip, the
// sip section, and one account per agent that has a sip_user (digest
// password: sip_password). Pure; start() validates the result.
SipServerConfig server_config_from(const domain::Config& config);

// Counts of live state, for tests and diagnostics.
struct SipServerSnapshot {
  std::size_t calls = 0;          // calls with any leg or handle still alive
  std::size_t nua_handles = 0;    // nua handles the server still owns
  std::size_t bindings = 0;       // registered contacts
  std::size_t registered_users = 0;
};

class SipServer final : public actors::TelephonyPort {
 public:
  // `metrics` must outlive the server. Nothing is bound until start().
  static std::unique_ptr<SipServer> create(SipServerConfig config, actors::SipMetrics& metrics);
  ~SipServer() override;  // stops if still running
  SipServer(const SipServer&) = delete;
  SipServer& operator=(const SipServer&) = delete;

  // Binds UDP and TCP on config.listen and starts the Sofia thread; signals
  // go to `signals` from then on. Returns once the sockets are bound.
  // Errors: invalid_argument (bad config: no host/port, empty realm, expiries
  // not 0 < min <= default <= max, an account without agent, a SIP user
  // given twice), io_error (the address cannot be bound: port taken, not a
  // local address), unavailable (already started, or stopped: a server is
  // started once).
  Status start(actors::CallSignals& signals);

  // Ends every call leg cleanly (CANCEL or BYE to agents, 487 or BYE to
  // callers), lets nua finish its transactions (at most ~30 s when a peer
  // stays silent), then stops the thread. No CallSignals are sent once it
  // has begun. Idempotent. From the Sofia thread (inside a CallSignals
  // method) it only begins the shutdown; the destructor waits for the end.
  void stop();

  // Live counts, read on the Sofia thread. Blocks until it answers.
  // Errors: unavailable when not running. Not from the Sofia thread.
  Result<SipServerSnapshot> snapshot();

  // New phone credentials (a configuration reload), applied on the Sofia
  // thread: later REGISTERs are checked against them. Thread-safe.
  void set_accounts(std::vector<SipAccount> accounts);

  // actors::TelephonyPort: thread-safe, asynchronous, see actors/ports.hpp.
  void ring(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
            const std::string& caller, const std::string& caller_name) override;
  void release(const domain::CallId& call, domain::LegId leg) override;
  void bridge(const domain::CallId& call, domain::LegId leg) override;
  void progress(const domain::CallId& call, int status, const std::string& reason) override;
  void reject(const domain::CallId& call, int status, const std::string& reason) override;
  void hang_up_caller(const domain::CallId& call) override;
  void originate(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
                 const std::string& client_number, const std::string& client_name) override;
  void dial(const domain::CallId& call, domain::LegId leg, domain::LegId agent_leg,
            const std::string& uri, const std::string& caller_id) override;
  void connect(const domain::CallId& call, domain::LegId agent_leg, domain::LegId client_leg) override;

  class Impl;

 private:
  explicit SipServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard::sip
