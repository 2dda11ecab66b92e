#include "storage/rocksdb_setup.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include "storage/keys.hpp"

namespace callboard::storage {
namespace {

// Cheapest good compression this RocksDB was built with, for levels 2+.
rocksdb::CompressionType bulk_compression() {
  const auto supported = rocksdb::GetSupportedCompressions();
  for (auto c : {rocksdb::kLZ4Compression, rocksdb::kSnappyCompression}) {
    if (std::find(supported.begin(), supported.end(), c) != supported.end()) return c;
  }
  return rocksdb::kNoCompression;
}

// The tuning is explained in FORMAT.md ("Tuning").
rocksdb::DBOptions db_options() {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;  // two cores, shared with the server
  o.bytes_per_sync = 1 << 20;
  o.max_total_wal_size = 256 << 20;
  // No WAL recycling (recycle_log_file_num): RocksDB 7.8 turns it off under
  // point-in-time recovery anyway, and recycled WALs have had recovery
  // data-loss bugs since (FORMAT.md, "Tuning").
  // One writer (appends are serialized): single-threaded memtable inserts,
  // which also lets the events family use insert hints.
  o.allow_concurrent_memtable_write = false;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  o.keep_log_file_num = 5;
  return o;
}

// The stream of a "streams" key: all but its last 8 bytes (the version).
// One stream's versions are appended in order, so the skiplist insert of
// its next key starts where its last one went (RocksDB keeps one insert
// hint per prefix in each memtable, ~250 bytes each, dropped at flush).
class StreamOfKey final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "callboard.StreamOfKey"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

rocksdb::ColumnFamilyOptions family_options(const std::shared_ptr<rocksdb::Cache>& cache,
                                            std::size_t write_buffer, std::size_t block_size) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = write_buffer;
  o.max_write_buffer_number = 3;
  o.level_compaction_dynamic_level_bytes = true;
  // Recent data (L0, L1) is rewritten soon and read on replay: leave it raw.
  const auto bulk = bulk_compression();
  o.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression, bulk, bulk,
                             bulk, bulk, bulk};
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.block_size = block_size;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

OpenedDb::OpenedDb(OpenedDb&& other) noexcept
    : db(std::move(other.db)),
      handles(std::move(other.handles)),
      events(other.events),
      streams(other.streams) {
  other.handles.clear();
  other.events = nullptr;
  other.streams = nullptr;
}

OpenedDb::~OpenedDb() {
  if (!db) return;
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close();  // flushes nothing we need: every append was written to the WAL
}

Status rocks_error(const std::string& path, const std::string& what, const rocksdb::Status& s) {
  std::string m = "event log at '" + path + "': " + what + ": " + s.ToString();
  return s.IsCorruption() ? Status::corruption(std::move(m)) : Status::io_error(std::move(m));
}

Result<OpenedDb> open_db(const RocksDbOptions& options) {
  const std::string& path = options.path;
  if (path.empty()) return Status::invalid_argument("event log: empty path");
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::io_error("event log at '" + path + "': cannot create the directory: " + ec.message());

  const rocksdb::DBOptions dbo = db_options();
  // An existing database must be opened with every family it holds.
  std::vector<std::string> names;
  if (std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec)) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(dbo, path, &names);
    if (!s.ok()) return rocks_error(path, "cannot list column families", s);
  }
  for (const char* want : {rocksdb::kDefaultColumnFamilyName.c_str(), keys::kEventsFamily, keys::kStreamsFamily}) {
    if (std::find(names.begin(), names.end(), want) == names.end()) names.emplace_back(want);
  }

  auto cache = rocksdb::NewLRUCache(64 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names) {
    if (name == keys::kEventsFamily) {
      auto events = family_options(cache, 64 << 20, 16 << 10);
      // Sequence keys only grow: remember where the last insert went instead
      // of searching the skiplist from the top (one hint: every key shares
      // its first byte until sequence 2^56).
      events.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
      families.emplace_back(name, std::move(events));
    } else if (name == keys::kStreamsFamily) {
      auto streams = family_options(cache, 32 << 20, 4 << 10);
      streams.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamOfKey>();
      families.emplace_back(name, std::move(streams));
    } else {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
  }

  OpenedDb out;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(dbo, path, families, &out.handles, &raw);
  if (!s.ok()) {
    const bool locked = s.ToString().find("lock") != std::string::npos;
    return rocks_error(path,
                       locked ? "cannot open: another process (or another log object) holds it"
                              : "cannot open",
                       s);
  }
  out.db.reset(raw);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == keys::kEventsFamily) out.events = out.handles[i];
    if (names[i] == keys::kStreamsFamily) out.streams = out.handles[i];
  }
  rocksdb::ColumnFamilyHandle* meta = out.db->DefaultColumnFamily();

  std::string format;
  s = out.db->Get(rocksdb::ReadOptions(), meta, keys::kFormatKey, &format);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = out.db->Put(wo, meta, keys::kFormatKey, keys::kFormatValue);
    if (!s.ok()) return rocks_error(path, "cannot write the format marker", s);
  } else if (!s.ok()) {
    return rocks_error(path, "cannot read the format marker", s);
  } else if (format != keys::kFormatValue) {
    return Status::corruption("event log at '" + path + "': format '" + format +
                              "' is not one this build reads ('" + keys::kFormatValue + "')");
  }
  return out;
}

}  // namespace callboard::storage
