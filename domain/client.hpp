#pragma once
// The client aggregate (decide/evolve): the rules for changing one client's
// card. Rules across clients (a phone belongs to one client only, ids are
// unique) are the client registry's (actors/client_registry.hpp), which
// checks them before it asks this aggregate.

#include <string>
#include <vector>

#include "domain/events.hpp"
#include "domain/status.hpp"

namespace callboard::domain {

struct ClientState {
  ClientId id = 0;
  bool exists = false;
  std::vector<std::string> phones;
  AgentId responsible;
  std::vector<DealId> deals;
};

// A new client as a user (or the demo import) describes it. Phones are E.164.
struct NewClient {
  std::string name;
  std::string company;
  std::string email;
  std::vector<std::string> phones;
  AgentId responsible;
  std::string deal_title;  // empty: no deal
  std::string deal_stage;
};

// Errors: invalid_argument (no name, client exists already).
Result<std::vector<Event>> decide_create(const ClientState& s, ClientId id, const NewClient& c,
                                         DealId deal_id);

ClientState evolve(ClientState s, const Event& e);

}  // namespace callboard::domain
