#pragma once
// The actor system's scheduler: CAF's work sharing (a pool of workers that
// sleep on a condition variable while nothing is queued) with two FIFO lanes
// instead of one. Setting a call up goes first: the routing supervisor, the
// agents' actors and a call's actor until the call is answered run in the
// setup lane; an answered call's actor (its hang-up: events, the other leg's
// release, the agent's wrap-up) and everything else put in the other lane
// wait while setup work is queued, for at most kSetupStreak setup turns in a
// row. Hang-ups come in bursts (bench/routing's caller ends a few dozen calls
// at once): with one FIFO, each hop of a new call between actors queued
// behind every hang-up of the burst (docs/BENCHMARKS.md, routing, eighth
// pass).
//
// Lanes belong to actors, not to messages: CAF queues an actor, once, when
// its mailbox stops being empty, and the lane is read then.

#include <caf/fwd.hpp>

#include <cstddef>

namespace callboard::actors {

enum class Lane { setup, other };

// Setup turns taken in a row while other work waits, at most.
inline constexpr std::size_t kSetupStreak = 16;

// Makes the actor system built from `cfg` use this scheduler; its worker
// count stays scheduler.max-threads.
void use_lane_scheduler(caf::actor_system_config& cfg);

// The lane of the actor's later turns; every actor starts in `setup`, and
// an actor that ends must be put back there (its entry is dropped). Any
// thread; no effect on an actor system without this scheduler (CAF's test
// coordinator in the actor tests).
void set_lane(caf::actor_system& system, caf::actor_id actor, Lane lane);

// Actors in the other lane now (tests, diagnostics); 0 without this scheduler.
std::size_t actors_in_other_lane(caf::actor_system& system);

}  // namespace callboard::actors
