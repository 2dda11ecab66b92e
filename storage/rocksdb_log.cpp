// The durable EventLog on RocksDB. Layout and tuning: storage/FORMAT.md.
//
// One append is one WriteBatch (events + stream index), so a crash leaves
// either all of an append or none of it. Appends are serialized by a mutex;
// reads use RocksDB iterators (each sees a consistent snapshot) and may run
// alongside; long range reads decode on a helper thread (rocksdb_scan.cpp). Stream versions are served from a bounded cache that only ever
// holds values the index confirmed, falling back to a seek to the last index
// key of the stream.

#include <atomic>
#include <mutex>
#include <unordered_map>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/codec.hpp"
#include "storage/event_log.hpp"
#include "storage/keys.hpp"
#include "storage/rocksdb_scan.hpp"
#include "storage/rocksdb_setup.hpp"
#include "storage/version_tracker.hpp"

namespace callboard::storage {
namespace {

// Streams remembered for version checks. Past this the cache is dropped and
// refilled from the index: simple, bounded, and cheap next to a synced write.
constexpr std::size_t kVersionCacheLimit = 1 << 16;
// Ranges longer than this are read as a bulk scan: no block cache
// pollution, larger read-ahead, decoding on a helper thread.
constexpr std::uint64_t kBulkReadEvents = 10'000;

class RocksDbLog final : public EventLog {
 public:
  RocksDbLog(std::string path, OpenedDb opened, std::uint64_t last_sequence)
      : path_(std::move(path)), db_(std::move(opened)), last_sequence_(last_sequence) {}

  Result<AppendResult> append(const std::vector<NewEvent>& events, bool sync) override;
  Status read(std::uint64_t from, std::uint64_t to, const EventVisitor& visit) const override;
  Status read_stream(const std::string& stream, std::uint64_t from_version,
                     const EventVisitor& visit) const override;
  Result<std::uint64_t> stream_version(const std::string& stream) const override;
  std::uint64_t last_sequence() const override { return last_sequence_.load(); }

 private:
  Result<std::uint64_t> index_version(const std::string& stream) const;
  Status error(const rocksdb::Status& s, const std::string& what) const {
    return rocks_error(path_, what, s);
  }

  const std::string path_;
  OpenedDb db_;
  std::mutex append_mutex_;
  std::string scratch_;  // encode buffer, guarded by append_mutex_
  std::atomic<std::uint64_t> last_sequence_;

  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::uint64_t> cache_;
  // Bumped by every append, so a reader that looked at the index before an
  // append cannot store the version it saw after the append updated it.
  mutable std::uint64_t cache_generation_ = 0;
};

Result<AppendResult> RocksDbLog::append(const std::vector<NewEvent>& events, bool sync) {
  std::lock_guard<std::mutex> lock(append_mutex_);
  VersionTracker tracker([this](const std::string& s) { return stream_version(s); });
  std::vector<std::uint64_t> versions;
  if (Status s = tracker.accept(events, versions); !s) return s;

  const std::uint64_t first = last_sequence_.load() + 1;
  AppendResult result;
  result.first_sequence = first;
  result.last_sequence = first + events.size() - 1;
  result.recorded.reserve(events.size());
  rocksdb::WriteBatch batch;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const NewEvent& e = events[i];
    domain::RecordedEvent r{first + i, e.time, e.stream, versions[i], e.event};
    scratch_.clear();
    encode_record(r, scratch_);
    const std::string seq_key = keys::event_key(r.sequence);
    rocksdb::Status s = batch.Put(db_.events, seq_key, scratch_);
    if (s.ok()) s = batch.Put(db_.streams, keys::stream_key(r.stream, r.stream_version), seq_key);
    if (!s.ok()) return error(s, "cannot build the write batch");
    result.recorded.push_back(std::move(r));
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  if (rocksdb::Status s = db_.db->Write(wo, &batch); !s.ok()) return error(s, "write failed");

  last_sequence_.store(result.last_sequence);
  std::lock_guard<std::mutex> cache_lock(cache_mutex_);
  ++cache_generation_;
  if (cache_.size() + tracker.versions().size() > kVersionCacheLimit) cache_.clear();
  for (const auto& [stream, version] : tracker.versions()) cache_[stream] = version;
  return result;
}

Result<std::uint64_t> RocksDbLog::stream_version(const std::string& stream) const {
  // A NUL inside the id would alias another stream's index range.
  if (Status s = validate_stream_id(stream); !s) return s;
  std::uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (auto it = cache_.find(stream); it != cache_.end()) return it->second;
    generation = cache_generation_;
  }
  Result<std::uint64_t> v = index_version(stream);
  if (v) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (generation == cache_generation_) {
      if (cache_.size() >= kVersionCacheLimit) cache_.clear();
      cache_.emplace(stream, *v);
    }
  }
  return v;
}

// The last index key of the stream's prefix holds its version.
Result<std::uint64_t> RocksDbLog::index_version(const std::string& stream) const {
  const std::string lo = keys::stream_prefix(stream);
  const std::string hi = keys::stream_prefix_end(stream);
  const rocksdb::Slice lo_slice(lo);
  const rocksdb::Slice hi_slice(hi);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lo_slice;
  ro.iterate_upper_bound = &hi_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(ro, db_.streams));
  it->SeekToLast();
  if (!it->Valid()) {
    if (!it->status().ok()) return error(it->status(), "cannot read the stream index");
    return std::uint64_t{0};
  }
  const rocksdb::Slice key = it->key();
  if (key.size() != lo.size() + 8)
    return Status::corruption("event log at '" + path_ + "': malformed index key for stream " + stream);
  return keys::get_be64(std::string_view(key.data() + lo.size(), 8));
}

Status RocksDbLog::read(std::uint64_t from, std::uint64_t to, const EventVisitor& visit) const {
  if (from == 0) from = 1;
  // Everything up to last_sequence_ is visible to an iterator made after it
  // was read (the write returned before the store).
  to = std::min(to, last_sequence_.load());
  if (from > to) return Status::ok();
  const bool bulk = to - from >= kBulkReadEvents;
  EventScanner scanner(*db_.db, *db_.events, path_, from, to, bulk);
  return visit_scan(scanner, visit, /*read_ahead=*/bulk);
}

Status RocksDbLog::read_stream(const std::string& stream, std::uint64_t from_version,
                               const EventVisitor& visit) const {
  if (Status s = validate_stream_id(stream); !s) return s;
  if (from_version == 0) from_version = 1;
  const std::string prefix = keys::stream_prefix(stream);
  const std::string hi = keys::stream_prefix_end(stream);
  const rocksdb::Slice hi_slice(hi);
  rocksdb::ManagedSnapshot snapshot(db_.db.get());
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.snapshot();
  ro.iterate_upper_bound = &hi_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(ro, db_.streams));
  domain::RecordedEvent record;
  std::string value;
  std::uint64_t expected = from_version;
  const std::string where = "event log at '" + path_ + "': stream " + stream;
  for (it->Seek(keys::stream_key(stream, from_version)); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    const rocksdb::Slice seq_bytes = it->value();
    if (key.size() != prefix.size() + 8 || seq_bytes.size() != 8)
      return Status::corruption(where + ": malformed index entry after version " +
                                std::to_string(expected - 1));
    const std::uint64_t version = keys::get_be64(std::string_view(key.data() + prefix.size(), 8));
    if (version != expected)
      return Status::corruption(where + ": version " + std::to_string(expected) +
                                " is missing from the index");
    const std::uint64_t seq = keys::get_be64(std::string_view(seq_bytes.data(), 8));
    rocksdb::Status s = db_.db->Get(ro, db_.events, rocksdb::Slice(seq_bytes.data(), 8), &value);
    if (s.IsNotFound())
      return Status::corruption(where + " version " + std::to_string(version) +
                                ": indexed sequence " + std::to_string(seq) + " is missing");
    if (!s.ok()) return error(s, "read failed");
    if (Status d = decode_record(seq, value, record); !d) return d;
    if (record.stream != stream || record.stream_version != version)
      return Status::corruption(where + " version " + std::to_string(version) + ": sequence " +
                                std::to_string(seq) + " holds " + record.stream + "@" +
                                std::to_string(record.stream_version));
    if (!visit(record)) return Status::ok();
    ++expected;
  }
  if (!it->status().ok()) return error(it->status(), "read failed");
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<EventLog>> open_rocksdb_log(const RocksDbOptions& options) {
  Result<OpenedDb> opened = open_db(options);
  if (!opened) return opened.status();
  OpenedDb db = std::move(opened).value();

  // Recover the last sequence from the last key of the events family.
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.events));
  it->SeekToLast();
  std::uint64_t last = 0;
  if (it->Valid()) {
    if (it->key().size() != 8)
      return Status::corruption("event log at '" + options.path + "': malformed last event key");
    last = keys::get_be64(std::string_view(it->key().data(), 8));
  } else if (!it->status().ok()) {
    return rocks_error(options.path, "cannot read the last sequence", it->status());
  }
  it.reset();
  return std::unique_ptr<EventLog>(std::make_unique<RocksDbLog>(options.path, std::move(db), last));
}

}  // namespace callboard::storage
