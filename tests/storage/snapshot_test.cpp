// Views snapshots on disk (storage/snapshot.hpp, snapshotter.hpp): written
// whole or not at all, loaded newest first, never trusted when torn,
// corrupt, of another layout or past the log's end; the Snapshotter takes
// them as events commit; ViewHost::restore (snapshot + tail) equals a full
// rebuild.
#define BOOST_TEST_MODULE storage_snapshot
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "storage/crc32c.hpp"
#include "storage/group_commit.hpp"
#include "storage/snapshot.hpp"
#include "storage/snapshotter.hpp"
#include "storage/view_host.hpp"
#include "test_support.hpp"

using namespace callboard;
using namespace callboard::storage;
using callboard::storage::test::TempDir;
using callboard::storage::test::wait_until;

namespace {

constexpr domain::Timestamp kT0 = 1'795'773'600'000'000;

// n clients, each created and given a note: 2n events.
std::vector<NewEvent> clients(domain::ClientId first, std::size_t n) {
  std::vector<NewEvent> out;
  for (domain::ClientId id = first; id < first + n; ++id) {
    const std::string s = domain::client_stream(id);
    out.push_back({s, kT0 + static_cast<domain::Timestamp>(id), 0,
                   domain::ClientCreated{id, "Клиент " + std::to_string(id), "", ""}});
    out.push_back({s, kT0 + static_cast<domain::Timestamp>(id), 1, domain::NoteAdded{id, id, "anna", "n", ""}});
  }
  return out;
}

domain::CrmViews views_of(const EventLog& log, std::uint64_t to) {
  domain::CrmViews v;
  if (to) log.read(1, to, [&v](const domain::RecordedEvent& e) {
    v.apply(e);
    return true;
  });
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Rewrites the CRC so a deliberate change to the header is what the loader
// sees (not a checksum mismatch).
void reseal(std::string& bytes) {
  const std::uint32_t crc = crc32c(bytes.data(), bytes.size() - 4);
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<EventLog> log = make_memory_log();
  std::string snaps = dir.sub("snapshots");
  Fixture() { BOOST_REQUIRE(log->append(clients(1, 30), true).is_ok()); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(written_then_read_back_whole, Fixture) {
  const domain::CrmViews v = views_of(*log, 60);
  auto info = write_snapshot(snaps, v);
  BOOST_REQUIRE_MESSAGE(info.is_ok(), info.status().to_string());
  BOOST_TEST(info->sequence == 60u);
  BOOST_TEST(info->path == snaps + "/snap-00000000000000000060.cbsnap");
  BOOST_TEST(info->bytes == std::filesystem::file_size(info->path));
  auto back = read_snapshot(info->path);
  BOOST_REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
  BOOST_TEST(back->views.digest() == v.digest());
  BOOST_TEST(back->views.client_count() == 30u);
  BOOST_TEST(slurp(info->path).substr(0, 8) == std::string("CBSNAP\r\n"));
}

BOOST_FIXTURE_TEST_CASE(the_newest_good_one_is_loaded_and_bad_ones_skipped, Fixture) {
  BOOST_REQUIRE(write_snapshot(snaps, views_of(*log, 20)).is_ok());
  BOOST_REQUIRE(write_snapshot(snaps, views_of(*log, 40)).is_ok());
  auto newest = write_snapshot(snaps, views_of(*log, 60));
  BOOST_REQUIRE(newest.is_ok());
  std::vector<std::string> warnings;

  auto loaded = load_newest_snapshot(snaps, 60, warnings);
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST(loaded->info.sequence == 60u);
  BOOST_TEST(warnings.empty());

  // Past the log's end (the log lost its tail? never trust it): skipped.
  loaded = load_newest_snapshot(snaps, 59, warnings);
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST(loaded->info.sequence == 40u);
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST(warnings[0].find("past the log's last sequence") != std::string::npos);

  // One flipped bit in the newest: checksum mismatch, fall back.
  std::string bytes = slurp(newest->path);
  bytes[bytes.size() / 2] ^= 0x10;
  spit(newest->path, bytes);
  warnings.clear();
  loaded = load_newest_snapshot(snaps, 60, warnings);
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST(loaded->info.sequence == 40u);
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST(warnings[0].find("checksum mismatch") != std::string::npos);

  // The next one torn (cut short, as a crash mid-write would if the rename
  // came first), the oldest of an unknown layout: nothing is trusted.
  const std::string s40 = snaps + "/snap-00000000000000000040.cbsnap";
  std::string half = slurp(s40);
  spit(s40, half.substr(0, half.size() / 2));
  const std::string s20 = snaps + "/snap-00000000000000000020.cbsnap";
  std::string other = slurp(s20);
  other[12] = static_cast<char>(domain::CrmViews::kSnapshotVersion + 1);
  reseal(other);
  spit(s20, other);
  warnings.clear();
  loaded = load_newest_snapshot(snaps, 60, warnings);
  BOOST_TEST(!loaded.has_value());
  BOOST_REQUIRE(warnings.size() == 3u);
  BOOST_TEST(warnings[2].find("views layout") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(other_files_and_leftovers_are_ignored_then_pruned, Fixture) {
  std::vector<std::string> warnings;
  BOOST_TEST(!load_newest_snapshot(dir.sub("none"), 60, warnings).has_value());
  BOOST_TEST(warnings.empty());
  BOOST_REQUIRE(write_snapshot(snaps, views_of(*log, 10)).is_ok());
  BOOST_REQUIRE(write_snapshot(snaps, views_of(*log, 30)).is_ok());
  BOOST_REQUIRE(write_snapshot(snaps, views_of(*log, 50)).is_ok());
  spit(snaps + "/snap-00000000000000000060.cbsnap.tmp", "half a file");  // a crash mid-write
  spit(snaps + "/notes.txt", "hello");
  auto loaded = load_newest_snapshot(snaps, 60, warnings);
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST(loaded->info.sequence == 50u);
  prune_snapshots(snaps, 2);
  auto left = list_snapshots(snaps);
  BOOST_REQUIRE(left.size() == 2u);
  BOOST_TEST(left[0].sequence == 50u);
  BOOST_TEST(left[1].sequence == 30u);
  BOOST_TEST(!std::filesystem::exists(snaps + "/snap-00000000000000000060.cbsnap.tmp"));
  BOOST_TEST(std::filesystem::exists(snaps + "/notes.txt"));
}

BOOST_FIXTURE_TEST_CASE(restore_from_a_snapshot_equals_a_full_rebuild, Fixture) {
  BOOST_REQUIRE(log->append(clients(31, 20), true).is_ok());
  ViewHost full;
  BOOST_REQUIRE(full.rebuild(*log).is_ok());
  ViewHost resumed;
  BOOST_REQUIRE(resumed.restore(views_of(*log, 45), *log).is_ok());
  const auto a = full.read([](const domain::CrmViews& v) { return v.digest(); });
  const auto b = resumed.read([](const domain::CrmViews& v) { return v.digest(); });
  BOOST_TEST(a == b);
  BOOST_TEST(resumed.read([](const domain::CrmViews& v) { return v.last_sequence(); }) == 100u);
  ViewHost whole;  // a snapshot at the log's end replays nothing
  BOOST_REQUIRE(whole.restore(views_of(*log, 100), *log).is_ok());
  BOOST_TEST(whole.read([](const domain::CrmViews& v) { return v.digest(); }) == a);
}

BOOST_FIXTURE_TEST_CASE(the_snapshotter_follows_the_log, Fixture) {
  ViewHost views;
  BOOST_REQUIRE(views.rebuild(*log).is_ok());
  GroupCommitLog group(*log);
  views.attach(group);
  std::vector<std::string> reports;
  std::mutex m;
  Snapshotter snapshotter(views, SnapshotPolicy{snaps, 25, 2},
                          [&](const std::string& message, bool error) {
                            std::lock_guard<std::mutex> lock(m);
                            reports.push_back((error ? "error: " : "") + message);
                          });
  snapshotter.attach(group);
  // Appends until two periodic snapshots are out (each is due 25 events
  // after the last was requested; the thread writes it meanwhile).
  domain::ClientId id = 100;
  for (; id < 2000 && snapshotter.stats().written < 2; ++id) BOOST_REQUIRE(group.append(clients(id, 1)).is_ok());
  BOOST_REQUIRE(wait_until([&] { return snapshotter.stats().written >= 2; }));
  BOOST_TEST(snapshotter.stats().failed == 0u);
  BOOST_TEST(snapshotter.stats().last_sequence >= 85u);  // 60 at start, the first due after 25 more
  // The final one, as at a clean shutdown: at the log's end.
  group.stop();
  snapshotter.stop();
  BOOST_REQUIRE(snapshotter.snapshot_now().is_ok());
  const std::uint64_t end = log->last_sequence();
  BOOST_TEST(end == 60u + 2 * (id - 100));
  BOOST_TEST(snapshotter.stats().last_sequence == end);
  const auto before = snapshotter.stats().written;
  BOOST_REQUIRE(snapshotter.snapshot_now().is_ok());  // nothing new: nothing written
  BOOST_TEST(snapshotter.stats().written == before);
  auto kept = list_snapshots(snaps);
  BOOST_REQUIRE(kept.size() == 2u);
  BOOST_TEST(kept[0].sequence == end);
  std::vector<std::string> warnings;
  auto loaded = load_newest_snapshot(snaps, end, warnings);
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST(loaded->views.digest() == views.read([](const domain::CrmViews& v) { return v.digest(); }));
  std::lock_guard<std::mutex> lock(m);
  BOOST_TEST(!reports.empty());
  BOOST_TEST(reports.back().find("snapshot at sequence " + std::to_string(end)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(snapshots_are_spaced_by_the_larger_of_the_interval_and_a_share_of_the_log) {
  const SnapshotPolicy p{"", 100'000, 2, 8};
  BOOST_TEST(snapshot_spacing(p, 0) == 100'000u);
  BOOST_TEST(snapshot_spacing(p, 800'000) == 100'000u);
  BOOST_TEST(snapshot_spacing(p, 3'900'000) == 487'500u);
  BOOST_TEST(snapshot_spacing(SnapshotPolicy{"", 100'000, 2, 0}, 3'900'000) == 100'000u);  // share off
}

// With the spacing growing with the log, a long run writes a number of
// snapshots that grows with the log's logarithm, not in proportion to it:
// 1,000 events 10 apart would be ~100 snapshots; each a log's length after
// the last (divisor 1), about 70, 140, 280, 560 and 1,120.
BOOST_FIXTURE_TEST_CASE(a_growing_log_is_snapshotted_ever_more_rarely, Fixture) {
  ViewHost views;
  BOOST_REQUIRE(views.rebuild(*log).is_ok());
  GroupCommitLog group(*log);
  views.attach(group);
  Snapshotter snapshotter(views, SnapshotPolicy{snaps, 10, 2, 1}, nullptr);
  snapshotter.attach(group);
  for (domain::ClientId id = 100; id < 600; ++id) BOOST_REQUIRE(group.append(clients(id, 1)).is_ok());
  group.stop();  // every batch delivered, so every request made
  snapshotter.stop();
  BOOST_TEST_MESSAGE("snapshots written: " << snapshotter.stats().written);
  BOOST_TEST(snapshotter.stats().failed == 0u);
  BOOST_TEST(snapshotter.stats().written >= 2u);
  BOOST_TEST(snapshotter.stats().written <= 10u);
}

BOOST_FIXTURE_TEST_CASE(an_unwritable_directory_is_an_io_error, Fixture) {
  spit(dir.sub("file"), "x");
  auto r = write_snapshot(dir.sub("file") + "/snapshots", views_of(*log, 10));
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.status().code() == Status::Code::io_error);
}
