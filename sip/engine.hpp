#pragma once
// Internal to sip/: the state and logic that live on the Sofia thread. The
// SipServer facade (sip_server.cpp) owns the thread and posts TelephonyPort
// calls here; nua's callback enters through on_event(). Everything in this
// class runs on the Sofia thread only; it is not thread-safe.
//
// Sofia types appear only as forward declarations; the implementation is
// split by responsibility:
//   engine.cpp          start/stop of nua, event dispatch, handle ownership
//   engine_register.cpp REGISTER: digest check, registrar, binding expiry
//   engine_inbound.cpp  the caller's leg: INVITE, CANCEL, BYE, answers to it
//   engine_outbound.cpp the agents' legs: forking, 1xx/2xx/failures, release
//   engine_originate.cpp click-to-call (RFC 3725 flow I): the agent's leg
//                       without SDP, the client's leg, connect
//
// Call model (one Call per inbound INVITE):
//
//   Call ── inbound handle (caller)         early -> answered -> confirmed -> ended
//     └── Leg (per ring(), one agent) ── Branch (per registered contact)
//                                          inviting -> ringing -> answered
//                                             \-> cancelling / hanging_up -> ended
//                                             \-> failed
//
// A Call is forgotten once its inbound handle and every branch handle have
// been destroyed (nua_callstate_terminated).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/ports.hpp"
#include "sip/nonce.hpp"
#include "sip/registrar.hpp"
#include "sip/sip_server.hpp"

struct nua_s;
struct nua_handle_s;
struct sip_s;
struct su_root_s;
struct su_timer_s;

namespace callboard::sip {

// The context bound to every nua handle the engine owns (its "hmagic").
struct HandleCtx {
  enum class Kind { inbound, outbound, originated };
  Kind kind = Kind::inbound;
  domain::CallId call;
  domain::LegId leg = 0;
  std::size_t branch = 0;
};

enum class BranchState { inviting, ringing, answered, cancelling, hanging_up, failed, ended };
enum class InboundState { early, answered, confirmed, ended };

struct Body {
  std::string type;  // Content-Type as received; empty: no body
  std::string data;
};

// The body of a received message (its SDP), copied byte for byte.
Body message_body(const sip_s* sip);

struct Branch {
  nua_handle_s* nh = nullptr;  // null once destroyed
  std::string contact;
  BranchState state = BranchState::inviting;
  int final_status = 0;
};

struct Leg {
  domain::LegId id = 0;
  std::vector<Branch> branches;
  bool released = false;          // release() was asked: no more signals
  bool ringing_reported = false;
  bool answered = false;          // a branch won (leg_answered sent)
  bool over = false;              // leg_failed or leg_hung_up sent
  std::size_t winner = 0;         // valid when answered
  Body answer;                    // the winner's SDP
};

struct Call {
  domain::CallId id;
  nua_handle_s* in = nullptr;     // null once destroyed
  InboundState state = InboundState::early;
  bool caller_reported = false;   // caller_cancelled / caller_hung_up sent
  Body offer;                     // the caller's SDP
  Body answer_sent;               // what bridge() answered with
  bool over_udp = true;           // the caller's INVITE came over UDP
  std::map<domain::LegId, Leg> legs;
};

// A click-to-call (engine_originate.cpp): no caller leg; the agent's leg
// (forked to his contacts, INVITEd without SDP, its winning 200 left
// un-ACKed until connect()) and the client's leg (one INVITE to the route).
struct OriginatedCall {
  domain::CallId id;
  std::map<domain::LegId, Leg> legs;  // Leg::answer: the agent's offer / the client's answer
  domain::LegId agent_leg = 0;
  bool agent_acked = false;           // the agent's winning 200 got its ACK
  Body answer_sent;                   // the SDP answer the agent got in that ACK
};

class Engine {
 public:
  Engine(const SipServerConfig& config, actors::SipMetrics& metrics, actors::CallSignals& signals);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Creates nua bound to config.listen (UDP and TCP) and the expiry timer.
  // Errors: io_error naming the address and the OS error.
  Status open(su_root_s* root);
  // Ends every leg (CANCEL/BYE/487), refuses new work, starts nua_shutdown;
  // breaks the root loop once nua reports the shutdown finished.
  void begin_shutdown();
  // Destroys nua. REQUIRES: the root loop has returned.
  void close();

  // Replaces the phones' credentials (a configuration reload). Bindings of
  // users no longer listed stay until they expire or re-register (refused).
  void set_accounts(std::vector<SipAccount> accounts);

  // TelephonyPort, as posted by the facade.
  void ring(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
            const std::string& caller, const std::string& caller_name);
  void release(const domain::CallId& call, domain::LegId leg);
  void bridge(const domain::CallId& call, domain::LegId leg);
  void progress(const domain::CallId& call, int status, const std::string& reason);
  void reject(const domain::CallId& call, int status, const std::string& reason);
  void hang_up_caller(const domain::CallId& call);
  void originate(const domain::CallId& call, domain::LegId leg, const std::string& sip_user,
                 const std::string& client_number, const std::string& client_name);
  void dial(const domain::CallId& call, domain::LegId leg, domain::LegId agent_leg,
            const std::string& uri, const std::string& caller_id);
  void connect(const domain::CallId& call, domain::LegId agent_leg, domain::LegId client_leg);

  SipServerSnapshot snapshot() const;

  // From nua's callback. `callstate` is NUTAG_CALLSTATE for nua_i_state, else -1.
  void on_event(int event, int status, const char* phrase, nua_handle_s* nh, HandleCtx* ctx,
                const sip_s* sip, int callstate);
  // From the 1 s timer: drops expired bindings.
  void on_tick();

 private:
  // engine.cpp
  HandleCtx* adopt(nua_handle_s* nh, HandleCtx ctx);
  void destroy_handle(nua_handle_s* nh);
  void forget_if_done(const domain::CallId& id);
  // Answers the request pending on `nh`. nua keeps the phrase pointer until
  // its stack processes the answer, later: pass a literal, or phrase_copy().
  void respond(nua_handle_s* nh, int status, const char* phrase);
  // `text` copied into the handle's own memory (freed with the handle);
  // nullptr for empty text, so that nua uses the standard phrase.
  const char* phrase_copy(nua_handle_s* nh, const std::string& text);
  bool signals_on() const { return !shutting_down_; }
  std::string uri_for(const std::string& user) const;
  // The Contact for a dialog over UDP when the server has a dialog port
  // (SIPTAG_CONTACT_STR under TAG_IF); nullptr: nua's own (listen.port).
  // Dialogs over TCP keep nua's, with its transport parameter. Without a
  // dialog port nothing is looked at.
  const char* dialog_contact(bool over_udp) const;
  const char* dialog_contact_for(const sip_s* request) const;  // a dialog it opens, by its top Via
  const char* dialog_contact_to(const std::string& uri) const;  // a dialog we open, by the URI's transport
  static bool came_over_udp(const sip_s* request);
  std::int64_t now_s() const;

  // engine_register.cpp
  void on_register(nua_handle_s* nh, const sip_s* sip);
  void challenge(nua_handle_s* nh, bool stale);
  void apply_register(nua_handle_s* nh, const sip_s* sip, const SipAccount& account);
  void report_binding_change(const std::string& user, RegisterOutcome::Change change,
                             const char* reason);

  // engine_inbound.cpp
  void on_incoming_invite(nua_handle_s* nh, const sip_s* sip);
  void on_reinvite(nua_handle_s* nh, HandleCtx& ctx, const sip_s* sip);
  void on_inbound_event(int event, int status, HandleCtx& ctx, const sip_s* sip, int callstate);
  void on_inbound_terminated(Call& call);
  void end_inbound_for_shutdown(Call& call);

  // engine_outbound.cpp
  void on_outbound_event(int event, int status, HandleCtx& ctx, const sip_s* sip, int callstate);
  void on_invite_response(Call& call, Leg& leg, std::size_t index, int status, const sip_s* sip);
  void on_branch_terminated(Call& call, Leg& leg, Branch& branch);
  void end_branch(Branch& branch);
  void release_leg(Leg& leg);
  // INVITEs every registered contact of `sip_user` (From: from_number with
  // from_name) as branches of `leg`, `invite` sending each; false (the leg
  // failed with 480) when he has none.
  bool fork_leg(const domain::CallId& id, Leg& leg, HandleCtx::Kind kind, const std::string& sip_user,
                const std::string& from_number, const std::string& from_name,
                const std::function<void(nua_handle_s*, const std::string&)>& invite);
  void fail_leg_if_done(const domain::CallId& call, Leg& leg);
  // Shared by the agents' legs and click-to-call's: a 1xx, a BYE from the
  // phone, and a dialog's end (returns the handle, detached, to destroy).
  void on_provisional(const domain::CallId& call, Leg& leg, Branch& branch, int status);
  void on_bye_from_branch(const domain::CallId& call, Leg& leg, std::size_t index);
  nua_handle_s* settle_terminated_branch(const domain::CallId& call, Leg& leg, Branch& branch);

  // engine_originate.cpp
  bool release_originated(const domain::CallId& id, domain::LegId leg);  // false: not one
  void on_originated_event(int event, int status, HandleCtx& ctx, const sip_s* sip, int callstate);
  void on_originated_reinvite(nua_handle_s* nh, HandleCtx& ctx, const sip_s* sip);
  void on_originated_response(OriginatedCall& call, Leg& leg, std::size_t index, int status,
                              const sip_s* sip);
  void on_originated_terminated(OriginatedCall& call, Leg& leg, Branch& branch);
  void end_originated_branch(OriginatedCall& call, Leg& leg, Branch& branch);
  void refuse_and_bye(Branch& branch, const Body& offer);
  void forget_originated_if_done(const domain::CallId& id);
  void end_originated_for_shutdown();

  Call* find_call(const domain::CallId& id);
  Leg* find_leg(Call& call, domain::LegId leg);
  domain::CallId new_call_id() const;

  const SipServerConfig config_;
  std::vector<SipAccount> accounts_list_;  // the accounts in force (replaced on reload)
  actors::SipMetrics& metrics_;
  actors::CallSignals& signals_;
  std::string domain_;  // host for From/To
  std::string dialog_contact_;  // "<sip:host:dialog_port>"; empty: no dialog port
  std::map<std::string, const SipAccount*> accounts_;  // by SIP user
  std::map<domain::AgentId, std::size_t> agent_users_registered_;  // users with bindings, per agent

  su_root_s* root_ = nullptr;
  nua_s* nua_ = nullptr;
  su_timer_s* tick_ = nullptr;
  bool shutting_down_ = false;

  NonceAuthority nonces_;
  Registrar registrar_;
  std::unordered_map<nua_handle_s*, std::unique_ptr<HandleCtx>> handles_;
  std::unordered_map<domain::CallId, Call> calls_;
  std::unordered_map<domain::CallId, OriginatedCall> originated_;
};

}  // namespace callboard::sip
