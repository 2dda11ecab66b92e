// Supervisor reports of ApiRouter: call statistics, and the views' digest
// (what the crash test compares with a full replay by `callboard replay`).
#include "web/api_json.hpp"
#include "web/api_router.hpp"
#include "web/crm_json.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {
using nlohmann::json;
constexpr std::int32_t kMaxDays = 366;
}  // namespace

HttpResponse ApiRouter::get_call_stats(const Context& ctx) {
  const auto& q = ctx.target.query;
  FieldError error;
  domain::StatsQuery query;
  const std::int32_t today = domain::CallStats::day_of(deps_.clock->now());
  query.from_day = today;
  query.to_day = today;
  for (const char* name : {"from", "to"}) {
    auto it = q.find(name);
    if (it == q.end()) continue;
    auto day = parse_day(it->second);
    if (!day) return bad_request({name, std::string("'") + name + "' must be a date, YYYY-MM-DD"});
    (std::string(name) == "from" ? query.from_day : query.to_day) = *day;
  }
  if (q.count("from") && !q.count("to")) query.to_day = std::max(query.from_day, today);
  if (query.to_day < query.from_day) return bad_request({"to", "'to' is before 'from'"});
  if (query.to_day - query.from_day >= kMaxDays) return bad_request({"to", "at most 366 days at once"});
  if (auto it = q.find("by"); it != q.end()) {
    if (it->second == "agent") query.by = domain::StatsQuery::By::agent;
    else if (it->second != "department") return bad_request({"by", "'by' is department or agent"});
  }
  if (auto it = q.find("per_day"); it != q.end()) {
    if (it->second != "true" && it->second != "false") return bad_request({"per_day", "'per_day' is true or false"});
    query.per_day = it->second == "true";
  }
  std::uint64_t sl = 20;
  if (auto it = q.find("sl"); it != q.end() && !parse_uint(it->second, "sl", 1, 3600, sl, error))
    return bad_request(error);
  query.service_level_within = static_cast<domain::Duration>(sl) * domain::kMicrosPerSecond;
  const domain::Config& config = *deps_.config;
  auto rows = deps_.views->read([&](const domain::CrmViews& v) {
    return v.call_stats(query, [&config](const std::string& dialled) {
      const domain::EntryPointConfig* e = config.find_entry_point(dialled);
      return e ? e->department : std::string();
    });
  });
  return json_response({{"from", day_string(query.from_day)},
                        {"to", day_string(query.to_day)},
                        {"by", query.by == domain::StatsQuery::By::agent ? "agent" : "department"},
                        {"service_level_s", sl},
                        {"rows", stats_rows_json(rows, query.by, config)}});
}

void ApiRouter::get_views_digest(const Context&, Responder respond) {
  // Hashing a large directory takes a while: off the io thread.
  run_crm(std::move(respond), [this] {
    json j = deps_.views->read([](const domain::CrmViews& v) {
      return json{{"sequence", v.last_sequence()},
                  {"digest", v.digest()},
                  {"clients", v.client_count()},
                  {"calls", v.call_count()},
                  {"tasks", v.tasks().size()}};
    });
    return json_response(j);
  });
}

}  // namespace callboard::web
