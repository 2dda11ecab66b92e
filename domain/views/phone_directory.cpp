#include "domain/views/phone_directory.hpp"

#include <algorithm>

namespace callboard::domain {
namespace {

constexpr std::size_t kMinCapacity = 64;
constexpr std::size_t kMissing = static_cast<std::size_t>(-1);

// The digits follow a 1 so that numbers differing only in leading zeros
// ("+0..." is not E.164, but the packing must stay injective) never collide.
constexpr std::size_t kMaxDigits = 15;

}  // namespace

std::optional<std::uint64_t> PhoneDirectory::pack(const std::string& phone) {
  if (phone.size() < 2 || phone.size() > kMaxDigits + 1 || phone[0] != '+') return std::nullopt;
  std::uint64_t key = 1;
  for (std::size_t i = 1; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c < '0' || c > '9') return std::nullopt;
    key = key * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return key;
}

std::string PhoneDirectory::unpack(std::uint64_t key) {
  std::string digits = std::to_string(key);
  digits[0] = '+';  // the leading 1 put there by pack()
  return digits;
}

std::size_t PhoneDirectory::home(std::uint64_t key) const {
  // Fibonacci hashing spreads consecutive numbers over the table.
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 20) & (slots_.size() - 1);
}

std::size_t PhoneDirectory::index_of(std::uint64_t key) const {
  if (slots_.empty()) return kMissing;
  for (std::size_t i = home(key);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i].key == key) return i;
    if (slots_[i].key == 0) return kMissing;
  }
}

std::optional<ClientId> PhoneDirectory::find(const std::string& phone) const {
  if (auto key = pack(phone)) {
    const std::size_t i = index_of(*key);
    if (i == kMissing) return std::nullopt;
    return slots_[i].client;
  }
  auto it = other_.find(phone);
  if (it == other_.end()) return std::nullopt;
  return it->second;
}

void PhoneDirectory::assign(const std::string& phone, ClientId client) {
  auto key = pack(phone);
  if (!key) {
    other_[phone] = client;
    return;
  }
  if ((packed_used_ + 1) * 8 > slots_.size() * 7) grow_to(std::max(kMinCapacity, slots_.size() * 2));
  for (std::size_t i = home(*key);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i].key == *key) {
      slots_[i].client = client;
      return;
    }
    if (slots_[i].key == 0) {
      slots_[i] = Slot{*key, client};
      ++packed_used_;
      return;
    }
  }
}

void PhoneDirectory::release(const std::string& phone, ClientId client) {
  auto key = pack(phone);
  if (!key) {
    auto it = other_.find(phone);
    if (it != other_.end() && it->second == client) other_.erase(it);
    return;
  }
  const std::size_t i = index_of(*key);
  if (i != kMissing && slots_[i].client == client) erase_at(i);
}

void PhoneDirectory::erase_at(std::size_t hole) {
  // Backward-shift deletion: pull later members of the probe run into the
  // hole so lookups never need tombstones.
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = (hole + 1) & mask; slots_[i].key != 0; i = (i + 1) & mask) {
    // It may fill the hole unless its home lies in (hole, i], cyclically.
    const std::size_t from_home = (i - home(slots_[i].key)) & mask;
    const std::size_t from_hole = (i - hole) & mask;
    if (from_home >= from_hole) {
      slots_[hole] = slots_[i];
      hole = i;
    }
  }
  slots_[hole] = Slot{};
  --packed_used_;
}

void PhoneDirectory::grow_to(std::size_t capacity) {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(capacity, Slot{});
  for (const Slot& s : old) {
    if (s.key == 0) continue;
    std::size_t i = home(s.key);
    while (slots_[i].key != 0) i = (i + 1) & (capacity - 1);
    slots_[i] = s;
  }
}

void PhoneDirectory::reserve(std::size_t numbers) {
  std::size_t capacity = kMinCapacity;
  while (numbers * 8 > capacity * 7) capacity *= 2;
  if (capacity > slots_.size()) grow_to(capacity);
  other_.reserve(std::min<std::size_t>(numbers, 1024));
}

void PhoneDirectory::clear() {
  slots_.clear();
  packed_used_ = 0;
  other_.clear();
}

std::vector<std::pair<std::string, ClientId>> PhoneDirectory::sorted() const {
  std::vector<std::pair<std::string, ClientId>> out(other_.begin(), other_.end());
  out.reserve(size());
  for (const Slot& s : slots_) {
    if (s.key != 0) out.emplace_back(unpack(s.key), s.client);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace callboard::domain
