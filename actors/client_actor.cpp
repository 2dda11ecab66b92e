#include "actors/client_actor.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace callboard::actors {

namespace {
using ClientSelf = caf::stateful_actor<ClientActorState>*;
using RegistrySelf = caf::stateful_actor<ClientRegistryState>*;
using Reply = caf::result<domain::ClientId, std::string>;

Reply refuse(std::string why) { return Reply(domain::ClientId{0}, std::move(why)); }
}  // namespace

caf::behavior client_actor(ClientSelf self, Services services, domain::ClientId id,
                           std::uint64_t version) {
  auto& st = self->state;
  st.services = std::move(services);
  st.client.id = id;
  st.writer = StreamWriter(domain::client_stream(id), version);
  return {
      [=](create_atom, const std::string& name, const std::string& company,
          const std::string& email, const std::vector<std::string>& phones,
          const std::string& responsible, const std::string& deal_title,
          const std::string& deal_stage, domain::DealId deal) -> Reply {
        auto& s = self->state;
        domain::NewClient draft{name, company, email, phones, responsible, deal_title, deal_stage};
        auto decided = domain::decide_create(s.client, s.client.id, draft, deal);
        if (!decided) return refuse(decided.status().message());
        for (const auto& e : *decided) s.client = domain::evolve(s.client, e);
        std::uint64_t request = s.next_request++;
        auto promise = self->make_response_promise<domain::ClientId, std::string>();
        s.pending.emplace(request, promise);
        caf::actor me = caf::actor_cast<caf::actor>(self);
        s.writer.append(s.services, std::move(*decided),
                        [me, request](const Result<storage::AppendResult>& r) {
                          caf::anon_send(me, appended_atom::value, request,
                                         r.is_ok() ? std::string() : r.status().to_string());
                        });
        return promise;
      },
      [=](appended_atom, std::uint64_t request, const std::string& error) {
        auto& s = self->state;
        auto it = s.pending.find(request);
        if (it == s.pending.end()) return;
        if (!error.empty()) s.services.metrics->append_failed();
        it->second.deliver(error.empty() ? s.client.id : domain::ClientId{0}, error);
        s.pending.erase(it);
      },
  };
}

caf::behavior client_registry(RegistrySelf self, Services services) {
  auto& st = self->state;
  st.services = std::move(services);
  st.services.views->read([&](const domain::CrmViews& v) {
    st.next_client = v.max_client_id() + 1;
    st.next_deal = v.max_deal_id() + 1;
    return 0;
  });
  return {
      [=](create_atom a, const std::string& name, const std::string& company,
          const std::string& email, const std::vector<std::string>& phones,
          const std::string& responsible, const std::string& deal_title,
          const std::string& deal_stage) -> Reply {
        auto& s = self->state;
        for (const auto& p : phones) {
          auto owner = s.services.views->read(
              [&](const domain::CrmViews& v) { return v.client_by_phone(p); });
          if (owner) return refuse("phones: " + p + " belongs to client " + std::to_string(*owner));
          if (s.reserved_phones.count(p)) return refuse("phones: " + p + " is being given to another client");
        }
        if (!responsible.empty() && !s.services.config->find_agent(responsible))
          return refuse("responsible: unknown agent '" + responsible + "'");
        domain::ClientId id = s.next_client++;
        domain::DealId deal = deal_title.empty() ? 0 : s.next_deal++;
        for (const auto& p : phones) s.reserved_phones.insert(p);
        auto client = self->spawn(client_actor, s.services, id, std::uint64_t{0});
        s.clients[id] = client;
        auto promise = self->make_response_promise<domain::ClientId, std::string>();
        self->request(client, caf::infinite, a, name, company, email, phones, responsible,
                      deal_title, deal_stage, deal)
            .then(
                [=](domain::ClientId created, std::string& error) mutable {
                  for (const auto& p : phones) self->state.reserved_phones.erase(p);
                  promise.deliver(created, std::move(error));
                },
                [=](caf::error& err) mutable {
                  for (const auto& p : phones) self->state.reserved_phones.erase(p);
                  promise.deliver(domain::ClientId{0}, caf::to_string(err));
                });
        return promise;
      },
  };
}

}  // namespace callboard::actors
