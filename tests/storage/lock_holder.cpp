// Helper for rocksdb_log_test: opens the event log at argv[1] from a separate
// process, appends one event, prints "ready", and holds the log open until
// its stdin closes. On failure prints "error: <status>" and exits 1.
#include <cstdio>
#include <unistd.h>

#include "storage/event_log.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DB_PATH\n", argv[0]);
    return 2;
  }
  namespace st = callboard::storage;
  auto log = st::open_rocksdb_log({argv[1]});
  if (!log) {
    std::printf("error: %s\n", log.status().to_string().c_str());
    return 1;
  }
  st::NewEvent e;
  e.stream = "agent/holder";
  e.event = callboard::domain::AgentCreated{"holder", "Lock Holder", "test"};
  if (!(*log)->append({e}, true)) return 3;
  std::printf("ready\n");
  std::fflush(stdout);
  char buf[64];
  while (read(0, buf, sizeof buf) > 0) {
  }
  return 0;
}
