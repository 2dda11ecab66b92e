#include "domain/views/queue_board.hpp"

#include <algorithm>

namespace callboard::domain {

namespace {
bool before(const QueuedCall& a, const QueuedCall& b) {
  if (a.queue != b.queue) return a.queue < b.queue;
  return a.order < b.order;
}
}  // namespace

void QueueBoard::leave(const CallId& call) {
  if (calls_.erase(call) > 0) ++version_;
}

void QueueBoard::apply(const RecordedEvent& e) {
  if (const auto* q = std::get_if<CallQueued>(&e.event)) {
    QueuedCall& w = calls_[q->call];
    w.call = q->call;
    w.queue = q->queue;
    w.since = e.time;
    w.order = e.sequence;
    w.offered.clear();
    ++version_;
    return;
  }
  if (calls_.empty()) return;  // the common case: nobody waits
  if (const auto* r = std::get_if<RoutingDecided>(&e.event)) {
    if (r->rule != "queue") leave(r->call);
  } else if (const auto* o = std::get_if<AgentOffered>(&e.event)) {
    auto it = calls_.find(o->call);
    if (it != calls_.end() && it->second.offered != o->agent) {
      it->second.offered = o->agent;
      ++version_;
    }
  } else if (const auto* f = std::get_if<OfferFailed>(&e.event)) {
    auto it = calls_.find(f->call);
    if (it != calls_.end() && it->second.offered == f->agent) {
      it->second.offered.clear();
      ++version_;
    }
  } else if (const auto* a = std::get_if<CallAnswered>(&e.event)) {
    leave(a->call);
  } else if (const auto* end = std::get_if<CallEnded>(&e.event)) {
    leave(end->call);
  } else if (const auto* i = std::get_if<CallInterrupted>(&e.event)) {
    leave(i->call);
  }
}

std::vector<QueuedCall> QueueBoard::waiting(const std::string& queue) const {
  std::vector<QueuedCall> out;
  for (const auto& [id, w] : calls_) {
    if (w.queue == queue) out.push_back(w);
  }
  std::sort(out.begin(), out.end(), before);
  return out;
}

std::vector<QueuedCall> QueueBoard::all() const {
  std::vector<QueuedCall> out;
  out.reserve(calls_.size());
  for (const auto& [id, w] : calls_) out.push_back(w);
  std::sort(out.begin(), out.end(), before);
  return out;
}

const QueuedCall* QueueBoard::find(const CallId& call) const {
  auto it = calls_.find(call);
  return it == calls_.end() ? nullptr : &it->second;
}

}  // namespace callboard::domain
