#pragma once
// Takes snapshots of the views (storage/snapshot.hpp) while the server
// runs, on a thread of its own, and once more on a clean shutdown
// (snapshot_now() after the log has drained), keeping the newest `keep`
// files. The next snapshot is due after snapshot_spacing() committed
// events: every_events, or an eighth of the log when that is more.
//
// Cost: the views are serialised under the ViewHost's shared lock (readers
// go on; the log's delivery thread waits to apply the next batch for that
// long, about 0.3 s per million clients); the file is synced after the
// lock is released. The views grow with the log (every call stays in the
// history), so at a fixed spacing the snapshots would take a growing share
// of the machine: at 1,400 calls/s, 100,000 events apart, a snapshot came
// every 5.5 s and took 0.5-0.9 s once the log held 3.9 million events
// (bench/routing, docs/BENCHMARKS.md). Spacing them in proportion to the
// log keeps their cost per event bounded; a restart then replays at most
// about an eighth of the log after the newest snapshot (2.7 million events
// a second on the benchmark machine).
//
// Threading: attach() and snapshot_now()/stop() from the owning thread;
// the feed's subscriber only counts and wakes the thread. Ownership:
// borrows the ViewHost, which must outlive this object.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/group_commit.hpp"
#include "storage/snapshot.hpp"
#include "storage/view_host.hpp"

namespace callboard::storage {

struct SnapshotPolicy {
  std::string dir;                        // DATA_DIR/snapshots
  std::uint64_t every_events = 100'000;   // 0: only snapshot_now()
  std::size_t keep = 2;                   // newest files kept (an older one is the fallback)
  std::uint64_t log_divisor = 8;          // spacing >= the last snapshot's sequence / this (0: off)
};

// Committed events between the snapshot at `last_sequence` and the next.
constexpr std::uint64_t snapshot_spacing(const SnapshotPolicy& p, std::uint64_t last_sequence) {
  const std::uint64_t share = p.log_divisor == 0 ? 0 : last_sequence / p.log_divisor;
  return share > p.every_events ? share : p.every_events;
}

struct SnapshotterStats {
  std::uint64_t written = 0;
  std::uint64_t failed = 0;
  std::uint64_t last_sequence = 0;  // of the last snapshot written (or loaded at start)
  std::uint64_t last_bytes = 0;
  std::uint64_t last_micros = 0;    // serialise + write + sync
};

class Snapshotter {
 public:
  // `report(message, is_error)` is told what happened (for the server's
  // log); it may be called from the snapshot thread. `loaded_sequence`: the
  // sequence of the snapshot the views were started from (0: none), so an
  // unchanged state is not written again.
  Snapshotter(const ViewHost& views, SnapshotPolicy policy,
              std::function<void(const std::string&, bool)> report, std::uint64_t loaded_sequence = 0);
  ~Snapshotter();  // stop()
  Snapshotter(const Snapshotter&) = delete;
  Snapshotter& operator=(const Snapshotter&) = delete;

  // Counts committed events; wakes the thread when the next snapshot is due.
  void attach(EventFeed& feed);

  // Writes a snapshot now on the calling thread (nothing when the views
  // have not moved since the last one). Errors: io_error.
  Status snapshot_now();

  // Stops the thread (a snapshot in progress finishes). Idempotent.
  void stop();

  SnapshotterStats stats() const;

 private:
  // The feed has no unsubscribe and may outlive this object: its
  // subscriber reaches it only through the bridge, which stop() detaches.
  struct Bridge {
    std::mutex mutex;
    Snapshotter* target = nullptr;
  };
  void committed(std::size_t events);
  void run();
  Status take();

  const ViewHost& views_;
  const SnapshotPolicy policy_;
  std::function<void(const std::string&, bool)> report_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t since_last_ = 0;
  bool requested_ = false;
  bool stopping_ = false;
  std::shared_ptr<Bridge> bridge_ = std::make_shared<Bridge>();
  std::mutex take_mutex_;  // one snapshot at a time
  SnapshotterStats stats_;
  std::thread thread_;
};

}  // namespace callboard::storage
