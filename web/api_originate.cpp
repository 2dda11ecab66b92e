// POST /api/calls/originate: click-to-call from a client's card
// (docs/api.md, "Click-to-call"). The request is checked here, on the io
// thread, against the configuration and the views; placing the call waits
// for the agent's actor, so it runs on a CRM worker.
#include <algorithm>
#include <exception>

#include "web/api_json.hpp"
#include "web/api_router.hpp"
#include "web/crm_json.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {

using nlohmann::json;

constexpr std::int64_t kMaxId = 9'007'199'254'740'991;  // 2^53-1: exact in JavaScript

HttpResponse placed_or_refused(const actors::OriginateReply& r, const actors::OriginateRequest& request) {
  switch (r.code) {
    case domain::OriginateCode::placed:
      return json_response(
          {{"call", r.call}, {"agent", request.agent}, {"client", request.client}, {"phone", request.number}}, 202);
    case domain::OriginateCode::busy:
    case domain::OriginateCode::offline:
    case domain::OriginateCode::paused:
      return error_response(409, domain::to_string(r.code), r.message);
    case domain::OriginateCode::unavailable:
      break;
  }
  return error_response(503, "unavailable", r.message).header("Retry-After", "1");
}

}  // namespace

void ApiRouter::post_originate(const Context& ctx, Responder respond) {
  if (!deps_.config->outbound.enabled())
    return respond(error_response(501, "not_implemented",
                                  "click-to-call needs an outbound route: set outbound.route in the configuration"));
  FieldError error;
  auto body = parse_object(ctx.request.body, error);
  std::optional<std::int64_t> client;
  std::optional<std::string> phone;
  std::optional<std::string> agent;
  if (!body || !only_fields(*body, {"client", "phone", "agent"}, error) ||
      !opt_int(*body, "client", 1, kMaxId, client, error) || !opt_string(*body, "phone", 64, phone, error) ||
      !opt_string(*body, "agent", 64, agent, error))
    return respond(bad_request(error));
  if (!client && !phone)
    return respond(bad_request({"client", "'client' (the id of the client to call) or 'phone' is required"}));

  // Whose phone rings first: his own; a supervisor may place a call for
  // another agent.
  const domain::AgentConfig* caller = ctx.agent;
  if (agent && *agent != ctx.agent->login) {
    if (ctx.agent->role == domain::Role::agent)
      return respond(error_response(403, "forbidden", "an agent places calls from his own phone only", "agent"));
    caller = deps_.config->find_agent(*agent);
    if (!caller) return respond(error_response(404, "not_found", "no agent '" + *agent + "'", "agent"));
  }

  // The number: one of the client's (his first unless another is named);
  // or, without a client (a department's call-back to an unknown caller),
  // the number given, the call filed under whoever owns it by then.
  struct Found {
    domain::ClientId id = 0;
    std::vector<std::string> phones;
  };
  std::string number;
  if (phone) {
    HttpResponse refusal;
    auto e164 = phone_field(*phone, "phone", refusal);
    if (!e164) return respond(refusal);
    number = *e164;
  }
  const auto found = deps_.views->read([&](const domain::CrmViews& v) {
    Found f;
    const domain::Client* c = client ? v.client(static_cast<domain::ClientId>(*client))
                                     : v.client(v.client_by_phone(number).value_or(0));
    if (c) {
      f.id = c->id;  // a merged-away id resolves to the client it lives on as
      f.phones = c->phones;
    }
    return f;
  });
  if (client && found.id == 0)
    return respond(error_response(404, "not_found", "no client " + std::to_string(*client), "client"));
  if (client && phone) {
    if (std::find(found.phones.begin(), found.phones.end(), number) == found.phones.end())
      return respond(bad_request({"phone", number + " is not a number of client " + std::to_string(found.id)}));
  } else if (client) {
    if (found.phones.empty())
      return respond(bad_request({"phone", "client " + std::to_string(found.id) + " has no phone number to call"}));
    number = found.phones.front();
  }

  if (!deps_.originate || !deps_.crm_workers)
    return respond(error_response(503, "unavailable", "calls cannot be placed in this server"));
  actors::OriginateRequest request{caller->login, found.id, number};
  auto shared = std::make_shared<Responder>(std::move(respond));
  const bool queued = deps_.crm_workers->submit([this, shared, request] {
    HttpResponse r;
    try {
      r = placed_or_refused(deps_.originate->originate(request), request);
    } catch (const std::exception& e) {
      r = error_response(500, "internal", std::string("unexpected error: ") + e.what());
    }
    deps_.post([shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
  });
  if (!queued)
    (*shared)(error_response(503, "busy", "too many requests at once; try again").header("Retry-After", "1"));
}

}  // namespace callboard::web
