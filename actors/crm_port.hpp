#pragma once
// CRM commands as the adapters (web/, the CSV import, the demo import) see
// them: one call per command, answered once the command's events are
// durable (synced, and applied to the views, so the caller reads its own
// write). No CAF here. Implemented by actors::CallCenter.
//
// Threading: execute() and execute_all() block; call them from a thread
// that may wait (an HTTP worker thread, start-up), never from the web's io
// thread, a CAF actor or the event log's delivery thread.
//
// Errors (Status codes):
//   invalid_argument  "field: reason": the command breaks a rule
//   not_found         no such client, deal, task or phone
//   conflict          a phone is another client's, a stale expected
//                     version, a closed deal, a task done already
//   io_error          the event log could not write
//   unavailable       shutting down, or no answer within the timeout

#include <atomic>
#include <vector>

#include "domain/client_commands.hpp"
#include "domain/status.hpp"

namespace callboard::actors {

class CrmPort {
 public:
  virtual ~CrmPort() = default;
  virtual Result<domain::CommandOutcome> execute(const domain::CommandEnvelope& command) = 0;
  // Runs the commands concurrently (their events may share group commits)
  // and returns one result per command, in order. Commands on one client
  // are applied in the order given.
  virtual std::vector<Result<domain::CommandOutcome>> execute_all(
      const std::vector<domain::CommandEnvelope>& commands) = 0;
};

// A port to attach later: the composition root starts the web server (which
// the actors need as their PanelPort) before the actors exist. Until
// attach(), and after attach(nullptr), every command is `unavailable`.
// REQUIRES: the target outlives every call made through this port (detach,
// then stop the callers, then destroy the target).
class DeferredCrm final : public CrmPort {
 public:
  void attach(CrmPort* target) { target_.store(target); }
  Result<domain::CommandOutcome> execute(const domain::CommandEnvelope& command) override {
    CrmPort* t = target_.load();
    if (!t) return Status::unavailable("the CRM is not running (starting or stopping)");
    return t->execute(command);
  }
  std::vector<Result<domain::CommandOutcome>> execute_all(
      const std::vector<domain::CommandEnvelope>& commands) override {
    CrmPort* t = target_.load();
    if (!t)
      return std::vector<Result<domain::CommandOutcome>>(
          commands.size(), Status::unavailable("the CRM is not running (starting or stopping)"));
    return t->execute_all(commands);
  }

 private:
  std::atomic<CrmPort*> target_{nullptr};
};

// Answers every command with `unavailable`: the port of a server whose
// actors are not running (the web harness, tests).
class NoCrm final : public CrmPort {
 public:
  Result<domain::CommandOutcome> execute(const domain::CommandEnvelope&) override {
    return Status::unavailable("the CRM is not running");
  }
  std::vector<Result<domain::CommandOutcome>> execute_all(
      const std::vector<domain::CommandEnvelope>& commands) override {
    return std::vector<Result<domain::CommandOutcome>>(commands.size(),
                                                       Status::unavailable("the CRM is not running"));
  }
};

}  // namespace callboard::actors
