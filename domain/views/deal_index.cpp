#include "domain/views/deal_index.hpp"

namespace callboard::domain {

void DealIndex::opened(DealId deal, ClientId client, const std::string& stage) {
  owner_[deal] = client;
  open_[stage].insert(deal);
}

void DealIndex::stage_changed(DealId deal, const std::string& from, const std::string& to) {
  auto it = open_.find(from);
  if (it == open_.end() || it->second.erase(deal) == 0) return;  // closed or unknown
  if (it->second.empty()) open_.erase(it);
  open_[to].insert(deal);
}

void DealIndex::closed(DealId deal, const std::string& stage, bool won) {
  if (auto it = open_.find(stage); it != open_.end()) {
    it->second.erase(deal);
    if (it->second.empty()) open_.erase(it);
  }
  // Closed again with the other result: it moves, so a rebuild from the
  // deals (which keep only the last result) gives the same index.
  (won ? lost_ : won_).erase(deal);
  (won ? won_ : lost_).insert(deal);
}

void DealIndex::moved(DealId deal, ClientId to) {
  if (auto it = owner_.find(deal); it != owner_.end()) it->second = to;
}

ClientId DealIndex::owner(DealId deal) const {
  auto it = owner_.find(deal);
  return it == owner_.end() ? 0 : it->second;
}

void DealIndex::clear() {
  owner_.clear();
  open_.clear();
  won_.clear();
  lost_.clear();
}

}  // namespace callboard::domain
