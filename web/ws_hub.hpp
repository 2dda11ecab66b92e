#pragma once
// Which WebSockets belong to which agent, so a push reaches every page he
// has open, and logout or session expiry closes that session's pages.
// Also the bounded per-socket send queue: a page that does not read (or a
// dead network path) overflows it and is dropped instead of holding memory
// or delaying others.
//
// Not thread-safe: the web server uses both from its io thread only.

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/types.hpp"

namespace callboard::web {

// One open WebSocket, as the hub sees it. Implemented in web/detail/.
class WsSink {
 public:
  virtual ~WsSink() = default;
  // Queues a text frame; the sink closes itself if its queue overflows.
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  // Starts a normal close (1000) or, with `policy`, a policy close (1008).
  virtual void close(bool policy) = 0;
};

class WsHub {
 public:
  // The hub does not own sinks: a sink lives while its socket has I/O
  // pending, and unregisters itself (or is pruned once expired).
  // board: the socket also gets the supervisor board's frames (push_board).
  void add(const domain::AgentId& agent, const std::string& session_id,
           const std::shared_ptr<WsSink>& sink, bool board = false);
  void remove(const WsSink* sink);

  // Sends to every open socket of the agent; returns how many got it.
  std::size_t push(const domain::AgentId& agent, const std::string& text);
  // Sends to every open socket that gets the board; returns how many got it.
  std::size_t push_board(std::shared_ptr<const std::string> text);
  // Closes the sockets opened with this session (logout, expiry).
  void close_session(const std::string& session_id);
  void close_all();

  std::size_t count(const domain::AgentId& agent) const;
  std::size_t total() const;
  std::size_t board_count() const;

 private:
  struct Entry {
    domain::AgentId agent;
    std::string session_id;
    std::weak_ptr<WsSink> sink;
    const WsSink* key = nullptr;
    bool board = false;
  };
  template <class Pred>
  std::vector<std::shared_ptr<WsSink>> collect(Pred pred);
  std::vector<Entry> entries_;  // a handful per agent; linear scans are fine
};

// A FIFO of frames with a cap on count and bytes. push() refuses (returns
// false) once either cap would be passed; the caller then drops the socket.
class OutboundQueue {
 public:
  OutboundQueue(std::size_t max_messages, std::size_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}
  bool push(std::shared_ptr<const std::string> text);
  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }
  const std::shared_ptr<const std::string>& front() const { return queue_.front(); }
  void pop();
  void clear();

 private:
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::deque<std::shared_ptr<const std::string>> queue_;
};

}  // namespace callboard::web
