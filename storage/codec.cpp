#include "storage/codec.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "storage/crc32c.hpp"
#include "storage/upcasts.hpp"
#include "storage/wire.hpp"

namespace callboard::storage {
namespace {

using domain::Event;

constexpr std::size_t kCrcSize = 4;
constexpr std::size_t kEventKinds = std::variant_size_v<Event>;

// ---- the current version of every event, indexed by tag ---------------------

using CurrentDecoder = bool (*)(wire::Reader& in, Event& out);

template <class E>
bool decode_current(wire::Reader& in, Event& out) {
  // Reuse the strings of the previous event of the same type (long replays
  // decode runs of one type).
  E* e = std::get_if<E>(&out);
  if (e == nullptr) e = &out.emplace<E>();
  return wire::get_fields(in, *e);
}

struct Kind {
  std::uint16_t type;
  std::uint16_t version;
  const char* name;
  CurrentDecoder decode;
};

template <std::size_t... I>
constexpr std::array<Kind, kEventKinds> make_kinds(std::index_sequence<I...>) {
  return {Kind{static_cast<std::uint16_t>(std::variant_alternative_t<I, Event>::kType),
               std::variant_alternative_t<I, Event>::kVersion,
               std::variant_alternative_t<I, Event>::kName,
               &decode_current<std::variant_alternative_t<I, Event>>}...};
}

constexpr std::array<Kind, kEventKinds> sorted_kinds() {
  auto k = make_kinds(std::make_index_sequence<kEventKinds>());
  for (std::size_t i = 1; i < k.size(); ++i) {  // insertion sort: constexpr in C++17
    for (std::size_t j = i; j > 0 && k[j - 1].type > k[j].type; --j) {
      Kind t = k[j];
      k[j] = k[j - 1];
      k[j - 1] = t;
    }
  }
  return k;
}

constexpr std::array<Kind, kEventKinds> kKinds = sorted_kinds();

constexpr bool tags_unique_and_versions_valid() {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (kKinds[i].version == 0) return false;
    if (i > 0 && kKinds[i - 1].type == kKinds[i].type) return false;
  }
  return true;
}
static_assert(tags_unique_and_versions_valid(),
              "two events share a type tag, or an event has schema version 0");

const Kind* find_kind(std::uint16_t type) {
  auto it = std::lower_bound(kKinds.begin(), kKinds.end(), type,
                             [](const Kind& k, std::uint16_t t) { return k.type < t; });
  return (it != kKinds.end() && it->type == type) ? &*it : nullptr;
}

std::string hex32(std::uint32_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x00000000";
  for (int i = 9; i >= 2; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xF];
  return s;
}

Status corrupt(std::uint64_t sequence, const std::string& what) {
  return Status::corruption("event log record at sequence " + std::to_string(sequence) + ": " + what);
}

Status corrupt_read(std::uint64_t sequence, const char* part, const wire::Reader& r) {
  return corrupt(sequence, std::string(part) + ": " + r.error() + " at byte " +
                               std::to_string(r.error_offset()));
}

}  // namespace

// ---- payload ------------------------------------------------------------------

std::string encode_payload(const Event& e) {
  std::string out;
  wire::Writer w(out);
  std::visit([&w](const auto& ev) { wire::put_fields(w, ev); }, e);
  return out;
}

namespace {

Status decode_payload_into(std::uint64_t sequence, std::uint16_t type, std::uint16_t version,
                           std::string_view payload, Event& out) {
  const Kind* kind = find_kind(type);
  if (kind == nullptr) return corrupt(sequence, "unknown event type tag " + std::to_string(type));
  wire::Reader in(payload);
  if (version == kind->version) {
    if (!kind->decode(in, out)) return corrupt_read(sequence, kind->name, in);
  } else if (version > kind->version) {
    return corrupt(sequence, std::string(kind->name) + " schema version " + std::to_string(version) +
                                 " is newer than this build knows (" +
                                 std::to_string(kind->version) + ")");
  } else {
    const Upcast* up = find_upcast(type, version);
    if (up == nullptr)
      return corrupt(sequence, std::string(kind->name) + " schema version " +
                                   std::to_string(version) + " has no upcast");
    if (!up->decode(in, out))
      return corrupt_read(sequence, (std::string(kind->name) + " v" + std::to_string(version)).c_str(), in);
  }
  if (!in.at_end())
    return corrupt(sequence, std::string(kind->name) + ": " + std::to_string(in.remaining()) +
                                 " unread bytes after the last field");
  return Status::ok();
}

}  // namespace

Result<Event> decode_payload(std::uint64_t sequence, std::uint16_t type,
                             std::uint16_t schema_version, std::string_view payload) {
  Event out;
  Status s = decode_payload_into(sequence, type, schema_version, payload, out);
  if (!s) return s;
  return out;
}

// ---- envelope -----------------------------------------------------------------

namespace {

void put_header(wire::Writer& w, std::uint64_t sequence, domain::Timestamp time,
                std::string_view stream, std::uint64_t stream_version, std::uint16_t type,
                std::uint16_t schema_version) {
  w.u8(kEnvelopeFormat);
  w.varint(sequence);
  w.varint(wire::zigzag(time));
  w.bytes(stream);
  w.varint(stream_version);
  w.varint(type);
  w.varint(schema_version);
}

void put_crc(std::string& out) {
  const std::uint32_t crc = crc32c(out.data(), out.size());
  wire::Writer(out).fixed32(crc);
}

}  // namespace

std::string encode_envelope(const EnvelopeHeader& h, std::string_view payload) {
  std::string out;
  out.reserve(16 + h.stream.size() + payload.size() + kCrcSize);
  wire::Writer w(out);
  put_header(w, h.sequence, h.time, h.stream, h.stream_version, h.type, h.schema_version);
  out.append(payload.data(), payload.size());
  put_crc(out);
  return out;
}

void encode_record(const domain::RecordedEvent& e, std::string& out) {
  const std::size_t start = out.size();
  wire::Writer w(out);
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        put_header(w, e.sequence, e.time, e.stream, e.stream_version,
                   static_cast<std::uint16_t>(E::kType), E::kVersion);
        wire::put_fields(w, ev);
      },
      e.event);
  const std::uint32_t crc = crc32c(out.data() + start, out.size() - start);
  w.fixed32(crc);
}

std::string encode_record(const domain::RecordedEvent& e) {
  std::string out;
  encode_record(e, out);
  return out;
}

Status decode_record(std::uint64_t sequence, std::string_view bytes, domain::RecordedEvent& out) {
  if (bytes.size() < 1 + kCrcSize)
    return corrupt(sequence, "truncated: " + std::to_string(bytes.size()) + " bytes");
  const auto format = static_cast<std::uint8_t>(bytes[0]);
  if (format != kEnvelopeFormat)
    return corrupt(sequence, "unknown envelope format " + std::to_string(format));
  const std::string_view body = bytes.substr(0, bytes.size() - kCrcSize);
  wire::Reader crc_in(bytes.substr(body.size()));
  std::uint32_t stored = 0;
  crc_in.fixed32(stored);
  const std::uint32_t computed = crc32c(body.data(), body.size());
  if (stored != computed)
    return corrupt(sequence, "checksum mismatch (stored " + hex32(stored) + ", computed " +
                                 hex32(computed) + ")");

  wire::Reader in(body.substr(1));
  std::uint64_t seq = 0;
  std::uint64_t time = 0;
  std::string_view stream;
  std::uint64_t type = 0;
  std::uint64_t version = 0;
  if (!in.varint(seq) || !in.varint(time) || !in.bytes(stream) || !in.varint(out.stream_version) ||
      !in.varint(type) || !in.varint(version))
    return corrupt_read(sequence, "envelope", in);
  if (seq != sequence)
    return corrupt(sequence, "envelope holds sequence " + std::to_string(seq));
  if (type > UINT16_MAX || version > UINT16_MAX)
    return corrupt(sequence, "type tag or schema version out of range");
  out.sequence = seq;
  out.time = wire::unzigzag(time);
  out.stream.assign(stream.data(), stream.size());
  return decode_payload_into(sequence, static_cast<std::uint16_t>(type),
                             static_cast<std::uint16_t>(version), body.substr(1 + in.offset()),
                             out.event);
}

Result<domain::RecordedEvent> decode_record(std::uint64_t sequence, std::string_view bytes) {
  domain::RecordedEvent out;
  Status s = decode_record(sequence, bytes, out);
  if (!s) return s;
  return out;
}

}  // namespace callboard::storage
