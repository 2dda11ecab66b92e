// bench_eventlog: durable append throughput through group commit, replay
// rate and memory of the CRM views, and the disk's fdatasync floor. Prints a
// Markdown table (docs/BENCHMARKS.md, "Event log (bench/eventlog)").
//
//   bench_eventlog [--dir DIR] [--quick] [--only fsync|appends|replay]
//                  [--appenders N] (only that closed-loop run, for profiling)
//
// DIR (default /tmp/callboard-bench-eventlog-PID) is created and removed.
// Each replay size runs in a child process (this program, re-executed), so
// its RSS is its own.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "eventlog/bench_util.hpp"
#include "eventlog/phases.hpp"

namespace cbb = callboard::bench;

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

// "ext4 on /dev/vda" for the mount holding `path`.
std::string filesystem_of(const std::string& path) {
  std::ifstream in("/proc/mounts");
  std::string dev, mnt, type, rest, best_dev, best_type;
  std::size_t best = 0;
  while (in >> dev >> mnt >> type && std::getline(in, rest)) {
    if (path.rfind(mnt, 0) == 0 && mnt.size() >= best) {
      best = mnt.size();
      best_dev = dev;
      best_type = type;
    }
  }
  return best_type + " on " + best_dev;
}

std::string fmt(double v, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  // Thousands separators on the integer part, for readable tables.
  std::size_t dot = s.find('.');
  std::size_t end = dot == std::string::npos ? s.size() : dot;
  for (std::size_t i = end; i > 3 && s[i - 4] != '-'; i -= 3) s.insert(i - 3, ",");
  return s;
}

// Child mode: one replay size, printed as key=value on one line.
int run_replay_child(const std::string& dir, std::uint64_t clients) {
  const cbb::ReplayResult r = cbb::measure_replay(dir, clients);
  std::printf("clients=%llu events=%llu load=%f open=%f read=%f replay=%f inline=%f rss_before=%f "
              "rss_after=%f hwm=%f disk=%f\n",
              static_cast<unsigned long long>(r.clients), static_cast<unsigned long long>(r.events),
              r.load_events_per_second, r.open_seconds, r.read_events_per_second,
              r.replay_events_per_second, r.inline_replay_events_per_second, r.rss_before_mib,
              r.rss_after_mib, r.hwm_mib, r.disk_mib);
  return 0;
}

cbb::ReplayResult replay_in_child(const std::string& dir, std::uint64_t clients) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  const std::string n = std::to_string(clients);
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(self.c_str(), "bench_eventlog", "--child-replay", n.c_str(), "--dir", dir.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[512];
  ssize_t got;
  while ((got = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(got));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("replay child for " + n + " clients failed");
  std::map<std::string, double> kv;
  std::istringstream in(text);
  std::string item;
  while (in >> item) {
    const auto eq = item.find('=');
    if (eq != std::string::npos) kv[item.substr(0, eq)] = std::stod(item.substr(eq + 1));
  }
  cbb::ReplayResult r;
  r.clients = static_cast<std::uint64_t>(kv["clients"]);
  r.events = static_cast<std::uint64_t>(kv["events"]);
  r.load_events_per_second = kv["load"];
  r.open_seconds = kv["open"];
  r.read_events_per_second = kv["read"];
  r.replay_events_per_second = kv["replay"];
  r.inline_replay_events_per_second = kv["inline"];
  r.rss_before_mib = kv["rss_before"];
  r.rss_after_mib = kv["rss_after"];
  r.hwm_mib = kv["hwm"];
  r.disk_mib = kv["disk"];
  return r;
}

void print_fsync(const std::string& dir, bool quick) {
  const int fsyncs = quick ? 200 : 2000;
  const auto appending = cbb::measure_fdatasync(dir, fsyncs, false);
  const auto overwriting = cbb::measure_fdatasync(dir, fsyncs, true);
  std::cout << "| disk: 4 KiB write + fdatasync | ops | ops/s | p50 µs | p99 µs |\n"
            << "|---|---:|---:|---:|---:|\n";
  for (const auto& [name, r] : {std::pair{"appending to a new file", appending},
                                std::pair{"overwriting a preallocated file", overwriting}}) {
    std::cout << "| " << name << " | " << r.iterations << " | " << fmt(r.per_second) << " | "
              << fmt(r.p50_us) << " | " << fmt(r.p99_us) << " |\n";
  }
  std::cout << "\n";
}

void print_append_row(const std::string& what, const cbb::AppendResult& r) {
  std::cout << "| " << what << " | " << fmt(double(r.events)) << " | " << fmt(r.events_per_second)
            << " | " << fmt(r.p50_us) << " | " << fmt(r.p99_us) << " | " << fmt(r.max_us) << " | "
            << fmt(r.events_per_batch, 1) << " | " << fmt(r.write_us_per_batch) << " | "
            << fmt(r.cpu_us_per_event, 1) << " |\n";
}

// only_appenders != 0: that closed-loop run alone.
void print_appends(const std::string& dir, bool quick, int only_appenders) {
  std::cout << "| synced appends via GroupCommitLog | events | events/s | p50 µs | p99 µs | max µs | "
               "events/batch | write µs/batch | CPU µs/event |\n"
            << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  struct Run {
    int appenders;
    int each;
  };
  const std::vector<Run> runs = quick ? std::vector<Run>{{1, 200}, {8, 100}, {64, 50}}
                                      : std::vector<Run>{{1, 3000}, {8, 2000}, {64, 1000}};
  int k = 0;
  for (const Run& run : runs) {
    if (only_appenders != 0 && run.appenders != only_appenders) continue;
    const auto r = cbb::measure_appends(dir + "/append" + std::to_string(k++), run.appenders, run.each);
    print_append_row(std::to_string(r.appenders) + " appender(s), one event each, wait for ack", r);
  }
  if (only_appenders == 0) {
    const int threads = 4, window = 256, total = quick ? 20'000 : 400'000;
    const auto r = cbb::measure_pipelined(dir + "/pipelined", threads, window, total);
    print_append_row(std::to_string(threads) + " submitters x " + std::to_string(window) +
                         " in flight (submit + callback)",
                     r);
  }
  std::cout << "\n";
}

void print_replay(const std::string& dir, bool quick) {
  std::cout << "| replay into CrmViews | events | load events/s (unsynced) | reopen s | "
               "read+decode events/s | read+decode+apply events/s | same, no read-ahead | RSS before MiB | "
               "RSS after MiB | views MiB | peak RSS MiB | disk MiB |\n"
            << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  const std::vector<std::uint64_t> sizes = quick ? std::vector<std::uint64_t>{10'000, 50'000}
                                                 : std::vector<std::uint64_t>{100'000, 1'000'000};
  for (std::uint64_t n : sizes) {
    const std::string sub = dir + "/replay" + std::to_string(n);
    const auto r = replay_in_child(sub, n);
    std::cout << "| " << fmt(double(n)) << " clients | " << fmt(double(r.events)) << " | "
              << fmt(r.load_events_per_second) << " | " << fmt(r.open_seconds, 2) << " | "
              << fmt(r.read_events_per_second) << " | " << fmt(r.replay_events_per_second) << " | "
              << fmt(r.inline_replay_events_per_second) << " | " << fmt(r.rss_before_mib) << " | " << fmt(r.rss_after_mib) << " | "
              << fmt(r.rss_after_mib - r.rss_before_mib) << " | " << fmt(r.hwm_mib) << " | "
              << fmt(r.disk_mib) << " |\n";
    std::filesystem::remove_all(sub);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/callboard-bench-eventlog-" + std::to_string(getpid());
  bool quick = false;
  std::string only;  // one group of phases, for profiling
  int only_appenders = 0;
  std::uint64_t child_clients = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--quick") {
      quick = true;
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--appenders" && i + 1 < argc) {
      only_appenders = std::stoi(argv[++i]);
      only = "appends";
    } else if (a == "--child-replay" && i + 1 < argc) {
      child_clients = std::stoull(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--dir DIR] [--quick] [--only fsync|appends|replay] [--appenders N]\n",
                   argv[0]);
      return 2;
    }
  }
  try {
    if (child_clients != 0) return run_replay_child(dir, child_clients);

    if (std::filesystem::exists(dir)) {
      std::fprintf(stderr, "%s exists; give a fresh --dir\n", dir.c_str());
      return 2;
    }
    std::filesystem::create_directories(dir);
    struct Cleanup {
      std::string path;
      ~Cleanup() { std::filesystem::remove_all(path); }
    } cleanup{dir};

    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::cout << "Machine: " << std::thread::hardware_concurrency() << " cores, " << cpu_model()
              << "; data dir " << dir << " (" << filesystem_of(dir) << "); " << date
              << (quick ? "; QUICK RUN" : "") << "\n\n";

    if (only.empty() || only == "fsync") print_fsync(dir, quick);
    if (only.empty() || only == "appends") print_appends(dir, quick, only_appenders);
    if (only.empty() || only == "replay") print_replay(dir, quick);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_eventlog: %s\n", e.what());
    return 1;
  }
  return 0;
}
