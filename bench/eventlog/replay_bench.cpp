// Bulk load, then full replay of the log into CrmViews: events/s and memory.
#include <filesystem>
#include <stdexcept>

#include "eventlog/bench_util.hpp"
#include "eventlog/phases.hpp"
#include "storage/event_log.hpp"
#include "storage/view_host.hpp"

namespace callboard::bench {
namespace {

constexpr std::uint64_t kClientsPerAppend = 1000;

// Realistic sizes: Cyrillic names (past the small-string buffer), a company
// for one client in three, an e-mail, a Belarusian mobile number.
void add_client(std::vector<storage::NewEvent>& out, domain::ClientId id) {
  const std::string stream = domain::client_stream(id);
  const domain::Timestamp t = 1'795'773'600'000'000 + static_cast<domain::Timestamp>(id) * 1000;
  domain::ClientCreated c;
  c.client = id;
  c.name = "Клиент " + std::to_string(id);
  c.company = id % 3 == 0 ? "ООО Ромашка-" + std::to_string(id % 997) : "";
  c.email = "client" + std::to_string(id) + "@example.by";
  std::string digits = std::to_string(id);
  digits.insert(0, 7 - std::min<std::size_t>(7, digits.size()), '0');
  out.push_back({stream, t, 0, std::move(c)});
  out.push_back({stream, t + 1, 1, domain::PhoneLinked{id, "+37529" + digits}});
  out.push_back({stream, t + 2, 2, domain::ResponsibleAssigned{id, "agent" + std::to_string(id % 50)}});
}

std::unique_ptr<storage::EventLog> open_log(const std::string& dir) {
  auto log = storage::open_rocksdb_log({dir});
  if (!log) throw std::runtime_error(log.status().to_string());
  return std::move(log).value();
}

double dir_mib(const std::string& dir) {
  std::uintmax_t bytes = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.is_regular_file()) bytes += f.file_size();
  }
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

}  // namespace

ReplayResult measure_replay(const std::string& dir, std::uint64_t clients) {
  ReplayResult r;
  r.clients = clients;
  {
    auto log = open_log(dir);
    const auto start = Clock::now();
    std::vector<storage::NewEvent> batch;
    for (domain::ClientId first = 1; first <= clients; first += kClientsPerAppend) {
      batch.clear();
      const domain::ClientId end = std::min<domain::ClientId>(first + kClientsPerAppend, clients + 1);
      for (domain::ClientId id = first; id < end; ++id) add_client(batch, id);
      auto a = log->append(batch, /*sync=*/end > clients);
      if (!a) throw std::runtime_error(a.status().to_string());
    }
    r.events = log->last_sequence();
    r.load_events_per_second = static_cast<double>(r.events) / seconds_since(start);
  }

  auto open_start = Clock::now();
  auto log = open_log(dir);
  r.open_seconds = seconds_since(open_start);
  if (log->last_sequence() != r.events) throw std::runtime_error("reopened log lost events");
  r.rss_before_mib = mib(proc_status_kib("VmRSS"));

  std::uint64_t seen = 0;
  auto start = Clock::now();
  Status s = log->read(1, UINT64_MAX, [&seen](const domain::RecordedEvent&) {
    ++seen;
    return true;
  });
  if (!s || seen != r.events) throw std::runtime_error("read: " + s.to_string());
  r.read_events_per_second = static_cast<double>(seen) / seconds_since(start);

  auto views = std::make_unique<storage::ViewHost>();
  start = Clock::now();
  s = views->rebuild(*log);
  const double replay_secs = seconds_since(start);
  if (!s) throw std::runtime_error("rebuild: " + s.to_string());
  r.replay_events_per_second = static_cast<double>(r.events) / replay_secs;
  r.rss_after_mib = mib(proc_status_kib("VmRSS"));
  r.hwm_mib = mib(proc_status_kib("VmHWM"));
  const bool complete = views->read([&](const domain::CrmViews& v) {
    return v.client_count() == clients && v.last_sequence() == r.events &&
           v.client_by_phone("+375290000001").value_or(0) == 1;
  });
  if (!complete) throw std::runtime_error("the rebuilt views do not hold every client");

  // The same replay on one thread (ranges below the read-ahead threshold),
  // after the memory figures: shows what decoding and applying cost apart.
  views.reset();
  {
    domain::CrmViews plain;
    start = Clock::now();
    constexpr std::uint64_t kWindow = 5000;
    for (std::uint64_t from = 1; from <= r.events; from += kWindow) {
      s = log->read(from, from + kWindow - 1, [&plain](const domain::RecordedEvent& e) {
        plain.apply(e);
        return true;
      });
      if (!s) throw std::runtime_error("read: " + s.to_string());
    }
    r.inline_replay_events_per_second = static_cast<double>(r.events) / seconds_since(start);
    if (plain.client_count() != clients) throw std::runtime_error("inline replay lost clients");
  }
  log.reset();
  r.disk_mib = dir_mib(dir);
  return r;
}

}  // namespace callboard::bench
