#include "web/crm_json.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "web/api_json.hpp"

namespace callboard::web {

namespace {

using nlohmann::json;

// "phone: +375... belongs to client 3" -> "phone"; "" when the message does
// not start with a field name.
std::string field_of(const std::string& message) {
  const std::size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0 || colon > 40) return {};
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = message[i];
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return {};
  }
  return message.substr(0, colon);
}

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a fraction";
    case json::value_t::null: return "null";
    default: return "a number";
  }
}

bool wrong(FieldError& e, const char* field, const std::string& what, const json& v) {
  e = {field, std::string("'") + field + "' must be " + what + ", not " + type_name(v)};
  return false;
}

std::string agent_name(const domain::Config& config, const domain::AgentId& login) {
  if (login.empty()) return {};
  const domain::AgentConfig* a = config.find_agent(login);
  return a ? a->name : login;
}

json login_json(const domain::Config& config, const domain::AgentId& login) {
  if (login.empty()) return nullptr;
  return {{"login", login}, {"name", agent_name(config, login)}};
}

const char* kind_name(domain::TaskKind k) { return domain::to_string(k); }

}  // namespace

HttpResponse status_response(const Status& s) {
  const std::string field = field_of(s.message());
  switch (s.code()) {
    case Status::Code::invalid_argument:
      return json_response({{"error", "bad_request"}, {"field", field}, {"message", s.message()}}, 400);
    case Status::Code::not_found:
      return error_response(404, "not_found", s.message(), field);
    case Status::Code::conflict:
      return error_response(409, "conflict", s.message(), field);
    case Status::Code::unavailable:
      return error_response(503, "unavailable", s.message()).header("Retry-After", "1");
    default:
      return error_response(500, "internal", s.message());
  }
}

bool only_fields(const json& obj, std::initializer_list<const char*> allowed, FieldError& error) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) {
      error = {it.key(), "'" + it.key() + "' is not a field of this request"};
      return false;
    }
  }
  return true;
}

bool opt_string(const json& obj, const char* field, std::size_t max_len, std::optional<std::string>& out,
                FieldError& error) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) return wrong(error, field, "a string", *it);
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_len) {
    error = {field, std::string("'") + field + "' is longer than " + std::to_string(max_len) + " bytes"};
    return false;
  }
  out = s;
  return true;
}

bool opt_int(const json& obj, const char* field, std::int64_t min, std::int64_t max,
             std::optional<std::int64_t>& out, FieldError& error) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number_integer()) return wrong(error, field, "a whole number", *it);
  std::int64_t v = 0;
  if (it->is_number_unsigned()) {
    const auto u = it->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) {
      error = {field, std::string("'") + field + "' is out of range"};
      return false;
    }
    v = static_cast<std::int64_t>(u);
  } else {
    v = it->get<std::int64_t>();
  }
  if (v < min || v > max) {
    error = {field, std::string("'") + field + "' must be from " + std::to_string(min) + " to " + std::to_string(max)};
    return false;
  }
  out = v;
  return true;
}

bool opt_bool(const json& obj, const char* field, std::optional<bool>& out, FieldError& error) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_boolean()) return wrong(error, field, "true or false", *it);
  out = it->get<bool>();
  return true;
}

bool opt_strings(const json& obj, const char* field, std::size_t max_items, std::size_t max_len,
                 std::vector<std::string>& out, FieldError& error) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_array()) return wrong(error, field, "an array of strings", *it);
  if (it->size() > max_items) {
    error = {field, std::string("'") + field + "' has more than " + std::to_string(max_items) + " items"};
    return false;
  }
  for (const auto& v : *it) {
    if (!v.is_string()) return wrong(error, field, "an array of strings", v);
    if (v.get_ref<const std::string&>().size() > max_len) {
      error = {field, std::string("an item of '") + field + "' is longer than " + std::to_string(max_len) + " bytes"};
      return false;
    }
    out.push_back(v.get<std::string>());
  }
  return true;
}

std::optional<domain::Timestamp> parse_iso8601(std::string_view t) {
  // YYYY-MM-DDTHH:MM[:SS[.f{1,6}]](Z|+HH:MM|-HH:MM)
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > t.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(0, 4, y) || t.size() < 16 || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' ||
      !digits(8, 2, d) || (t[10] != 'T' && t[10] != ' ') || !digits(11, 2, h) || t[13] != ':' ||
      !digits(14, 2, mi))
    return std::nullopt;
  std::size_t at = 16;
  std::int64_t micros = 0;
  if (at < t.size() && t[at] == ':') {
    if (!digits(at + 1, 2, s)) return std::nullopt;
    at += 3;
    if (at < t.size() && t[at] == '.') {
      std::size_t n = 0;
      ++at;
      while (at < t.size() && n < 6 && t[at] >= '0' && t[at] <= '9') {
        micros = micros * 10 + (t[at] - '0');
        ++at;
        ++n;
      }
      if (n == 0) return std::nullopt;
      for (; n < 6; ++n) micros *= 10;
    }
  }
  int offset_min = 0;
  if (at < t.size() && t[at] == 'Z') {
    ++at;
  } else if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
    int oh = 0, om = 0;
    if (!digits(at + 1, 2, oh) || at + 3 >= t.size() || t[at + 3] != ':' || !digits(at + 4, 2, om))
      return std::nullopt;
    offset_min = (oh * 60 + om) * (t[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;  // a time without its zone is ambiguous
  }
  if (at != t.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t secs = timegm(&tm);
  if (tm.tm_mday != d) return std::nullopt;  // 31 April rolled over
  return (static_cast<std::int64_t>(secs) - offset_min * 60LL) * domain::kMicrosPerSecond + micros;
}

bool opt_time(const json& obj, const char* field, std::optional<domain::Timestamp>& out, FieldError& error) {
  const std::string us_field = std::string(field) + "_us";
  std::optional<std::string> text;
  std::optional<std::int64_t> us;
  if (!opt_string(obj, field, 64, text, error)) return false;
  if (!opt_int(obj, us_field.c_str(), 1, INT64_MAX, us, error)) {
    error.field = us_field;
    return false;
  }
  if (text && us) {
    error = {field, std::string("give '") + field + "' or '" + us_field + "', not both"};
    return false;
  }
  if (text) {
    auto t = parse_iso8601(*text);
    if (!t) {
      error = {field, std::string("'") + field + "' is not an ISO-8601 time with a zone (2026-11-28T10:00:00Z)"};
      return false;
    }
    out = *t;
  } else if (us) {
    out = *us;
  }
  return true;
}

std::optional<std::int32_t> parse_day(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  auto t = parse_iso8601(std::string(text) + "T00:00Z");
  if (!t) return std::nullopt;
  return domain::CallStats::day_of(*t);
}

std::string day_string(std::int32_t day) {
  return iso8601(static_cast<domain::Timestamp>(day) * 86'400LL * domain::kMicrosPerSecond).substr(0, 10);
}

json outcome_json(const domain::CommandOutcome& o) {
  return {{"client", o.client == 0 ? json(nullptr) : json(o.client)},
          {"version", o.version},
          {"sequence", o.sequence},
          {"events", o.events}};
}

json deal_json(const domain::Deal& d) {
  return {{"id", d.id},         {"title", d.title},       {"stage", d.stage}, {"amount", d.amount},
          {"currency", d.currency}, {"closed", d.closed}, {"won", d.won}};
}

json task_json(const domain::Task& t, const domain::Config& config) {
  json j = {{"id", t.id},
            {"client", t.client == 0 ? json(nullptr) : json(t.client)},
            {"kind", kind_name(t.kind)},
            {"assignee", login_json(config, t.assignee)},
            {"department", t.department.empty() ? json(nullptr) : json(t.department)},
            {"phone", t.phone.empty() ? json(nullptr) : json(t.phone)},
            {"text", t.text},
            {"call", t.call.empty() ? json(nullptr) : json(t.call)},
            {"done", t.done},
            {"done_by", login_json(config, t.done_by)}};
  put_time(j, "due", t.due);
  put_time(j, "created", t.created);
  put_time(j, "done_at", t.done_at);
  return j;
}

json client_summary_json(const domain::Client& c, const domain::Config& config) {
  return {{"id", c.id},
          {"name", c.name},
          {"company", c.company},
          {"email", c.email},
          {"phones", c.phones},
          {"responsible", login_json(config, c.responsible)},
          {"tags", c.tags},
          {"version", c.version}};
}

namespace {
json column_json(const domain::PipelineColumn& col) {
  json deals = json::array();
  for (const auto& pd : col.deals) {
    json d = deal_json(pd.deal);
    d["client"] = pd.client;
    d["client_name"] = pd.client_name;
    d["responsible"] = pd.responsible.empty() ? json(nullptr) : json(pd.responsible);
    deals.push_back(std::move(d));
  }
  json amounts = json::object();
  for (const auto& [currency, sum] : col.amounts) amounts[currency.empty() ? "" : currency] = sum;
  return {{"stage", col.stage}, {"count", col.count}, {"amounts", amounts}, {"deals", deals}};
}
}  // namespace

json pipeline_json(const domain::Pipeline& p) {
  json stages = json::array();
  for (const auto& col : p.stages) stages.push_back(column_json(col));
  json other = column_json(p.other);
  other.erase("stage");
  return {{"stages", stages}, {"other", other}, {"won", column_json(p.won)}, {"lost", column_json(p.lost)}};
}

json stats_rows_json(const std::vector<domain::StatsRow>& rows, domain::StatsQuery::By by,
                     const domain::Config& config) {
  json out = json::array();
  for (const auto& r : rows) {
    json j;
    j["day"] = r.day ? json(day_string(*r.day)) : json(nullptr);
    if (by == domain::StatsQuery::By::agent) {
      j["agent"] = r.key;
      j["agent_name"] = agent_name(config, r.key);
    } else {
      j["department"] = r.key.empty() ? json(nullptr) : json(r.key);
    }
    const auto& s = r.summary;
    j["offered"] = s.offered;
    j["answered"] = s.answered;
    j["missed"] = s.missed;
    if (by != domain::StatsQuery::By::agent) j["abandoned"] = s.abandoned;
    j["average_wait_s"] = s.average_wait_s;
    j["average_talk_s"] = s.average_talk_s;
    if (by != domain::StatsQuery::By::agent)
      j["service_level"] = s.service_level ? json(*s.service_level) : json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace callboard::web
