#pragma once
// Appends one aggregate's events to its stream, carrying the expected
// version so that a second writer (a bug) fails with a conflict instead of
// interleaving. Used by the actor that owns the stream, from its own thread.

#include <string>
#include <vector>

#include "actors/services.hpp"

namespace callboard::actors {

class StreamWriter {
 public:
  StreamWriter(std::string stream, std::uint64_t version)
      : stream_(std::move(stream)), version_(version) {}

  // Submits the events (no-op when empty). `done` runs on the writer thread
  // after they are durable; failures are counted and logged by the caller
  // of done, or here when done is empty.
  void append(const Services& s, std::vector<domain::Event> events,
              storage::AppendCallback done = {});

  const std::string& stream() const { return stream_; }
  std::uint64_t version() const { return version_; }

 private:
  std::string stream_;
  std::uint64_t version_;
};

}  // namespace callboard::actors
