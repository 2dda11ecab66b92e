#pragma once
// What the actors use of the rest of the server, passed in at spawn: no
// globals. No CAF here.

#include <functional>
#include <memory>
#include <vector>

#include "actors/ports.hpp"
#include "domain/clock.hpp"
#include "domain/config.hpp"
#include "domain/phone.hpp"
#include "domain/random.hpp"
#include "storage/group_commit.hpp"
#include "storage/view_host.hpp"

namespace callboard::actors {

// Where actors append their events. The callback runs on another thread
// once the events are durable (or failed); it must only post messages.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void submit(std::vector<storage::NewEvent> events, storage::AppendCallback done) = 0;
};

// The server's sink: the group-commit writer.
class GroupCommitSink final : public EventSink {
 public:
  explicit GroupCommitSink(storage::GroupCommitLog& log) : log_(log) {}
  void submit(std::vector<storage::NewEvent> events, storage::AppendCallback done) override {
    log_.submit(std::move(events), std::move(done));
  }

 private:
  storage::GroupCommitLog& log_;
};

// Counts what goes wrong inside the actor layer (monitoring/ implements it).
class ActorMetrics {
 public:
  virtual ~ActorMetrics() = default;
  virtual void append_failed() = 0;
  virtual void call_actor_failed() = 0;
};

class NullActorMetrics final : public ActorMetrics {
 public:
  void append_failed() override {}
  void call_actor_failed() override {}
};

// Every pointer is non-null and outlives the actor system.
struct Services {
  std::shared_ptr<const domain::Config> config;
  EventSink* events = nullptr;
  storage::ViewHost* views = nullptr;
  // Read-only: client actors load their state from their streams.
  const storage::EventLog* log = nullptr;
  TelephonyPort* telephony = nullptr;
  PanelPort* panel = nullptr;
  const domain::Clock* clock = nullptr;
  const domain::PhoneNumbers* phones = nullptr;
  ActorMetrics* metrics = nullptr;
  domain::Random* random = nullptr;
};

}  // namespace callboard::actors
