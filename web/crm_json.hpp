#pragma once
// JSON in and out of the CRM routes (docs/api.md, "CRM"): reading optional
// fields with their types checked, mapping a command's Status to an HTTP
// error, and the shapes of tasks, deals, the pipeline, statistics rows and
// command results. Pure functions; any thread.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/client_commands.hpp"
#include "domain/config.hpp"
#include "domain/status.hpp"
#include "domain/views/crm_views.hpp"
#include "web/http_message.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

// A command's failure as an HTTP response:
//   invalid_argument -> 400 bad_request, field = the text before ": "
//   not_found        -> 404 not_found (field when the message names one)
//   conflict         -> 409 conflict (field when the message names one)
//   unavailable      -> 503 unavailable (Retry-After: 1)
//   io_error, corruption -> 500 internal
HttpResponse status_response(const Status& s);

// Refuses members other than `allowed` (a typo must not be ignored).
bool only_fields(const nlohmann::json& obj, std::initializer_list<const char*> allowed, FieldError& error);

// Absent or null: out stays nullopt, true. Present with the wrong type or
// size: false and `error`.
bool opt_string(const nlohmann::json& obj, const char* field, std::size_t max_len,
                std::optional<std::string>& out, FieldError& error);
bool opt_int(const nlohmann::json& obj, const char* field, std::int64_t min, std::int64_t max,
             std::optional<std::int64_t>& out, FieldError& error);
bool opt_bool(const nlohmann::json& obj, const char* field, std::optional<bool>& out, FieldError& error);
bool opt_strings(const nlohmann::json& obj, const char* field, std::size_t max_items, std::size_t max_len,
                 std::vector<std::string>& out, FieldError& error);
// A time as "due": ISO-8601 ("2026-11-28T10:00:00Z", "...+03:00") or
// "due_us": microseconds since the epoch. At most one of them.
bool opt_time(const nlohmann::json& obj, const char* field, std::optional<domain::Timestamp>& out,
              FieldError& error);
std::optional<domain::Timestamp> parse_iso8601(std::string_view text);

// "2026-11-27" <-> UTC days since 1970-01-01.
std::optional<std::int32_t> parse_day(std::string_view text);
std::string day_string(std::int32_t day);

nlohmann::json outcome_json(const domain::CommandOutcome& o);
nlohmann::json deal_json(const domain::Deal& d);
nlohmann::json task_json(const domain::Task& t, const domain::Config& config);
nlohmann::json client_summary_json(const domain::Client& c, const domain::Config& config);
nlohmann::json pipeline_json(const domain::Pipeline& p);
nlohmann::json stats_rows_json(const std::vector<domain::StatsRow>& rows, domain::StatsQuery::By by,
                               const domain::Config& config);

}  // namespace callboard::web
