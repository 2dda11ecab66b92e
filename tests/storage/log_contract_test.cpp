// The EventLog contract, run against both implementations: the in-memory log
// used by unit tests and the RocksDB log used by the server.
#define BOOST_TEST_MODULE storage_log
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

namespace cb = callboard;
namespace dom = callboard::domain;
namespace st = callboard::storage;
using st::test::client_created;
using st::test::new_event;

namespace {

struct MemoryLog {
  static constexpr const char* kName = "memory";
  std::unique_ptr<st::EventLog> log = st::make_memory_log();
};

struct RocksLog {
  static constexpr const char* kName = "rocksdb";
  st::test::TempDir dir;
  std::unique_ptr<st::EventLog> log;
  RocksLog() {
    auto r = st::open_rocksdb_log({dir.sub("db")});
    BOOST_TEST_REQUIRE(r.is_ok(), r.status().to_string());
    log = std::move(r).value();
  }
};

using Logs = boost::mpl::list<MemoryLog, RocksLog>;

dom::PhoneLinked phone(dom::ClientId id, std::string number) {
  dom::PhoneLinked e;
  e.client = id;
  e.phone = std::move(number);
  return e;
}

std::uint64_t version_of(const st::EventLog& log, const std::string& stream) {
  auto v = log.stream_version(stream);
  BOOST_TEST_REQUIRE(v.is_ok(), v.status().to_string());
  return *v;
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(append_numbers_sequences_and_stream_versions, L, Logs) {
  L l;
  st::EventLog& log = *l.log;
  BOOST_TEST(log.last_sequence() == 0u);
  BOOST_TEST(version_of(log, "client/1") == 0u);

  auto a = log.append({new_event("client/1", client_created(1), 0, 100),
                       new_event("client/1", phone(1, "+375291111111"), 1, 101),
                       new_event("client/2", client_created(2), 0, 102)},
                      true);
  BOOST_TEST_REQUIRE(a.is_ok(), a.status().to_string());
  BOOST_TEST(a->first_sequence == 1u);
  BOOST_TEST(a->last_sequence == 3u);
  BOOST_TEST_REQUIRE(a->recorded.size() == 3u);
  BOOST_TEST(a->recorded[1].sequence == 2u);
  BOOST_TEST(a->recorded[1].stream == "client/1");
  BOOST_TEST(a->recorded[1].stream_version == 2u);
  BOOST_TEST(a->recorded[1].time == 101);
  BOOST_TEST((a->recorded[1].event == dom::Event{phone(1, "+375291111111")}));
  BOOST_TEST(a->recorded[2].stream_version == 1u);

  auto b = log.append({new_event("client/1", phone(1, "+375292222222"))}, false);
  BOOST_TEST_REQUIRE(b.is_ok(), b.status().to_string());
  BOOST_TEST(b->first_sequence == 4u);
  BOOST_TEST(b->recorded[0].stream_version == 3u);
  BOOST_TEST(log.last_sequence() == 4u);
  BOOST_TEST(version_of(log, "client/1") == 3u);
  BOOST_TEST(version_of(log, "client/2") == 1u);

  std::vector<dom::RecordedEvent> all;
  BOOST_TEST_REQUIRE(st::test::read_all(log, all).is_ok());
  BOOST_TEST_REQUIRE(all.size() == 4u);
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(st::test::same_record(all[i], a->recorded[i]));
  BOOST_TEST(st::test::same_record(all[3], b->recorded[0]));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_conflict_names_the_versions_and_writes_nothing, L, Logs) {
  L l;
  st::EventLog& log = *l.log;
  BOOST_TEST_REQUIRE(log.append({new_event("client/42", client_created(42), 0)}, true).is_ok());

  // The second event conflicts: the first, on another stream, is not written either.
  auto r = log.append({new_event("client/7", client_created(7), 0),
                       new_event("client/42", phone(42, "+1"), 3)},
                      true);
  BOOST_TEST(r.status().code() == cb::Status::Code::conflict);
  BOOST_TEST(r.status().message() == "stream client/42: expected version 3, actual 1");
  BOOST_TEST(log.last_sequence() == 1u);
  BOOST_TEST(version_of(log, "client/7") == 0u);

  // "Must not exist yet" on an existing stream.
  r = log.append({new_event("client/42", client_created(42), 0)}, true);
  BOOST_TEST(r.status().message() == "stream client/42: expected version 0, actual 1");

  // Within one append each event is checked against the previous one's version.
  r = log.append({new_event("client/42", phone(42, "+2"), 1), new_event("client/42", phone(42, "+3"), 1)}, true);
  BOOST_TEST(r.status().message() == "stream client/42: expected version 1, actual 2");
  r = log.append({new_event("client/42", phone(42, "+2"), 1), new_event("client/42", phone(42, "+3"), 2)}, true);
  BOOST_TEST_REQUIRE(r.is_ok(), r.status().to_string());
  BOOST_TEST(version_of(log, "client/42") == 3u);
  BOOST_TEST(log.last_sequence() == 3u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(bad_stream_ids_and_empty_appends_are_refused, L, Logs) {
  L l;
  st::EventLog& log = *l.log;
  for (std::string bad : {std::string(), std::string("client\0/1", 9), std::string(1025, 'x')}) {
    auto r = log.append({new_event(bad, client_created(1))}, true);
    BOOST_TEST(r.status().code() == cb::Status::Code::invalid_argument, r.status().to_string());
  }
  BOOST_TEST(log.append({}, true).status().code() == cb::Status::Code::invalid_argument);
  BOOST_TEST(log.append({new_event(std::string(1024, 'x'), client_created(1))}, true).is_ok());
  BOOST_TEST(log.last_sequence() == 1u);

  // Reads refuse them too: "a\0" would otherwise alias into stream "a".
  BOOST_TEST_REQUIRE(log.append({new_event("a", client_created(2))}, true).is_ok());
  const std::string alias("a\0", 2);
  BOOST_TEST(log.stream_version(alias).status().code() == cb::Status::Code::invalid_argument);
  BOOST_TEST(log.stream_version("").status().code() == cb::Status::Code::invalid_argument);
  int visits = 0;
  const cb::Status s = log.read_stream(alias, 1, [&visits](const dom::RecordedEvent&) { return ++visits, true; });
  BOOST_TEST(s.code() == cb::Status::Code::invalid_argument);
  BOOST_TEST(visits == 0);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(read_visits_a_range_in_order_and_can_stop, L, Logs) {
  L l;
  st::EventLog& log = *l.log;
  for (dom::ClientId id = 1; id <= 10; ++id)
    BOOST_TEST_REQUIRE(log.append({new_event(dom::client_stream(id), client_created(id), 0)}, id % 3 == 0).is_ok());

  std::vector<std::uint64_t> seen;
  auto collect = [&seen](const dom::RecordedEvent& e) {
    seen.push_back(e.sequence);
    return true;
  };
  BOOST_TEST(log.read(3, 6, collect).is_ok());
  BOOST_TEST(seen == (std::vector<std::uint64_t>{3, 4, 5, 6}));
  seen.clear();
  BOOST_TEST(log.read(0, 2, collect).is_ok());
  BOOST_TEST(seen == (std::vector<std::uint64_t>{1, 2}));
  seen.clear();
  BOOST_TEST(log.read(9, UINT64_MAX, collect).is_ok());
  BOOST_TEST(seen == (std::vector<std::uint64_t>{9, 10}));
  seen.clear();
  BOOST_TEST(log.read(11, 20, collect).is_ok());
  BOOST_TEST(log.read(5, 4, collect).is_ok());
  BOOST_TEST(seen.empty());
  BOOST_TEST(log.read(1, 10, [&seen](const dom::RecordedEvent& e) {
                  seen.push_back(e.sequence);
                  return e.sequence < 4;
                }).is_ok());
  BOOST_TEST(seen == (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(read_stream_follows_one_stream_only, L, Logs) {
  L l;
  st::EventLog& log = *l.log;
  // Interleaved streams whose ids are prefixes of each other.
  const std::vector<std::string> streams = {"client/1", "client/10", "client/1/x", "client/"};
  for (int round = 0; round < 5; ++round) {
    std::vector<st::NewEvent> batch;
    for (const auto& s : streams) batch.push_back(new_event(s, phone(1, s + "#" + std::to_string(round))));
    BOOST_TEST_REQUIRE(log.append(batch, round == 4).is_ok());
  }
  for (const auto& s : streams) {
    BOOST_TEST_CONTEXT(s) {
      std::vector<dom::RecordedEvent> got;
      BOOST_TEST_REQUIRE(st::test::read_stream_all(log, s, got, 2).is_ok());
      BOOST_TEST_REQUIRE(got.size() == 4u);
      for (std::size_t i = 0; i < got.size(); ++i) {
        BOOST_TEST(got[i].stream == s);
        BOOST_TEST(got[i].stream_version == i + 2);
        BOOST_TEST(std::get<dom::PhoneLinked>(got[i].event).phone == s + "#" + std::to_string(i + 1));
      }
      BOOST_TEST(version_of(log, s) == 5u);
    }
  }
  std::vector<dom::RecordedEvent> got;
  BOOST_TEST(st::test::read_stream_all(log, "client/2", got).is_ok());
  BOOST_TEST(got.empty());
  BOOST_TEST(st::test::read_stream_all(log, "client/1", got, 6).is_ok());
  BOOST_TEST(got.empty());
  BOOST_TEST(st::test::read_stream_all(log, "client/1", got, 0).is_ok());
  BOOST_TEST(got.size() == 5u);
  int visits = 0;
  BOOST_TEST(log.read_stream("client/1", 1, [&visits](const dom::RecordedEvent&) { return ++visits < 2; }).is_ok());
  BOOST_TEST(visits == 2);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(every_event_type_survives_the_log, L, Logs) {
  L l;
  st::EventLog& log = *l.log;
  std::vector<st::NewEvent> batch;
  st::test::for_each_event_type([&](auto tag) {
    using E = decltype(tag);
    batch.push_back(new_event(std::string("s/") + E::kName, st::test::filled<E>(st::test::Fill::high)));
  });
  auto a = log.append(batch, true);
  BOOST_TEST_REQUIRE(a.is_ok(), a.status().to_string());
  std::vector<dom::RecordedEvent> all;
  BOOST_TEST_REQUIRE(st::test::read_all(log, all).is_ok());
  BOOST_TEST_REQUIRE(all.size() == batch.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    BOOST_TEST(st::test::same_record(all[i], a->recorded[i]), st::describe(all[i]));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_visitor_may_append_while_reading, L, Logs) {
  // The server's start-up closes dangling calls while it replays.
  L l;
  st::EventLog& log = *l.log;
  BOOST_TEST_REQUIRE(log.append({new_event("call/a", dom::CallReceived{"a", "+1", "100", ""})}, true).is_ok());
  cb::Status inner;
  BOOST_TEST(log.read(1, UINT64_MAX, [&](const dom::RecordedEvent&) {
                  inner = log.append({new_event("call/a", dom::CallInterrupted{"a", "restart"})}, true).status();
                  return true;
                }).is_ok());
  BOOST_TEST(inner.is_ok(), inner.to_string());
  BOOST_TEST(log.last_sequence() == 2u);
}
