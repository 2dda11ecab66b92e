#pragma once
// The time seam: business code asks a Clock, never the system clock, so
// tests can hold time still or move it.

#include <atomic>

#include "domain/types.hpp"

namespace callboard::domain {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC microseconds since the epoch. Thread-safe.
  virtual Timestamp now() const = 0;
};

// A clock that moves only when told. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = 1'780'000'000'000'000) : now_(start) {}
  Timestamp now() const override { return now_.load(); }
  void set(Timestamp t) { now_.store(t); }
  void advance(Duration d) { now_.fetch_add(d); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace callboard::domain
