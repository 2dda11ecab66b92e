#pragma once
// Sofia's event loop waits for its next timer in whole milliseconds, and
// rounds the wait down: su_timer_expire() turns the time left before the
// first timer into a timeout with su_duration(), which truncates. A timer
// 0.7 ms away gives a timeout of 0, so epoll_wait() returns at once and the
// loop comes round again, and again, until the timer is due: the Sofia
// thread spins for the fraction of a millisecond before every timer it runs.
// nta re-arms its one agent timer for the next transaction to expire, so
// under load (transactions ending their T4 and 64*T1 waits every
// millisecond) that is most of the time. Measured on the routing
// benchmark, 1400 calls/s after the pool steps: 130,000-800,000
// epoll_wait() calls a second while 1,200-25,000 datagrams came in, the
// Sofia thread at 43% of a core against 26% before the old transactions
// began to expire (docs/BENCHMARKS.md, routing, fifth pass).
//
// The fix rounds the wait up instead. Sofia's own calls to su_duration()
// go through its procedure linkage table (the library exports it and is not
// linked -Bsymbolic), so the definition in loop_timeouts.cpp, in the
// executable, takes their place: the loop sleeps until the timer is due
// (up to 1 ms later than it would have fired, well inside SIP's 500 ms
// timers) and wakes once. su_duration() keeps its contract otherwise
// (t1 - t2 in milliseconds, clamped to +-SU_DURATION_MAX); only a positive
// fraction of a millisecond now counts as a whole one.
//
// SipServer checks at start that Sofia really calls this definition (a
// library built -Bsymbolic would keep its own) and warns if not.

struct su_root_s;

namespace callboard::sip {

// True if Sofia's timer code uses the rounded-up duration: a timer set 1.5
// ms after a given instant is reported due in 2 ms, not 1. Runs on the
// thread that owns `root`; leaves no timer behind.
bool loop_timeouts_round_up(su_root_s* root);

}  // namespace callboard::sip
