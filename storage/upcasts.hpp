#pragma once
// Internal to storage/: the upcast table the codec consults when a record's
// schema version is older than its event's kVersion. The table itself, and
// the place to add an upcast, is storage/upcasts.cpp.

#include <cstdint>

#include "domain/events.hpp"
#include "storage/wire.hpp"

namespace callboard::storage {

// Reads an old payload and stores the current event into `out`. Returns false
// with the reader's error set when the bytes do not decode.
using UpcastDecoder = bool (*)(wire::Reader& in, domain::Event& out);

struct Upcast {
  std::uint16_t type = 0;          // domain::EventType's value
  std::uint16_t from_version = 0;  // the schema version this entry reads
  UpcastDecoder decode = nullptr;
};

// The entry for (type, from_version), or nullptr when there is none.
const Upcast* find_upcast(std::uint16_t type, std::uint16_t from_version);

// Every entry, for tests (each is checked against the event it produces).
const Upcast* upcasts_begin();
const Upcast* upcasts_end();

}  // namespace callboard::storage
