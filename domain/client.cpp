#include "domain/client.hpp"

#include <algorithm>

namespace callboard::domain {

Result<std::vector<Event>> decide_create(const ClientState& s, ClientId id, const NewClient& c,
                                         DealId deal_id) {
  if (s.exists) return Status::invalid_argument("client " + std::to_string(id) + " exists already");
  if (c.name.empty()) return Status::invalid_argument("name: must not be empty");
  std::vector<Event> out;
  out.emplace_back(ClientCreated{id, c.name, c.company, c.email});
  for (const auto& p : c.phones) out.emplace_back(PhoneLinked{id, p});
  if (!c.responsible.empty()) out.emplace_back(ResponsibleAssigned{id, c.responsible});
  if (!c.deal_title.empty()) out.emplace_back(DealOpened{id, deal_id, c.deal_title, c.deal_stage, 0, ""});
  return out;
}

ClientState evolve(ClientState s, const Event& e) {
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, ClientCreated>) {
          s.id = ev.client;
          s.exists = true;
        } else if constexpr (std::is_same_v<E, PhoneLinked>) {
          if (std::find(s.phones.begin(), s.phones.end(), ev.phone) == s.phones.end())
            s.phones.push_back(ev.phone);
        } else if constexpr (std::is_same_v<E, PhoneUnlinked>) {
          s.phones.erase(std::remove(s.phones.begin(), s.phones.end(), ev.phone), s.phones.end());
        } else if constexpr (std::is_same_v<E, ResponsibleAssigned>) {
          s.responsible = ev.agent;
        } else if constexpr (std::is_same_v<E, DealOpened>) {
          s.deals.push_back(ev.deal);
        }
      },
      e);
  return s;
}

}  // namespace callboard::domain
