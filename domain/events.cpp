#include "domain/events.hpp"

namespace callboard::domain {

EventType type_of(const Event& e) {
  return std::visit([](const auto& ev) { return std::decay_t<decltype(ev)>::kType; }, e);
}

const char* name_of(const Event& e) {
  return std::visit([](const auto& ev) { return std::decay_t<decltype(ev)>::kName; }, e);
}

namespace {
template <std::size_t I = 0>
const char* name_for_tag(EventType t) {
  if constexpr (I == std::variant_size_v<Event>) {
    return "";
  } else {
    using E = std::variant_alternative_t<I, Event>;
    return E::kType == t ? E::kName : name_for_tag<I + 1>(t);
  }
}
}  // namespace

const char* name_of(EventType t) { return name_for_tag(t); }

}  // namespace callboard::domain
