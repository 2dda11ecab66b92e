#pragma once
// Helpers shared by the storage tests: temporary directories, events with
// every field filled (generic over tie()), and a canonical dump of CrmViews
// for comparing two sets of views.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "domain/events.hpp"
#include "domain/views/crm_views.hpp"
#include "storage/codec.hpp"
#include "storage/event_log.hpp"

namespace callboard {
// Lets Boost.Test print status codes in failed comparisons.
inline std::ostream& operator<<(std::ostream& o, Status::Code c) { return o << to_string(c); }
}  // namespace callboard

namespace callboard::storage::test {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/callboard-storage-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `condition` until it holds or `limit` passes; true if it held.
template <class F>
bool wait_until(F&& condition, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// ---- events with every field set --------------------------------------------

enum class Fill { defaults, high, low };

template <class T>
void fill_field(T& v, Fill how, int index) {
  if constexpr (std::is_same_v<T, bool>) {
    v = how == Fill::high;
  } else if constexpr (std::is_enum_v<T>) {
    // The highest (or lowest) value the domain names.
    using U = std::underlying_type_t<T>;
    for (int u = 0; u <= 255; ++u) {
      const T candidate = static_cast<T>(static_cast<U>(how == Fill::high ? 255 - u : u));
      if (std::string(to_string(candidate)) != "unknown") {
        v = candidate;
        return;
      }
    }
  } else if constexpr (std::is_integral_v<T>) {
    // Extremes exercise every varint length and the zigzag sign.
    v = how == Fill::high ? static_cast<T>(std::numeric_limits<T>::max() - index)
                          : static_cast<T>(std::numeric_limits<T>::min() + index);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (how == Fill::high)
      v = "Иван \"Ромашка\" \\ \n\t" + std::string(1, '\0') + "#" + std::to_string(index) +
          std::string(200, 'x');
    else
      v = "";
  } else {
    v.clear();
    if (how == Fill::high) v = {"first", "", "Жанна", std::string(1, '\0')};
  }
}

template <class E>
E filled(Fill how) {
  E e{};
  if (how == Fill::defaults) return e;
  int index = 0;
  std::apply([&](auto&... f) { (fill_field(f, how, index++), ...); }, e.tie());
  return e;
}

// Calls f(E{}) for every event type in the variant (a new event is covered
// automatically).
template <class F, std::size_t... I>
void for_each_event_type_impl(F&& f, std::index_sequence<I...>) {
  (f(std::variant_alternative_t<I, domain::Event>{}), ...);
}
template <class F>
void for_each_event_type(F&& f) {
  for_each_event_type_impl(std::forward<F>(f),
                           std::make_index_sequence<std::variant_size_v<domain::Event>>());
}

inline NewEvent new_event(std::string stream, domain::Event e,
                          std::uint64_t expected = kAnyVersion,
                          domain::Timestamp time = 1'780'000'000'000'000) {
  NewEvent n;
  n.stream = std::move(stream);
  n.time = time;
  n.expected_version = expected;
  n.event = std::move(e);
  return n;
}

inline domain::ClientCreated client_created(domain::ClientId id, std::string name = "") {
  domain::ClientCreated e;
  e.client = id;
  e.name = name.empty() ? "Client " + std::to_string(id) : std::move(name);
  e.company = "ACME";
  e.email = "c" + std::to_string(id) + "@example.com";
  return e;
}

// Every event of a log, in order (fails the caller's check through Status).
inline Status read_all(const EventLog& log, std::vector<domain::RecordedEvent>& out) {
  out.clear();
  return log.read(1, UINT64_MAX, [&out](const domain::RecordedEvent& e) {
    out.push_back(e);
    return true;
  });
}

inline Status read_stream_all(const EventLog& log, const std::string& stream,
                              std::vector<domain::RecordedEvent>& out, std::uint64_t from = 1) {
  out.clear();
  return log.read_stream(stream, from, [&out](const domain::RecordedEvent& e) {
    out.push_back(e);
    return true;
  });
}

inline bool same_record(const domain::RecordedEvent& a, const domain::RecordedEvent& b) {
  return a.sequence == b.sequence && a.time == b.time && a.stream == b.stream &&
         a.stream_version == b.stream_version && a.event == b.event;
}

// ---- a canonical, order-independent dump of the views -----------------------

inline std::string dump_views(const domain::CrmViews& v, const std::vector<std::string>& call_ids) {
  std::ostringstream o;
  o << "last_sequence=" << v.last_sequence() << " clients=" << v.client_count()
    << " max_client=" << v.max_client_id() << " calls=" << v.call_count() << "\n";
  for (domain::ClientId id = 1; id <= v.max_client_id(); ++id) {
    const domain::Client* c = v.client(id);
    if (c == nullptr) continue;
    o << "client " << id << "->" << c->id << " " << c->name << "|" << c->company << "|" << c->email
      << "|resp=" << c->responsible << "|created=" << c->created << " phones:";
    for (const auto& p : c->phones) {
      auto by = v.client_by_phone(p);
      o << " " << p << "=" << (by ? std::to_string(*by) : "-");
    }
    o << " tags:";
    for (const auto& t : c->tags) o << " " << t;
    for (const auto& d : c->deals)
      o << " deal{" << d.id << "," << d.title << "," << d.stage << "," << d.amount << d.currency
        << "," << d.closed << d.won << "}";
    o << "\n history:";
    for (const auto& h : v.history(id, 1000))
      o << " [" << static_cast<int>(h.kind) << "," << h.time << "," << h.call << "," << h.text << ","
        << h.agent << "]";
    if (auto card = v.card(id)) {
      o << "\n card: " << card->responsible_name << " calls:";
      for (const auto& r : card->last_calls) o << " " << r.id;
    }
    o << "\n";
  }
  for (const auto& id : call_ids) {
    const domain::CallRecord* r = v.call(id);
    if (r == nullptr) continue;
    o << "call " << r->id << " client=" << r->client << " " << r->caller << "->" << r->dialled
      << " " << r->received << "/" << r->answered << "/" << r->ended << " agent=" << r->agent
      << " outcome=" << (r->outcome ? domain::to_string(*r->outcome) : "-")
      << " by=" << domain::to_string(r->ended_by) << " wait=" << r->wait() << " talk=" << r->talk()
      << "\n";
  }
  o << "open:";
  for (const auto& id : v.open_calls()) o << " " << id;
  o << "\n";
  for (const auto& a : v.agents())
    o << "agent " << a.id << " " << a.name << " " << a.department << " "
      << domain::to_string(a.state) << " since=" << a.since << " reg=" << a.registered << " "
      << a.contact << " call=" << a.call << "\n";
  return o.str();
}

}  // namespace callboard::storage::test
