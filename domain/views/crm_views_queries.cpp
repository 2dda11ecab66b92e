// CrmViews: the directory search, deals and statistics queries. The event
// handlers are in crm_views.cpp, snapshots in crm_views_io.cpp.
#include <algorithm>
#include <set>

#include "domain/views/crm_views.hpp"

namespace callboard::domain {

ClientId CrmViews::resolve(ClientId id) const {
  auto m = merged_into_.find(id);
  return m == merged_into_.end() ? id : m->second;
}

std::vector<ClientId> CrmViews::search(const std::string& query, std::size_t limit) const {
  return search_.find(query, limit, [this](ClientId id, std::string& name, std::string& company) {
    auto it = clients_.find(id);
    if (it == clients_.end()) return false;
    name = it->second.name;
    company = it->second.company;
    return true;
  });
}

std::vector<ClientId> CrmViews::client_ids(ClientId after, std::size_t limit) const {
  std::vector<ClientId> out;
  // Ids are handed out densely from 1, so walking them is bounded by the
  // page plus the merged-away (and never written) ids in between.
  for (ClientId id = after + 1; id <= max_client_id_ && out.size() < limit; ++id) {
    if (clients_.count(id)) out.push_back(id);
  }
  return out;
}

const Deal* CrmViews::deal(DealId id, ClientId* client_out) const {
  const ClientId owner = deal_index_.owner(id);
  auto it = clients_.find(owner);
  if (it == clients_.end()) return nullptr;
  for (const auto& d : it->second.deals) {
    if (d.id != id) continue;
    if (client_out) *client_out = owner;
    return &d;
  }
  return nullptr;
}

namespace {

// Fills a column from deal ids, newest first.
template <class Ids, class Lookup>
void fill(PipelineColumn& col, const Ids& ids, std::size_t per_stage, const AgentId& responsible,
          const Lookup& lookup) {
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    PipelineDeal pd;
    if (!lookup(*it, pd)) continue;
    if (!responsible.empty() && pd.responsible != responsible) continue;
    ++col.count;
    col.amounts[pd.deal.currency] += pd.deal.amount;
    if (col.deals.size() < per_stage) col.deals.push_back(std::move(pd));
  }
}

}  // namespace

Pipeline CrmViews::pipeline(const std::vector<std::string>& stages, std::size_t per_stage,
                            const AgentId& responsible) const {
  auto lookup = [this](DealId id, PipelineDeal& out) {
    ClientId owner = 0;
    const Deal* d = deal(id, &owner);
    if (!d) return false;
    const Client& c = clients_.at(owner);
    out.client = owner;
    out.client_name = c.name;
    out.responsible = c.responsible;
    out.deal = *d;
    return true;
  };
  Pipeline p;
  const auto& open = deal_index_.open_by_stage();
  const std::set<DealId> none;
  for (const auto& stage : stages) {
    PipelineColumn col;
    col.stage = stage;
    auto it = open.find(stage);
    fill(col, it == open.end() ? none : it->second, per_stage, responsible, lookup);
    p.stages.push_back(std::move(col));
  }
  // Deals at a stage the configuration no longer names: shown, not lost.
  std::set<DealId> other;
  for (const auto& [stage, ids] : open) {
    if (std::find(stages.begin(), stages.end(), stage) == stages.end()) other.insert(ids.begin(), ids.end());
  }
  p.other.stage = "";
  fill(p.other, other, per_stage, responsible, lookup);
  p.won.stage = "won";
  fill(p.won, deal_index_.won(), per_stage, responsible, lookup);
  p.lost.stage = "lost";
  fill(p.lost, deal_index_.lost(), per_stage, responsible, lookup);
  return p;
}

std::vector<StatsRow> CrmViews::call_stats(
    const StatsQuery& q, const std::function<std::string(const std::string&)>& department_of) const {
  return stats_.report(q, department_of);
}

}  // namespace callboard::domain
