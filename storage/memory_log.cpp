// The in-memory EventLog for unit tests: the same contract as the RocksDB log
// (versions, conflicts, ranges, stream reads), no durability, no encoding.

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "storage/event_log.hpp"
#include "storage/version_tracker.hpp"

namespace callboard::storage {
namespace {

class MemoryLog final : public EventLog {
 public:
  Result<AppendResult> append(const std::vector<NewEvent>& events, bool /*sync*/) override {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    VersionTracker tracker([this](const std::string& s) -> Result<std::uint64_t> {
      auto it = streams_.find(s);
      return it == streams_.end() ? 0 : it->second.size();
    });
    std::vector<std::uint64_t> versions;
    if (Status s = tracker.accept(events, versions); !s) return s;

    AppendResult result;
    result.first_sequence = events_.size() + 1;
    result.recorded.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      const NewEvent& e = events[i];
      domain::RecordedEvent r{events_.size() + 1, e.time, e.stream, versions[i], e.event};
      streams_[e.stream].push_back(r.sequence);
      events_.push_back(r);
      result.recorded.push_back(std::move(r));
    }
    result.last_sequence = events_.size();
    return result;
  }

  Status read(std::uint64_t from, std::uint64_t to, const EventVisitor& visit) const override {
    // Copy, then visit without the lock: a visitor may append.
    std::vector<domain::RecordedEvent> slice;
    {
      std::shared_lock<std::shared_mutex> lock(mutex_);
      if (from == 0) from = 1;
      to = std::min<std::uint64_t>(to, events_.size());
      if (from <= to) slice.assign(events_.begin() + (from - 1), events_.begin() + to);
    }
    for (const auto& e : slice) {
      if (!visit(e)) break;
    }
    return Status::ok();
  }

  Status read_stream(const std::string& stream, std::uint64_t from_version,
                     const EventVisitor& visit) const override {
    if (Status s = validate_stream_id(stream); !s) return s;
    std::vector<domain::RecordedEvent> slice;
    {
      std::shared_lock<std::shared_mutex> lock(mutex_);
      auto it = streams_.find(stream);
      if (it != streams_.end()) {
        const auto& seqs = it->second;
        for (std::size_t v = std::max<std::uint64_t>(from_version, 1); v <= seqs.size(); ++v)
          slice.push_back(events_[seqs[v - 1] - 1]);
      }
    }
    for (const auto& e : slice) {
      if (!visit(e)) break;
    }
    return Status::ok();
  }

  Result<std::uint64_t> stream_version(const std::string& stream) const override {
    if (Status s = validate_stream_id(stream); !s) return s;
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = streams_.find(stream);
    return it == streams_.end() ? std::uint64_t{0} : std::uint64_t{it->second.size()};
  }

  std::uint64_t last_sequence() const override {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return events_.size();
  }

 private:
  mutable std::shared_mutex mutex_;
  std::vector<domain::RecordedEvent> events_;  // events_[sequence - 1]
  std::unordered_map<std::string, std::vector<std::uint64_t>> streams_;  // version - 1 -> sequence
};

}  // namespace

std::unique_ptr<EventLog> make_memory_log() { return std::make_unique<MemoryLog>(); }

}  // namespace callboard::storage
