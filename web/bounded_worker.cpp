#include "web/bounded_worker.hpp"

#include <utility>

namespace callboard::web {

BoundedWorker::BoundedWorker(std::size_t max_pending)
    : max_pending_(max_pending), thread_([this] { run(); }) {}

BoundedWorker::~BoundedWorker() { stop(); }

bool BoundedWorker::submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || jobs_.size() >= max_pending_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void BoundedWorker::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // `dropped` is destroyed here, on the caller's thread, after the join.
}

void BoundedWorker::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace callboard::web
