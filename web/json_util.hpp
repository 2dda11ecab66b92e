#pragma once
// JSON in and out of the API: serialising never throws (invalid UTF-8 that
// came in from a SIP display name is replaced, not fatal), and request bodies
// are checked field by field so a client learns which field was wrong.
// Pure functions; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "web/http_message.hpp"

namespace callboard::web {

// Serialises compactly; bytes that are not UTF-8 become U+FFFD.
std::string dump_json(const nlohmann::json& value);

// 200 (or `status`) with the JSON body.
HttpResponse json_response(const nlohmann::json& body, int status = 200);

// What was wrong with a request's input: the field ("" for the body as a
// whole) and a sentence for a person.
struct FieldError {
  std::string field;
  std::string message;
};

// 400 {"error":"bad_request","field":...,"message":...}.
HttpResponse bad_request(const FieldError& e);

// Parses a request body that must be one JSON object. On failure returns
// nullopt and fills `error` (field "").
std::optional<nlohmann::json> parse_object(std::string_view body, FieldError& error);

// Reads obj[field] as a string of min_len..max_len bytes. On failure returns
// false and fills `error` (missing, wrong type, too short, too long).
bool read_string(const nlohmann::json& obj, const char* field, std::size_t min_len,
                 std::size_t max_len, std::string& out, FieldError& error);

// Parses a decimal unsigned integer in [min, max] (a query parameter or a
// path segment). On failure returns false and fills `error` for `field`.
bool parse_uint(std::string_view text, const char* field, std::uint64_t min, std::uint64_t max,
                std::uint64_t& out, FieldError& error);

}  // namespace callboard::web
