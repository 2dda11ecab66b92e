#pragma once
// Group commit in front of an EventLog: appends from any thread are queued,
// batched into one synced write by a single writer thread, and acknowledged
// only after that write is durable. After each durable batch a delivery
// thread feeds subscribers (projections, live views) with the recorded
// events, in log order, and then acknowledges the appenders, so a caller
// that has its acknowledgement reads its own write in every view. While the
// delivery thread acknowledges one batch the writer already syncs the next.
//
// A request whose expected versions conflict fails alone (Status conflict);
// the other requests of its batch are written. Expected versions are checked
// against the log plus the requests before it in the same batch, so two
// requests for one stream in one batch are ordered as they were queued.
//
// Ownership: borrows the EventLog (which must outlive this object) and owns
// its two threads, the queue, subscribers and callbacks. Subscribers,
// callbacks and the observer must not throw.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
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
  // The subscriber runs on one thread owned by the feed (the same thread for
  // every batch and subscriber), after each durable batch, batches in log
  // order, subscribers in subscription order; it must be quick and must not
  // append synchronously. A feed may hand one durable batch over in several
  // calls, each of whole appends (never part of one).
  virtual void subscribe(BatchSubscriber subscriber) = 0;
};

// Counters since construction, for tests and monitoring. Durations are
// microseconds of the steady clock.
struct GroupCommitStats {
  std::uint64_t batches = 0;    // synced appends made
  std::uint64_t events = 0;     // events written
  std::uint64_t requests = 0;   // requests acknowledged ok
  std::uint64_t conflicts = 0;  // requests failed with Status conflict
  std::uint64_t failed = 0;     // requests failed otherwise (invalid input, I/O)
  std::uint64_t rejected = 0;   // requests refused after stop()
  std::uint64_t queued = 0;     // requests waiting for the writer right now
  std::uint64_t last_batch_events = 0;
  std::uint64_t last_batch_requests = 0;
  std::uint64_t max_batch_events = 0;   // largest batch written so far
  std::uint64_t last_write_micros = 0;  // the last batch's synced append
  std::uint64_t total_write_micros = 0;
};

// What one batch did: feed it to histograms (batch size, write latency,
// queueing). Passed to the BatchObserver on the delivery thread.
struct BatchReport {
  std::size_t requests = 0;   // taken from the queue for this batch
  std::size_t events = 0;     // written (0 when every request failed)
  std::size_t conflicts = 0;  // requests that failed their version check
  bool write_ok = true;       // false: the synced append failed
  std::uint64_t write_micros = 0;        // the synced append alone
  std::uint64_t oldest_wait_micros = 0;  // submit -> ack of the oldest request
};
using BatchObserver = std::function<void(const BatchReport&)>;

class GroupCommitLog final : public EventFeed {
 public:
  static constexpr std::size_t kDefaultMaxBatchEvents = 4096;
  // A batch larger than this reaches the subscribers in slices of whole
  // requests, each closed once it holds this many events or more (a
  // request larger than this is a slice alone). Why: the views apply a
  // slice under their exclusive lock, which the routing actors read through,
  // and a batch gathered while delivery was held up (a snapshot holds the
  // views' shared lock for 0.1-0.3 s) is large: 17 of 95,894 batches held
  // more than 1,024 events in a five-minute benchmark run at 1000 calls/s
  // (bench/routing, docs/BENCHMARKS.md, eleventh pass). Measured, slicing
  // alone did not shorten the worst routing stalls there: those were a
  // rehash inside one slice (domain/views/sharded_map.hpp).
  static constexpr std::size_t kDeliverySliceEvents = 64;

  // max_batch_events bounds one write. min_interval: a synced write starts
  // at least this long after the one before (0: at once); what is queued
  // meanwhile goes into it. A steady trickle of appends (a call center at
  // a few thousand events a second) otherwise costs one fdatasync every
  // few events; at 1,400 calls/s, 2 ms saved about a tenth of the writer's
  // CPU and 2.5-6.5% of the server's (bench/routing, docs/BENCHMARKS.md),
  // and adds at most that to an acknowledgement. The log must outlive
  // this object.
  explicit GroupCommitLog(EventLog& log, std::size_t max_batch_events = kDefaultMaxBatchEvents,
                          std::chrono::microseconds min_interval = std::chrono::microseconds(0));
  ~GroupCommitLog() override;  // drains the queue, then stops the thread
  GroupCommitLog(const GroupCommitLog&) = delete;
  GroupCommitLog& operator=(const GroupCommitLog&) = delete;

  // Queues one request (its events are appended together and contiguously).
  // The callback runs on the delivery thread once the batch holding it is
  // durable (after the subscribers), or failed; it must not block.
  // Thread-safe. After stop(): the callback gets Status unavailable, at once
  // on the calling thread.
  void submit(std::vector<NewEvent> events, AppendCallback callback);

  // submit() and wait for the acknowledgement. Thread-safe. From the
  // delivery thread (a subscriber or a callback) it would wait for itself,
  // so it returns invalid_argument at once.
  Result<AppendResult> append(std::vector<NewEvent> events);

  // Runs on the delivery thread, in subscription order. Thread-safe; a batch
  // already written may or may not reach a subscriber added meanwhile.
  void subscribe(BatchSubscriber subscriber) override;

  // One observer (replacing any earlier one), called on the delivery thread
  // after every batch's callbacks. Must be quick. Thread-safe.
  void set_batch_observer(BatchObserver observer);

  // Stops accepting requests, writes and delivers what is already queued,
  // and joins both threads. Idempotent and thread-safe. From the delivery
  // thread itself (a callback) it only stops accepting; the destructor joins.
  void stop();

  GroupCommitStats stats() const;
  EventLog& log() { return log_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Request {
    std::vector<NewEvent> events;
    AppendCallback callback;  // or:
    std::promise<Result<AppendResult>>* waiter = nullptr;  // append(): takes the result by move
    Clock::time_point submitted;
  };
  using Subscribers = std::vector<BatchSubscriber>;
  // A batch the writer is done with, on its way to subscribers and callers.
  struct Written {
    std::vector<Request> requests;
    std::vector<Result<AppendResult>> results;    // results[i] answers requests[i]
    std::vector<domain::RecordedEvent> recorded;  // every event written, in log order
    BatchReport report;
  };

  void enqueue(Request request);
  static void deliver(Request& request, Result<AppendResult>&& result);
  void write_loop();
  void delivery_loop();
  Written write(std::vector<Request>&& batch);
  void finish(Written& written, const Subscribers& subscribers, const BatchObserver* observer);
  static void feed(Written& written, const Subscribers& subscribers);

  // Batches written but not yet delivered, at most: bounds the memory and
  // the latency the writer may run ahead by.
  static constexpr std::size_t kMaxUndelivered = 2;

  EventLog& log_;
  const std::size_t max_batch_events_;
  const std::chrono::microseconds min_interval_;
  Clock::time_point last_write_start_{};  // writer thread only
  mutable std::mutex mutex_;  // guards everything below but the threads
  std::condition_variable wake_writer_;     // queue_ got work, or stopping_
  std::condition_variable stopping_cv_;     // stopping_ (cuts the writer's min_interval_ wait)
  std::condition_variable wake_delivery_;   // written_ got a batch, or writer_done_
  std::condition_variable delivery_space_;  // written_ shrank
  std::deque<Request> queue_;
  std::deque<Written> written_;
  // Copy-on-write: the delivery thread takes a reference per batch.
  std::shared_ptr<const Subscribers> subscribers_;
  std::shared_ptr<const BatchObserver> observer_;
  bool stopping_ = false;
  bool writer_done_ = false;
  GroupCommitStats stats_;
  std::mutex join_mutex_;  // one stop() joins
  std::thread writer_;
  std::thread delivery_;
};

}  // namespace callboard::storage
