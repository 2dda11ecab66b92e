#pragma once
// Internal to storage/ (and its tests): the RocksDB key layouts of
// storage/FORMAT.md. Column family names and key layouts are on disk: never
// change them, only add.

#include <cstdint>
#include <string>
#include <string_view>

namespace callboard::storage::keys {

inline constexpr const char* kEventsFamily = "events";    // sequence -> envelope
inline constexpr const char* kStreamsFamily = "streams";  // stream, version -> sequence
// In the default family: the format of this log, written at creation.
inline constexpr const char* kFormatKey = "callboard.eventlog.format";
inline constexpr const char* kFormatValue = "1";

inline void put_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

inline std::uint64_t get_be64(std::string_view in) {  // REQUIRES: in.size() >= 8
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  return v;
}

// "events" key: the sequence, big-endian, so byte order is log order.
inline std::string event_key(std::uint64_t sequence) {
  std::string k;
  k.reserve(8);
  put_be64(k, sequence);
  return k;
}

// Every index key of a stream starts with this: the id, then NUL (which a
// stream id may not contain, so one stream's keys are contiguous and no
// stream's prefix is another's).
inline std::string stream_prefix(std::string_view stream) {
  std::string k;
  k.reserve(stream.size() + 9);
  k.append(stream.data(), stream.size());
  k.push_back('\0');
  return k;
}

// Just past every key of the stream: the id, then 0x01.
inline std::string stream_prefix_end(std::string_view stream) {
  std::string k(stream);
  k.push_back('\1');
  return k;
}

// "streams" key: prefix, then the version big-endian.
inline std::string stream_key(std::string_view stream, std::uint64_t version) {
  std::string k = stream_prefix(stream);
  put_be64(k, version);
  return k;
}

}  // namespace callboard::storage::keys
