#include "actors/timer_service.hpp"

#include <caf/all.hpp>

#include <cstdint>
#include <queue>
#include <set>
#include <vector>

namespace callboard::actors {

namespace {

using later_atom = caf::atom_constant<caf::atom("later")>;  // receiver, due (ns), message
using tick_atom = caf::atom_constant<caf::atom("tick")>;    // the tick's time (ns)

using Clock = caf::actor_clock;
using Nanos = std::chrono::nanoseconds;

struct Timer {
  std::int64_t due;   // ns on CAF's clock
  std::uint64_t seq;  // arming order: equal deadlines fire in it
  caf::weak_actor_ptr to;
  caf::message msg;
};

struct Later {
  bool operator()(const Timer& a, const Timer& b) const {
    return a.due != b.due ? a.due > b.due : a.seq > b.seq;
  }
};

struct TimerServiceState {
  std::int64_t granularity = 0;  // ns; 0: none
  std::priority_queue<Timer, std::vector<Timer>, Later> timers;
  std::multiset<std::int64_t> ticks;  // CAF timeouts pending for us
  std::uint64_t next_seq = 0;
  static inline const char* name = "timer_service";
};

using Self = caf::stateful_actor<TimerServiceState>*;

std::int64_t round_up(std::int64_t due, std::int64_t granularity) {
  if (granularity <= 0) return due;
  std::int64_t r = due % granularity;
  if (r < 0) r += granularity;
  return r == 0 ? due : due - r + granularity;
}

// One CAF timeout at or before the earliest timer's (rounded) deadline.
void arm(Self self) {
  auto& st = self->state;
  if (st.timers.empty()) return;
  const std::int64_t at = round_up(st.timers.top().due, st.granularity);
  if (!st.ticks.empty() && *st.ticks.begin() <= at) return;
  st.ticks.insert(at);
  self->clock().schedule_message(
      Clock::time_point(Nanos(at)), caf::actor_cast<caf::strong_actor_ptr>(self),
      caf::make_mailbox_element(nullptr, caf::make_message_id(), {}, tick_atom::value, at));
}

caf::behavior timer_service(Self self, std::chrono::milliseconds granularity) {
  self->state.granularity = std::chrono::duration_cast<Nanos>(granularity).count();
  return {
      [=](later_atom, const caf::strong_actor_ptr& to, std::int64_t due, caf::message& msg) {
        auto& st = self->state;
        st.timers.push(Timer{due, st.next_seq++, caf::weak_actor_ptr(to.get()), std::move(msg)});
        arm(self);
      },
      [=](tick_atom, std::int64_t at) {
        auto& st = self->state;
        if (auto it = st.ticks.find(at); it != st.ticks.end()) st.ticks.erase(it);
        // The clock fires at `at` or later (CAF's test clock moves to `at`).
        const std::int64_t now = std::chrono::duration_cast<Nanos>(self->clock().now().time_since_epoch()).count();
        while (!st.timers.empty() && st.timers.top().due <= now) {
          // priority_queue::top is const: the message is copied out (a
          // reference count), then the entry dropped.
          Timer t = st.timers.top();
          st.timers.pop();
          if (auto to = t.to.lock())
            to->enqueue(nullptr, caf::make_message_id(), std::move(t.msg), self->context());
        }
        arm(self);
      },
  };
}

}  // namespace

void start_timer_service(caf::actor_system& system, std::chrono::milliseconds granularity) {
  auto service = system.spawn<caf::hidden>(timer_service, granularity);
  system.registry().put(timers_key, service);
}

void stop_timer_service(caf::actor_system& system) {
  auto service = system.registry().get<caf::actor>(timers_key);
  system.registry().erase(timers_key);
  if (service) caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}

void send_later(caf::local_actor* self, std::chrono::microseconds after, caf::message msg) {
  auto me = caf::actor_cast<caf::strong_actor_ptr>(self);
  const Clock::time_point due = self->clock().now() + after;
  auto service = self->home_system().registry().get<caf::strong_actor_ptr>(timers_key);
  if (!service) {  // what delayed_send does
    self->clock().schedule_message(due, me,
                                   caf::make_mailbox_element(me, caf::make_message_id(), {}, std::move(msg)));
    return;
  }
  const std::int64_t due_ns = std::chrono::duration_cast<Nanos>(due.time_since_epoch()).count();
  service->enqueue(caf::make_mailbox_element(me, caf::make_message_id(), {}, later_atom::value, me, due_ns,
                                             std::move(msg)),
                   self->context());
}

}  // namespace callboard::actors
