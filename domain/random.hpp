#pragma once
// The randomness seam: routing asks a Random, never std::random_device, so
// tests can fix the sequence.

#include <cstdint>
#include <mutex>
#include <random>

namespace callboard::domain {

class Random {
 public:
  virtual ~Random() = default;
  // Uniform in [0, n). REQUIRES: n > 0. Thread-safe.
  virtual std::uint64_t below(std::uint64_t n) = 0;
};

// A seeded Mersenne Twister. Thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t below(std::uint64_t n) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace callboard::domain
