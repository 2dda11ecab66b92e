#include "storage/event_log.hpp"

#include "storage/version_tracker.hpp"

namespace callboard::storage {

Status validate_stream_id(std::string_view stream) {
  if (stream.empty()) return Status::invalid_argument("empty stream id");
  if (stream.size() > kMaxStreamIdBytes)
    return Status::invalid_argument("stream id of " + std::to_string(stream.size()) +
                                    " bytes is longer than " + std::to_string(kMaxStreamIdBytes));
  if (stream.find('\0') != std::string_view::npos)
    return Status::invalid_argument("stream id contains a NUL byte");
  return Status::ok();
}

Result<std::uint64_t> VersionTracker::current(
    const std::string& stream, const std::unordered_map<std::string, std::uint64_t>& pending) {
  if (auto it = pending.find(stream); it != pending.end()) return it->second;
  if (auto it = accepted_.find(stream); it != accepted_.end()) return it->second;
  return lookup_(stream);
}

Status VersionTracker::accept(const std::vector<NewEvent>& events,
                              std::vector<std::uint64_t>& versions_out) {
  if (events.empty()) return Status::invalid_argument("append of no events");
  versions_out.clear();
  versions_out.reserve(events.size());
  // Requests are small (a handful of events): a map per request is cheap and
  // keeps a failed request from leaving anything behind.
  std::unordered_map<std::string, std::uint64_t> pending;
  for (const NewEvent& e : events) {
    if (Status s = validate_stream_id(e.stream); !s) return s;
    Result<std::uint64_t> now = current(e.stream, pending);
    if (!now) return now.status();
    if (e.expected_version != kAnyVersion && e.expected_version != *now)
      return Status::conflict("stream " + e.stream + ": expected version " +
                              std::to_string(e.expected_version) + ", actual " +
                              std::to_string(*now));
    pending[e.stream] = *now + 1;
    versions_out.push_back(*now + 1);
  }
  for (auto& [stream, version] : pending) accepted_[stream] = version;
  return Status::ok();
}

}  // namespace callboard::storage
