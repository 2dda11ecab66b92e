#pragma once
// Several BoundedWorkers side by side, for CRM commands: each command
// blocks its thread until its events are durable (CrmPort), so a few
// threads let concurrent writes share one group commit instead of waiting
// for each other's fsync. Jobs go round-robin to a worker with room; when
// every queue is full, submit() refuses (the caller answers 503).
//
// submit() is thread-safe. Jobs on one worker run in FIFO order; jobs on
// different workers run concurrently.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "web/bounded_worker.hpp"

namespace callboard::web {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t max_pending_per_thread);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool submit(std::function<void()> job);
  // Finishes the running jobs, drops the queued ones, joins. Idempotent.
  void stop();

 private:
  std::vector<std::unique_ptr<BoundedWorker>> workers_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace callboard::web
