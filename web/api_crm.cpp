// The CRM client routes of ApiRouter: create, update, phones, responsible,
// tags, merge, search and the directory listing; and run_crm(), which every
// CRM write uses to leave the io thread. Deals, notes and tasks are in
// api_deals.cpp, CSV in api_csv.cpp, statistics in api_stats.cpp.
#include <exception>

#include "domain/client.hpp"
#include "web/api_json.hpp"
#include "web/api_router.hpp"
#include "web/crm_json.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxId = 9'007'199'254'740'991;  // 2^53-1: exact in JavaScript

bool is_agent_role(const domain::AgentConfig* a) { return a->role == domain::Role::agent; }

HttpResponse forbidden(const std::string& why) { return error_response(403, "forbidden", why); }

}  // namespace

void ApiRouter::run_crm(Responder respond, std::function<HttpResponse()> work) {
  if (!deps_.crm || !deps_.crm_workers) {
    respond(error_response(503, "unavailable", "the CRM is not running in this server"));
    return;
  }
  auto shared = std::make_shared<Responder>(std::move(respond));
  bool queued = deps_.crm_workers->submit([this, shared, work = std::move(work)] {
    HttpResponse r;
    try {
      r = work();
    } catch (const std::exception& e) {
      // A bug or memory exhaustion must cost one request, not the server.
      r = error_response(500, "internal", std::string("unexpected error: ") + e.what());
    }
    deps_.post([shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
  });
  if (!queued) (*shared)(error_response(503, "busy", "too many changes at once; try again").header("Retry-After", "1"));
}

bool ApiRouter::path_id(const Context& ctx, std::size_t index, const char* field, std::uint64_t& out,
                        HttpResponse& refusal) {
  FieldError error;
  if (parse_uint(ctx.params.at(index), field, 1, kMaxId, out, error)) return true;
  refusal = bad_request(error);
  return false;
}

// The JSON body of a write, its fields limited to `allowed` (and
// "version", the expected client version, always). Empty body: {}.
std::optional<json> ApiRouter::write_body(const Context& ctx, std::initializer_list<const char*> allowed,
                                          std::optional<std::uint64_t>& version, HttpResponse& refusal) {
  FieldError error;
  json body = json::object();
  if (!ctx.request.body.empty()) {
    auto parsed = parse_object(ctx.request.body, error);
    if (!parsed) {
      refusal = bad_request(error);
      return std::nullopt;
    }
    body = std::move(*parsed);
  }
  std::optional<std::int64_t> v;
  if (!opt_int(body, "version", 0, INT64_MAX, v, error)) {
    refusal = bad_request(error);
    return std::nullopt;
  }
  if (v) version = static_cast<std::uint64_t>(*v);
  body.erase("version");
  if (!only_fields(body, allowed, error)) {
    refusal = bad_request(error);
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> ApiRouter::phone_field(const std::string& raw, const char* field,
                                                  HttpResponse& refusal) const {
  auto e164 = raw.size() <= 64 ? deps_.phones->normalize(raw) : std::nullopt;
  if (!e164) refusal = error_response(400, "invalid_phone", "'" + raw + "' is not a phone number", field);
  return e164;
}

// Executes a command on a worker; `ok` builds the success response from
// the outcome (reading the views, which already hold the change).
void ApiRouter::command(domain::CommandEnvelope env, Responder respond,
                        std::function<HttpResponse(const domain::CommandOutcome&)> ok) {
  run_crm(std::move(respond), [this, env = std::move(env), ok = std::move(ok)] {
    auto r = deps_.crm->execute(env);
    if (!r) return status_response(r.status());
    return ok(*r);
  });
}

HttpResponse ApiRouter::client_written(const domain::CommandOutcome& o, int status) {
  json j = outcome_json(o);
  deps_.views->read([&](const domain::CrmViews& v) {
    auto card = v.card(o.client, 10);
    j["card"] = card ? card_json(*card, *deps_.config) : json(nullptr);
    return 0;
  });
  return json_response(j, status);
}

void ApiRouter::post_client(const Context& ctx, Responder respond) {
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  auto body = write_body(ctx, {"name", "company", "email", "phones", "responsible", "tags", "deal"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  std::string name;
  std::optional<std::string> company, email, responsible;
  std::vector<std::string> phones, tags;
  if (!read_string(*body, "name", 1, domain::kMaxNameBytes, name, error) ||
      !opt_string(*body, "company", domain::kMaxNameBytes, company, error) ||
      !opt_string(*body, "email", domain::kMaxEmailBytes, email, error) ||
      !opt_string(*body, "responsible", 64, responsible, error) ||
      !opt_strings(*body, "phones", domain::kMaxPhonesPerClient, 64, phones, error) ||
      !opt_strings(*body, "tags", domain::kMaxTagsPerClient, domain::kMaxTagBytes, tags, error))
    return respond(bad_request(error));
  domain::CreateClient c;
  c.client.name = name;
  c.client.company = company.value_or("");
  c.client.email = email.value_or("");
  c.client.tags = tags;
  c.client.responsible = responsible.value_or("");
  for (const auto& p : phones) {
    auto e164 = phone_field(p, "phones", refusal);
    if (!e164) return respond(refusal);
    c.client.phones.push_back(*e164);
  }
  if (is_agent_role(ctx.agent) && !c.client.responsible.empty() && c.client.responsible != ctx.agent->login)
    return respond(forbidden("an agent may make only himself responsible for a client"));
  if (auto deal = body->find("deal"); deal != body->end() && !deal->is_null()) {
    if (!deal->is_object()) return respond(bad_request({"deal", "'deal' must be an object"}));
    std::string title;
    std::optional<std::string> stage, currency;
    std::optional<std::int64_t> amount;
    if (!only_fields(*deal, {"title", "stage", "amount", "currency"}, error) ||
        !read_string(*deal, "title", 1, domain::kMaxNameBytes, title, error) ||
        !opt_string(*deal, "stage", 64, stage, error) || !opt_string(*deal, "currency", 8, currency, error) ||
        !opt_int(*deal, "amount", 0, INT64_MAX, amount, error)) {
      error.field = "deal." + error.field;
      return respond(bad_request(error));
    }
    c.client.deal_title = title;
    c.client.deal_stage = stage.value_or("");
    c.client.deal_amount = amount.value_or(0);
    c.client.deal_currency = currency.value_or("");
  }
  command({c, ctx.agent->login, std::nullopt}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 201); });
}

void ApiRouter::patch_client(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"name", "company", "email"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  domain::UpdateClient u;
  u.client = id;
  if (!opt_string(*body, "name", domain::kMaxNameBytes, u.name, error) ||
      !opt_string(*body, "company", domain::kMaxNameBytes, u.company, error) ||
      !opt_string(*body, "email", domain::kMaxEmailBytes, u.email, error))
    return respond(bad_request(error));
  command({u, ctx.agent->login, version}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 200); });
}

void ApiRouter::post_client_phone(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"phone"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  std::string raw;
  if (!read_string(*body, "phone", 1, 64, raw, error)) return respond(bad_request(error));
  auto e164 = phone_field(raw, "phone", refusal);
  if (!e164) return respond(refusal);
  command({domain::LinkPhone{id, *e164}, ctx.agent->login, version}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 200); });
}

void ApiRouter::delete_client_phone(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto e164 = phone_field(ctx.params.at(1), "phone", refusal);
  if (!e164) return respond(refusal);
  command({domain::UnlinkPhone{id, *e164}, ctx.agent->login, std::nullopt}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 200); });
}

void ApiRouter::put_client_responsible(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"agent"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  if (body->find("agent") == body->end()) return respond(bad_request({"agent", "'agent' is required (a login or null)"}));
  std::optional<std::string> agent;
  if (!opt_string(*body, "agent", 64, agent, error)) return respond(bad_request(error));
  const domain::AgentConfig* me = ctx.agent;
  if (is_agent_role(me)) {
    // An agent takes a client for himself, or gives up his own.
    if (agent && *agent != me->login)
      return respond(forbidden("an agent may make only himself responsible for a client"));
    if (!agent) {
      auto current = deps_.views->read([&](const domain::CrmViews& v) {
        const domain::Client* c = v.client(id);
        return c ? c->responsible : std::string();
      });
      if (!current.empty() && current != me->login)
        return respond(forbidden("only a supervisor may take a client from another agent"));
    }
  }
  command({domain::AssignResponsible{id, agent.value_or("")}, me->login, version}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 200); });
}

void ApiRouter::post_client_tag(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  auto body = write_body(ctx, {"tag"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  std::string tag;
  if (!read_string(*body, "tag", 1, domain::kMaxTagBytes, tag, error)) return respond(bad_request(error));
  command({domain::AddTag{id, tag}, ctx.agent->login, version}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 200); });
}

void ApiRouter::delete_client_tag(const Context& ctx, Responder respond) {
  std::uint64_t id = 0;
  HttpResponse refusal;
  if (!path_id(ctx, 0, "id", id, refusal)) return respond(refusal);
  command({domain::RemoveTag{id, ctx.params.at(1)}, ctx.agent->login, std::nullopt}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 200); });
}

void ApiRouter::post_clients_merge(const Context& ctx, Responder respond) {
  std::optional<std::uint64_t> version;
  HttpResponse refusal;
  auto body = write_body(ctx, {"client", "merged"}, version, refusal);
  if (!body) return respond(refusal);
  FieldError error;
  std::optional<std::int64_t> survivor, merged;
  if (!opt_int(*body, "client", 1, kMaxId, survivor, error) || !opt_int(*body, "merged", 1, kMaxId, merged, error))
    return respond(bad_request(error));
  if (!survivor) return respond(bad_request({"client", "'client' (the survivor's id) is required"}));
  if (!merged) return respond(bad_request({"merged", "'merged' (the id to absorb) is required"}));
  domain::MergeClients m{static_cast<domain::ClientId>(*survivor), static_cast<domain::ClientId>(*merged)};
  command({m, ctx.agent->login, version}, std::move(respond),
          [this](const domain::CommandOutcome& o) { return client_written(o, 200); });
}

HttpResponse ApiRouter::get_clients(const Context& ctx) {
  const auto& q = ctx.target.query;
  if (q.count("phone")) return get_clients_by_phone(ctx);
  FieldError error;
  std::uint64_t limit = 0;
  auto it = q.find("q");
  if (it != q.end()) {
    if (it->second.size() > 200) return bad_request({"q", "'q' is longer than 200 bytes"});
    limit = 20;
    if (auto l = q.find("limit"); l != q.end() && !parse_uint(l->second, "limit", 1, 100, limit, error))
      return bad_request(error);
    json clients = json::array();
    deps_.views->read([&](const domain::CrmViews& v) {
      for (domain::ClientId id : v.search(it->second, limit)) {
        if (const domain::Client* c = v.client(id)) clients.push_back(client_summary_json(*c, *deps_.config));
      }
      return 0;
    });
    return json_response({{"query", it->second}, {"clients", clients}});
  }
  if (!q.count("after") && !q.count("limit"))
    return bad_request({"phone", "give 'phone' (lookup), 'q' (search) or 'after'/'limit' (the directory by id)"});
  std::uint64_t after = 0;
  limit = 100;
  if (auto a = q.find("after"); a != q.end() && !parse_uint(a->second, "after", 0, kMaxId, after, error))
    return bad_request(error);
  if (auto l = q.find("limit"); l != q.end() && !parse_uint(l->second, "limit", 1, 500, limit, error))
    return bad_request(error);
  json clients = json::array();
  json next = nullptr;
  deps_.views->read([&](const domain::CrmViews& v) {
    auto ids = v.client_ids(after, limit);
    for (domain::ClientId id : ids) {
      if (const domain::Client* c = v.client(id)) clients.push_back(client_summary_json(*c, *deps_.config));
    }
    if (ids.size() == limit) next = ids.back();
    return 0;
  });
  return json_response({{"clients", clients}, {"next_after", next}});
}

}  // namespace callboard::web
