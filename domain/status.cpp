#include "domain/status.hpp"

namespace callboard {

const char* to_string(Status::Code code) {
  switch (code) {
    case Status::Code::ok: return "ok";
    case Status::Code::not_found: return "not found";
    case Status::Code::corruption: return "corruption";
    case Status::Code::conflict: return "conflict";
    case Status::Code::invalid_argument: return "invalid argument";
    case Status::Code::io_error: return "I/O error";
    case Status::Code::unavailable: return "unavailable";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(callboard::to_string(code_)) + ": " + message_;
}

}  // namespace callboard
