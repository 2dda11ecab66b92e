#pragma once
// Internal to storage/ (includes RocksDB; never include it from a public
// header): opening the RocksDB database behind the event log with every
// column family named, the tuning for small synced appends, and the mapping
// of RocksDB errors to Status.

#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "domain/status.hpp"
#include "storage/event_log.hpp"

namespace callboard::storage {

// An open database and its column family handles. Owns both; destroys the
// handles before the database (RocksDB requires it). Move-only.
struct OpenedDb {
  OpenedDb() = default;
  OpenedDb(OpenedDb&& other) noexcept;
  OpenedDb& operator=(OpenedDb&&) = delete;
  OpenedDb(const OpenedDb&) = delete;
  OpenedDb& operator=(const OpenedDb&) = delete;
  ~OpenedDb();

  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // every family, owned
  rocksdb::ColumnFamilyHandle* events = nullptr;      // borrowed from handles
  rocksdb::ColumnFamilyHandle* streams = nullptr;
};

// Creates the directory when missing, opens (or creates) the database with
// every column family it holds, checks the format marker. Errors: io_error
// naming the path (locked by another process, not writable, ...),
// corruption (unreadable files, a format marker this build does not know).
Result<OpenedDb> open_db(const RocksDbOptions& options);

// A Status for a failed RocksDB call: corruption for RocksDB corruption,
// io_error otherwise; the message names the path and what was being done.
Status rocks_error(const std::string& path, const std::string& what, const rocksdb::Status& s);

}  // namespace callboard::storage
