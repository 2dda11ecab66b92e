#include "storage/rocksdb_scan.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/codec.hpp"
#include "storage/keys.hpp"
#include "storage/thread_name.hpp"

namespace callboard::storage {
namespace {

// Events per chunk handed from the helper to the visitor, and chunks in
// flight: enough to hide the hand-off, small enough to stay in cache.
constexpr std::size_t kChunkEvents = 1024;
constexpr std::size_t kChunks = 3;

}  // namespace

EventScanner::EventScanner(rocksdb::DB& db, rocksdb::ColumnFamilyHandle& events, std::string path,
                           std::uint64_t from, std::uint64_t to, bool bulk)
    : path_(std::move(path)), to_(to), upper_(keys::event_key(to + 1)), upper_slice_(upper_), expected_(from) {
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice_;
  if (bulk) {  // a replay: do not evict the working set, read ahead
    ro.fill_cache = false;
    ro.readahead_size = 4 << 20;
  }
  it_.reset(db.NewIterator(ro, &events));
}

Status EventScanner::next(std::vector<domain::RecordedEvent>& out, std::size_t& n, bool& done) {
  n = 0;
  done = false;
  if (!started_) {
    it_->Seek(keys::event_key(expected_));
    started_ = true;
  }
  for (; n < out.size() && it_->Valid(); it_->Next()) {
    const rocksdb::Slice key = it_->key();
    if (key.size() != 8)
      return Status::corruption("event log at '" + path_ + "': malformed event key after sequence " +
                                std::to_string(expected_ - 1));
    const std::uint64_t seq = keys::get_be64(std::string_view(key.data(), 8));
    if (seq != expected_)
      return Status::corruption("event log at '" + path_ + "': sequence " + std::to_string(expected_) +
                                " is missing (next found: " + std::to_string(seq) + ")");
    const rocksdb::Slice value = it_->value();
    if (Status s = decode_record(seq, std::string_view(value.data(), value.size()), out[n]); !s) return s;
    ++n;
    ++expected_;
  }
  if (n == out.size()) return Status::ok();  // maybe more
  done = true;
  if (!it_->status().ok())
    return Status::io_error("event log at '" + path_ + "': read failed: " + it_->status().ToString());
  if (expected_ <= to_)
    return Status::corruption("event log at '" + path_ + "': sequence " + std::to_string(expected_) +
                              " is missing (log ends early)");
  return Status::ok();
}

namespace {

Status visit_inline(EventScanner& scanner, const EventVisitor& visit) {
  std::vector<domain::RecordedEvent> chunk(kChunkEvents);
  for (;;) {
    std::size_t n = 0;
    bool done = false;
    Status s = scanner.next(chunk, n, done);
    for (std::size_t i = 0; i < n; ++i) {
      if (!visit(chunk[i])) return Status::ok();
    }
    if (!s || done) return s;
  }
}

// A ring of chunks between the helper (producer) and the caller (consumer).
class ReadAhead {
 public:
  explicit ReadAhead(EventScanner& scanner) : scanner_(scanner) {
    for (auto& c : chunks_) c.events.resize(kChunkEvents);
    helper_ = std::thread([this] { produce(); });
  }
  ~ReadAhead() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
    }
    cv_.notify_all();
    helper_.join();
  }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  Status consume(const EventVisitor& visit) {
    for (;;) {
      Chunk* c;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return produced_ > consumed_; });
        c = &chunks_[consumed_ % kChunks];
      }
      for (std::size_t i = 0; i < c->size; ++i) {
        if (!visit(c->events[i])) return Status::ok();
      }
      const Status status = c->status;
      const bool last = c->last;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++consumed_;
      }
      cv_.notify_all();
      if (last) return status;
    }
  }

 private:
  struct Chunk {
    std::vector<domain::RecordedEvent> events;
    std::size_t size = 0;
    Status status;
    bool last = false;
  };

  void produce() {
    name_this_thread("cb-log-readahd");
    for (;;) {
      Chunk* c;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return cancelled_ || produced_ - consumed_ < kChunks; });
        if (cancelled_) return;
        c = &chunks_[produced_ % kChunks];
      }
      bool done = false;
      c->status = scanner_.next(c->events, c->size, done);
      c->last = done || !c->status;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++produced_;
      }
      cv_.notify_all();
      if (c->last) return;
    }
  }

  EventScanner& scanner_;
  Chunk chunks_[kChunks];
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t produced_ = 0;  // chunks filled
  std::uint64_t consumed_ = 0;  // chunks visited
  bool cancelled_ = false;
  std::thread helper_;
};

}  // namespace

Status visit_scan(EventScanner& scanner, const EventVisitor& visit, bool read_ahead) {
  if (!read_ahead) return visit_inline(scanner, visit);
  ReadAhead ahead(scanner);
  return ahead.consume(visit);
}

}  // namespace callboard::storage
