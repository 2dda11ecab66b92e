// GroupCommitLog: batching, ordering, acknowledgement after subscribers,
// per-request conflicts, stop(), failures.
#define BOOST_TEST_MODULE storage_group_commit
#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <numeric>
#include <set>

#include "storage/group_commit.hpp"
#include "test_support.hpp"

namespace cb = callboard;
namespace dom = callboard::domain;
namespace st = callboard::storage;
using st::test::new_event;

namespace {

dom::NoteAdded note(dom::ClientId id, std::string text) {
  dom::NoteAdded e;
  e.client = id;
  e.note = 1;
  e.author = "ivan";
  e.text = std::move(text);
  return e;
}

// Collects acknowledgements from the delivery thread.
struct Acks {
  std::mutex mutex;
  std::vector<cb::Result<st::AppendResult>> results;
  st::AppendCallback callback() {
    return [this](const cb::Result<st::AppendResult>& r) {
      std::lock_guard<std::mutex> lock(mutex);
      results.push_back(r);
    };
  }
  std::size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return results.size();
  }
};

// An EventLog that forwards to another and can be told to hold the writer
// (an append touching stream "gate" waits until open()), to fail, or to lie
// about a stream's version.
class TestLog final : public st::EventLog {
 public:
  explicit TestLog(st::EventLog& inner) : inner_(inner) {}
  ~TestLog() override { open(); }
  std::atomic<bool> fail_writes{false};
  std::string stale_stream;  // stream_version() reports 0 for it

  // Submits the gate event and returns once the writer is held in append().
  void close_gate(st::GroupCommitLog& gc) {
    gc.submit({new_event("gate", note(0, "gate"))}, [](const cb::Result<st::AppendResult>&) {});
    BOOST_TEST_REQUIRE(st::test::wait_until([this] { return held_.load(); }));
  }
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

  cb::Result<st::AppendResult> append(const std::vector<st::NewEvent>& e, bool sync) override {
    for (const auto& ev : e) {
      if (ev.stream == "gate") {
        held_ = true;
        // Bounded, so a failed check (which leaves the gate shut) ends the
        // test instead of hanging the destructor's join.
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_for(lock, std::chrono::seconds(30), [this] { return open_; });
      }
    }
    if (fail_writes) return cb::Status::io_error("disk on fire");
    return inner_.append(e, sync);
  }
  cb::Status read(std::uint64_t f, std::uint64_t t, const st::EventVisitor& v) const override {
    return inner_.read(f, t, v);
  }
  cb::Status read_stream(const std::string& s, std::uint64_t f, const st::EventVisitor& v) const override {
    return inner_.read_stream(s, f, v);
  }
  cb::Result<std::uint64_t> stream_version(const std::string& s) const override {
    if (s == stale_stream) return std::uint64_t{0};
    return inner_.stream_version(s);
  }
  std::uint64_t last_sequence() const override { return inner_.last_sequence(); }

 private:
  st::EventLog& inner_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
  std::atomic<bool> held_{false};
};

// Many threads, each appending requests of 1..3 events to its own streams
// with expected versions; checks every acknowledgement against the log.
void hammer(st::EventLog& log, int threads, int requests_per_thread) {
  st::GroupCommitLog gc(log, 64);
  std::mutex mutex;
  std::vector<st::AppendResult> acks;
  std::vector<std::thread> pool;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::map<std::string, std::uint64_t> versions;
      for (int i = 0; i < requests_per_thread; ++i) {
        std::vector<st::NewEvent> req;
        for (int k = 0; k <= i % 3; ++k) {
          const std::string stream = "client/" + std::to_string(t * 10 + (i + k) % 4);
          req.push_back(new_event(stream, note(t, std::to_string(t) + ":" + std::to_string(i) + ":" + std::to_string(k)),
                                  versions[stream]++));
        }
        auto r = gc.append(req);
        if (!r) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mutex);
        acks.push_back(std::move(r).value());
      }
    });
  }
  for (auto& th : pool) th.join();
  BOOST_TEST(failures.load() == 0);

  std::set<std::uint64_t> sequences;
  std::size_t events = 0;
  for (const auto& a : acks) {
    BOOST_TEST_REQUIRE(!a.recorded.empty());
    BOOST_TEST(a.last_sequence - a.first_sequence + 1 == a.recorded.size());  // contiguous
    for (std::size_t i = 0; i < a.recorded.size(); ++i) {
      BOOST_TEST(a.recorded[i].sequence == a.first_sequence + i);
      sequences.insert(a.recorded[i].sequence);
    }
    events += a.recorded.size();
  }
  BOOST_TEST(sequences.size() == events);  // no sequence acknowledged twice
  BOOST_TEST(*sequences.begin() == 1u);
  BOOST_TEST(*sequences.rbegin() == events);  // no gaps
  BOOST_TEST(log.last_sequence() == events);

  // Every acknowledged event is in the log as acknowledged.
  std::vector<dom::RecordedEvent> all;
  BOOST_TEST_REQUIRE(st::test::read_all(log, all).is_ok());
  BOOST_TEST_REQUIRE(all.size() == events);
  for (const auto& a : acks) {
    for (const auto& r : a.recorded) BOOST_TEST(st::test::same_record(all[r.sequence - 1], r));
  }
  const auto stats = gc.stats();
  BOOST_TEST(stats.requests == acks.size());
  BOOST_TEST(stats.events == events);
  BOOST_TEST(stats.max_batch_events <= 64u);
  BOOST_TEST_MESSAGE("batches: " << stats.batches << " for " << stats.requests << " requests");
}

}  // namespace

BOOST_AUTO_TEST_CASE(many_concurrent_appenders_on_rocksdb_get_contiguous_gapless_sequences) {
  st::test::TempDir dir;
  auto log = st::open_rocksdb_log({dir.sub("log")});
  BOOST_TEST_REQUIRE(log.is_ok(), log.status().to_string());
  hammer(**log, 16, 60);
}

BOOST_AUTO_TEST_CASE(many_concurrent_appenders_on_the_memory_log) {
  auto log = st::make_memory_log();
  hammer(*log, 32, 200);
}

BOOST_AUTO_TEST_CASE(subscribers_see_every_event_once_in_order_before_the_ack) {
  auto log = st::make_memory_log();
  st::GroupCommitLog gc(*log);
  std::vector<std::uint64_t> first_seen, second_seen;  // written on the writer thread only
  std::atomic<std::uint64_t> first_high{0};
  std::atomic<int> order_errors{0};
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& batch) {
    for (const auto& e : batch) first_seen.push_back(e.sequence);
    first_high = batch.back().sequence;
  });
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& batch) {
    if (first_high.load() != batch.back().sequence) ++order_errors;  // subscription order
    for (const auto& e : batch) second_seen.push_back(e.sequence);
  });
  std::atomic<int> acked{0}, early{0};
  std::vector<std::thread> pool;
  constexpr int kThreads = 8, kEach = 250;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        gc.submit({new_event("agent/" + std::to_string(t), note(0, "x")), new_event("x", note(0, "y"))},
                  [&](const cb::Result<st::AppendResult>& r) {
                    if (!r || first_high.load() < r->last_sequence) ++early;
                    ++acked;
                  });
      }
    });
  }
  for (auto& th : pool) th.join();
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return acked.load() == kThreads * kEach; }));
  gc.stop();
  BOOST_TEST(early.load() == 0);
  BOOST_TEST(order_errors.load() == 0);
  std::vector<std::uint64_t> expected(kThreads * kEach * 2);
  std::iota(expected.begin(), expected.end(), 1);
  BOOST_TEST(first_seen == expected, boost::test_tools::per_element());
  BOOST_TEST(second_seen == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_conflict_fails_its_own_request_and_not_its_batch) {
  auto log = st::make_memory_log();
  BOOST_TEST_REQUIRE(log->append({new_event("client/1", note(1, "v1"))}, true).is_ok());
  TestLog gate(*log);
  st::GroupCommitLog gc(gate);
  gate.close_gate(gc);

  Acks a, b, c, d;
  gc.submit({new_event("client/2", note(2, "a"), 0)}, a.callback());
  gc.submit({new_event("client/3", note(3, "b1"), 0), new_event("client/1", note(1, "b2"), 5)}, b.callback());
  gc.submit({new_event("client/1", note(1, "c"), 1)}, c.callback());
  // Checked against c, which is before it in the same batch.
  gc.submit({new_event("client/1", note(1, "d"), 2), new_event("client/2", note(2, "d"), 1)}, d.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return gc.stats().queued == 4u; }));
  gate.open();
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return d.size() == 1u && b.size() == 1u; }));

  BOOST_TEST(b.results[0].status().code() == cb::Status::Code::conflict);
  BOOST_TEST(b.results[0].status().message() == "stream client/1: expected version 5, actual 1");
  BOOST_TEST_REQUIRE(a.results[0].is_ok());
  BOOST_TEST_REQUIRE(c.results[0].is_ok());
  BOOST_TEST_REQUIRE(d.results[0].is_ok());
  BOOST_TEST(a.results[0]->first_sequence == 3u);  // 1: client/1, 2: the gate
  BOOST_TEST(c.results[0]->first_sequence == 4u);
  BOOST_TEST(d.results[0]->first_sequence == 5u);
  BOOST_TEST(d.results[0]->last_sequence == 6u);
  BOOST_TEST(d.results[0]->recorded[1].stream_version == 2u);
  const auto stats = gc.stats();
  BOOST_TEST(stats.batches == 2u);  // the gate's, then one synced write for a, c and d
  BOOST_TEST(stats.last_batch_requests == 3u);
  BOOST_TEST(stats.last_batch_events == 4u);
  BOOST_TEST(stats.conflicts == 1u);
  BOOST_TEST(*log->stream_version("client/3") == 0u);  // nothing of b was written
  BOOST_TEST(log->last_sequence() == 6u);
}

BOOST_AUTO_TEST_CASE(a_bad_request_fails_alone) {
  auto log = st::make_memory_log();
  TestLog gate(*log);
  st::GroupCommitLog gc(gate);
  gate.close_gate(gc);
  Acks ok, empty, nul;
  gc.submit({}, empty.callback());
  gc.submit({new_event(std::string("a\0b", 3), note(1, "x"))}, nul.callback());
  gc.submit({new_event("client/1", note(1, "x"))}, ok.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return gc.stats().queued == 3u; }));
  gate.open();
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return ok.size() + empty.size() + nul.size() == 3u; }));
  BOOST_TEST(ok.results[0].is_ok());
  BOOST_TEST(empty.results[0].status().code() == cb::Status::Code::invalid_argument);
  BOOST_TEST(nul.results[0].status().code() == cb::Status::Code::invalid_argument);
  BOOST_TEST(gc.stats().failed == 2u);
}

BOOST_AUTO_TEST_CASE(stop_drains_what_is_queued_then_refuses) {
  auto log = st::make_memory_log();
  TestLog gate(*log);
  st::GroupCommitLog gc(gate, 16);
  gate.close_gate(gc);
  Acks acks;
  for (int i = 0; i < 100; ++i) gc.submit({new_event("client/1", note(1, std::to_string(i)))}, acks.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return gc.stats().queued == 100u; }));

  std::thread stopper([&] { gc.stop(); });
  // stop() refuses new work at once, while the queue is still held. Probes
  // submitted before it took effect are queued (and written); the first
  // refused one is answered at once on this thread.
  int probes = 0;
  cb::Status refused;
  BOOST_TEST_REQUIRE(st::test::wait_until([&] {
    ++probes;
    gc.submit({new_event("client/1", note(1, "late"))}, [&refused](const cb::Result<st::AppendResult>& r) {
      if (!r) refused = r.status();
    });
    return !refused.is_ok();
  }));
  BOOST_TEST(refused.code() == cb::Status::Code::unavailable);
  const std::size_t accepted_before_stop = static_cast<std::size_t>(probes - 1);
  BOOST_TEST(acks.size() == 0u);
  gate.open();
  stopper.join();

  BOOST_TEST(acks.size() == 100u);
  for (const auto& r : acks.results) BOOST_TEST(r.is_ok());
  BOOST_TEST(log->last_sequence() == 1u + 100u + accepted_before_stop);
  BOOST_TEST(gc.stats().max_batch_events <= 16u);
  auto after = gc.append({new_event("client/1", note(1, "after"))});
  BOOST_TEST(after.status().code() == cb::Status::Code::unavailable);
  gc.stop();  // idempotent
}

BOOST_AUTO_TEST_CASE(the_destructor_drains_too) {
  auto log = st::make_memory_log();
  Acks acks;
  {
    st::GroupCommitLog gc(*log);
    for (int i = 0; i < 50; ++i) gc.submit({new_event("client/1", note(1, "x"))}, acks.callback());
  }
  BOOST_TEST(acks.size() == 50u);
  BOOST_TEST(log->last_sequence() == 50u);
}

BOOST_AUTO_TEST_CASE(batches_respect_the_bound_and_a_large_request_goes_alone) {
  auto log = st::make_memory_log();
  TestLog gate(*log);
  st::GroupCommitLog gc(gate, 7);
  std::vector<std::size_t> sizes;  // delivery thread only, until stop()
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& b) { sizes.push_back(b.size()); });
  gate.close_gate(gc);
  Acks acks;
  for (int i = 0; i < 5; ++i)
    gc.submit({new_event("a", note(1, "x")), new_event("a", note(1, "y")), new_event("a", note(1, "z"))},
              acks.callback());
  gc.submit(std::vector<st::NewEvent>(10, new_event("b", note(2, "big"))), acks.callback());
  gc.submit({new_event("a", note(1, "x"))}, acks.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return gc.stats().queued == 7u; }));
  gate.open();
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return acks.size() == 7u; }));
  gc.stop();
  // The gate's batch, then 3+3, 3+3, 3, the big one alone, the last.
  BOOST_TEST(sizes == (std::vector<std::size_t>{1, 6, 6, 3, 10, 1}), boost::test_tools::per_element());
}

// A batch gathered while the writer was held (as after a snapshot held the
// views) reaches the subscribers in slices of whole requests, so the views'
// exclusive lock is never held for all of it; the acks are unchanged.
BOOST_AUTO_TEST_CASE(a_large_batch_reaches_subscribers_in_slices_of_whole_requests) {
  static_assert(st::GroupCommitLog::kDeliverySliceEvents == 64, "the expected slices below assume 64");
  auto log = st::make_memory_log();
  TestLog gate(*log);
  st::GroupCommitLog gc(gate);
  std::vector<std::vector<std::uint64_t>> slices;  // delivery thread only, until stop()
  std::vector<std::string> texts;
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& b) {
    slices.emplace_back();
    for (const auto& e : b) {
      slices.back().push_back(e.sequence);
      texts.push_back(std::get<dom::NoteAdded>(e.event).text);
    }
  });
  std::vector<std::size_t> second;  // a second subscriber sees the same slices
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& b) { second.push_back(b.size()); });
  gate.close_gate(gc);
  Acks acks;
  for (int r = 0; r < 10; ++r) {
    std::vector<st::NewEvent> request;
    for (int i = 0; i < 10; ++i)
      request.push_back(new_event("c" + std::to_string(r), note(1, std::to_string(r * 10 + i))));
    gc.submit(std::move(request), acks.callback());
  }
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return gc.stats().queued == 10u; }));
  gate.open();
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return acks.size() == 10u; }));
  gc.stop();
  BOOST_TEST(gc.stats().last_batch_events == 100u);  // one write of all ten requests
  // The gate's event, then 7 requests (70 >= 64), then the other 3.
  std::vector<std::size_t> sizes;
  for (const auto& s : slices) sizes.push_back(s.size());
  BOOST_TEST(sizes == (std::vector<std::size_t>{1, 70, 30}), boost::test_tools::per_element());
  BOOST_TEST(second == sizes, boost::test_tools::per_element());
  std::vector<std::uint64_t> seen, expected(101);
  for (const auto& s : slices) seen.insert(seen.end(), s.begin(), s.end());
  std::iota(expected.begin(), expected.end(), 1);
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
  for (std::size_t i = 1; i < texts.size(); ++i) BOOST_TEST(texts[i] == std::to_string(i - 1));
  // Every request got its own events back, whole and in order.
  for (std::size_t r = 0; r < acks.results.size(); ++r) {
    BOOST_TEST_REQUIRE(acks.results[r].is_ok());
    const auto& rec = acks.results[r]->recorded;
    BOOST_TEST_REQUIRE(rec.size() == 10u);
    BOOST_TEST(rec.front().sequence == acks.results[r]->first_sequence);
    BOOST_TEST(std::get<dom::NoteAdded>(rec.front().event).text == std::to_string(r * 10));
    BOOST_TEST(std::get<dom::NoteAdded>(rec.back().event).text == std::to_string(r * 10 + 9));
  }
}

template <class Duration>
long long millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// min_interval: a write starts at least that long after the one before,
// and what was queued meanwhile goes into it together.
BOOST_AUTO_TEST_CASE(writes_are_spaced_by_the_minimum_interval_and_gather_what_came_meanwhile) {
  using std::chrono::steady_clock;
  auto log = st::make_memory_log();
  const auto interval = std::chrono::milliseconds(200);
  st::GroupCommitLog gc(*log, 4096, interval);
  std::vector<std::size_t> sizes;  // delivery thread only, until stop()
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& b) { sizes.push_back(b.size()); });
  const auto start = steady_clock::now();
  BOOST_REQUIRE(gc.append({new_event("a", note(1, "first"))}).is_ok());  // nothing before it: at once
  const auto first = steady_clock::now() - start;
  Acks acks;
  for (int i = 0; i < 5; ++i) gc.submit({new_event("a", note(1, "x"))}, acks.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return acks.size() == 5u; }));
  const auto second = steady_clock::now() - start;
  gc.stop();
  BOOST_TEST(millis(first) < 200);
  BOOST_TEST(millis(second) >= 200);
  BOOST_TEST(sizes == (std::vector<std::size_t>{1, 5}), boost::test_tools::per_element());
  BOOST_TEST(log->last_sequence() == 6u);
}

BOOST_AUTO_TEST_CASE(stop_does_not_wait_out_the_interval) {
  using std::chrono::steady_clock;
  auto log = st::make_memory_log();
  st::GroupCommitLog gc(*log, 4096, std::chrono::seconds(60));
  BOOST_REQUIRE(gc.append({new_event("a", note(1, "first"))}).is_ok());
  Acks acks;
  gc.submit({new_event("a", note(1, "queued"))}, acks.callback());
  const auto start = steady_clock::now();
  gc.stop();  // writes what is queued, now
  BOOST_TEST(millis(steady_clock::now() - start) < 30'000);
  BOOST_REQUIRE(acks.size() == 1u);
  BOOST_TEST(acks.results[0].is_ok());
  BOOST_TEST(log->last_sequence() == 2u);
}

BOOST_AUTO_TEST_CASE(a_failed_write_fails_every_request_of_its_batch_and_feeds_nobody) {
  auto inner = st::make_memory_log();
  TestLog log(*inner);
  st::GroupCommitLog gc(log);
  std::atomic<int> fed{0};
  gc.subscribe([&](const std::vector<dom::RecordedEvent>&) { ++fed; });
  std::vector<st::BatchReport> reports;  // delivery thread only, until stop()
  gc.set_batch_observer([&](const st::BatchReport& r) { reports.push_back(r); });
  log.fail_writes = true;
  auto r = gc.append({new_event("client/1", note(1, "x"))});
  BOOST_TEST(r.status().code() == cb::Status::Code::io_error);
  BOOST_TEST(r.status().message() == "disk on fire");
  log.fail_writes = false;
  BOOST_TEST(gc.append({new_event("client/1", note(1, "x"), 0)}).is_ok());
  gc.stop();
  BOOST_TEST(fed.load() == 1);
  BOOST_TEST(gc.stats().failed == 1u);
  BOOST_TEST_REQUIRE(reports.size() == 2u);
  BOOST_TEST(!reports[0].write_ok);
  BOOST_TEST(reports[0].events == 0u);
  BOOST_TEST(reports[1].write_ok);
  BOOST_TEST(reports[1].events == 1u);
  BOOST_TEST(reports[1].requests == 1u);
}

BOOST_AUTO_TEST_CASE(a_log_that_disagrees_with_the_batch_check_fails_only_the_loser) {
  // Someone appended around the group commit: the batch passes its own check
  // but the log refuses it; requests are retried one by one.
  auto inner = st::make_memory_log();
  BOOST_TEST_REQUIRE(inner->append({new_event("client/9", note(9, "elsewhere"))}, true).is_ok());
  TestLog log(*inner);
  log.stale_stream = "client/9";
  st::GroupCommitLog gc(log);
  std::vector<std::uint64_t> fed;  // delivery thread only, until stop()
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& b) {
    for (const auto& e : b) fed.push_back(e.sequence);
  });
  log.close_gate(gc);
  Acks good1, loser, good2;
  gc.submit({new_event("client/1", note(1, "x"), 0)}, good1.callback());
  gc.submit({new_event("client/9", note(9, "x"), 0)}, loser.callback());
  gc.submit({new_event("client/2", note(2, "x"), 0)}, good2.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return gc.stats().queued == 3u; }));
  log.open();
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return good1.size() + loser.size() + good2.size() == 3u; }));
  gc.stop();
  BOOST_TEST(good1.results[0].is_ok());
  BOOST_TEST(good2.results[0].is_ok());
  BOOST_TEST(loser.results[0].status().code() == cb::Status::Code::conflict);
  // 1: written elsewhere, 2: the gate, 3: good1, 4: good2 (the loser took none).
  BOOST_TEST(good2.results[0]->recorded.at(0).sequence == 4u);
  BOOST_TEST(fed == (std::vector<std::uint64_t>{2, 3, 4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_slow_subscriber_does_not_hold_the_next_write_but_holds_its_ack) {
  // The writer syncs batch 2 while the delivery thread is still in batch 1's
  // subscriber; batch 2 is acknowledged only after batch 1 is delivered.
  auto log = st::make_memory_log();
  st::GroupCommitLog gc(*log);
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> in_first{false};
  std::vector<std::uint64_t> fed;  // delivery thread only, until stop()
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& b) {
    if (b.front().stream == "slow") {
      in_first = true;
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return release; });
    }
    for (const auto& e : b) fed.push_back(e.sequence);
  });
  Acks first, second;
  gc.submit({new_event("slow", note(1, "x"))}, first.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return in_first.load(); }));
  gc.submit({new_event("fast", note(1, "y"))}, second.callback());
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return log->last_sequence() == 2u; }));  // written
  BOOST_TEST(second.size() == 0u);  // but not acknowledged ahead of batch 1
  {
    std::lock_guard<std::mutex> lock(m);
    release = true;
  }
  cv.notify_all();
  BOOST_TEST_REQUIRE(st::test::wait_until([&] { return second.size() == 1u; }));
  BOOST_TEST(first.size() == 1u);
  gc.stop();
  BOOST_TEST(fed == (std::vector<std::uint64_t>{1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(append_from_a_subscriber_is_refused_not_deadlocked) {
  auto log = st::make_memory_log();
  st::GroupCommitLog gc(*log);
  cb::Status inner;
  std::atomic<bool> done{false};
  gc.subscribe([&](const std::vector<dom::RecordedEvent>& b) {
    if (b.front().stream != "outer") return;
    inner = gc.append({new_event("inner", note(1, "x"))}).status();
    done = true;
  });
  BOOST_TEST(gc.append({new_event("outer", note(1, "x"))}).is_ok());
  BOOST_TEST_REQUIRE(done.load());
  BOOST_TEST(inner.code() == cb::Status::Code::invalid_argument);
}
