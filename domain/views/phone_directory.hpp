// The client directory's phone index: E.164 number -> client id.
//
// Every call looks a caller up here and a replay of a large client base
// inserts every phone, so the common key, "+" and 1..15 digits, is packed
// into one 64-bit integer and kept in an open-addressing table (linear
// probing, backward-shift deletion): no allocation per number, one integer
// compare per probe. Anything else (a number the link rules let through in
// another form) goes to an ordinary string map beside it. Not thread-safe:
// owned by CrmViews, used under its lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

class PhoneDirectory {
 public:
  std::optional<ClientId> find(const std::string& phone) const;
  // The number now belongs to `client` (whoever had it before).
  void assign(const std::string& phone, ClientId client);
  // Forgets the number only if it still belongs to `client`.
  void release(const std::string& phone, ClientId client);
  void reserve(std::size_t numbers);
  void clear();
  std::size_t size() const { return packed_used_ + other_.size(); }
  // Every (number, client), sorted by number (snapshots and digests).
  std::vector<std::pair<std::string, ClientId>> sorted() const;

 private:
  struct Slot {
    std::uint64_t key = 0;  // 0: empty (a packed number is never 0)
    ClientId client = 0;
  };
  static std::optional<std::uint64_t> pack(const std::string& phone);
  static std::string unpack(std::uint64_t key);
  std::size_t home(std::uint64_t key) const;
  std::size_t index_of(std::uint64_t key) const;  // kMissing (in the .cpp) when absent
  void grow_to(std::size_t capacity);
  void erase_at(std::size_t index);

  std::vector<Slot> slots_;  // capacity a power of two, at most 7/8 full
  std::size_t packed_used_ = 0;
  std::unordered_map<std::string, ClientId> other_;
};

}  // namespace callboard::domain
