// describe() and format_utc(): the human-readable dump of stored events, for
// `callboard events --stream client/42` and for test failure messages.

#include <cstdio>
#include <ctime>
#include <string_view>
#include <type_traits>

#include "storage/codec.hpp"
#include "storage/wire.hpp"

namespace callboard::storage {
namespace {

void quote(std::string& out, const std::string& s) {
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[5];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

template <class T>
void print_value(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_enum_v<T>) {
    const auto raw = static_cast<std::underlying_type_t<T>>(v);
    if constexpr (wire::detail::has_to_string<T>::value) {
      const std::string_view name = to_string(v);
      if (name != "unknown") {
        out += name;
        return;
      }
    }
    print_value(out, raw);
  } else if constexpr (std::is_integral_v<T>) {
    out += std::to_string(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    quote(out, v);
  } else {
    out.push_back('[');
    bool first = true;
    for (const auto& item : v) {
      if (!first) out += ", ";
      first = false;
      print_value(out, item);
    }
    out.push_back(']');
  }
}

// The i-th name of a comma-separated kFields list ("field<i>" if absent).
std::string_view field_name(std::string_view fields, std::size_t i, std::string& fallback) {
  std::size_t start = 0;
  for (std::size_t k = 0; k < i; ++k) {
    start = fields.find(',', start);
    if (start == std::string_view::npos) {
      fallback = "field" + std::to_string(i);
      return fallback;
    }
    ++start;
  }
  const std::size_t end = fields.find(',', start);
  return fields.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

std::string format_utc(domain::Timestamp micros) {
  std::int64_t secs = micros / 1'000'000;
  std::int64_t frac = micros % 1'000'000;
  if (frac < 0) {  // floor, so times before 1970 print correctly
    frac += 1'000'000;
    secs -= 1;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(micros) + "us";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

std::string describe(const domain::RecordedEvent& e) {
  std::string out = "#" + std::to_string(e.sequence) + " " + format_utc(e.time) + " " + e.stream +
                    "@" + std::to_string(e.stream_version) + " ";
  std::visit(
      [&out](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        out += E::kName;
        out.push_back('{');
        std::size_t i = 0;
        std::string fallback;
        std::apply(
            [&](const auto&... field) {
              ((out += (i ? ", " : ""), out += field_name(E::kFields, i, fallback), out += "=",
                print_value(out, field), ++i),
               ...);
            },
            ev.tie());
        out.push_back('}');
      },
      e.event);
  return out;
}

}  // namespace callboard::storage
