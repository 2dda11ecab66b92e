#pragma once
// The supervisor's board as JSON (docs/api.md, "The supervisor board"):
// every queue with its waiting calls, every agent with his state and since
// when, and today's figures per department. The same pieces make the full
// board (GET /api/board, the WebSocket's "board" frame) and the deltas that
// follow it ("board_delta"): a delta carries, for what changed, the same
// objects the board has, to replace the page's copies.
//
// Pure functions of the views and the configuration; any thread, with the
// views held (ViewHost::read) for the length of the call.

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/config.hpp"
#include "domain/events.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::web {

// Service level of the board's figures: answered within this many seconds.
inline constexpr int kBoardServiceLevelS = 20;

// What a batch of events changed on the board.
struct BoardChanges {
  bool queues = false;                 // some call joined, left or is rung from a queue
  bool departments = false;            // a call ended: today's figures moved
  std::set<domain::AgentId> agents;    // agents whose row changed
  bool empty() const { return !queues && !departments && agents.empty(); }
};

// The board's parts a batch touches. Queues: `queue_version` is the
// QueueBoard version the page's copy reflects; it is updated here.
BoardChanges board_changes(const std::vector<domain::RecordedEvent>& batch, const domain::CrmViews& views,
                           std::uint64_t& queue_version);

// [{id, name, waiting: [{call, position, caller, client, client_name,
//   since, since_us, received, received_us, offered, offered_name}], longest_since_us}]
// for every department with a queue, then any other queue with calls.
nlohmann::json board_queues(const domain::CrmViews& views, const domain::Config& config);

// {login, name, department, role, state, since, since_us, registered,
//  paused, pause_reason, call}
nlohmann::json board_agent(const domain::AgentConfig& agent, const domain::CrmViews& views);

// [{department, name, offered, answered, abandoned, missed, average_wait_s,
//   service_level}] for every configured department, today (UTC day of `now`).
nlohmann::json board_departments(const domain::CrmViews& views, const domain::Config& config,
                                 domain::Timestamp now);

// The whole board at the views' sequence:
// {seq, day, service_level_s, server_time_us, queues, agents, departments}.
nlohmann::json board_snapshot(const domain::CrmViews& views, const domain::Config& config,
                              domain::Timestamp now);

// The parts of the board `changes` names (queues, agents, departments; each
// only when changed), without seq/prev/type.
nlohmann::json board_delta_body(const domain::CrmViews& views, const domain::Config& config,
                                const BoardChanges& changes, domain::Timestamp now);

}  // namespace callboard::web
