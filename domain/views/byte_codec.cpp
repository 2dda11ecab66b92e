#include "domain/views/byte_codec.hpp"

#include <cstdio>

namespace callboard::domain {

ByteWriter::ByteWriter(Sink sink, std::size_t chunk_bytes)
    : sink_(std::move(sink)), chunk_(chunk_bytes) {
  buffer_.reserve(chunk_ + 32);
}

ByteWriter::~ByteWriter() { flush(); }

void ByteWriter::u64(std::uint64_t v) {
  while (v >= 0x80) {
    buffer_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  buffer_.push_back(static_cast<char>(v));
  maybe_flush();
}

void ByteWriter::i64(std::int64_t v) {
  u64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void ByteWriter::str(std::string_view s) {
  u64(s.size());
  if (s.size() >= chunk_) {
    flush();
    written_ += s.size();
    sink_(s);
    return;
  }
  buffer_.append(s.data(), s.size());
  maybe_flush();
}

void ByteWriter::flush() {
  if (buffer_.empty()) return;
  written_ += buffer_.size();
  sink_(buffer_);
  buffer_.clear();
}

bool ByteReader::u64(std::uint64_t& v) {
  if (failed_) return false;
  std::uint64_t out = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= data_.size()) return fail();
    const auto byte = static_cast<unsigned char>(data_[pos_++]);
    if (shift == 63 && byte > 1) return fail();  // past 64 bits
    out |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      if (byte == 0 && shift > 0) return fail();  // overlong: one encoding per value
      v = out;
      return true;
    }
  }
  return fail();
}

bool ByteReader::i64(std::int64_t& v) {
  std::uint64_t z = 0;
  if (!u64(z)) return false;
  v = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  return true;
}

bool ByteReader::boolean(bool& v) {
  std::uint64_t x = 0;
  if (!u64(x) || x > 1) return fail();
  v = x == 1;
  return true;
}

bool ByteReader::str(std::string& s) {
  std::uint64_t n = 0;
  if (!u64(n) || n > data_.size() - pos_) return fail();
  s.assign(data_.data() + pos_, static_cast<std::size_t>(n));
  pos_ += static_cast<std::size_t>(n);
  return true;
}

bool ByteReader::count(std::uint64_t& n) {
  if (!u64(n) || n > data_.size() - pos_) return fail();
  return true;
}

void Digest::update(std::string_view bytes) {
  std::uint64_t a = a_;
  std::uint64_t b = b_;
  for (unsigned char c : bytes) {
    a = (a ^ c) * 0x100000001b3ULL;                 // FNV-1a 64
    b = (b + c + 1) * 0x9E3779B97F4A7C15ULL;        // multiplicative, golden ratio
    b ^= b >> 29;
  }
  a_ = a;
  b_ = b;
}

std::string Digest::hex() const {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a_),
                static_cast<unsigned long long>(b_));
  return buf;
}

}  // namespace callboard::domain
