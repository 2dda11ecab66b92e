#pragma once
// One background thread with a bounded queue, for slow work (password
// verification) that must not stall the io thread. A full queue refuses new
// jobs instead of growing: the caller answers 503 and the client retries.
//
// submit() is thread-safe. Jobs run in FIFO order on the worker thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace callboard::web {

class BoundedWorker {
 public:
  explicit BoundedWorker(std::size_t max_pending);
  ~BoundedWorker();  // stop()
  BoundedWorker(const BoundedWorker&) = delete;
  BoundedWorker& operator=(const BoundedWorker&) = delete;

  // Queues a job. False when max_pending jobs are waiting or after stop().
  bool submit(std::function<void()> job);

  // Finishes the running job, drops the queued ones (destroying them on the
  // calling thread), joins the thread. Idempotent.
  void stop();

 private:
  void run();

  const std::size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace callboard::web
