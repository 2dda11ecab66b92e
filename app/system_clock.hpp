#pragma once
// The real clock, for the composition root only.

#include <chrono>

#include "domain/clock.hpp"

namespace callboard::app {

class SystemClock final : public domain::Clock {
 public:
  domain::Timestamp now() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace callboard::app
