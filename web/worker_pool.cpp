#include "web/worker_pool.hpp"

namespace callboard::web {

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_pending_per_thread) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    workers_.push_back(std::make_unique<BoundedWorker>(max_pending_per_thread));
}

bool WorkerPool::submit(std::function<void()> job) {
  const std::size_t start = next_.fetch_add(1);
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    // BoundedWorker::submit only takes the job when it has room, so a
    // refused job is still ours to offer to the next worker.
    if (workers_[(start + i) % workers_.size()]->submit(job)) return true;
  }
  return false;
}

void WorkerPool::stop() {
  for (auto& w : workers_) w->stop();
}

}  // namespace callboard::web
