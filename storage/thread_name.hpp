#pragma once
// Names the calling thread for top -H, perf, gdb and bench/routing's
// per-thread CPU figures (/proc/PID/task/*/comm). At most 15 characters.

#include <pthread.h>

namespace callboard::storage {

inline void name_this_thread(const char* name) {
#if defined(__linux__)
  pthread_setname_np(pthread_self(), name);
#else
  (void)name;
#endif
}

}  // namespace callboard::storage
