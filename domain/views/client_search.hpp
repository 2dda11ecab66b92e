#pragma once
// Search of clients by the start of any word of their name or company,
// case-insensitively, in any script: "петр" finds "Иван Петров", "ром"
// finds "ООО «Ромашка»", "ив пе" finds "Иван Петров". Case is folded with
// Unicode simple case folding (ICU; ASCII and Cyrillic on a fast path), "ё"
// is read as "е", runs of white space as one space.
//
// Memory: 24 bytes per word of a name or company (the key is the folded
// text from that word on, cut to 15 bytes; longer queries are checked
// against the full folded text), so a million clients with about three
// words each take some 72 MiB. Keys live in one sorted vector; new keys
// gather in a small unsorted buffer (scanned by queries) that is merged in
// once it reaches 1/8 of the vector, so a replay of a million clients
// inserts without a tree's cache misses; removed keys are tombstones until
// the next merge.
//
// Single-threaded, as CrmViews (whose part it is).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

// The folded form searches compare: lower case (Unicode simple folding),
// "ё" -> "е", white space runs -> one space, trimmed.
std::string fold_for_search(const std::string& text);

class ClientSearch {
 public:
  void add(ClientId id, const std::string& name, const std::string& company);
  // Between these, add() only collects; end_bulk() sorts once (loading a
  // snapshot: one sort instead of a merge every few thousand clients).
  void begin_bulk() { bulk_ = true; }
  void end_bulk();
  void remove(ClientId id, const std::string& name, const std::string& company);

  // Clients whose name or company has a word starting with `query`
  // (folded), each once, in the order of the matched words; at most
  // `limit`. `lookup(id, name, company)` gives a candidate's current texts
  // (for queries longer than the stored keys). Empty for a blank query.
  template <class Lookup>
  std::vector<ClientId> find(const std::string& query, std::size_t limit, Lookup&& lookup) const;

  // Live keys (an upper bound until the next merge drops a duplicate).
  std::size_t entries() const { return base_.size() + pending_.size() - gone_.size(); }
  // Every live key in order (CrmViews::digest() covers the derived indexes).
  void for_each_key(const std::function<void(std::string_view, ClientId)>& f) const;
  void clear();

  static constexpr std::size_t kKeyBytes = 15;

 private:
  // The key's bytes packed big-endian into two words (15 bytes of text,
  // zero-padded, then its length), so byte order is integer order and a
  // comparison is two integer compares.
  struct Key {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    ClientId id = 0;
    static Key of(const char* text, std::size_t size, ClientId id);
    std::size_t size() const { return static_cast<std::size_t>(lo & 0xFF); }
    std::string text() const;
    bool has_prefix(const Key& probe) const;  // probe.size() bytes equal
  };
  struct Less {
    bool operator()(const Key& a, const Key& b) const {
      if (a.hi != b.hi) return a.hi < b.hi;
      if (a.lo != b.lo) return a.lo < b.lo;
      return a.id < b.id;
    }
  };
  // Calls emit(key) for each key of one text: the folded text from each
  // word start on.
  template <class Emit>
  void for_keys_of(ClientId id, const std::string& text, Emit&& emit);
  // The recent buffer is merged in at 1/8 of the sorted vector: a query
  // scans at most that many keys linearly, and a replay moves each key
  // about 8 times in all.
  std::size_t merge_threshold() const { return std::max<std::size_t>(8192, base_.size() / 8); }
  // True when some word of folded `text` starts with the folded `query`.
  static bool matches(const std::string& folded_query, const std::string& text);
  std::vector<ClientId> scan(const std::string& folded, std::size_t limit,
                             const std::function<bool(ClientId)>& verify) const;
  static bool same_key(const Key& a, const Key& b);
  bool present(const Key& k) const;
  void merge();

  std::vector<Key> base_;     // sorted, unique
  std::vector<Key> pending_;  // unsorted, added since the last merge
  std::set<Key, Less> gone_;  // removed from base_ or pending_ since the last merge
  std::string scratch_;       // folding buffer for add/remove
  std::vector<Key> keys_;     // one client's keys, for add
  bool bulk_ = false;
};

template <class Lookup>
std::vector<ClientId> ClientSearch::find(const std::string& query, std::size_t limit,
                                         Lookup&& lookup) const {
  const std::string folded = fold_for_search(query);
  return scan(folded, limit, [&](ClientId id) {
    if (folded.size() <= kKeyBytes) return true;
    std::string name;
    std::string company;
    if (!lookup(id, name, company)) return false;
    return matches(folded, name) || matches(folded, company);
  });
}

}  // namespace callboard::domain
