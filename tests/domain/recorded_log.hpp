// An in-memory event log for projection tests: events get consecutive
// global sequences and per-stream versions, as the RocksDB log gives them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "domain/events.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::test {

struct RecordedLog {
  std::vector<domain::RecordedEvent> events;
  std::map<std::string, std::uint64_t> versions;

  domain::RecordedEvent add(const std::string& stream, domain::Timestamp t, domain::Event e) {
    domain::RecordedEvent r;
    r.sequence = events.size() + 1;
    r.time = t;
    r.stream = stream;
    r.stream_version = ++versions[stream];
    r.event = std::move(e);
    events.push_back(r);
    return r;
  }
  domain::CrmViews replay() const {
    domain::CrmViews v;
    for (const auto& e : events) v.apply(e);
    return v;
  }
};

}  // namespace callboard::test
