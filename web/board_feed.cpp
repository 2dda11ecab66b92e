#include "web/board_feed.hpp"

#include "web/json_util.hpp"

namespace callboard::web {

void BoardProducer::skip(std::uint64_t batch_last_seq) {
  skipped_ = true;
  last_seq_ = batch_last_seq;
}

void BoardLog::new_epoch(std::uint64_t epoch) {
  epoch_ = epoch;
  stale_ = true;
}

void BoardLog::add(const BoardDelta& d) {
  if (d.after_gap || d.prev != last_) {
    // Not continuous with what is kept: start over from this delta.
    deltas_.clear();
    floor_ = d.prev;
  }
  deltas_.push_back(d);
  last_ = d.seq;
  while (deltas_.size() > capacity_) {
    floor_ = deltas_.front().seq;
    deltas_.pop_front();
  }
  // A delta of the current epoch was produced after the gate last moved:
  // whatever was skipped before it, its prev accounts for.
  stale_ = d.epoch != epoch_;
}

BoardLog::Resume BoardLog::resume(std::uint64_t since, std::uint64_t views_seq) const {
  Resume r;
  if (stale_ || since < floor_ || since > views_seq) return r;
  r.snapshot = false;
  for (const auto& d : deltas_) {
    if (d.seq > since) r.frames.push_back(d.frame);
  }
  return r;
}

std::string board_delta_frame(std::uint64_t seq, std::uint64_t prev, nlohmann::json body) {
  body["type"] = "board_delta";
  body["seq"] = seq;
  body["prev"] = prev;
  return dump_json(body);
}

}  // namespace callboard::web
