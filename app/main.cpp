// callboard: the contact-center server and its maintenance commands.
//
//   callboard [run] -c FILE [--data-dir DIR]   serve until SIGINT/SIGTERM
//   callboard check-config FILE                validate a configuration
//   callboard replay -c FILE                   rebuild the views, print counts and time
//   callboard events -c FILE --stream S        dump a stream's events
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
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
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto server = app::Server::start(config, options);
  if (!server) return fail(server.status());
  std::cout << "Callboard is up (" << config.source << ")\n" << (*server)->describe() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
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

int replay(const domain::Config& config) {
  auto log = storage::open_rocksdb_log({app::log_path(config)});
  if (!log) return fail(log.status());
  storage::ViewHost views;
  auto t0 = std::chrono::steady_clock::now();
  if (Status s = views.rebuild(**log); !s) return fail(s);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  views.read([&](const domain::CrmViews& v) {
    std::cout << "events  " << (*log)->last_sequence() << "\n"
              << "clients " << v.client_count() << "\n"
              << "calls   " << v.call_count() << " (" << v.open_call_count() << " open)\n"
              << "agents  " << v.agents().size() << "\n";
    return 0;
  });
  double rate = us ? (*log)->last_sequence() * 1e6 / us : 0;
  std::cout << "time    " << us / 1000.0 << " ms (" << static_cast<long long>(rate) << " events/s)\n";
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

  cli.add_subcommand("run", "serve (the default)");
  auto* check_cmd = cli.add_subcommand("check-config", "validate a configuration file");
  std::string check_path;
  check_cmd->add_option("file", check_path, "configuration file")->required();
  auto* replay_cmd = cli.add_subcommand("replay", "rebuild the views from the log; print counts and time");
  auto* events_cmd = cli.add_subcommand("events", "print the events of one stream");
  std::string stream;
  events_cmd->add_option("--stream", stream, "stream id, e.g. client/42 or call/<id>")->required();
  CLI11_PARSE(cli, argc, argv);

  if (*check_cmd) return check_config(check_path);
  auto config = config_for(config_path, data_dir);
  if (!config) return fail(config.status());
  if (*replay_cmd) return replay(*config);
  if (*events_cmd) return events(*config, stream);
  return run(*config, options);
}
