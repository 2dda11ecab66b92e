#pragma once
// A small byte codec for the views' snapshot (storage/FORMAT.md, "Views
// snapshots") and their digest: varints, zigzag integers, length-prefixed
// strings. The writer streams into a sink in chunks, so a snapshot of a
// million clients never sits in memory whole; the reader works over bytes
// already read and reports truncation or overlong varints as a failure,
// never by crashing.
//
// Pure C++; one object per thread.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace callboard::domain {

class ByteWriter {
 public:
  using Sink = std::function<void(std::string_view)>;
  // The sink gets the bytes in order, in chunks of about chunk_bytes.
  explicit ByteWriter(Sink sink, std::size_t chunk_bytes = 256 * 1024);
  ~ByteWriter();  // flushes what is left
  ByteWriter(const ByteWriter&) = delete;
  ByteWriter& operator=(const ByteWriter&) = delete;

  void u64(std::uint64_t v);
  void i64(std::int64_t v);  // zigzag
  void boolean(bool v) { u64(v ? 1 : 0); }
  void str(std::string_view s);
  void flush();
  std::uint64_t bytes_written() const { return written_ + buffer_.size(); }

 private:
  void maybe_flush() {
    if (buffer_.size() >= chunk_) flush();
  }
  Sink sink_;
  std::size_t chunk_;
  std::string buffer_;
  std::uint64_t written_ = 0;
};

class ByteReader {
 public:
  // Borrows the bytes: they must outlive the reader.
  explicit ByteReader(std::string_view data) : data_(data) {}
  explicit ByteReader(std::string&&) = delete;

  // Each returns false (and leaves the reader failed) on truncated input or
  // a malformed value; callers bail out on the first false.
  bool u64(std::uint64_t& v);
  bool i64(std::int64_t& v);
  bool boolean(bool& v);
  bool str(std::string& s);
  // A count of items to follow, refused when it exceeds the bytes left
  // (every item takes at least one byte), so a corrupt count cannot make
  // the loader reserve gigabytes.
  bool count(std::uint64_t& n);
  template <class T>
  bool u(T& v) {
    std::uint64_t x = 0;
    if (!u64(x) || x > static_cast<std::uint64_t>(static_cast<T>(~T{}))) return fail();
    v = static_cast<T>(x);
    return true;
  }
  bool failed() const { return failed_; }
  bool at_end() const { return pos_ == data_.size(); }
  std::size_t position() const { return pos_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// A 128-bit non-cryptographic digest (two independent 64-bit hashes) of a
// byte stream, written as 32 hex digits. It tells two views apart, not an
// attacker from a friend.
class Digest {
 public:
  void update(std::string_view bytes);
  std::string hex() const;

 private:
  std::uint64_t a_ = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  std::uint64_t b_ = 0x84222325cbf29ce4ULL;
};

}  // namespace callboard::domain
