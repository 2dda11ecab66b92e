#pragma once
// Holds the CRM read models for concurrent readers: rebuilt from the log at
// start-up, then kept current by the group-commit feed. Readers (actors, HTTP
// threads, metrics) take a shared lock for the length of one read() call;
// the writer thread takes it exclusively to apply a batch.

#include <mutex>
#include <shared_mutex>
#include <utility>

#include "domain/views/crm_views.hpp"
#include "storage/event_log.hpp"
#include "storage/group_commit.hpp"

namespace callboard::storage {

class ViewHost {
 public:
  // Replays every event of the log into fresh views. Not thread-safe with
  // readers: call before the server starts. Errors: the log's read errors.
  Status rebuild(const EventLog& log);

  // Starts from `start` (views loaded from a snapshot) and replays the log's
  // events after start.last_sequence(). Not thread-safe with readers: call
  // before the server starts. Errors: the log's read errors.
  Status restore(domain::CrmViews start, const EventLog& log);

  // Keeps the views current from now on (subscribe before others, so later
  // subscribers read views that already hold the batch).
  void attach(EventFeed& feed);

  void apply(const std::vector<domain::RecordedEvent>& batch);

  // Runs f(const CrmViews&) under a shared lock and returns its result. f
  // must not keep references into the views after it returns.
  template <class F>
  auto read(F&& f) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return std::forward<F>(f)(static_cast<const domain::CrmViews&>(views_));
  }

 private:
  mutable std::shared_mutex mutex_;
  domain::CrmViews views_;
};

}  // namespace callboard::storage
