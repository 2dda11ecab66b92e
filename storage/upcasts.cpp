// Upcasts: how a payload written with an older schema version of an event
// becomes today's struct. To add one when you bump an event's kVersion:
//   1. copy the event's previous layout into namespace `old` below as
//      vN::Name, with kType, kVersion = N and tie() exactly as they were;
//   2. beside it, write `domain::Name upcast(Name&& o)` filling the new
//      fields (found by argument-dependent lookup, so keep it in vN);
//   3. add one line to kUpcasts: entry<old::vN::Name>().
// Every older version still on disk needs its own line (an upcast may call
// another to chain vN -> vN+1 -> current). Never delete a line while a log
// may still hold that version. FORMAT.md lists the versions.

#include "storage/upcasts.hpp"

#include <utility>

namespace callboard::storage {
namespace {

namespace old {
namespace v1 {

// ClientCreated v1: before email existed.
struct ClientCreated {
  static constexpr domain::EventType kType = domain::EventType::client_created;
  static constexpr std::uint16_t kVersion = 1;
  domain::ClientId client = 0;
  std::string name;
  std::string company;
  auto tie() { return std::tie(client, name, company); }
  auto tie() const { return std::tie(client, name, company); }
};
domain::ClientCreated upcast(ClientCreated&& o) {
  domain::ClientCreated e;
  e.client = o.client;
  e.name = std::move(o.name);
  e.company = std::move(o.company);
  e.email = "";
  return e;
}

}  // namespace v1
}  // namespace old

// Decodes Old's fields generically, then converts with its upcast().
template <class Old>
bool decode_old(wire::Reader& in, domain::Event& out) {
  Old o;
  if (!wire::get_fields(in, o)) return false;
  out = upcast(std::move(o));
  return true;
}

template <class Old>
constexpr Upcast entry() {
  using New = decltype(upcast(std::declval<Old&&>()));
  static_assert(Old::kType == New::kType, "an upcast must produce the same event type");
  static_assert(Old::kVersion < New::kVersion, "an upcast must read an older version");
  return Upcast{static_cast<std::uint16_t>(Old::kType), Old::kVersion, &decode_old<Old>};
}

// One line per (event, old version).
constexpr Upcast kUpcasts[] = {
    entry<old::v1::ClientCreated>(),
};

}  // namespace

const Upcast* find_upcast(std::uint16_t type, std::uint16_t from_version) {
  for (const Upcast& u : kUpcasts) {
    if (u.type == type && u.from_version == from_version) return &u;
  }
  return nullptr;
}

const Upcast* upcasts_begin() { return std::begin(kUpcasts); }
const Upcast* upcasts_end() { return std::end(kUpcasts); }

}  // namespace callboard::storage
