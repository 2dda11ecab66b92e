// Durable append throughput and latency through GroupCommitLog on RocksDB.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "eventlog/bench_util.hpp"
#include "eventlog/phases.hpp"
#include "storage/group_commit.hpp"

namespace callboard::bench {
namespace {

storage::NewEvent note_event(int appender, std::uint64_t expected, int i) {
  domain::NoteAdded n;
  n.client = static_cast<domain::ClientId>(appender + 1);
  n.note = static_cast<domain::NoteId>(i);
  n.author = "agent" + std::to_string(appender % 50);
  n.text = "Перезвонить после обеда, обсудить скидку";
  storage::NewEvent e;
  e.stream = domain::client_stream(n.client);
  e.time = 1'795'773'600'000'000 + i;
  e.expected_version = expected;
  e.event = std::move(n);
  return e;
}

std::unique_ptr<storage::EventLog> open_fresh(const std::string& dir) {
  auto log = storage::open_rocksdb_log({dir});
  if (!log) throw std::runtime_error(log.status().to_string());
  return std::move(log).value();
}

void fill_batch_figures(const storage::GroupCommitStats& s, AppendResult& r) {
  r.events_per_batch = s.batches ? static_cast<double>(s.events) / static_cast<double>(s.batches) : 0;
  r.write_us_per_batch =
      s.batches ? static_cast<double>(s.total_write_micros) / static_cast<double>(s.batches) : 0;
}

}  // namespace

AppendResult measure_appends(const std::string& dir, int appenders, int per_appender) {
  auto log = open_fresh(dir);
  storage::GroupCommitLog gc(*log);
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(appenders));
  std::atomic<int> failures{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int a = 0; a < appenders; ++a) {
    pool.emplace_back([&, a] {
      auto& mine = lat[static_cast<std::size_t>(a)];
      mine.reserve(static_cast<std::size_t>(per_appender));
      ++ready;
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < per_appender; ++i) {
        const auto t = Clock::now();
        auto r = gc.append({note_event(a, static_cast<std::uint64_t>(i), i)});
        mine.push_back(static_cast<double>(micros_since(t)));
        if (!r) ++failures;
      }
    });
  }
  while (ready.load() < appenders) std::this_thread::yield();
  const double cpu_start = process_cpu_micros();
  const auto start = Clock::now();
  go = true;
  for (auto& t : pool) t.join();
  const double secs = seconds_since(start);
  const double cpu = process_cpu_micros() - cpu_start;
  gc.stop();
  if (failures.load() != 0) throw std::runtime_error(std::to_string(failures.load()) + " appends failed");

  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  AppendResult r;
  r.appenders = appenders;
  r.events = all.size();
  r.events_per_second = static_cast<double>(r.events) / secs;
  r.p50_us = quantile(all, 0.50);
  r.p99_us = quantile(all, 0.99);
  r.max_us = all.empty() ? 0 : all.back();
  fill_batch_figures(gc.stats(), r);
  r.cpu_us_per_event = cpu / static_cast<double>(r.events);
  if (log->last_sequence() != r.events) throw std::runtime_error("log holds a different count");
  return r;
}

AppendResult measure_pipelined(const std::string& dir, int threads, int window, int total) {
  auto log = open_fresh(dir);
  storage::GroupCommitLog gc(*log);
  const int per_thread = total / threads;
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  const double cpu_start = process_cpu_micros();
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::mutex m;
      std::condition_variable cv;
      int in_flight = 0;
      auto& mine = lat[static_cast<std::size_t>(t)];
      mine.reserve(static_cast<std::size_t>(per_thread));
      for (int i = 0; i < per_thread; ++i) {
        {
          std::unique_lock<std::mutex> lock(m);
          cv.wait(lock, [&] { return in_flight < window; });
          ++in_flight;
        }
        const auto submitted = Clock::now();
        // Each submitter writes many streams, so requests carry no ordering
        // between them (kAnyVersion on a stream per request slot).
        auto e = note_event(t * 1000 + i % 1000, storage::kAnyVersion, i);
        gc.submit({std::move(e)}, [&, submitted](const Result<storage::AppendResult>& r) {
          if (!r) ++failures;
          std::lock_guard<std::mutex> lock(m);
          mine.push_back(static_cast<double>(micros_since(submitted)));
          --in_flight;
          cv.notify_one();
        });
      }
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return in_flight == 0; });
    });
  }
  for (auto& th : pool) th.join();
  const double secs = seconds_since(start);
  const double cpu = process_cpu_micros() - cpu_start;
  gc.stop();
  if (failures.load() != 0) throw std::runtime_error(std::to_string(failures.load()) + " appends failed");
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  AppendResult r;
  r.appenders = threads * window;
  r.events = all.size();
  r.events_per_second = static_cast<double>(r.events) / secs;
  r.p50_us = quantile(all, 0.50);
  r.p99_us = quantile(all, 0.99);
  r.max_us = all.empty() ? 0 : all.back();
  fill_batch_figures(gc.stats(), r);
  r.cpu_us_per_event = cpu / static_cast<double>(r.events);
  if (log->last_sequence() != r.events) throw std::runtime_error("log holds a different count");
  return r;
}

}  // namespace callboard::bench
