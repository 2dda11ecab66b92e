// callboard: the contact-center server and its maintenance commands.
//
//   callboard [run] -c FILE [--data-dir DIR]   serve until SIGINT/SIGTERM (SIGHUP: reload)
//   callboard check-config FILE                validate a configuration
//   callboard replay -c FILE [--until SEQ]     rebuild the views from the log alone (no
//                                              snapshot), print counts, digest and time
//   callboard events -c FILE --stream S        dump a stream's events
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#if !defined(CALLBOARD_TCMALLOC) && defined(__GLIBC__)
#include <malloc.h>
#endif
#include <iostream>

#include "app/config_loader.hpp"
#include "app/server.hpp"
#include "storage/codec.hpp"
#include "storage/event_log.hpp"
#include "storage/view_host.hpp"

using namespace callboard;

namespace {

Result<domain::Config> config_for(const std::string& path, const std::string& data_dir) {
  auto config = app::load_config(path);
  if (config && !data_dir.empty()) config->data_dir = data_dir;
  return config;
}

int fail(const Status& s) {
  std::cerr << "callboard: " << s.message() << "\n";
  return 1;
}

int run(const domain::Config& config, const app::ServerOptions& options) {
  // Signals are taken by sigwait on this thread; every thread started from
  // here on inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto server = app::Server::start(config, options);
  if (!server) return fail(server.status());
  std::cout << "Callboard is up (" << config.source << ")\n" << (*server)->describe() << std::endl;
  int sig = 0;
  // SIGHUP reads the configuration again; SIGINT and SIGTERM stop.
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) (*server)->reload();
  spdlog::info("signal {}: stopping", sig);
  (*server)->stop();
  std::cout << "Callboard stopped" << std::endl;
  return 0;
}

int check_config(const std::string& path) {
  auto config = app::load_config(path);
  if (!config) return fail(config.status());
  std::cout << path << ": ok (" << config->departments.size() << " departments, "
            << config->agents.size() << " agents, " << config->entry_points.size()
            << " entry points, " << config->demo_clients.size() << " demo clients)\n";
  return 0;
}

// A full replay from sequence 1, never from a snapshot: what the views must
// equal however the server built them (the crash test compares digests).
// Reading every sequence also proves the log has no gaps.
int replay(const domain::Config& config, std::uint64_t until) {
  auto log = storage::open_rocksdb_log({app::log_path(config)});
  if (!log) return fail(log.status());
  const std::uint64_t last = (*log)->last_sequence();
  const std::uint64_t to = until == 0 ? last : until;
  if (to > last) return fail(Status::invalid_argument("--until " + std::to_string(to) + " is past the log's last sequence " + std::to_string(last)));
  domain::CrmViews v;
  std::uint64_t read = 0;
  std::uint64_t expected = 1;
  auto t0 = std::chrono::steady_clock::now();
  Status s = to == 0 ? Status::ok() : (*log)->read(1, to, [&](const domain::RecordedEvent& e) {
    if (e.sequence != expected) return false;
    ++expected;
    ++read;
    v.apply(e);
    return true;
  });
  if (!s) return fail(s);
  if (read != to) return fail(Status::corruption("the log skips from sequence " + std::to_string(expected - 1)));
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "events        " << read << "\n"
            << "last_sequence " << last << "\n"
            << "clients       " << v.client_count() << "\n"
            << "calls         " << v.call_count() << " (" << v.open_call_count() << " open)\n"
            << "agents        " << v.agents().size() << "\n"
            << "tasks         " << v.tasks().size() << "\n"
            << "digest        " << v.digest() << "\n";
  double rate = us ? read * 1e6 / us : 0;
  std::cout << "time          " << us / 1000.0 << " ms (" << static_cast<long long>(rate) << " events/s)\n";
  return 0;
}

int events(const domain::Config& config, const std::string& stream) {
  auto log = storage::open_rocksdb_log({app::log_path(config)});
  if (!log) return fail(log.status());
  std::size_t n = 0;
  Status s = (*log)->read_stream(stream, 1, [&](const domain::RecordedEvent& e) {
    std::cout << storage::describe(e) << "\n";
    ++n;
    return true;
  });
  if (!s) return fail(s);
  if (n == 0) std::cerr << "callboard: stream " << stream << " has no events\n";
  return n == 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
#if !defined(CALLBOARD_TCMALLOC) && defined(__GLIBC__)
  // Without tcmalloc (CMake found none): keep freed memory in glibc's
  // arenas. Shrinking them when calls pause and growing them back page by
  // page when calls resume stalled the first calls after a pause by tens
  // of milliseconds (cmake/Dependencies.cmake).
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  CLI::App cli{"Callboard: contact-center server joining IP telephony to a CRM"};
  cli.require_subcommand(0, 1);
  cli.fallthrough();  // options of the top level may follow the subcommand
  std::string config_path = "callboard.yaml";
  std::string data_dir;
  app::ServerOptions options;
  cli.add_option("-c,--config", config_path, "configuration file (YAML)");
  cli.add_option("--data-dir", data_dir, "data directory (overrides data_dir of the config)");
  cli.add_flag("--fast-password-hashing", options.fast_password_hashing,
               "cheap argon2id parameters (tests only)");
  cli.add_option("--session-idle-timeout", options.session_idle_timeout_s,
                 "panel session idle timeout, seconds");
  cli.add_option("--snapshot-every", options.snapshot_every,
                 "snapshot the views every N committed events, or every eighth of the log when "
                 "that is more (0: only at shutdown)");
  cli.add_option("--client-idle-ms", options.client_idle_ms, "passivate client actors idle this long")
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{86'400'000}));
  cli.add_option("--actor-threads", options.actor_threads, "worker threads of the actor system")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64}));
  cli.add_option("--thread-nice", options.thread_nice,
                 "nice of the SIP and actor threads (default -10; 0: unchanged)")
      ->check(CLI::Range(-20, 19));

  cli.add_subcommand("run", "serve (the default)");
  auto* check_cmd = cli.add_subcommand("check-config", "validate a configuration file");
  std::string check_path;
  check_cmd->add_option("file", check_path, "configuration file (default: the -c file)");
  auto* replay_cmd = cli.add_subcommand("replay", "rebuild the views from the log alone; print counts, digest, time");
  std::uint64_t until = 0;
  replay_cmd->add_option("--until", until, "stop after this sequence (default: the log's end)");
  auto* events_cmd = cli.add_subcommand("events", "print the events of one stream");
  std::string stream;
  events_cmd->add_option("--stream", stream, "stream id, e.g. client/42 or call/<id>")->required();
  CLI11_PARSE(cli, argc, argv);

  if (*check_cmd) return check_config(check_path.empty() ? config_path : check_path);
  auto config = config_for(config_path, data_dir);
  if (!config) return fail(config.status());
  if (*replay_cmd) return replay(*config, until);
  if (*events_cmd) return events(*config, stream);
  return run(*config, options);
}
