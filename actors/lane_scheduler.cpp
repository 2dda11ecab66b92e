#include "actors/lane_scheduler.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/coordinator.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_set>

namespace callboard::actors {
namespace {

class Lanes {
 public:
  void enqueue(caf::resumable* job) {
    // Actors say so (cheaper than a dynamic_cast on every queueing); CAF's
    // other jobs (the shutdown's) go in the setup lane.
    const caf::actor_id id = job->subtype() == caf::resumable::scheduled_actor
                                 ? static_cast<caf::scheduled_actor*>(job)->id()
                                 : caf::invalid_actor_id;
    std::lock_guard<std::mutex> guard(lock_);
    const bool other = other_actors_.count(id) > 0;
    (other ? other_ : setup_).push_back(job);
    ready_.notify_one();
  }

  caf::resumable* take() {
    std::unique_lock<std::mutex> guard(lock_);
    ready_.wait(guard, [this] { return !setup_.empty() || !other_.empty(); });
    const bool waits = !other_.empty();
    auto& lane = !setup_.empty() && (!waits || streak_ < kSetupStreak) ? setup_ : other_;
    streak_ = &lane == &setup_ && waits ? streak_ + 1 : 0;
    caf::resumable* job = lane.front();
    lane.pop_front();
    return job;
  }

  void set(caf::actor_id actor, Lane lane) {
    std::lock_guard<std::mutex> guard(lock_);
    if (lane == Lane::other) other_actors_.insert(actor);
    else other_actors_.erase(actor);
  }

  std::size_t in_other() {
    std::lock_guard<std::mutex> guard(lock_);
    return other_actors_.size();
  }

  template <class F>
  void drain(F f) {
    std::lock_guard<std::mutex> guard(lock_);
    for (auto* lane : {&setup_, &other_}) {
      while (!lane->empty()) {
        caf::resumable* job = lane->front();
        lane->pop_front();
        f(job);
      }
    }
  }

 private:
  std::mutex lock_;
  std::condition_variable ready_;
  std::deque<caf::resumable*> setup_;
  std::deque<caf::resumable*> other_;
  std::unordered_set<caf::actor_id> other_actors_;
  std::size_t streak_ = 0;  // setup turns taken in a row while other work waited
};

// The scheduler policy (the interface of caf/policy/work_sharing.hpp), every
// queueing through the coordinator's one Lanes.
class TwoLaneSharing : public caf::policy::unprofiled {
 public:
  struct coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator*) {}
    Lanes lanes;
  };
  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {}
  };

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    d(self).lanes.enqueue(job);
  }
  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    d(self->parent()).lanes.enqueue(job);
  }
  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    d(self->parent()).lanes.enqueue(job);
  }
  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    d(self->parent()).lanes.enqueue(job);
  }
  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    return d(self->parent()).lanes.take();
  }
  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker*, UnaryFunction) {}
  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator* self, UnaryFunction f) {
    d(self).lanes.drain(f);
  }
};

class Coordinator final : public caf::scheduler::coordinator<TwoLaneSharing> {
 public:
  using coordinator::coordinator;
  Lanes& lanes() { return data().lanes; }
};

Lanes* lanes_of(caf::actor_system& system) {
  auto* c = dynamic_cast<Coordinator*>(&system.scheduler());
  return c ? &c->lanes() : nullptr;
}

}  // namespace

void use_lane_scheduler(caf::actor_system_config& cfg) {
  // The actor system takes a scheduler module it is given instead of making
  // one of its own policies.
  cfg.module_factories.push_back(
      [](caf::actor_system& sys) -> caf::actor_system::module* { return new Coordinator(sys); });
}

void set_lane(caf::actor_system& system, caf::actor_id actor, Lane lane) {
  if (Lanes* l = lanes_of(system)) l->set(actor, lane);
}

std::size_t actors_in_other_lane(caf::actor_system& system) {
  Lanes* l = lanes_of(system);
  return l ? l->in_other() : 0;
}

}  // namespace callboard::actors
