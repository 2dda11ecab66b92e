#pragma once
// Byte-level building blocks of the stored format (storage/FORMAT.md):
// varints, zigzag, strings, and one field encoder per field type, walked
// generically over an event's tie(). Used by the codec and the upcasts; not a
// general serialization library.
//
// Thread-safety: Writer and Reader are plain values, one thread each.
// Errors: a Reader never reads past its end; a failed read returns false and
// records why (error()); the caller turns that into Status corruption.

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace callboard::storage::wire {

// Appends encoded values to a string the caller owns.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  // LEB128: 7 bits per byte, low bits first, high bit set on all but the last.
  void varint(std::uint64_t v) {
    char buf[10];
    std::size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
  }
  void fixed32(std::uint32_t v) {
    char buf[4];
    for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    out_.append(buf, 4);
  }
  void bytes(std::string_view s) {
    varint(s.size());
    out_.append(s.data(), s.size());
  }
  std::string& out() { return out_; }

 private:
  std::string& out_;
};

// Reads encoded values from a byte range it does not own.
class Reader {
 public:
  explicit Reader(std::string_view in) : begin_(in.data()), p_(in.data()), end_(in.data() + in.size()) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }
  bool at_end() const { return p_ == end_; }
  // Why the last read failed ("" if none did); a string literal.
  const char* error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }

  bool u8(std::uint8_t& v) {
    if (p_ == end_) return fail("truncated byte");
    v = static_cast<std::uint8_t>(*p_++);
    return true;
  }
  // Refuses overlong encodings and values past 64 bits, so every value has
  // exactly one encoding.
  bool varint(std::uint64_t& v) {
    if (p_ != end_ && static_cast<unsigned char>(*p_) < 0x80) {
      v = static_cast<unsigned char>(*p_++);
      return true;
    }
    std::uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail("truncated varint");
      const auto byte = static_cast<unsigned char>(*p_++);
      if (shift == 63 && byte > 1) return fail("varint exceeds 64 bits");
      result |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (byte < 0x80) {
        if (byte == 0 && shift > 0) return fail("overlong varint");
        v = result;
        return true;
      }
    }
    return fail("varint exceeds 64 bits");
  }
  bool fixed32(std::uint32_t& v) {
    if (remaining() < 4) return fail("truncated fixed32");
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p_[i])) << (8 * i);
    p_ += 4;
    return true;
  }
  // A length-prefixed byte string; the view points into the input.
  bool bytes(std::string_view& s) {
    std::uint64_t n;
    if (!varint(n)) return false;
    if (n > remaining()) return fail("length runs past the end");
    s = std::string_view(p_, static_cast<std::size_t>(n));
    p_ += n;
    return true;
  }
  bool fail(const char* why) {
    if (!*error_) {
      error_ = why;
      error_offset_ = offset();
    }
    return false;
  }

 private:
  const char* begin_;
  const char* p_;
  const char* end_;
  const char* error_ = "";
  std::size_t error_offset_ = 0;
};

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

namespace detail {
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class>
inline constexpr bool always_false = false;

// An enum is "known" when the domain's to_string() names it (the domain
// returns "unknown" for any other value). Enums without to_string accept
// every value of their underlying type.
template <class E, class = void>
struct has_to_string : std::false_type {};
template <class E>
struct has_to_string<E, std::void_t<decltype(to_string(std::declval<E>()))>> : std::true_type {};
}  // namespace detail

// ---- one encoder per field type (FORMAT.md, "Field encodings") -------------

template <class T>
void put_field(Writer& w, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    w.u8(v ? 1 : 0);
  } else if constexpr (std::is_enum_v<T>) {
    put_field(w, static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    w.varint(v);
  } else if constexpr (std::is_integral_v<T>) {
    w.varint(zigzag(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.bytes(v);
  } else if constexpr (detail::is_vector<T>::value) {
    w.varint(v.size());
    for (const auto& item : v) put_field(w, item);
  } else {
    static_assert(detail::always_false<T>,
                  "no field encoder for this type: add one here and in storage/FORMAT.md");
  }
}

template <class T>
bool get_field(Reader& r, T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    std::uint8_t b;
    if (!r.u8(b)) return false;
    if (b > 1) return r.fail("bool is neither 0 nor 1");
    v = b == 1;
    return true;
  } else if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> u;
    if (!get_field(r, u)) return false;
    v = static_cast<T>(u);
    if constexpr (detail::has_to_string<T>::value) {
      if (std::strcmp(to_string(v), "unknown") == 0) return r.fail("enum value unknown to this build");
    }
    return true;
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    std::uint64_t u;
    if (!r.varint(u)) return false;
    if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
      return r.fail("integer out of range for its field");
    v = static_cast<T>(u);
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    std::uint64_t u;
    if (!r.varint(u)) return false;
    const std::int64_t s = unzigzag(u);
    if (s < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        s > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      return r.fail("integer out of range for its field");
    v = static_cast<T>(s);
    return true;
  } else if constexpr (std::is_same_v<T, std::string>) {
    std::string_view s;
    if (!r.bytes(s)) return false;
    v.assign(s.data(), s.size());
    return true;
  } else if constexpr (detail::is_vector<T>::value) {
    std::uint64_t n;
    if (!r.varint(n)) return false;
    // Every element takes at least one byte: a garbled count cannot make us
    // allocate more than the record holds.
    if (n > r.remaining()) return r.fail("element count runs past the end");
    v.clear();
    v.resize(static_cast<std::size_t>(n));
    for (auto& item : v) {
      if (!get_field(r, item)) return false;
    }
    return true;
  } else {
    static_assert(detail::always_false<T>,
                  "no field decoder for this type: add one here and in storage/FORMAT.md");
    return false;
  }
}

// Every field of a struct with tie(), in tie() order.
template <class S>
void put_fields(Writer& w, const S& s) {
  std::apply([&w](const auto&... f) { (put_field(w, f), ...); }, s.tie());
}

template <class S>
bool get_fields(Reader& r, S& s) {
  auto refs = s.tie();
  return std::apply([&r](auto&... f) { return (get_field(r, f) && ...); }, refs);
}

}  // namespace callboard::storage::wire
