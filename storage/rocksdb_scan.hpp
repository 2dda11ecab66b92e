#pragma once
// Internal to storage/ (includes RocksDB): the sequential scan behind
// RocksDbLog::read(), and the read-ahead that runs it on a helper thread for
// long ranges, so decoding overlaps with the caller's visitor (a replay into
// the views on two cores).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "storage/event_log.hpp"

namespace callboard::storage {

// Reads sequences [from, to] in order with one iterator, checking that none
// is missing. Not thread-safe; use from one thread at a time.
class EventScanner {
 public:
  // REQUIRES: 1 <= from <= to < UINT64_MAX; db and family outlive this.
  EventScanner(rocksdb::DB& db, rocksdb::ColumnFamilyHandle& events, std::string path,
               std::uint64_t from, std::uint64_t to, bool bulk);

  // Decodes up to out.size() events into out[0..n) (reusing their storage),
  // sets n and done. A non-ok Status (corruption naming the sequence, or
  // io_error) comes with the events before the bad one in out[0..n).
  Status next(std::vector<domain::RecordedEvent>& out, std::size_t& n, bool& done);

 private:
  const std::string path_;
  const std::uint64_t to_;
  std::string upper_;  // the iterator's upper bound: event_key(to + 1)
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::uint64_t expected_;
  bool started_ = false;
};

// Visits every event of the scan, in order, on the calling thread. With
// read_ahead, the scanner runs on a helper thread a few chunks ahead; the
// helper is stopped and joined before this returns (or throws).
Status visit_scan(EventScanner& scanner, const EventVisitor& visit, bool read_ahead);

}  // namespace callboard::storage
