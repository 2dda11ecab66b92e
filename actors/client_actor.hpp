#pragma once
// Client actors and their registry.
//
// A client actor owns one client's stream (client/<id>): it decides commands
// with the client aggregate (domain/client.hpp), appends the events with the
// expected version, and answers only once they are durable.
//
// The client registry hands out client and deal ids, keeps a phone number
// from being given to two clients (the views plus the creations in flight),
// and spawns client actors.
//
// Registry messages:
//   (create_atom, name, company, email, phones, responsible, deal_title, deal_stage)
//       -> (ClientId, error text): id 0 and the reason when refused
// Client actor messages:
//   (create_atom, same fields, deal id) -> (ClientId, error text)

#include <deque>
#include <map>
#include <set>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/services.hpp"
#include "actors/stream_writer.hpp"
#include "domain/client.hpp"

namespace callboard::actors {

struct ClientActorState {
  Services services;
  domain::ClientState client;
  StreamWriter writer{"", 0};
  std::map<std::uint64_t, caf::typed_response_promise<domain::ClientId, std::string>> pending;
  std::uint64_t next_request = 1;
  static inline const char* name = "client";
};

caf::behavior client_actor(caf::stateful_actor<ClientActorState>* self, Services services,
                           domain::ClientId id, std::uint64_t version);

struct ClientRegistryState {
  Services services;
  domain::ClientId next_client = 1;
  domain::DealId next_deal = 1;
  std::set<std::string> reserved_phones;  // of creations not yet durable
  std::map<domain::ClientId, caf::actor> clients;
  static inline const char* name = "client-registry";
};

caf::behavior client_registry(caf::stateful_actor<ClientRegistryState>* self, Services services);

}  // namespace callboard::actors
