#include "storage/view_host.hpp"

namespace callboard::storage {

Status ViewHost::rebuild(const EventLog& log) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  views_ = domain::CrmViews();
  views_.begin_replay();
  Status s = log.read(1, log.last_sequence(), [this](const domain::RecordedEvent& e) {
    views_.apply(e);
    return true;
  });
  views_.end_replay();
  return s;
}

Status ViewHost::restore(domain::CrmViews start, const EventLog& log) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  views_ = std::move(start);
  const std::uint64_t from = views_.last_sequence() + 1;
  if (from > log.last_sequence()) return Status::ok();
  views_.begin_replay();
  Status s = log.read(from, log.last_sequence(), [this](const domain::RecordedEvent& e) {
    views_.apply(e);
    return true;
  });
  views_.end_replay();
  return s;
}

void ViewHost::attach(EventFeed& feed) {
  feed.subscribe([this](const std::vector<domain::RecordedEvent>& batch) { apply(batch); });
}

void ViewHost::apply(const std::vector<domain::RecordedEvent>& batch) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  for (const auto& e : batch) views_.apply(e);
}

}  // namespace callboard::storage
