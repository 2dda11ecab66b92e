// bench_snapshot: what views snapshots buy at a restart. For N clients
// (ClientCreated + PhoneLinked + ResponsibleAssigned + a note each, as
// bench_eventlog's replay plus one event) it measures, on the RocksDB log:
// a full replay; writing a snapshot (serialise + write + fdatasync); loading
// the newest snapshot and replaying a tail of `tail` events written after
// it; and checks the two views' digests are equal.
//
//   bench_snapshot [--dir DIR] [--clients N ...] [--tail T] [--calls K]
//
// --calls K adds K answered calls per client (9 events each: received,
// classified, routed, offered, ringing, answered, on call, ended,
// available), as a log that has lived for a while holds: many events, of
// which the views keep one call record and one history entry per call.
//
// Prints a Markdown table (docs/BENCHMARKS.md, "Views snapshots").
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "storage/event_log.hpp"
#include "storage/snapshot.hpp"
#include "storage/view_host.hpp"

using namespace callboard;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void add_client(std::vector<storage::NewEvent>& out, domain::ClientId id) {
  const std::string stream = domain::client_stream(id);
  const domain::Timestamp t = 1'795'773'600'000'000 + static_cast<domain::Timestamp>(id) * 1000;
  std::string digits = std::to_string(id);
  digits.insert(0, 7 - std::min<std::size_t>(7, digits.size()), '0');
  out.push_back({stream, t, 0,
                 domain::ClientCreated{id, "Клиент " + std::to_string(id),
                                       id % 3 == 0 ? "ООО Ромашка-" + std::to_string(id % 997) : "",
                                       "client" + std::to_string(id) + "@example.by"}});
  out.push_back({stream, t + 1, 1, domain::PhoneLinked{id, "+37529" + digits}});
  out.push_back({stream, t + 2, 2, domain::ResponsibleAssigned{id, "agent" + std::to_string(id % 50)}});
  out.push_back({stream, t + 3, 3, domain::NoteAdded{id, id, "agent1", "Перезвонить после обеда", ""}});
}

std::unique_ptr<storage::EventLog> open_log(const std::string& dir) {
  auto log = storage::open_rocksdb_log({dir});
  if (!log) throw std::runtime_error(log.status().to_string());
  return std::move(log).value();
}

void add_calls(std::vector<storage::NewEvent>& out, domain::ClientId id, std::uint64_t calls) {
  using storage::kAnyVersion;
  for (std::uint64_t k = 0; k < calls; ++k) {
    const std::string call = std::to_string(id) + "-" + std::to_string(k);
    const std::string stream = domain::call_stream(call);
    const std::string agent = "agent" + std::to_string((id + k) % 50);
    const std::string astream = domain::agent_stream(agent);
    const domain::Timestamp t = 1'795'773'600'000'000 + static_cast<domain::Timestamp>(id * 1000 + k * 100'000'000);
    std::string digits = std::to_string(id);
    digits.insert(0, 7 - std::min<std::size_t>(7, digits.size()), '0');
    out.push_back({stream, t, kAnyVersion, domain::CallReceived{call, "+37529" + digits, "100", ""}});
    out.push_back({stream, t, kAnyVersion, domain::CallClassified{call, id, agent, "BY"}});
    out.push_back({stream, t, kAnyVersion, domain::RoutingDecided{call, "responsible", {agent}}});
    out.push_back({stream, t, kAnyVersion, domain::AgentOffered{call, agent}});
    out.push_back({astream, t, kAnyVersion, domain::AgentStateChanged{agent, domain::AgentState::ringing, "", call}});
    out.push_back({stream, t + 5'000'000, kAnyVersion, domain::CallAnswered{call, agent}});
    out.push_back({astream, t + 5'000'000, kAnyVersion, domain::AgentStateChanged{agent, domain::AgentState::on_call, "", call}});
    out.push_back({stream, t + 95'000'000, kAnyVersion,
                   domain::CallEnded{call, domain::CallOutcome::answered, domain::EndedBy::caller, 0}});
    out.push_back({astream, t + 95'000'000, kAnyVersion, domain::AgentStateChanged{agent, domain::AgentState::available, "", ""}});
  }
}

std::uint64_t g_calls = 0;

void append_clients(storage::EventLog& log, domain::ClientId first, domain::ClientId end) {
  std::vector<storage::NewEvent> batch;
  for (domain::ClientId id = first; id < end; id += 1000) {
    batch.clear();
    for (domain::ClientId c = id; c < std::min(end, id + 1000); ++c) {
      add_client(batch, c);
      add_calls(batch, c, g_calls);
    }
    auto r = log.append(batch, false);
    if (!r) throw std::runtime_error(r.status().to_string());
  }
}

void run(const std::string& dir, std::uint64_t clients, std::uint64_t tail_clients) {
  std::filesystem::remove_all(dir);
  const std::string snaps = dir + "/snapshots";
  auto log = open_log(dir + "/eventlog");
  append_clients(*log, 1, clients + 1);

  double replay_s = 0;
  double write_s = 0;
  Result<storage::SnapshotInfo> info = Status::unavailable("not written");
  {
    // Only the views being measured are alive at any time, as in a server.
    storage::ViewHost full;
    auto t = Clock::now();
    if (Status s = full.rebuild(*log); !s) throw std::runtime_error(s.to_string());
    replay_s = since(t);
    t = Clock::now();
    info = full.read([&](const domain::CrmViews& v) { return storage::write_snapshot(snaps, v); });
    if (!info) throw std::runtime_error(info.status().to_string());
    write_s = since(t);
  }
  append_clients(*log, clients + 1, clients + 1 + tail_clients);  // the tail after the snapshot

  double load_s = 0;
  double tail_s = 0;
  std::string b;
  {
    auto t = Clock::now();
    std::vector<std::string> warnings;
    auto loaded = storage::load_newest_snapshot(snaps, log->last_sequence(), warnings);
    if (!loaded) throw std::runtime_error("no snapshot loaded");
    load_s = since(t);
    storage::ViewHost resumed;
    t = Clock::now();
    if (Status s = resumed.restore(std::move(loaded->views), *log); !s) throw std::runtime_error(s.to_string());
    tail_s = since(t);
    b = resumed.read([](const domain::CrmViews& v) { return v.digest(); });
  }
  std::string a;
  {
    storage::ViewHost whole;  // the same log replayed from sequence 1
    if (Status s = whole.rebuild(*log); !s) throw std::runtime_error(s.to_string());
    a = whole.read([](const domain::CrmViews& v) { return v.digest(); });
  }
  std::printf("| %llu | %llu | %.2f | %.1f | %.2f | %.2f | %.2f | %.1fx | %s |\n",
              static_cast<unsigned long long>(clients), static_cast<unsigned long long>(info->sequence), replay_s,
              static_cast<double>(info->bytes) / (1024.0 * 1024.0), write_s, load_s, tail_s,
              replay_s / (load_s + tail_s), a == b ? "equal" : "DIFFERENT");
  std::fflush(stdout);
  if (a != b) throw std::runtime_error("snapshot + tail differs from a full replay");
  log.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/callboard-bench-snapshot-" + std::to_string(getpid());
  std::vector<std::uint64_t> sizes;
  std::uint64_t tail = 10'000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--clients" && i + 1 < argc) sizes.push_back(std::stoull(argv[++i]));
    else if (a == "--tail" && i + 1 < argc) tail = std::stoull(argv[++i]);
    else if (a == "--calls" && i + 1 < argc) g_calls = std::stoull(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--dir DIR] [--clients N ...] [--tail CLIENTS] [--calls K]\n", argv[0]);
      return 2;
    }
  }
  if (sizes.empty()) sizes = {100'000, 1'000'000};
  std::printf("| clients (calls each: %llu) | snapshot at sequence | full replay s | snapshot MiB | write s | load s | tail of %llu clients s | restart speed-up | digests |\n",
              static_cast<unsigned long long>(g_calls), static_cast<unsigned long long>(tail));
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  try {
    for (auto n : sizes) run(dir, n, tail);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_snapshot: %s\n", e.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  return 0;
}
