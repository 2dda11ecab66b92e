#pragma once
// Coarse timers for the actors: ring, queue, wrap-up and idle timeouts.
//
// CAF's own timers (delayed_send) go through the clock thread: every timer
// set locks it and wakes it to re-read its deadline, one futex wake and two
// context switches per timer, on the actor worker, in the middle of a
// call's routing. Nearly all of these timers are set and never needed (a
// call answered before its ring timeout). The timer service keeps them in
// its own heap instead and holds a single CAF timeout for the earliest of
// them, rounded up to its granularity: a timer later than that one costs a
// message to the service and no wake-up; due timers go out together when
// the tick fires. Deadlines come from the sender's clock (CAF's test clock
// in the deterministic tests), rounded up to `granularity`, so a timer
// fires up to that much late and never early.
//
// Internal to actors/ (CAF). The service is found through the actor
// system's registry under `timers_key`; without one, send_later falls back
// to delayed_send (a timer per message, as before).

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/local_actor.hpp>
#include <caf/message.hpp>

#include <chrono>

namespace callboard::actors {

inline constexpr caf::atom_value timers_key = caf::atom("timers");

// Spawns the service (hidden: it does not keep the system from shutting
// down) and registers it under timers_key. A granularity of zero keeps
// every deadline as it is.
void start_timer_service(caf::actor_system& system, std::chrono::milliseconds granularity);

// Unregisters the service and stops it; timers not yet due are dropped.
void stop_timer_service(caf::actor_system& system);

// Delivers `msg` to `self` after `after` (rounded up to the service's
// granularity), unless `self` is gone by then.
void send_later(caf::local_actor* self, std::chrono::microseconds after, caf::message msg);

}  // namespace callboard::actors
