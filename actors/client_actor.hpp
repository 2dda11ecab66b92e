#pragma once
// Client actors and their registry.
//
// A client actor owns one client's stream (client/<id>): it decides
// commands with the client aggregate (domain/client.hpp), appends the
// events with the stream's expected version, and answers each command once
// its events are durable. It decides on the state including its appends in
// flight (they are ordered by their expected versions), so commands to one
// client pipeline without waiting for each other's sync.
//
//   spawned ──(load: read client/<id> and the streams merged into it)──▶ ready
//   ready ──command──▶ ready (append in flight; reply when durable)
//   ready ──no command for `idle`──▶ asks the registry to passivate it
//   an append failed ──▶ reloads its state from the log before the next command
//
// The client registry is the only way in: it hands out client, deal, note
// and task ids, keeps a phone number from being given to two clients (the
// views plus the links in flight), resolves merged-away ids to their
// survivor, spawns client actors on demand (so a million clients are not a
// million live actors) and passivates them when idle, and runs merges
// (the absorbed client's state, then one append to both streams). Tasks of
// no client live on task/<id> streams, which the registry appends itself.
//
// Messages (crm_messages.hpp):
//   registry:     (crm_atom, CommandEnvelope) -> CrmReply
//                 (live_atom) -> size_t: client actors alive
//                 (create_atom, name, company, email, phones, responsible,
//                  deal_title, deal_stage) -> (ClientId, error text): the
//                  older form of CreateClient (id 0 and the reason when refused)
//   client actor: (crm_atom, CommandEnvelope) -> CrmReply
//                 (snap_atom) -> StateReply
//                 (absorb_atom, CommandEnvelope, ClientState) -> CrmReply

#include <chrono>
#include <map>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/crm_messages.hpp"
#include "actors/services.hpp"
#include "domain/client.hpp"

namespace callboard::actors {

struct ClientActorOptions {
  // A client actor with nothing to do for this long is stopped; its state
  // is read from the log again when it is next needed.
  std::chrono::milliseconds idle{60'000};
};

// A client's state from its stream, with every client merged into it.
// Errors: the log's (corruption, io_error).
Result<domain::ClientState> load_client(const storage::EventLog& log, domain::ClientId id);

using CrmPromise = caf::typed_response_promise<CrmReply>;

struct ClientActorState {
  Services services;
  ClientActorOptions options;
  caf::actor registry;
  domain::ClientState client;
  Status broken;              // the load failed: every command gets this
  bool reload = false;        // an append failed: read the log before deciding again
  // Appends in flight, by request number; each answers its command and
  // the no-op commands that came after it (they are only true once it is).
  struct Pending {
    CrmPromise promise;
    domain::CommandOutcome outcome;
    std::vector<std::pair<CrmPromise, domain::CommandOutcome>> followers;
  };
  std::map<std::uint64_t, Pending> pending;
  std::uint64_t next_request = 1;
  std::uint64_t handled = 0;  // registry messages handled (passivation handshake)
  std::uint64_t idle_generation = 0;
  static inline const char* name = "client";
};

// load: read the client's state from services.log (false for a client
// being created now).
caf::behavior client_actor(caf::stateful_actor<ClientActorState>* self, Services services,
                           ClientActorOptions options, caf::actor registry, domain::ClientId id,
                           bool load);

struct ClientRegistryState {
  Services services;
  ClientActorOptions options;
  domain::ClientId next_client = 1;
  domain::DealId next_deal = 1;
  domain::NoteId next_note = 1;
  domain::TaskId next_task = 1;
  std::map<std::string, domain::ClientId> reserved_phones;  // links in flight -> client
  struct Live {
    caf::actor actor;
    std::uint64_t forwarded = 0;  // messages sent to it (passivation handshake)
  };
  std::unordered_map<domain::ClientId, Live> live;
  std::map<caf::actor_addr, domain::ClientId> ids;  // of live actors, for their down messages
  std::map<std::uint64_t, CrmPromise> task_appends;  // tasks of no client, in flight
  std::uint64_t next_request = 1;
  static inline const char* name = "client-registry";
};

// Services::log and Services::views must be set.
caf::behavior client_registry(caf::stateful_actor<ClientRegistryState>* self, Services services,
                              ClientActorOptions options);

}  // namespace callboard::actors
