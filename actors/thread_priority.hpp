#pragma once
// Scheduling weight of the threads a call's routing passes through (the
// Sofia thread and the actor system's threads). On the two cores the
// benchmark shares with its SIPp peers (bench/routing), these threads lost
// the CPU to the others for milliseconds at a time; at nice -10 the CFS
// scheduler gives them ~9 times the weight of a nice-0 thread, which cut
// the routing latency's tail by half. Telephony servers do the same
// (Asterisk -p, FreeSWITCH -hp, Kamailio's rt_prio for its timers), with
// the difference that this is a weight, not a real-time policy: other
// processes still run, with a smaller share while these threads are busy
// (at 3200 calls/s on two cores the SIPp caller beside the server no
// longer kept up). Lowering nice below 0 needs root or CAP_SYS_NICE;
// without it the thread stays at its nice.
//
// No CAF or Sofia here: used by both layers.

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace callboard::actors {

// Sets the calling thread's nice value (Linux: per thread). Returns an
// empty string, or why it could not.
inline std::string set_this_thread_nice(int nice) {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  if (::setpriority(PRIO_PROCESS, tid, nice) == 0) return {};
  const int err = errno;
  return "cannot set the thread's nice to " + std::to_string(nice) + ": " + std::strerror(err) +
         (err == EACCES || err == EPERM ? " (needs root or CAP_SYS_NICE; --thread-nice 0 to keep it)"
                                        : "");
}

}  // namespace callboard::actors
