#include "domain/call_queues.hpp"

#include <algorithm>

namespace callboard::domain {

bool CallQueues::join(const std::string& queue, const CallId& call, Timestamp now,
                      std::size_t max_length) {
  if (contains(call)) return true;
  if (size(queue) >= max_length) return false;
  lines_[queue].push_back(WaitingCall{call, queue, now, next_order_++, {}});
  in_line_[call] = queue;
  return true;
}

std::string CallQueues::requeue(const CallId& call, const std::vector<AgentId>& tried) {
  auto it = offering_.find(call);
  if (it == offering_.end()) return {};
  WaitingCall w = std::move(it->second);
  offering_.erase(it);
  for (const auto& a : tried) {
    if (std::find(w.tried.begin(), w.tried.end(), a) == w.tried.end()) w.tried.push_back(a);
  }
  std::string queue = w.queue;
  in_line_[call] = queue;
  auto& line = lines_[queue];
  auto pos = std::lower_bound(line.begin(), line.end(), w.order,
                              [](const WaitingCall& x, std::uint64_t order) { return x.order < order; });
  line.insert(pos, std::move(w));
  return queue;
}

void CallQueues::leave(const CallId& call) {
  offering_.erase(call);
  auto q = in_line_.find(call);
  if (q == in_line_.end()) return;
  auto l = lines_.find(q->second);
  in_line_.erase(q);
  if (l == lines_.end()) return;
  auto& line = l->second;
  line.erase(std::remove_if(line.begin(), line.end(), [&](const WaitingCall& w) { return w.call == call; }),
             line.end());
  if (line.empty()) lines_.erase(l);
}

std::optional<WaitingCall> CallQueues::take_for(const AgentId& agent,
                                                const std::vector<std::string>& queues) {
  decltype(lines_)::iterator best_line = lines_.end();
  std::vector<WaitingCall>::iterator best;
  for (const auto& q : queues) {
    auto l = lines_.find(q);
    if (l == lines_.end()) continue;
    auto it = std::find_if(l->second.begin(), l->second.end(), [&](const WaitingCall& w) {
      return std::find(w.tried.begin(), w.tried.end(), agent) == w.tried.end();
    });
    if (it != l->second.end() && (best_line == lines_.end() || it->order < best->order)) {
      best_line = l;
      best = it;
    }
  }
  if (best_line == lines_.end()) return std::nullopt;
  WaitingCall w = *best;
  best_line->second.erase(best);
  if (best_line->second.empty()) lines_.erase(best_line);
  in_line_.erase(w.call);
  offering_[w.call] = w;
  return w;
}

std::size_t CallQueues::waiting(const std::string& queue) const {
  auto it = lines_.find(queue);
  return it == lines_.end() ? 0 : it->second.size();
}

std::size_t CallQueues::size(const std::string& queue) const {
  std::size_t n = waiting(queue);
  for (const auto& [call, w] : offering_) n += w.queue == queue;
  return n;
}

std::vector<WaitingCall> CallQueues::line(const std::string& queue) const {
  auto it = lines_.find(queue);
  return it == lines_.end() ? std::vector<WaitingCall>{} : it->second;
}

bool CallQueues::contains(const CallId& call) const {
  return offering_.count(call) > 0 || in_line_.count(call) > 0;
}

}  // namespace callboard::domain
