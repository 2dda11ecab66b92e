#pragma once
// Call statistics per UTC day, per line (the dialled number, which the
// report maps to its department) and per agent.
//
// A call counts once, when it ends, on the day it was received:
//   offered    = answered + abandoned + missed
//   answered   an agent took it (interrupted calls that were answered too)
//   abandoned  the caller hung up before anyone answered
//   missed     nobody answered for any other reason (no agent, failure,
//              interrupted while ringing); calls to a number that is not
//              configured, or outside opening hours, are not offered
//   wait       received -> answered, over answered calls
//   talk       answered -> ended, over answered calls
//   service level = answered within N seconds / offered (N per report)
// Per agent: offered = offers made to him (AgentOffered), answered = calls
// he answered, missed = offers that failed on his side (no answer, busy,
// declined, unreachable, failed; not those cancelled because the caller
// left or a colleague answered first).
//
// Single-threaded, as CrmViews (whose part it is).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

struct CallCounters {
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t missed = 0;
  Duration wait_total = 0;
  Duration talk_total = 0;
  // Answered calls by whole seconds waited (sparse), for any SL threshold.
  std::map<std::uint32_t, std::uint64_t> answered_after_s;
  void add(const CallCounters& o);
};

struct CallSummary {
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t missed = 0;
  double average_wait_s = 0;  // over answered calls
  double average_talk_s = 0;
  std::optional<double> service_level;  // 0..1; none when nothing was offered
};
CallSummary summarize(const CallCounters& c, Duration service_level_within);

// What the statistics need of a call that has ended.
struct EndedCall {
  Timestamp received = 0;
  Timestamp answered = 0;  // 0: never
  Timestamp ended = 0;
  std::string dialled;
  AgentId agent;  // who answered
  CallOutcome outcome = CallOutcome::failed;
};

struct StatsQuery {
  enum class By { department, agent };
  By by = By::department;
  std::int32_t from_day = 0;  // UTC days since 1970-01-01, inclusive
  std::int32_t to_day = 0;    // inclusive
  bool per_day = true;        // one row per day and key; false: totals per key
  Duration service_level_within = 20 * kMicrosPerSecond;
};

struct StatsRow {
  std::optional<std::int32_t> day;
  std::string key;  // department id ("" when the number has none) or agent login
  CallSummary summary;
};

class CallStats {
 public:
  static std::int32_t day_of(Timestamp t);

  void call_ended(const EndedCall& call);
  void agent_offered(Timestamp received, const AgentId& agent);
  void offer_failed(Timestamp received, const AgentId& agent, const std::string& reason);

  // Rows sorted by day, then key. `department_of(dialled)` maps a line to
  // its department.
  std::vector<StatsRow> report(const StatsQuery& q,
                               const std::function<std::string(const std::string&)>& department_of) const;

  // Per line and per agent, by (day, key): the snapshot's contents.
  using LineKey = std::pair<std::int32_t, std::string>;
  const std::map<LineKey, CallCounters>& lines() const { return lines_; }
  const std::map<LineKey, CallCounters>& agents() const { return agents_; }
  void restore(std::map<LineKey, CallCounters> lines, std::map<LineKey, CallCounters> agents);

 private:
  std::map<LineKey, CallCounters> lines_;
  std::map<LineKey, CallCounters> agents_;  // abandoned unused
};

}  // namespace callboard::domain
