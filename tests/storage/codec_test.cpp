// The stored format: checksum, envelope, payload of every event, upcasts,
// refusal of bad bytes, and the human-readable dump.
#define BOOST_TEST_MODULE storage_codec
#include <boost/test/unit_test.hpp>

#include <random>

#include "storage/codec.hpp"
#include "storage/crc32c.hpp"
#include "storage/upcasts.hpp"
#include "test_support.hpp"

namespace cb = callboard;
namespace dom = callboard::domain;
namespace st = callboard::storage;
using st::test::Fill;

namespace {

// The test's own encoders, written from FORMAT.md rather than from the codec,
// so a change of the codec's bytes shows up here.
std::string leb128(std::uint64_t v) {
  std::string out;
  do {
    unsigned char b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v);
  return out;
}
std::string zz(std::int64_t v) { return leb128((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
std::string str(const std::string& s) { return leb128(s.size()) + s; }
std::string with_crc(std::string body) {
  const std::uint32_t c = st::crc32c(body.data(), body.size());
  for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>((c >> (8 * i)) & 0xFF));
  return body;
}

dom::RecordedEvent recorded(std::uint64_t seq, dom::Event e, std::string stream = "client/1",
                            std::uint64_t version = 1, dom::Timestamp time = 1'795'773'600'123'456) {
  return dom::RecordedEvent{seq, time, std::move(stream), version, std::move(e)};
}

bool mentions(const cb::Status& s, const std::string& text) {
  return s.message().find(text) != std::string::npos;
}

#define CHECK_CORRUPT(status, seq_text)                                             \
  do {                                                                              \
    const cb::Status s_ = (status);                                                 \
    BOOST_TEST(s_.code() == cb::Status::Code::corruption, s_.to_string());          \
    BOOST_TEST(mentions(s_, "sequence " seq_text), s_.to_string());                 \
  } while (0)

}  // namespace

// ---- checksum ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(crc32c_matches_published_vectors) {
  // RFC 3720 appendix B.4, and the usual check value.
  BOOST_TEST(st::crc32c("123456789", 9) == 0xE3069283u);
  std::string zeros(32, '\0'), ones(32, '\xFF'), inc(32, '\0');
  for (int i = 0; i < 32; ++i) inc[i] = static_cast<char>(i);
  BOOST_TEST(st::crc32c(zeros.data(), 32) == 0x8A9136AAu);
  BOOST_TEST(st::crc32c(ones.data(), 32) == 0x62A8AB43u);
  BOOST_TEST(st::crc32c(inc.data(), 32) == 0x46DD794Eu);
  BOOST_TEST(st::crc32c("", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(crc32c_hardware_and_portable_paths_agree) {
  std::mt19937 rng(7);
  std::string data(301, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (std::size_t n = 0; n <= data.size(); ++n) {
    BOOST_TEST_CONTEXT("length " << n) {
      BOOST_TEST(st::crc32c(data.data(), n) == st::crc32c_portable(data.data(), n));
      // Extending in two steps equals one pass.
      const std::size_t half = n / 3;
      BOOST_TEST(st::crc32c(data.data() + half, n - half, st::crc32c(data.data(), half)) ==
                 st::crc32c(data.data(), n));
    }
  }
}

// ---- round trips -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_event_type_round_trips) {
  std::size_t types = 0;
  st::test::for_each_event_type([&](auto tag) {
    using E = decltype(tag);
    ++types;
    for (Fill how : {Fill::defaults, Fill::high, Fill::low}) {
      BOOST_TEST_CONTEXT(E::kName << " fill " << static_cast<int>(how)) {
        const E event = st::test::filled<E>(how);
        if (how == Fill::high) BOOST_TEST((event != E{}));
        // Envelope extremes: huge sequence and version, negative time.
        for (auto r : {recorded(1, event), recorded(UINT64_MAX, event, "agent/Жанна", UINT64_MAX, -1),
                       recorded(300, event, std::string(1024, 's'), 128, INT64_MIN)}) {
          const std::string bytes = st::encode_record(r);
          auto back = st::decode_record(r.sequence, bytes);
          BOOST_TEST_REQUIRE(back.is_ok(), back.status().to_string());
          BOOST_TEST(st::test::same_record(*back, r), st::describe(*back) << " vs " << st::describe(r));
          BOOST_TEST(std::holds_alternative<E>(back->event));
        }
        // The payload alone round-trips too.
        const std::string payload = st::encode_payload(event);
        auto p = st::decode_payload(5, static_cast<std::uint16_t>(E::kType), E::kVersion, payload);
        BOOST_TEST_REQUIRE(p.is_ok(), p.status().to_string());
        BOOST_TEST((std::get<E>(*p) == event));
      }
    }
  });
  BOOST_TEST(types == std::variant_size_v<dom::Event>);
}

BOOST_AUTO_TEST_CASE(decoding_into_a_reused_record_gives_the_same_result) {
  // Replays decode into one RecordedEvent; leftovers of the previous event
  // must not leak into the next.
  dom::RecordedEvent reused;
  std::uint64_t seq = 0;
  st::test::for_each_event_type([&](auto tag) {
    using E = decltype(tag);
    for (Fill how : {Fill::high, Fill::low, Fill::high}) {
      const auto r = recorded(++seq, st::test::filled<E>(how));
      BOOST_TEST_REQUIRE(st::decode_record(seq, st::encode_record(r), reused).is_ok());
      BOOST_TEST(st::test::same_record(reused, r), E::kName);
    }
  });
}

BOOST_AUTO_TEST_CASE(every_event_names_each_of_its_fields) {
  st::test::for_each_event_type([&](auto tag) {
    using E = decltype(tag);
    const std::string fields = E::kFields;
    const std::size_t names = static_cast<std::size_t>(std::count(fields.begin(), fields.end(), ',')) + 1;
    BOOST_TEST(names == std::tuple_size_v<decltype(E{}.tie())>, E::kName << " kFields: " << fields);
  });
}

// ---- the bytes themselves ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(client_created_v2_has_the_documented_bytes) {
  dom::ClientCreated e;
  e.client = 300;
  e.name = "Иван";
  e.company = "";
  e.email = "i@x.by";
  const std::string expected = with_crc(std::string("\x01", 1) + leb128(12) + zz(1'795'773'600'123'456) +
                                        str("client/300") + leb128(3) + leb128(1) + leb128(2) +
                                        leb128(300) + str("Иван") + str("") + str("i@x.by"));
  BOOST_TEST(st::encode_record(recorded(12, e, "client/300", 3)) == expected);
}

BOOST_AUTO_TEST_CASE(client_created_v1_bytes_upcast_to_v2_with_empty_email) {
  // Written by hand from FORMAT.md: format 1, sequence 7, time 1 s
  // (zigzag 2,000,000), stream "client/42" at version 1, tag 1, schema v1,
  // then client=42, name="Иван", company="ACME" and no email.
  const unsigned char body[] = {
      0x01,                                                  // envelope format
      0x07,                                                  // sequence
      0x80, 0x89, 0x7A,                                      // time
      0x09, 'c', 'l', 'i', 'e', 'n', 't', '/', '4', '2',     // stream
      0x01,                                                  // stream version
      0x01,                                                  // type: client_created
      0x01,                                                  // schema version 1
      0x2A,                                                  // client = 42
      0x08, 0xD0, 0x98, 0xD0, 0xB2, 0xD0, 0xB0, 0xD0, 0xBD,  // name
      0x04, 'A', 'C', 'M', 'E',                              // company
  };
  const std::string bytes = with_crc(std::string(reinterpret_cast<const char*>(body), sizeof body));
  auto r = st::decode_record(7, bytes);
  BOOST_TEST_REQUIRE(r.is_ok(), r.status().to_string());
  BOOST_TEST(r->sequence == 7u);
  BOOST_TEST(r->time == 1'000'000);
  BOOST_TEST(r->stream == "client/42");
  BOOST_TEST(r->stream_version == 1u);
  const auto* e = std::get_if<dom::ClientCreated>(&r->event);
  BOOST_TEST_REQUIRE(e != nullptr);
  BOOST_TEST(e->client == 42u);
  BOOST_TEST(e->name == "Иван");
  BOOST_TEST(e->company == "ACME");
  BOOST_TEST(e->email == "");

  // A v1 payload with the v2 email appended is not v1: refused, not guessed.
  const std::string v1_plus = std::string(reinterpret_cast<const char*>(body), sizeof body) + str("x@y");
  CHECK_CORRUPT(st::decode_record(7, with_crc(v1_plus)).status(), "7");
}

BOOST_AUTO_TEST_CASE(upcast_table_entries_read_older_versions_of_known_events) {
  BOOST_TEST(st::upcasts_end() - st::upcasts_begin() >= 1);
  for (const st::Upcast* u = st::upcasts_begin(); u != st::upcasts_end(); ++u) {
    std::uint16_t current = 0;
    st::test::for_each_event_type([&](auto tag) {
      using E = decltype(tag);
      if (static_cast<std::uint16_t>(E::kType) == u->type) current = E::kVersion;
    });
    BOOST_TEST(current != 0, "upcast for unknown tag " << u->type);
    BOOST_TEST(u->from_version < current);
    BOOST_TEST(st::find_upcast(u->type, u->from_version) == u);
  }
}

// ---- refusals ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_truncation_and_bit_flip_is_corruption_naming_the_sequence) {
  st::test::for_each_event_type([&](auto tag) {
    using E = decltype(tag);
    const std::string bytes = st::encode_record(recorded(77, st::test::filled<E>(Fill::high)));
    for (std::size_t n = 0; n < bytes.size(); ++n)
      CHECK_CORRUPT(st::decode_record(77, bytes.substr(0, n)).status(), "77");
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string flipped = bytes;
        flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
        CHECK_CORRUPT(st::decode_record(77, flipped).status(), "77");
      }
    }
    CHECK_CORRUPT(st::decode_record(77, bytes + "x").status(), "77");
  });
}

BOOST_AUTO_TEST_CASE(truncated_payload_under_a_valid_checksum_is_refused_by_bounds_checks) {
  // The checksum is not the only guard: a writer bug that produced a short
  // payload must still give corruption, never a read past the end.
  st::test::for_each_event_type([&](auto tag) {
    using E = decltype(tag);
    const std::string payload = st::encode_payload(st::test::filled<E>(Fill::high));
    st::EnvelopeHeader h{31, 0, "s/1", 1, static_cast<std::uint16_t>(E::kType), E::kVersion};
    for (std::size_t n = 0; n < payload.size(); ++n)
      CHECK_CORRUPT(st::decode_record(31, st::encode_envelope(h, payload.substr(0, n))).status(), "31");
  });
}

BOOST_AUTO_TEST_CASE(random_payloads_decode_or_fail_cleanly_and_decoding_is_canonical) {
  std::mt19937 rng(20261127);
  std::size_t decoded = 0;
  for (int i = 0; i < 40000; ++i) {
    const std::size_t kind = rng() % std::variant_size_v<dom::Event>;
    std::uint16_t type = 0, version = 0;
    std::size_t k = 0;
    st::test::for_each_event_type([&](auto tag) {
      using E = decltype(tag);
      if (k++ == kind) {
        type = static_cast<std::uint16_t>(E::kType);
        version = E::kVersion;
      }
    });
    std::string payload(rng() % 24, '\0');
    for (auto& c : payload) c = static_cast<char>(rng() % 4 == 0 ? rng() : rng() % 3);
    auto r = st::decode_payload(9, type, version, payload);
    if (r.is_ok()) {
      ++decoded;
      // Exactly one encoding per value: what decodes re-encodes to itself.
      BOOST_TEST(st::encode_payload(*r) == payload);
    } else {
      CHECK_CORRUPT(r.status(), "9");
    }
  }
  BOOST_TEST(decoded > 0u);
}

BOOST_AUTO_TEST_CASE(unknown_tag_newer_version_and_other_lies_are_refused) {
  const std::string payload = st::encode_payload(dom::Event{st::test::client_created(1)});
  auto decode = [&](st::EnvelopeHeader h, const std::string& p, std::uint64_t at) {
    return st::decode_record(at, st::encode_envelope(h, p)).status();
  };
  {
    const cb::Status s = decode({5, 0, "x/1", 1, 999, 1}, payload, 5);
    CHECK_CORRUPT(s, "5");
    BOOST_TEST(mentions(s, "unknown event type tag 999"), s.to_string());
  }
  {
    const cb::Status s = decode({6, 0, "x/1", 1, 1, 3}, payload, 6);
    CHECK_CORRUPT(s, "6");
    BOOST_TEST(mentions(s, "ClientCreated schema version 3 is newer"), s.to_string());
  }
  {
    const cb::Status s = decode({7, 0, "x/1", 1, 3, 0}, payload, 7);
    CHECK_CORRUPT(s, "7");
    BOOST_TEST(mentions(s, "PhoneLinked schema version 0 has no upcast"), s.to_string());
  }
  {  // the record is not the one its key names
    const cb::Status s = decode({8, 0, "x/1", 1, 1, 2}, payload, 9);
    CHECK_CORRUPT(s, "9");
    BOOST_TEST(mentions(s, "holds sequence 8"), s.to_string());
  }
  {  // envelope format this build does not know (checksum valid)
    std::string bytes = st::encode_envelope({10, 0, "x/1", 1, 1, 2}, payload);
    bytes[0] = 2;
    CHECK_CORRUPT(st::decode_record(10, with_crc(bytes.substr(0, bytes.size() - 4))).status(), "10");
  }
  {  // an agent state this build does not know
    const std::string p = str("agent/1") + leb128(99) + str("") + str("");
    const cb::Status s = st::decode_payload(11, 43, 1, p).status();
    CHECK_CORRUPT(s, "11");
    BOOST_TEST(mentions(s, "enum"), s.to_string());
  }
  {  // a bool that is neither 0 nor 1 (DealClosed.won)
    const std::string p = leb128(1) + leb128(2) + std::string(1, '\x02') + str("");
    CHECK_CORRUPT(st::decode_payload(12, 23, 1, p).status(), "12");
  }
  {  // an overlong varint (client id 1 written in two bytes)
    const std::string p = std::string("\x81\x00", 2) + str("+375291234567");
    CHECK_CORRUPT(st::decode_payload(13, 3, 1, p).status(), "13");
  }
  {  // an integer too wide for its field (OfferFailed.sip_status is 32-bit)
    const std::string p = str("c") + str("a") + zz(std::int64_t{1} << 40) + str("busy");
    CHECK_CORRUPT(st::decode_payload(14, 65, 1, p).status(), "14");
  }
  {  // a vector count larger than the bytes left
    const std::string p = str("c") + str("rule") + leb128(1'000'000'000);
    CHECK_CORRUPT(st::decode_payload(15, 62, 1, p).status(), "15");
  }
  {  // a tag beyond 16 bits (the header struct cannot hold one: hand-built)
    const std::string body = std::string("\x01", 1) + leb128(16) + zz(0) + str("x/1") + leb128(1) +
                             leb128(65536 + 1) + leb128(2) + payload;
    CHECK_CORRUPT(st::decode_record(16, with_crc(body)).status(), "16");
  }
}

BOOST_AUTO_TEST_CASE(a_valid_control_record_decodes) {
  // The refusals above alter one thing each of this valid record; it must
  // decode, or they prove nothing.
  const std::string payload = st::encode_payload(dom::Event{st::test::client_created(1)});
  auto r = st::decode_record(16, st::encode_envelope({16, 0, "x/1", 1, 1, 2}, payload));
  BOOST_TEST(r.is_ok(), r.status().to_string());
}

// ---- describe ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(describe_prints_one_line_with_names_and_quoted_values) {
  dom::ClientCreated c;
  c.client = 1;
  c.name = "Иван";
  c.company = "ООО \"Ромашка\"";
  BOOST_TEST(st::describe(recorded(12, c, "client/1", 3)) ==
             "#12 2026-11-27T10:00:00.123456Z client/1@3 ClientCreated{client=1, name=\"Иван\", "
             "company=\"ООО \\\"Ромашка\\\"\", email=\"\"}");

  dom::AgentStateChanged a;
  a.agent = "ivan";
  a.state = dom::AgentState::paused;
  a.reason = "line1\nline2\x01";
  BOOST_TEST(st::describe(recorded(2, a, "agent/ivan", 9, -500'000)) ==
             "#2 1969-12-31T23:59:59.500000Z agent/ivan@9 AgentStateChanged{agent=\"ivan\", "
             "state=paused, reason=\"line1\\nline2\\x01\", call=\"\"}");

  dom::RoutingDecided rd;
  rd.call = "c1";
  rd.rule = "ring_all";
  rd.targets = {"a", "b"};
  BOOST_TEST(st::describe(recorded(3, rd, "call/c1", 2, 0)) ==
             "#3 1970-01-01T00:00:00.000000Z call/c1@2 RoutingDecided{call=\"c1\", "
             "rule=\"ring_all\", targets=[\"a\", \"b\"]}");

  dom::DealClosed dc;
  dc.client = 4;
  dc.deal = 5;
  dc.won = true;
  dom::OfferFailed of;
  of.sip_status = -486;
  BOOST_TEST(st::describe(recorded(4, dc, "client/4", 1, 0)).find("won=true, reason=\"\"}") !=
             std::string::npos);
  BOOST_TEST(st::describe(recorded(5, of, "call/", 1, 0)).find("sip_status=-486") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(describe_names_every_field_of_every_event) {
  st::test::for_each_event_type([&](auto tag) {
    using E = decltype(tag);
    const std::string line = st::describe(recorded(1, st::test::filled<E>(Fill::high)));
    BOOST_TEST(line.find(std::string(E::kName) + "{") != std::string::npos, line);
    BOOST_TEST(line.find('\n') == std::string::npos, line);
    std::string fields = E::kFields;
    std::size_t start = 0;
    while (start <= fields.size()) {
      std::size_t end = fields.find(',', start);
      if (end == std::string::npos) end = fields.size();
      BOOST_TEST(line.find(fields.substr(start, end - start) + "=") != std::string::npos, line);
      start = end + 1;
    }
  });
}
