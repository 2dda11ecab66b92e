#pragma once
// The event log: one ordered, durable sequence of RecordedEvents, with an
// index by stream. Byte format: storage/FORMAT.md.
//
// Thread-safety: append() from one thread at a time (GroupCommitLog is that
// thread in the server); the read functions may run concurrently with each
// other and with append(), from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/events.hpp"
#include "domain/status.hpp"

namespace callboard::storage {

// expected_version value that skips the optimistic concurrency check.
inline constexpr std::uint64_t kAnyVersion = UINT64_MAX;

// Longest stream id accepted, in bytes (it is part of every index key).
inline constexpr std::size_t kMaxStreamIdBytes = 1024;

// ok, or invalid_argument naming the problem: a stream id must be non-empty,
// at most kMaxStreamIdBytes long and free of NUL bytes (NUL separates the id
// from the version in the stream index, FORMAT.md). Thread-safe.
Status validate_stream_id(std::string_view stream);

struct NewEvent {
  std::string stream;  // "client/42"
  domain::Timestamp time = 0;
  // The version the stream must have before this event (0: the stream must
  // not exist yet), or kAnyVersion. Events of one stream within one append
  // are checked in order, each against the version the previous one made.
  std::uint64_t expected_version = kAnyVersion;
  domain::Event event;
};

struct AppendResult {
  std::uint64_t first_sequence = 0;  // sequence of the first event appended
  std::uint64_t last_sequence = 0;
  std::vector<domain::RecordedEvent> recorded;  // what was written, in order
};

// Returns false to stop the read early.
using EventVisitor = std::function<bool(const domain::RecordedEvent&)>;

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Appends all events or none. Errors: conflict (names the stream, the
  // expected and the actual version), io_error, invalid_argument (no events,
  // or a stream id validate_stream_id() refuses). With sync, returns only
  // after the write is on disk.
  virtual Result<AppendResult> append(const std::vector<NewEvent>& events, bool sync) = 0;

  // Visits events with from <= sequence <= to, in order. Errors: corruption
  // (naming the sequence) for a record that does not decode, an unknown tag
  // or a newer schema version; the visit stops there.
  virtual Status read(std::uint64_t from, std::uint64_t to, const EventVisitor& visit) const = 0;

  // Visits the events of one stream with version >= from_version, in order,
  // through the stream index (not a scan of the log). Errors: as read(), and
  // invalid_argument for an id validate_stream_id() refuses.
  virtual Status read_stream(const std::string& stream, std::uint64_t from_version,
                             const EventVisitor& visit) const = 0;

  // Current version of a stream (0 if it has no events). Errors:
  // invalid_argument for an id validate_stream_id() refuses, io_error.
  virtual Result<std::uint64_t> stream_version(const std::string& stream) const = 0;

  // Highest sequence written (0 when empty).
  virtual std::uint64_t last_sequence() const = 0;
};

struct RocksDbOptions {
  std::string path;  // the directory; created when missing
};

// Opens (or creates) the RocksDB-backed log. Errors: io_error naming the path
// (locked by another process, permissions, ...), corruption.
Result<std::unique_ptr<EventLog>> open_rocksdb_log(const RocksDbOptions& options);

// A log held in memory, for unit tests (same contract, no durability).
std::unique_ptr<EventLog> make_memory_log();

}  // namespace callboard::storage
