#include "storage/group_commit.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>

#include "storage/thread_name.hpp"
#include "storage/version_tracker.hpp"

namespace callboard::storage {
namespace {

// Set on both threads, so append() can refuse to wait for itself.
thread_local const GroupCommitLog* tls_thread_of = nullptr;

std::uint64_t micros_between(std::chrono::steady_clock::time_point a,
                             std::chrono::steady_clock::time_point b) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(b - a).count());
}

// How many of the batch's recorded events are this request's: a result
// holds its own first and last sequence, a failed request none.
std::size_t events_of(const Result<AppendResult>& r) {
  return r ? static_cast<std::size_t>(r->last_sequence - r->first_sequence + 1) : 0;
}

// One request's place in the combined append.
struct Slot {
  std::size_t request = 0;
  std::size_t first = 0;  // index of its first event in the combined append
  std::size_t count = 0;
};

}  // namespace

GroupCommitLog::GroupCommitLog(EventLog& log, std::size_t max_batch_events,
                               std::chrono::microseconds min_interval)
    : log_(log),
      max_batch_events_(max_batch_events == 0 ? 1 : max_batch_events),
      min_interval_(min_interval),
      subscribers_(std::make_shared<const Subscribers>()),
      writer_([this] { write_loop(); }),
      delivery_([this] { delivery_loop(); }) {}

GroupCommitLog::~GroupCommitLog() { stop(); }

// ---- callers' side ---------------------------------------------------------------

void GroupCommitLog::enqueue(Request request) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      request.submitted = Clock::now();
      queue_.push_back(std::move(request));
      ++stats_.queued;
      wake_writer_.notify_one();
      return;
    }
    ++stats_.rejected;
  }
  deliver(request, Status::unavailable("event log writer is stopped"));
}

void GroupCommitLog::deliver(Request& request, Result<AppendResult>&& result) {
  if (request.waiter != nullptr)
    request.waiter->set_value(std::move(result));
  else
    request.callback(result);
}

void GroupCommitLog::submit(std::vector<NewEvent> events, AppendCallback callback) {
  Request r;
  r.events = std::move(events);
  r.callback = std::move(callback);
  enqueue(std::move(r));
}

Result<AppendResult> GroupCommitLog::append(std::vector<NewEvent> events) {
  if (tls_thread_of == this)
    return Status::invalid_argument("GroupCommitLog::append called from a subscriber or callback");
  std::promise<Result<AppendResult>> done;
  std::future<Result<AppendResult>> ack = done.get_future();
  Request r;
  r.events = std::move(events);
  r.waiter = &done;
  enqueue(std::move(r));
  return ack.get();
}

void GroupCommitLog::subscribe(BatchSubscriber subscriber) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = std::make_shared<Subscribers>(*subscribers_);
  next->push_back(std::move(subscriber));
  subscribers_ = std::move(next);
}

void GroupCommitLog::set_batch_observer(BatchObserver observer) {
  std::lock_guard<std::mutex> lock(mutex_);
  observer_ = observer ? std::make_shared<const BatchObserver>(std::move(observer)) : nullptr;
}

void GroupCommitLog::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_all();
  stopping_cv_.notify_all();
  if (tls_thread_of == this) return;
  std::lock_guard<std::mutex> join_lock(join_mutex_);
  if (writer_.joinable()) writer_.join();  // the writer drains the queue first
  if (delivery_.joinable()) delivery_.join();
}

GroupCommitStats GroupCommitLog::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

// ---- the writer thread ---------------------------------------------------------------

void GroupCommitLog::write_loop() {
  tls_thread_of = this;
  name_this_thread("cb-log-writer");
  for (;;) {
    std::vector<Request> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_writer_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) break;  // stopping, and everything queued is written
      // Too soon after the last write: let the rest of the interval's
      // appends join this one (enqueue() does not wake this wait).
      const Clock::time_point due = last_write_start_ + min_interval_;
      if (min_interval_.count() > 0 && Clock::now() < due)
        stopping_cv_.wait_until(lock, due, [this] { return stopping_; });
      last_write_start_ = Clock::now();
      // Take everything queued up to the bound; a request larger than the
      // bound goes alone.
      std::size_t events = 0;
      while (!queue_.empty() &&
             (batch.empty() || events + queue_.front().events.size() <= max_batch_events_)) {
        events += queue_.front().events.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stats_.queued = queue_.size();
    }
    Written done = write(std::move(batch));
    std::unique_lock<std::mutex> lock(mutex_);
    delivery_space_.wait(lock, [this] { return written_.size() < kMaxUndelivered; });
    written_.push_back(std::move(done));
    wake_delivery_.notify_one();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  writer_done_ = true;
  wake_delivery_.notify_one();
}

GroupCommitLog::Written GroupCommitLog::write(std::vector<Request>&& batch) {
  Written w;
  w.requests = std::move(batch);
  w.report.requests = w.requests.size();
  w.results.reserve(w.requests.size());
  std::vector<Slot> slots;
  std::vector<NewEvent> combined;

  // Check every request against the log plus the requests before it; a
  // request that fails leaves no trace in the tracker.
  VersionTracker tracker([this](const std::string& s) { return log_.stream_version(s); });
  std::vector<std::uint64_t> versions;
  for (std::size_t i = 0; i < w.requests.size(); ++i) {
    Status s = tracker.accept(w.requests[i].events, versions);
    if (!s) {
      if (s.code() == Status::Code::conflict) ++w.report.conflicts;
      w.results.emplace_back(std::move(s));
      continue;
    }
    w.results.emplace_back(AppendResult{});
    slots.push_back(Slot{i, combined.size(), w.requests[i].events.size()});
    for (auto& e : w.requests[i].events) combined.push_back(std::move(e));
  }
  if (combined.empty()) return w;

  const auto start = Clock::now();
  Result<AppendResult> r = log_.append(combined, /*sync=*/true);
  if (r) {
    w.recorded = std::move(r->recorded);
    for (const Slot& slot : slots) {
      AppendResult& part = w.results[slot.request].value();
      part.first_sequence = r->first_sequence + slot.first;
      part.last_sequence = part.first_sequence + slot.count - 1;
    }
  } else if (r.status().code() == Status::Code::conflict) {
    // Only a writer bypassing this object can make the log disagree with
    // the checks above. Append request by request so only the losers fail.
    for (const Slot& slot : slots) {
      std::vector<NewEvent> one(std::make_move_iterator(combined.begin() + slot.first),
                                std::make_move_iterator(combined.begin() + slot.first + slot.count));
      Result<AppendResult> single = log_.append(one, /*sync=*/true);
      if (single) {
        for (auto& e : single->recorded) w.recorded.push_back(std::move(e));
        single->recorded.clear();
      } else if (single.status().code() == Status::Code::conflict) {
        ++w.report.conflicts;
      }
      w.results[slot.request] = std::move(single);
    }
  } else {
    w.report.write_ok = false;
    for (const Slot& slot : slots) w.results[slot.request] = r.status();
  }
  w.report.write_micros = micros_between(start, Clock::now());
  w.report.events = w.recorded.size();
  return w;
}

// ---- the delivery thread -------------------------------------------------------------

void GroupCommitLog::delivery_loop() {
  tls_thread_of = this;
  name_this_thread("cb-log-deliver");
  for (;;) {
    Written w;
    std::shared_ptr<const Subscribers> subscribers;
    std::shared_ptr<const BatchObserver> observer;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_delivery_.wait(lock, [this] { return !written_.empty() || writer_done_; });
      if (written_.empty()) return;  // the writer is done and everything is delivered
      w = std::move(written_.front());
      written_.pop_front();
      delivery_space_.notify_one();
      subscribers = subscribers_;
      observer = observer_;
    }
    finish(w, *subscribers, observer.get());
  }
}

void GroupCommitLog::feed(Written& w, const Subscribers& subscribers) {
  if (w.recorded.size() <= kDeliverySliceEvents) {
    for (const auto& subscriber : subscribers) subscriber(w.recorded);
    return;
  }
  // Slices of whole requests: the successful results, in request order,
  // hold the recorded events in log order. Each slice's events are moved
  // out for the subscribers and back for the requests' results.
  std::vector<domain::RecordedEvent> slice;
  const auto hand_over = [&](std::size_t begin, std::size_t end) {
    const auto first = w.recorded.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = w.recorded.begin() + static_cast<std::ptrdiff_t>(end);
    slice.assign(std::make_move_iterator(first), std::make_move_iterator(last));
    for (const auto& subscriber : subscribers) subscriber(slice);
    std::move(slice.begin(), slice.end(), first);
  };
  std::size_t begin = 0;
  std::size_t end = 0;
  for (const auto& r : w.results) {
    end += events_of(r);
    if (end - begin >= kDeliverySliceEvents) {
      hand_over(begin, end);
      begin = end;
    }
  }
  if (w.recorded.size() > begin) hand_over(begin, w.recorded.size());
}

void GroupCommitLog::finish(Written& w, const Subscribers& subscribers, const BatchObserver* observer) {
  // Views first, so an acknowledged caller reads its own write everywhere.
  if (!w.recorded.empty()) feed(w, subscribers);

  // Hand each request its slice of the recorded events (moved: the
  // subscribers are done with them). Results in request order hold the
  // recorded events in log order.
  std::size_t consumed = 0;
  std::size_t ok_requests = 0;
  std::size_t failed = 0;
  for (auto& r : w.results) {
    if (r) {
      const std::size_t n = events_of(r);
      r->recorded.assign(std::make_move_iterator(w.recorded.begin() + consumed),
                         std::make_move_iterator(w.recorded.begin() + consumed + n));
      consumed += n;
      ++ok_requests;
    } else if (r.status().code() != Status::Code::conflict) {
      ++failed;
    }
  }
  const auto acked = Clock::now();
  for (const Request& req : w.requests)
    w.report.oldest_wait_micros = std::max(w.report.oldest_wait_micros, micros_between(req.submitted, acked));

  // Counters first: a caller holding its acknowledgement sees them.
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (w.report.events > 0) {
      ++stats_.batches;
      stats_.events += w.report.events;
      stats_.last_batch_events = w.report.events;
      stats_.last_batch_requests = ok_requests;
      stats_.max_batch_events = std::max<std::uint64_t>(stats_.max_batch_events, w.report.events);
      stats_.last_write_micros = w.report.write_micros;
      stats_.total_write_micros += w.report.write_micros;
    }
    stats_.requests += ok_requests;
    stats_.conflicts += w.report.conflicts;
    stats_.failed += failed;
  }
  for (std::size_t i = 0; i < w.requests.size(); ++i) deliver(w.requests[i], std::move(w.results[i]));
  if (observer != nullptr && *observer) (*observer)(w.report);
}

}  // namespace callboard::storage
