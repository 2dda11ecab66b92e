#pragma once
// Where each deal is: its client, and the open deals by stage (the
// pipeline's columns) and the closed ones by result. Deals themselves live
// in their client's card (CrmViews); this is a derived index, rebuilt from
// the cards when a snapshot is loaded.
//
// Single-threaded, as CrmViews (whose part it is).

#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "domain/types.hpp"

namespace callboard::domain {

class DealIndex {
 public:
  void opened(DealId deal, ClientId client, const std::string& stage);
  void stage_changed(DealId deal, const std::string& from, const std::string& to);
  void closed(DealId deal, const std::string& stage, bool won);
  void moved(DealId deal, ClientId to);

  // 0 when no such deal.
  ClientId owner(DealId deal) const;
  const std::map<std::string, std::set<DealId>>& open_by_stage() const { return open_; }
  const std::set<DealId>& won() const { return won_; }
  const std::set<DealId>& lost() const { return lost_; }
  std::size_t size() const { return owner_.size(); }
  const std::unordered_map<DealId, ClientId>& owners() const { return owner_; }
  void clear();

 private:
  std::unordered_map<DealId, ClientId> owner_;
  std::map<std::string, std::set<DealId>> open_;
  std::set<DealId> won_;
  std::set<DealId> lost_;
};

}  // namespace callboard::domain
