#include "domain/views/call_stats.hpp"

namespace callboard::domain {

namespace {

constexpr Duration kMicrosPerDay = 86'400LL * kMicrosPerSecond;

// Offer failures that are the agent's own (docs: "missed" per agent).
bool missed_by_agent(const std::string& reason) {
  return reason == "no_answer" || reason == "busy" || reason == "declined" ||
         reason == "unreachable" || reason == "failed";
}

std::uint32_t whole_seconds(Duration d) {
  if (d <= 0) return 0;
  const Duration s = d / kMicrosPerSecond;
  return s > 0xFFFFFFFFLL ? 0xFFFFFFFFu : static_cast<std::uint32_t>(s);
}

}  // namespace

void CallCounters::add(const CallCounters& o) {
  offered += o.offered;
  answered += o.answered;
  abandoned += o.abandoned;
  missed += o.missed;
  wait_total += o.wait_total;
  talk_total += o.talk_total;
  for (const auto& [s, n] : o.answered_after_s) answered_after_s[s] += n;
}

CallSummary summarize(const CallCounters& c, Duration within) {
  CallSummary s;
  s.offered = c.offered;
  s.answered = c.answered;
  s.abandoned = c.abandoned;
  s.missed = c.missed;
  if (c.answered) {
    // Milliseconds are as fine as a person reads a wait.
    s.average_wait_s = static_cast<double>(c.wait_total / static_cast<Duration>(c.answered) / 1000) / 1000.0;
    s.average_talk_s = static_cast<double>(c.talk_total / static_cast<Duration>(c.answered) / 1000) / 1000.0;
  }
  if (c.offered) {
    // A wait of w whole seconds (w <= wait < w+1) is within N seconds when
    // w < N: the wait itself is then below N.
    const Duration n = within / kMicrosPerSecond;
    std::uint64_t fast = 0;
    for (const auto& [secs, count] : c.answered_after_s) {
      if (static_cast<Duration>(secs) >= n) break;
      fast += count;
    }
    s.service_level = static_cast<double>(fast) / static_cast<double>(c.offered);
  }
  return s;
}

std::int32_t CallStats::day_of(Timestamp t) {
  Timestamp d = t / kMicrosPerDay;
  if (t < 0 && t % kMicrosPerDay != 0) --d;
  return static_cast<std::int32_t>(d);
}

void CallStats::call_ended(const EndedCall& call) {
  if (call.outcome == CallOutcome::not_found || call.outcome == CallOutcome::closed) return;
  const std::int32_t day = day_of(call.received);
  CallCounters& line = lines_[{day, call.dialled}];
  ++line.offered;
  if (call.answered != 0) {
    const Duration wait = call.answered > call.received ? call.answered - call.received : 0;
    const Duration talk = call.ended > call.answered ? call.ended - call.answered : 0;
    ++line.answered;
    line.wait_total += wait;
    line.talk_total += talk;
    ++line.answered_after_s[whole_seconds(wait)];
    if (!call.agent.empty()) {
      CallCounters& a = agents_[{day, call.agent}];
      ++a.answered;
      a.wait_total += wait;
      a.talk_total += talk;
    }
  } else if (call.outcome == CallOutcome::abandoned) {
    ++line.abandoned;
  } else {
    ++line.missed;
  }
}

void CallStats::agent_offered(Timestamp received, const AgentId& agent) {
  ++agents_[{day_of(received), agent}].offered;
}

void CallStats::offer_failed(Timestamp received, const AgentId& agent, const std::string& reason) {
  if (missed_by_agent(reason)) ++agents_[{day_of(received), agent}].missed;
}

std::vector<StatsRow> CallStats::report(
    const StatsQuery& q, const std::function<std::string(const std::string&)>& department_of) const {
  const bool by_agent = q.by == StatsQuery::By::agent;
  const auto& source = by_agent ? agents_ : lines_;
  std::map<std::pair<std::int32_t, std::string>, CallCounters> grouped;
  std::map<std::string, std::string> departments;  // memo: dialled -> department
  for (auto it = source.lower_bound({q.from_day, std::string()});
       it != source.end() && it->first.first <= q.to_day; ++it) {
    std::string key = it->first.second;
    if (!by_agent) {
      auto d = departments.find(key);
      if (d == departments.end()) d = departments.emplace(key, department_of(key)).first;
      key = d->second;
    }
    grouped[{q.per_day ? it->first.first : 0, key}].add(it->second);
  }
  std::vector<StatsRow> out;
  out.reserve(grouped.size());
  for (const auto& [k, counters] : grouped) {
    StatsRow row;
    if (q.per_day) row.day = k.first;
    row.key = k.second;
    row.summary = summarize(counters, q.service_level_within);
    if (by_agent) row.summary.service_level.reset();
    out.push_back(std::move(row));
  }
  return out;
}

void CallStats::restore(std::map<LineKey, CallCounters> lines, std::map<LineKey, CallCounters> agents) {
  lines_ = std::move(lines);
  agents_ = std::move(agents);
}

}  // namespace callboard::domain
