#include "storage/snapshotter.hpp"

#include <chrono>

#include "storage/thread_name.hpp"

namespace callboard::storage {

Snapshotter::Snapshotter(const ViewHost& views, SnapshotPolicy policy,
                         std::function<void(const std::string&, bool)> report, std::uint64_t loaded_sequence)
    : views_(views), policy_(std::move(policy)), report_(std::move(report)) {
  if (!report_) report_ = [](const std::string&, bool) {};
  stats_.last_sequence = loaded_sequence;
  bridge_->target = this;
  thread_ = std::thread([this] { run(); });
}

Snapshotter::~Snapshotter() { stop(); }

void Snapshotter::attach(EventFeed& feed) {
  feed.subscribe([bridge = bridge_](const std::vector<domain::RecordedEvent>& batch) {
    std::lock_guard<std::mutex> lock(bridge->mutex);
    if (bridge->target) bridge->target->committed(batch.size());
  });
}

void Snapshotter::committed(std::size_t events) {
  if (policy_.every_events == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  since_last_ += events;
  if (since_last_ >= snapshot_spacing(policy_, stats_.last_sequence) && !requested_) {
    requested_ = true;
    since_last_ = 0;
    wake_.notify_one();
  }
}

void Snapshotter::run() {
  name_this_thread("cb-snapshot");
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || requested_; });
      if (stopping_) return;
      requested_ = false;
    }
    take();  // reports its own failure
  }
}

Status Snapshotter::take() {
  std::lock_guard<std::mutex> one(take_mutex_);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t previous = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    previous = stats_.last_sequence;
  }
  // Serialised under the shared lock: no batch is applied meanwhile, so the
  // file holds exactly the views at one sequence.
  Result<SnapshotInfo> written = views_.read([&](const domain::CrmViews& v) -> Result<SnapshotInfo> {
    if (v.last_sequence() == previous) return SnapshotInfo{previous, "", 0};
    return write_snapshot(policy_.dir, v);
  });
  std::lock_guard<std::mutex> lock(mutex_);
  if (!written) {
    ++stats_.failed;
    report_("snapshot failed: " + written.status().message(), true);
    return written.status();
  }
  if (written->path.empty()) return Status::ok();  // nothing new since the last one
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  ++stats_.written;
  stats_.last_sequence = written->sequence;
  stats_.last_bytes = written->bytes;
  stats_.last_micros = static_cast<std::uint64_t>(micros);
  prune_snapshots(policy_.dir, policy_.keep);
  report_("snapshot at sequence " + std::to_string(written->sequence) + ": " +
              std::to_string(written->bytes) + " bytes in " + std::to_string(micros / 1000) + " ms",
          false);
  return Status::ok();
}

Status Snapshotter::snapshot_now() { return take(); }

void Snapshotter::stop() {
  {
    std::lock_guard<std::mutex> lock(bridge_->mutex);
    bridge_->target = nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

SnapshotterStats Snapshotter::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace callboard::storage
