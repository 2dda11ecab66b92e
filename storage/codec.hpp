#pragma once
// Encoding of stored events: the envelope around each event and the payload
// of every domain::Event, generic over each event's tie(). The byte format is
// written down in storage/FORMAT.md; keep the two in step.
//
// Thread-safety: every function here is pure and may run on any thread.
// Errors: decoding returns Status corruption naming the sequence for a
// truncated or garbled record (checksum), an unknown type tag, a schema
// version newer than this build knows, or a missing upcast. Never a crash,
// never a silent skip.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/events.hpp"
#include "domain/status.hpp"

namespace callboard::storage {

// First byte of every envelope. Written to disk: never renumber.
inline constexpr std::uint8_t kEnvelopeFormat = 1;

// The envelope's fields, without the payload.
struct EnvelopeHeader {
  std::uint64_t sequence = 0;
  domain::Timestamp time = 0;
  std::string stream;
  std::uint64_t stream_version = 0;
  std::uint16_t type = 0;            // domain::EventType's value
  std::uint16_t schema_version = 0;  // the event's kVersion when written
};

// The stored value of one event (RocksDB value in the "events" family).
std::string encode_record(const domain::RecordedEvent& e);
// Same, appending to `out` (reuses its capacity on hot paths).
void encode_record(const domain::RecordedEvent& e, std::string& out);

// Decodes a stored value. `sequence` is where it was found (the key): it
// names the record in errors and must equal the sequence inside.
Result<domain::RecordedEvent> decode_record(std::uint64_t sequence, std::string_view bytes);
// Same, into `out` (reuses its string capacity when replaying a long log).
// On error `out` holds unspecified values.
Status decode_record(std::uint64_t sequence, std::string_view bytes, domain::RecordedEvent& out);

// The payload of one event at its current schema version: its fields in tie()
// order, nothing else.
std::string encode_payload(const domain::Event& e);
// Decodes a payload written with (type, schema_version), upcasting older
// versions. `sequence` only names the record in errors.
Result<domain::Event> decode_payload(std::uint64_t sequence, std::uint16_t type,
                                     std::uint16_t schema_version, std::string_view payload);

// Wraps raw payload bytes in an envelope (format byte, header, payload,
// checksum). encode_record() uses it; tests use it to hand-build records of
// old versions or unknown tags.
std::string encode_envelope(const EnvelopeHeader& header, std::string_view payload);

// One line for people: `#12 2026-11-27T10:00:00.123456Z client/1@3
// ClientCreated{client=1, name="Иван", company="", email=""}`. Strings are
// quoted with \" \\ \n \r \t and \xNN escapes for control bytes; other bytes
// (UTF-8) pass through.
std::string describe(const domain::RecordedEvent& e);
// "2026-11-27T10:00:00.123456Z" for UTC microseconds since the epoch.
std::string format_utc(domain::Timestamp micros);

}  // namespace callboard::storage
