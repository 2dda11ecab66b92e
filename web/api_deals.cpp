// The CRM routes of ApiRouter for deals, notes and tasks, and the deal
// pipeline and task lists. Client routes and run_crm() are in api_crm.cpp.
#include "domain/client.hpp"
#include "web/api_json.hpp"
#include "web/api_router.hpp"
#include "web/crm_json.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {

using nlohmann::json;

constexpr std::int64_t kMaxAmount = 9'007'199'254'740'991;  // exact in JavaScript
constexpr std::uint64_t kMaxId = 9'007'199'254'740'991;

}  // namespace

HttpResponse ApiRouter::deal_written(const domain::CommandOutcome& o, domain::DealId deal, int status) {
  json j = outcome_json(o);
  deps_.views->read([&](const domain::CrmViews& v) {
    const domain::Deal* d = v.deal(deal);
    j["deal"] = d ? deal_json(*d) : json(nullptr);
    return 0;
  });
  return json_response(j, status);
}

void ApiRouter::post_deal(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"title", "stage", "amount", "currency"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  domain::OpenDeal d;
  d.client = id;
  std::optional<std::string> stage, currency;
  std::optional<std::int64_t> amount;
  if (!read_string(*body, "title", 1, domain::kMaxNameBytes, d.title, error) ||
      !opt_string(*body, "stage", 64, stage, error) || !opt_string(*body, "currency", 8, currency, error) ||
      !opt_int(*body, "amount", 0, kMaxAmount, amount, error))
    return respond(bad_request(error));
  d.stage = stage.value_or("");
  d.currency = currency.value_or("");
  d.amount = amount.value_or(0);
  command({d, ctx.agent->login, version}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return deal_written(o, o.id, 201); });
}

void ApiRouter::patch_deal(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::uint64_t deal = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal) || !path_id(ctx, 1, "deal", deal, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"stage", "amount", "currency"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  std::optional<std::string> stage, currency;
  std::optional<std::int64_t> amount;
  if (!opt_string(*body, "stage", 64, stage, error) || !opt_string(*body, "currency", 8, currency, error) ||
      !opt_int(*body, "amount", 0, kMaxAmount, amount, error))
    return respond(bad_request(error));
  if (!stage && !amount && !currency)
    return respond(bad_request({"", "give 'stage', or 'amount' and 'currency'"}));
  if (currency && !amount) return respond(bad_request({"amount", "'amount' goes with 'currency'"}));
  domain::UpdateDeal u{id, deal, stage, amount, currency.value_or("")};
  command({u, ctx.agent->login, version}, std::move(respond),
          [this, deal](const domain::CommandOutcome& o) { return deal_written(o, deal, 200); });
}

void ApiRouter::post_deal_close(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::uint64_t deal = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal) || !path_id(ctx, 1, "deal", deal, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"won", "reason"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  std::optional<bool> won;
  std::optional<std::string> reason;
  if (!opt_bool(*body, "won", won, error) || !opt_string(*body, "reason", domain::kMaxReasonBytes, reason, error))
    return respond(bad_request(error));
  if (!won) return respond(bad_request({"won", "'won' (true or false) is required"}));
  command({domain::CloseDeal{id, deal, *won, reason.value_or("")}, ctx.agent->login, version},
          std::move(respond), [this, deal](const domain::CommandOutcome& o) { return deal_written(o, deal, 200); });
}

void ApiRouter::post_note(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"text", "call"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  domain::AddNote n;
  n.client = id;
  std::optional<std::string> call;
  if (!read_string(*body, "text", 1, domain::kMaxNoteBytes, n.text, error) ||
      !opt_string(*body, "call", 128, call, error))
    return respond(bad_request(error));
  n.call = call.value_or("");
  command({n, ctx.agent->login, version}, std::move(respond), [](const domain::CommandOutcome& o) {
    json j = outcome_json(o);
    j["note"] = o.id;
    return json_response(j, 201);
  });
}

// POST /api/tasks (client optional) and POST /api/clients/{id}/tasks.
void ApiRouter::post_task(const Context& ctx, Responder respond) {
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  std::uint64_t client = 0;
  if (!ctx.params.empty() && !path_id(ctx, 0, "id", client, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"client", "kind", "assignee", "department", "due", "due_us", "phone", "text", "call"},
                         version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  std::optional<std::int64_t> body_client;
  std::optional<std::string> kind, assignee, department, phone, text, call;
  std::optional<domain::Timestamp> due;
  if (!opt_int(*body, "client", 1, static_cast<std::int64_t>(kMaxId), body_client, error) ||
      !opt_string(*body, "kind", 16, kind, error) || !opt_string(*body, "assignee", 64, assignee, error) ||
      !opt_string(*body, "department", 64, department, error) || !opt_string(*body, "phone", 64, phone, error) ||
      !opt_string(*body, "text", domain::kMaxTaskTextBytes, text, error) ||
      !opt_string(*body, "call", 128, call, error) || !opt_time(*body, "due", due, error))
    return respond(bad_request(error));
  if (ctx.params.empty() && body_client) client = static_cast<std::uint64_t>(*body_client);
  if (!ctx.params.empty() && body_client && static_cast<std::uint64_t>(*body_client) != client)
    return respond(bad_request({"client", "'client' differs from the client in the path"}));
  if (!due) return respond(bad_request({"due", "'due' (or 'due_us') is required"}));
  domain::CreateTask t;
  t.client = client;
  t.kind = domain::TaskKind::call_back;
  if (kind && *kind == "other") t.kind = domain::TaskKind::other;
  else if (kind && *kind != "call_back") return respond(bad_request({"kind", "'kind' is call_back or other"}));
  t.assignee = assignee.value_or("");
  t.department = department.value_or("");
  t.due = *due;
  t.text = text.value_or("");
  t.call = call.value_or("");
  if (phone) {
    auto e164 = phone_field(*phone, "phone", refusal);
    if (!e164) return respond(refusal);
    t.phone = *e164;
  }
  command({t, ctx.agent->login, version}, std::move(respond), [this](const domain::CommandOutcome& o) {
    json j = outcome_json(o);
    deps_.views->read([&](const domain::CrmViews& v) {
      const domain::Task* task = v.tasks().find(o.id);
      j["task"] = task ? task_json(*task, *deps_.config) : json(nullptr);
      return 0;
    });
    return json_response(j, 201);
  });
}

void ApiRouter::post_task_done(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto client = deps_.views->read([&](const domain::CrmViews& v) -> std::optional<domain::ClientId> {
    const domain::Task* t = v.tasks().find(id);
    if (!t) return std::nullopt;
    return v.resolve(t->client);
  });
  if (!client) return respond(error_response(404, "not_found", "no task " + std::to_string(id)));
  command({domain::CompleteTask{*client, id}, ctx.agent->login, std::nullopt}, std::move(respond),
          [this, id](const domain::CommandOutcome& o) {
            json j = outcome_json(o);
            deps_.views->read([&](const domain::CrmViews& v) {
              const domain::Task* task = v.tasks().find(id);
              j["task"] = task ? task_json(*task, *deps_.config) : json(nullptr);
              return 0;
            });
            return json_response(j, 200);
          });
}

HttpResponse ApiRouter::get_tasks(const Context& ctx) {
  const auto& q = ctx.target.query;
  FieldError error;
  domain::TaskFilter f;
  if (auto it = q.find("state"); it != q.end()) {
    if (it->second == "open") f.state = domain::TaskFilter::State::open;
    else if (it->second == "done") f.state = domain::TaskFilter::State::done;
    else if (it->second == "all") f.state = domain::TaskFilter::State::any;
    else return bad_request({"state", "'state' is open, done or all"});
  }
  if (auto it = q.find("assignee"); it != q.end()) f.assignee = it->second == "me" ? ctx.agent->login : it->second;
  if (auto it = q.find("department"); it != q.end()) f.department = it->second;
  if (auto it = q.find("client"); it != q.end()) {
    std::uint64_t c = 0;
    if (!parse_uint(it->second, "client", 1, kMaxId, c, error)) return bad_request(error);
    f.client = c;
  }
  if (auto it = q.find("overdue"); it != q.end()) {
    if (it->second != "true" && it->second != "false") return bad_request({"overdue", "'overdue' is true or false"});
    if (it->second == "true") f.due_before = deps_.clock->now();
  }
  std::uint64_t limit = 100;
  if (auto it = q.find("limit"); it != q.end() && !parse_uint(it->second, "limit", 1, 1000, limit, error))
    return bad_request(error);
  json tasks = json::array();
  deps_.views->read([&](const domain::CrmViews& v) {
    if (f.client) f.client = v.resolve(*f.client);
    for (const auto& t : v.tasks().list(f, limit)) tasks.push_back(task_json(t, *deps_.config));
    return 0;
  });
  return json_response({{"tasks", tasks}});
}

HttpResponse ApiRouter::get_deals(const Context& ctx) {
  const auto& q = ctx.target.query;
  FieldError error;
  std::uint64_t per_stage = 50;
  if (auto it = q.find("per_stage"); it != q.end() && !parse_uint(it->second, "per_stage", 0, 500, per_stage, error))
    return bad_request(error);
  std::string responsible;
  if (auto it = q.find("responsible"); it != q.end()) responsible = it->second == "me" ? ctx.agent->login : it->second;
  json body = deps_.views->read([&](const domain::CrmViews& v) {
    return pipeline_json(v.pipeline(deps_.config->deal_stages, per_stage, responsible));
  });
  return json_response(body);
}

}  // namespace callboard::web
