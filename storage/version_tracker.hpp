#pragma once
// Internal to storage/: the optimistic concurrency check shared by the logs
// and GroupCommitLog. It remembers the versions that events already accepted
// (in one append, or one group-commit batch) give their streams, so each
// event is checked against the version the previous one made.
//
// Thread-safety: one thread at a time. Owns its map; borrows the lookup.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/event_log.hpp"

namespace callboard::storage {

class VersionTracker {
 public:
  // Current stored version of a stream (0 when it has none), or an error.
  using Lookup = std::function<Result<std::uint64_t>(const std::string& stream)>;

  explicit VersionTracker(Lookup lookup) : lookup_(std::move(lookup)) {}

  // Checks one request's events in order. On success fills versions_out[i]
  // with the version event i gives its stream and remembers them; on error
  // (invalid_argument, conflict naming stream/expected/actual, or the lookup's
  // error) remembers nothing of this request.
  Status accept(const std::vector<NewEvent>& events, std::vector<std::uint64_t>& versions_out);

  // Every stream touched by accepted requests and its version after them.
  const std::unordered_map<std::string, std::uint64_t>& versions() const { return accepted_; }

 private:
  Result<std::uint64_t> current(const std::string& stream,
                                const std::unordered_map<std::string, std::uint64_t>& pending);

  Lookup lookup_;
  std::unordered_map<std::string, std::uint64_t> accepted_;
};

}  // namespace callboard::storage
