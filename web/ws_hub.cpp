#include "web/ws_hub.hpp"

#include <algorithm>

namespace callboard::web {

void WsHub::add(const domain::AgentId& agent, const std::string& session_id,
                const std::shared_ptr<WsSink>& sink, bool board) {
  entries_.push_back({agent, session_id, sink, sink.get(), board});
}

void WsHub::remove(const WsSink* sink) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) { return e.key == sink; }),
                 entries_.end());
}

template <class Pred>
std::vector<std::shared_ptr<WsSink>> WsHub::collect(Pred pred) {
  // Lock first, act after: a sink may call remove() from inside send() or
  // close(), which would otherwise invalidate the iteration.
  std::vector<std::shared_ptr<WsSink>> out;
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto sink = it->sink.lock();
    if (!sink) {
      it = entries_.erase(it);
      continue;
    }
    if (pred(*it)) out.push_back(std::move(sink));
    ++it;
  }
  return out;
}

std::size_t WsHub::push(const domain::AgentId& agent, const std::string& text) {
  auto sinks = collect([&](const Entry& e) { return e.agent == agent; });
  if (sinks.empty()) return 0;
  auto shared = std::make_shared<const std::string>(text);
  for (auto& s : sinks) s->send(shared);
  return sinks.size();
}

std::size_t WsHub::push_board(std::shared_ptr<const std::string> text) {
  auto sinks = collect([](const Entry& e) { return e.board; });
  for (auto& s : sinks) s->send(text);
  return sinks.size();
}

void WsHub::close_session(const std::string& session_id) {
  for (auto& s : collect([&](const Entry& e) { return e.session_id == session_id; })) s->close(true);
}

void WsHub::close_all() {
  for (auto& s : collect([](const Entry&) { return true; })) s->close(false);
  entries_.clear();
}

std::size_t WsHub::count(const domain::AgentId& agent) const {
  return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return e.agent == agent && !e.sink.expired();
  }));
}

std::size_t WsHub::board_count() const {
  return static_cast<std::size_t>(std::count_if(
      entries_.begin(), entries_.end(), [](const Entry& e) { return e.board && !e.sink.expired(); }));
}

std::size_t WsHub::total() const {
  return static_cast<std::size_t>(std::count_if(
      entries_.begin(), entries_.end(), [](const Entry& e) { return !e.sink.expired(); }));
}

bool OutboundQueue::push(std::shared_ptr<const std::string> text) {
  if (queue_.size() + 1 > max_messages_ || bytes_ + text->size() > max_bytes_) return false;
  bytes_ += text->size();
  queue_.push_back(std::move(text));
  return true;
}

void OutboundQueue::pop() {
  bytes_ -= queue_.front()->size();
  queue_.pop_front();
}

void OutboundQueue::clear() {
  queue_.clear();
  bytes_ = 0;
}

}  // namespace callboard::web
