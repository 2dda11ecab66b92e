#include "web/json_util.hpp"

namespace callboard::web {

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse json_response(const nlohmann::json& body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = dump_json(body);
  return r;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::string_view field) {
  nlohmann::json body = {{"error", code}, {"message", message}};
  if (!field.empty()) body["field"] = field;
  return json_response(body, status);
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

HttpResponse bad_request(const FieldError& e) {
  // The field is always present for bad_request ("" means the whole body),
  // so clients can rely on it.
  return json_response({{"error", "bad_request"}, {"field", e.field}, {"message", e.message}},
                       400);
}

std::optional<nlohmann::json> parse_object(std::string_view body, FieldError& error) {
  // allow_exceptions = false: malformed input yields a "discarded" value.
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) {
    error = {"", "the body is not valid JSON"};
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = {"", "the body must be a JSON object"};
    return std::nullopt;
  }
  return j;
}

bool read_string(const nlohmann::json& obj, const char* field, std::size_t min_len,
                 std::size_t max_len, std::string& out, FieldError& error) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    error = {field, std::string("'") + field + "' is required"};
    return false;
  }
  if (!it->is_string()) {
    error = {field, std::string("'") + field + "' must be a string"};
    return false;
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() < min_len) {
    error = {field, std::string("'") + field + "' is too short"};
    return false;
  }
  if (s.size() > max_len) {
    error = {field, std::string("'") + field + "' is longer than " + std::to_string(max_len) +
                        " bytes"};
    return false;
  }
  out = s;
  return true;
}

bool parse_uint(std::string_view text, const char* field, std::uint64_t min, std::uint64_t max,
                std::uint64_t& out, FieldError& error) {
  auto fail = [&] {
    error = {field, std::string("'") + field + "' must be an integer from " +
                        std::to_string(min) + " to " + std::to_string(max)};
    return false;
  };
  if (text.empty() || text.size() > 19) return fail();
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fail();
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v < min || v > max) return fail();
  out = v;
  return true;
}

}  // namespace callboard::web
