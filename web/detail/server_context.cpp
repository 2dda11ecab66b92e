#include "web/detail/server_context.hpp"

#include <algorithm>
#include <array>

namespace callboard::web::detail {

void ConnectionSet::add(const std::shared_ptr<Closable>& c) {
  if (items_.size() >= prune_at_) {
    items_.erase(std::remove_if(items_.begin(), items_.end(),
                                [](const std::weak_ptr<Closable>& w) { return w.expired(); }),
                 items_.end());
    prune_at_ = std::max<std::size_t>(64, items_.size() * 2);
  }
  items_.push_back(c);
}

void ConnectionSet::close_all() {
  std::vector<std::shared_ptr<Closable>> live;
  for (auto& w : items_) {
    if (auto c = w.lock()) live.push_back(std::move(c));
  }
  items_.clear();
  for (auto& c : live) c->close_now();
}

const char* method_label(std::string_view method) {
  static constexpr std::array<const char*, 7> kMethods{"GET",    "HEAD",   "POST",   "PUT",
                                                       "PATCH", "DELETE", "OPTIONS"};
  for (const char* m : kMethods) {
    if (method == m) return m;
  }
  return "OTHER";
}

}  // namespace callboard::web::detail
