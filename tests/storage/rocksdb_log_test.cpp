// What only the RocksDB log has: reopening, locking, unwritable paths, bytes
// damaged on disk, the stream-version cache.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <rocksdb/db.h>

#include "storage/keys.hpp"
#include "storage/rocksdb_setup.hpp"
#include "test_support.hpp"

namespace cb = callboard;
namespace dom = callboard::domain;
namespace st = callboard::storage;
using st::test::client_created;
using st::test::new_event;

namespace {

std::unique_ptr<st::EventLog> open_log(const std::string& path) {
  auto r = st::open_rocksdb_log({path});
  BOOST_TEST_REQUIRE(r.is_ok(), r.status().to_string());
  return std::move(r).value();
}

dom::NoteAdded note(dom::ClientId id, std::string text) {
  dom::NoteAdded e;
  e.client = id;
  e.note = 1;
  e.author = "ivan";
  e.text = std::move(text);
  return e;
}

// A child process running storage_lock_holder, talking over pipes.
class LockHolder {
 public:
  explicit LockHolder(const std::string& db_path) {
    int in[2], out[2];
    BOOST_TEST_REQUIRE(pipe(in) == 0);
    BOOST_TEST_REQUIRE(pipe(out) == 0);
    pid_ = fork();
    BOOST_TEST_REQUIRE(pid_ >= 0);
    if (pid_ == 0) {  // child: only async-signal-safe calls until exec
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execl(STORAGE_LOCK_HOLDER, STORAGE_LOCK_HOLDER, db_path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
  }
  ~LockHolder() {
    release();
    wait();
  }
  // The child's first line ("ready" or "error: ..."), waiting at most 20 s.
  std::string first_line() {
    std::string line;
    char c;
    pollfd p{from_child_, POLLIN, 0};
    while (line.size() < 4096 && poll(&p, 1, 20'000) == 1 && read(from_child_, &c, 1) == 1 && c != '\n')
      line.push_back(c);
    return line;
  }
  void release() {
    if (to_child_ >= 0) close(to_child_);
    to_child_ = -1;
  }
  int wait() {  // the child's exit code
    if (pid_ <= 0) return exit_code_;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (from_child_ >= 0) close(from_child_);
    from_child_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  int exit_code_ = -1;
};

}  // namespace

BOOST_AUTO_TEST_CASE(reopening_finds_everything_and_continues_the_numbering) {
  st::test::TempDir dir;
  const std::string path = dir.sub("log");
  std::vector<dom::RecordedEvent> before;
  {
    auto log = open_log(path);
    for (dom::ClientId id = 1; id <= 50; ++id) {
      BOOST_TEST_REQUIRE(log->append({new_event(dom::client_stream(id), client_created(id), 0),
                                      new_event(dom::client_stream(id), note(id, "first"), 1)},
                                     id % 10 == 0)
                             .is_ok());
    }
    BOOST_TEST_REQUIRE(st::test::read_all(*log, before).is_ok());
  }
  auto log = open_log(path);
  BOOST_TEST(log->last_sequence() == 100u);
  BOOST_TEST(*log->stream_version("client/7") == 2u);
  BOOST_TEST(*log->stream_version("client/51") == 0u);
  std::vector<dom::RecordedEvent> after;
  BOOST_TEST_REQUIRE(st::test::read_all(*log, after).is_ok());
  BOOST_TEST_REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < after.size(); ++i) BOOST_TEST(st::test::same_record(after[i], before[i]));

  // The recovered versions are enforced, and numbering carries on.
  auto r = log->append({new_event("client/7", note(7, "again"), 1)}, true);
  BOOST_TEST(r.status().message() == "stream client/7: expected version 1, actual 2");
  r = log->append({new_event("client/7", note(7, "again"), 2), new_event("client/51", client_created(51), 0)}, true);
  BOOST_TEST_REQUIRE(r.is_ok(), r.status().to_string());
  BOOST_TEST(r->first_sequence == 101u);
  BOOST_TEST(r->recorded[0].stream_version == 3u);
  std::vector<dom::RecordedEvent> seven;
  BOOST_TEST_REQUIRE(st::test::read_stream_all(*log, "client/7", seven).is_ok());
  BOOST_TEST_REQUIRE(seven.size() == 3u);
  BOOST_TEST(seven[2].sequence == 101u);
  BOOST_TEST(std::get<dom::NoteAdded>(seven[2].event).text == "again");
}

BOOST_AUTO_TEST_CASE(a_second_open_of_the_same_directory_is_a_clear_io_error) {
  st::test::TempDir dir;
  const std::string path = dir.sub("log");
  auto log = open_log(path);
  auto again = st::open_rocksdb_log({path});
  BOOST_TEST(again.status().code() == cb::Status::Code::io_error);
  BOOST_TEST(again.status().message().find(path) != std::string::npos, again.status().to_string());
  BOOST_TEST(again.status().message().find("lock") != std::string::npos, again.status().to_string());
}

BOOST_AUTO_TEST_CASE(another_process_holding_the_log_is_a_clear_io_error) {
  st::test::TempDir dir;
  const std::string path = dir.sub("log");
  {
    LockHolder holder(path);
    BOOST_TEST_REQUIRE(holder.first_line() == "ready");
    auto r = st::open_rocksdb_log({path});
    BOOST_TEST(r.status().code() == cb::Status::Code::io_error);
    BOOST_TEST(r.status().message().find("'" + path + "'") != std::string::npos, r.status().to_string());
    BOOST_TEST(r.status().message().find("another process") != std::string::npos, r.status().to_string());
    holder.release();
    BOOST_TEST(holder.wait() == 0);
  }
  {  // released with the process: opens now; and the other way round
    auto log = open_log(path);
    BOOST_TEST(log->last_sequence() == 1u);  // the holder appended one event
    LockHolder holder(path);
    const std::string line = holder.first_line();
    BOOST_TEST(line.find("error: I/O error: event log at '" + path + "'") == 0u, line);
    BOOST_TEST(holder.wait() == 1);
  }
}

BOOST_AUTO_TEST_CASE(an_unusable_directory_is_a_clear_io_error) {
  st::test::TempDir dir;
  {  // a parent that is a regular file
    std::ofstream(dir.sub("file")) << "x";
    const std::string path = dir.sub("file") + "/log";
    auto r = st::open_rocksdb_log({path});
    BOOST_TEST(r.status().code() == cb::Status::Code::io_error);
    BOOST_TEST(r.status().message().find("'" + path + "'") != std::string::npos, r.status().to_string());
  }
  if (geteuid() != 0) {  // root ignores permission bits
    const std::string ro = dir.sub("readonly");
    BOOST_TEST_REQUIRE(mkdir(ro.c_str(), 0500) == 0);
    auto r = st::open_rocksdb_log({ro + "/log"});
    BOOST_TEST(r.status().code() == cb::Status::Code::io_error);
    BOOST_TEST(r.status().message().find(ro) != std::string::npos, r.status().to_string());
    chmod(ro.c_str(), 0700);
  }
  BOOST_TEST(st::open_rocksdb_log({""}).status().code() == cb::Status::Code::invalid_argument);
}

BOOST_AUTO_TEST_CASE(damaged_records_on_disk_are_corruption_naming_the_sequence) {
  st::test::TempDir dir;
  const std::string path = dir.sub("log");
  {
    auto log = open_log(path);
    for (dom::ClientId id = 1; id <= 5; ++id)
      BOOST_TEST_REQUIRE(log->append({new_event("client/1", note(1, "n" + std::to_string(id)))}, true).is_ok());
  }
  auto damage = [&](std::uint64_t seq, const std::function<void(std::string&)>& how) {
    auto db = st::open_db({path});
    BOOST_TEST_REQUIRE(db.is_ok(), db.status().to_string());
    std::string value;
    BOOST_TEST_REQUIRE(db->db->Get({}, db->events, st::keys::event_key(seq), &value).ok());
    how(value);
    BOOST_TEST_REQUIRE(db->db->Put({}, db->events, st::keys::event_key(seq), value).ok());
  };
  auto expect_corrupt_at = [&](std::uint64_t seq, std::size_t good_before) {
    auto log = open_log(path);
    std::vector<std::uint64_t> seen;
    cb::Status s = log->read(1, UINT64_MAX, [&](const dom::RecordedEvent& e) {
      seen.push_back(e.sequence);
      return true;
    });
    BOOST_TEST(s.code() == cb::Status::Code::corruption, s.to_string());
    BOOST_TEST(s.message().find("sequence " + std::to_string(seq)) != std::string::npos, s.to_string());
    BOOST_TEST(seen.size() == good_before);  // stopped there, skipped nothing silently
    s = log->read_stream("client/1", 1, [](const dom::RecordedEvent&) { return true; });
    BOOST_TEST(s.code() == cb::Status::Code::corruption, s.to_string());
    BOOST_TEST(s.message().find(std::to_string(seq)) != std::string::npos, s.to_string());
  };

  damage(3, [](std::string& v) { v[v.size() / 2] ^= 0x10; });  // bit rot
  expect_corrupt_at(3, 2);
  damage(3, [](std::string& v) { v[v.size() / 2] ^= 0x10; });  // repaired
  {
    auto log = open_log(path);
    std::vector<dom::RecordedEvent> all;
    BOOST_TEST(st::test::read_all(*log, all).is_ok());
    BOOST_TEST(all.size() == 5u);
  }
  damage(4, [](std::string& v) { v.resize(v.size() - 3); });  // truncated
  expect_corrupt_at(4, 3);
  damage(4, [](std::string& v) {  // a tag no build knows, checksum intact
    v = st::encode_envelope({4, 0, "client/1", 4, 4242, 1}, "");
  });
  expect_corrupt_at(4, 3);
  {
    auto db = st::open_db({path});
    BOOST_TEST_REQUIRE(db.is_ok());
    BOOST_TEST_REQUIRE(db->db->Delete({}, db->events, st::keys::event_key(2)).ok());  // a gap
  }
  expect_corrupt_at(2, 1);
}

BOOST_AUTO_TEST_CASE(a_log_of_an_unknown_format_is_refused_and_extra_families_are_opened) {
  st::test::TempDir dir;
  const std::string path = dir.sub("log");
  {
    auto log = open_log(path);
    BOOST_TEST_REQUIRE(log->append({new_event("client/1", client_created(1))}, true).is_ok());
  }
  {  // a family some later tool added: opening must still name it
    auto db = st::open_db({path});
    BOOST_TEST_REQUIRE(db.is_ok());
    rocksdb::ColumnFamilyHandle* h = nullptr;
    BOOST_TEST_REQUIRE(db->db->CreateColumnFamily({}, "snapshots", &h).ok());
    db->handles.push_back(h);
  }
  BOOST_TEST(open_log(path)->last_sequence() == 1u);
  {
    auto db = st::open_db({path});
    BOOST_TEST_REQUIRE(db.is_ok());
    BOOST_TEST_REQUIRE(db->db->Put({}, st::keys::kFormatKey, "2").ok());
  }
  auto r = st::open_rocksdb_log({path});
  BOOST_TEST(r.status().code() == cb::Status::Code::corruption);
  BOOST_TEST(r.status().message().find("format '2'") != std::string::npos, r.status().to_string());
}

BOOST_AUTO_TEST_CASE(versions_stay_right_past_the_version_cache) {
  // More streams than the cache holds (65,536): versions of evicted streams
  // come back from the index, and conflicts are still caught.
  st::test::TempDir dir;
  auto log = open_log(dir.sub("log"));
  constexpr dom::ClientId kClients = 70'000;
  for (dom::ClientId first = 1; first <= kClients; first += 1000) {
    std::vector<st::NewEvent> batch;
    for (dom::ClientId id = first; id < first + 1000; ++id)
      batch.push_back(new_event(dom::client_stream(id), client_created(id), 0));
    BOOST_TEST_REQUIRE(log->append(batch, false).is_ok());
  }
  for (dom::ClientId id : {dom::ClientId{1}, dom::ClientId{12345}, dom::ClientId{69'999}, kClients}) {
    BOOST_TEST(*log->stream_version(dom::client_stream(id)) == 1u);
    auto r = log->append({new_event(dom::client_stream(id), client_created(id), 0)}, false);
    BOOST_TEST(r.status().code() == cb::Status::Code::conflict, r.status().to_string());
    BOOST_TEST_REQUIRE(log->append({new_event(dom::client_stream(id), note(id, "x"), 1)}, false).is_ok());
    BOOST_TEST(*log->stream_version(dom::client_stream(id)) == 2u);
  }
  BOOST_TEST(log->last_sequence() == kClients + 4);
}

BOOST_AUTO_TEST_CASE(readers_on_other_threads_see_whole_appends) {
  // Reads run alongside appends: a reader never sees part of an append, and
  // versions it reads never go backwards.
  st::test::TempDir dir;
  auto log = open_log(dir.sub("log"));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    std::uint64_t last_version = 0;
    while (!done.load()) {
      const std::uint64_t v = *log->stream_version("client/1");
      if (v < last_version || v % 2 != 0) ++bad;  // each append adds two events
      last_version = v;
      std::uint64_t count = 0;
      log->read_stream("client/1", 1, [&count](const dom::RecordedEvent&) { return ++count, true; });
      if (count % 2 != 0 || count < v) ++bad;
    }
  });
  for (int i = 0; i < 300; ++i) {
    BOOST_TEST_REQUIRE(log->append({new_event("client/1", note(1, "a")), new_event("client/1", note(1, "b"))},
                                   false)
                           .is_ok());
  }
  done = true;
  reader.join();
  BOOST_TEST(bad.load() == 0);
}

BOOST_AUTO_TEST_CASE(long_reads_decode_ahead_with_the_same_results_stops_and_errors) {
  // Ranges of 10,000 events or more are decoded on a helper thread: the
  // caller must see exactly what the plain path gives, stop when told, get
  // the error after every good event, and survive a throwing visitor.
  st::test::TempDir dir;
  const std::string path = dir.sub("log");
  constexpr std::uint64_t kEvents = 30 * 1024;  // a whole number of chunks
  {
    auto log = open_log(path);
    std::vector<st::NewEvent> batch;
    for (std::uint64_t i = 1; i <= kEvents; ++i) {
      batch.push_back(new_event("client/" + std::to_string(i % 97), note(i, "n" + std::to_string(i))));
      if (batch.size() == 1000 || i == kEvents) {
        BOOST_TEST_REQUIRE(log->append(batch, i == kEvents).is_ok());
        batch.clear();
      }
    }
  }
  auto log = open_log(path);
  std::vector<dom::RecordedEvent> bulk;
  BOOST_TEST_REQUIRE(st::test::read_all(*log, bulk).is_ok());
  BOOST_TEST_REQUIRE(bulk.size() == kEvents);
  std::uint64_t checked = 0;
  for (std::uint64_t from = 1; from <= kEvents; from += 5000) {  // short ranges: the plain path
    BOOST_TEST_REQUIRE(log->read(from, from + 4999, [&](const dom::RecordedEvent& e) {
                            if (st::test::same_record(e, bulk[e.sequence - 1]) && e.sequence == from + (checked % 5000))
                              ++checked;
                            return true;
                          }).is_ok());
  }
  BOOST_TEST(checked == kEvents);
  BOOST_TEST(std::get<dom::NoteAdded>(bulk[kEvents - 1].event).text == "n" + std::to_string(kEvents));

  std::uint64_t visits = 0;
  BOOST_TEST(log->read(1, UINT64_MAX, [&](const dom::RecordedEvent&) { return ++visits < 12'345; }).is_ok());
  BOOST_TEST(visits == 12'345u);
  visits = 0;
  BOOST_TEST(log->read(101, 20'100, [&](const dom::RecordedEvent& e) { return e.sequence == 101 + visits++; }).is_ok());
  BOOST_TEST(visits == 20'000u);

  bool thrown = false;
  try {
    log->read(1, UINT64_MAX, [](const dom::RecordedEvent& e) -> bool {
      if (e.sequence == 5000) throw std::runtime_error("visitor failed");
      return true;
    });
  } catch (const std::runtime_error&) {
    thrown = true;
  }
  BOOST_TEST(thrown);

  log.reset();
  {
    auto db = st::open_db({path});
    BOOST_TEST_REQUIRE(db.is_ok());
    std::string value;
    BOOST_TEST_REQUIRE(db->db->Get({}, db->events, st::keys::event_key(20'000), &value).ok());
    value[value.size() / 2] ^= 0x01;
    BOOST_TEST_REQUIRE(db->db->Put({}, db->events, st::keys::event_key(20'000), value).ok());
  }
  log = open_log(path);
  std::uint64_t good = 0;
  cb::Status s = log->read(1, UINT64_MAX, [&](const dom::RecordedEvent& e) {
    if (e.sequence == good + 1) ++good;
    return true;
  });
  BOOST_TEST(s.code() == cb::Status::Code::corruption, s.to_string());
  BOOST_TEST(s.message().find("sequence 20000") != std::string::npos, s.to_string());
  BOOST_TEST(good == 19'999u);
}
