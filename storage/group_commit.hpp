#pragma once
// Group commit in front of an EventLog: appends from any thread are queued,
// batched into one synced write by a single writer thread, and acknowledged
// only after that write is durable. After each durable batch the writer thread
// feeds subscribers (projections, live views) with the recorded events, in
// log order, before it acknowledges the appenders, so a caller that has its
// acknowledgement reads its own write in every view.
//
// A request whose expected versions conflict fails alone (Status conflict);
// the other requests of its batch are written.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/event_log.hpp"

namespace callboard::storage {

using AppendCallback = std::function<void(const Result<AppendResult>&)>;
using BatchSubscriber = std::function<void(const std::vector<domain::RecordedEvent>&)>;

// Where live views get committed events from. Thread-safe.
class EventFeed {
 public:
  virtual ~EventFeed() = default;
  // The subscriber runs on the writer thread, after each durable batch, in
  // subscription order; it must be quick and must not append synchronously.
  virtual void subscribe(BatchSubscriber subscriber) = 0;
};

struct GroupCommitStats {
  std::uint64_t batches = 0;
  std::uint64_t events = 0;
  std::uint64_t requests = 0;
  std::uint64_t conflicts = 0;
};

class GroupCommitLog final : public EventFeed {
 public:
  // max_batch_events bounds one write. The log must outlive this object.
  explicit GroupCommitLog(EventLog& log, std::size_t max_batch_events = 4096);
  ~GroupCommitLog() override;  // drains the queue, then stops the thread
  GroupCommitLog(const GroupCommitLog&) = delete;
  GroupCommitLog& operator=(const GroupCommitLog&) = delete;

  // Queues one request (its events are appended together and contiguously).
  // The callback runs on the writer thread once the batch holding it is
  // durable, or failed; it must not block. Thread-safe. After stop():
  // the callback gets Status unavailable.
  void submit(std::vector<NewEvent> events, AppendCallback callback);

  // submit() and wait for the acknowledgement. Thread-safe; never call it
  // from the writer thread (a subscriber or a callback).
  Result<AppendResult> append(std::vector<NewEvent> events);

  void subscribe(BatchSubscriber subscriber) override;

  // Writes what is queued, then stops accepting requests. Idempotent.
  void stop();

  GroupCommitStats stats() const;
  EventLog& log() { return log_; }

 private:
  struct Request {
    std::vector<NewEvent> events;
    AppendCallback callback;
  };
  void run();
  void commit(std::vector<Request>& batch);

  EventLog& log_;
  const std::size_t max_batch_events_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Request> queue_;
  std::vector<BatchSubscriber> subscribers_;
  bool stopping_ = false;
  GroupCommitStats stats_;
  std::thread writer_;
};

}  // namespace callboard::storage
