#include "actors/stream_writer.hpp"

#include <spdlog/spdlog.h>

namespace callboard::actors {

void StreamWriter::append(const Services& s, std::vector<domain::Event> events,
                          storage::AppendCallback done) {
  if (events.empty()) return;
  std::vector<storage::NewEvent> batch;
  batch.reserve(events.size());
  domain::Timestamp now = s.clock->now();
  for (auto& e : events) {
    batch.push_back(storage::NewEvent{stream_, now, version_++, std::move(e)});
  }
  if (!done) {
    ActorMetrics* metrics = s.metrics;
    std::string stream = stream_;
    done = [metrics, stream](const Result<storage::AppendResult>& r) {
      if (r.is_ok()) return;
      metrics->append_failed();
      spdlog::error("append to {} failed: {}", stream, r.status().to_string());
    };
  }
  s.events->submit(std::move(batch), std::move(done));
}

}  // namespace callboard::actors
