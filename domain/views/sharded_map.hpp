#pragma once
// A hash map that grows in small steps: the keys are spread over a fixed
// number of std::unordered_maps, so when one of them outgrows its buckets
// the rehash walks 1/Shards of the entries, not all of them.
//
// Why: the views keep every call, and they are changed under the exclusive
// lock the routing reads through (storage/view_host.hpp). One
// std::unordered_map of all calls rehashed the whole table each time it
// doubled: at 85,230 calls that was 17 ms of the log's delivery thread
// with the lock held, and every new call's routing waited for it
// (bench/routing, docs/BENCHMARKS.md, eleventh pass); the step doubles with
// the table. Sharded 256 ways, the same growth costs 1/256 of that, spread
// over the shards' own doublings.
//
// The interface is what the views use: find (null when absent),
// operator[], emplace, at, size, reserve, for_each; largest_shard() for
// the test of the property above.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace callboard::domain {

template <class K, class V, std::size_t Shards = 256, class Hash = std::hash<K>>
class ShardedMap {
  static_assert(Shards > 0, "at least one shard");

 public:
  using key_type = K;

  V* find(const K& key) {
    auto& s = shard(key);
    auto it = s.find(key);
    return it == s.end() ? nullptr : &it->second;
  }
  const V* find(const K& key) const {
    const auto& s = shard(key);
    auto it = s.find(key);
    return it == s.end() ? nullptr : &it->second;
  }

  // Inserts a default V when the key is absent.
  V& operator[](const K& key) {
    auto [it, inserted] = shard(key).try_emplace(key);
    if (inserted) ++size_;
    return it->second;
  }

  // False (and nothing changed) when the key is there already.
  bool emplace(K key, V value) {
    auto& s = shard(key);
    const bool inserted = s.try_emplace(std::move(key), std::move(value)).second;
    if (inserted) ++size_;
    return inserted;
  }

  // Throws std::out_of_range when the key is absent.
  const V& at(const K& key) const {
    const V* v = find(key);
    if (!v) throw std::out_of_range("ShardedMap::at: no such key");
    return *v;
  }

  std::size_t size() const { return size_; }

  // Room for about n entries in all (each shard gets its share).
  void reserve(std::size_t n) {
    for (auto& s : shards_) s.reserve(n / Shards + 1);
  }

  // f(key, value) for every entry, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& s : shards_)
      for (const auto& [k, v] : s) f(k, v);
  }

  // The largest shard's entry count: a rehash walks at most this many.
  std::size_t largest_shard() const {
    std::size_t n = 0;
    for (const auto& s : shards_) n = s.size() > n ? s.size() : n;
    return n;
  }

 private:
  using Shard = std::unordered_map<K, V, Hash>;
  // The shard from the hash's bits mixed by a multiplication (std::hash of
  // an integer is the integer itself: ids that share their low bits would
  // otherwise land in one shard).
  std::size_t index(const K& key) const {
    const std::uint64_t mixed = static_cast<std::uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>((mixed >> 32) % Shards);
  }
  Shard& shard(const K& key) { return shards_[index(key)]; }
  const Shard& shard(const K& key) const { return shards_[index(key)]; }

  std::array<Shard, Shards> shards_;
  std::size_t size_ = 0;
};

}  // namespace callboard::domain
