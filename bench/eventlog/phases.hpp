#pragma once
// The phases of bench_eventlog. Each is bounded by a count of operations,
// never by time, and throws std::runtime_error when the system under test
// fails (a benchmark that fails must not print a number).

#include <cstdint>
#include <string>

namespace callboard::bench {

struct FsyncResult {
  int iterations = 0;
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};
// REQUIRES: dir exists and is writable.
FsyncResult measure_fdatasync(const std::string& dir, int iterations, bool overwrite);

struct AppendResult {
  int appenders = 0;
  std::uint64_t events = 0;
  double events_per_second = 0;
  double p50_us = 0;  // submit -> durable acknowledgement, per append
  double p99_us = 0;
  double max_us = 0;
  double events_per_batch = 0;
  double write_us_per_batch = 0;  // the synced RocksDB write alone
  double cpu_us_per_event = 0;    // process CPU (all threads) per event
};
// `appenders` threads each append `per_appender` single-event requests
// through one GroupCommitLog on a fresh RocksDB log in `dir`, each waiting
// for its acknowledgement before the next.
AppendResult measure_appends(const std::string& dir, int appenders, int per_appender);
// Pipelined: `threads` submitters keep up to `window` requests each in
// flight (submit with callbacks), `total` single-event requests in all.
AppendResult measure_pipelined(const std::string& dir, int threads, int window, int total);

struct ReplayResult {
  std::uint64_t clients = 0;
  std::uint64_t events = 0;
  double load_events_per_second = 0;   // unsynced bulk appends (setup only)
  double open_seconds = 0;             // reopen, including WAL recovery
  double read_events_per_second = 0;   // read + decode, no views
  double replay_events_per_second = 0; // read + decode + apply to CrmViews
  double inline_replay_events_per_second = 0;  // the same, without read-ahead
  double rss_before_mib = 0;           // after reopening, before the views
  double rss_after_mib = 0;            // holding the rebuilt views
  double hwm_mib = 0;                  // peak RSS of the process
  double disk_mib = 0;                 // size of the RocksDB directory
};
// Loads `clients` clients (ClientCreated + PhoneLinked + ResponsibleAssigned
// each) into a fresh log in `dir`, reopens it, and replays it.
ReplayResult measure_replay(const std::string& dir, std::uint64_t clients);

}  // namespace callboard::bench
