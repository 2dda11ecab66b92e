#include "domain/views/client_search.hpp"
#include "domain/utf8.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <cstring>

namespace callboard::domain {

namespace {

// An invalid byte is taken as U+FFFD so folding never fails on bad input.
char32_t next_cp(const std::string& s, std::size_t& i) {
  const char32_t cp = decode_utf8(s, i);
  return cp == kInvalidCodePoint ? 0xFFFD : cp;
}

void put_cp(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Basic Latin and Cyrillic (what names here are written in) on a fast
// path; everything else through ICU's simple case folding.
char32_t fold_cp(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                    // А..Я
  if (cp == 0x401 || cp == 0x451) return 0x435;                         // Ё, ё -> е
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;                     // Ѐ..Џ
  if (cp >= 0x430 && cp <= 0x45F) return cp;                            // а..џ
  const auto folded = static_cast<char32_t>(u_foldCase(static_cast<UChar32>(cp), U_FOLD_CASE_DEFAULT));
  return folded == 0x451 ? 0x435 : folded;
}

bool is_space(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  if (cp >= 0x400 && cp <= 0x4FF) return false;  // Cyrillic: the common case, without ICU
  return u_isUWhiteSpace(static_cast<UChar32>(cp));
}

bool is_word(char32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp >= 0x400 && cp <= 0x4FF) return true;
  return u_isalnum(static_cast<UChar32>(cp));
}

// Byte offsets in a folded text where a word starts.
std::vector<std::size_t> word_starts(const std::string& folded) {
  std::vector<std::size_t> out;
  bool prev_word = false;
  for (std::size_t i = 0; i < folded.size();) {
    const std::size_t at = i;
    const bool w = is_word(next_cp(folded, i));
    if (w && !prev_word) out.push_back(at);
    prev_word = w;
  }
  return out;
}

}  // namespace

void fold_into(const std::string& text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = next_cp(text, i);
    if (is_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    put_cp(out, fold_cp(cp));
  }
}

std::string fold_for_search(const std::string& text) {
  std::string out;
  fold_into(text, out);
  return out;
}

bool ClientSearch::same_key(const Key& a, const Key& b) { return a.hi == b.hi && a.lo == b.lo && a.id == b.id; }

ClientSearch::Key ClientSearch::Key::of(const char* text, std::size_t size, ClientId id) {
  unsigned char b[16] = {};
  std::memcpy(b, text, std::min(size, kKeyBytes));
  b[15] = static_cast<unsigned char>(std::min(size, kKeyBytes));
  Key k;
  for (int i = 0; i < 8; ++i) k.hi = (k.hi << 8) | b[i];
  for (int i = 8; i < 16; ++i) k.lo = (k.lo << 8) | b[i];
  k.id = id;
  return k;
}

std::string ClientSearch::Key::text() const {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((hi >> (56 - 8 * i)) & 0xFF));
  for (int i = 0; i < 7; ++i) out.push_back(static_cast<char>((lo >> (56 - 8 * i)) & 0xFF));
  out.resize(size());
  return out;
}

bool ClientSearch::Key::has_prefix(const Key& probe) const {
  const std::size_t n = probe.size();
  if (size() < n) return false;
  // Masks of the first n bytes of the 15 text bytes.
  const std::uint64_t hi_mask = n >= 8 ? ~0ULL : (n == 0 ? 0 : ~0ULL << (8 * (8 - n)));
  const std::uint64_t lo_mask = n <= 8 ? 0 : (~0ULL << (8 * (16 - n))) & ~0xFFULL;
  return (hi & hi_mask) == (probe.hi & hi_mask) && (lo & lo_mask) == (probe.lo & lo_mask);
}

template <class Emit>
void ClientSearch::for_keys_of(ClientId id, const std::string& text, Emit&& emit) {
  if (text.empty()) return;
  fold_into(text, scratch_);
  bool prev_word = false;
  for (std::size_t i = 0; i < scratch_.size();) {
    const std::size_t at = i;
    const bool w = is_word(next_cp(scratch_, i));
    if (w && !prev_word) emit(Key::of(scratch_.data() + at, scratch_.size() - at, id));
    prev_word = w;
  }
}

bool ClientSearch::present(const Key& k) const {
  return std::binary_search(base_.begin(), base_.end(), k, Less{}) ||
         std::any_of(pending_.begin(), pending_.end(),
                     [&](const Key& p) { return p.hi == k.hi && p.lo == k.lo && p.id == k.id; });
}

// Merges the sorted recent keys into the vector in place, from the back
// (no second vector: a replay of a million clients would otherwise
// allocate and free a 70 MiB buffer dozens of times).
void ClientSearch::merge() {
  std::sort(pending_.begin(), pending_.end(), Less{});
  const auto same = same_key;
  std::size_t i = base_.size();
  std::size_t j = pending_.size();
  base_.resize(i + j);
  std::size_t k = base_.size();
  while (j > 0) {
    const bool from_base = i > 0 && Less{}(pending_[j - 1], base_[i - 1]);
    const Key& next = from_base ? base_[i - 1] : pending_[j - 1];
    // A key added twice (it cannot happen through CrmViews) is kept once.
    if (k == base_.size() || !same(next, base_[k])) base_[--k] = next;
    if (from_base) --i;
    else --j;
  }
  if (k > i) {  // duplicates were dropped: close the gap after the untouched front
    std::move_backward(base_.begin(), base_.begin() + static_cast<std::ptrdiff_t>(i),
                       base_.begin() + static_cast<std::ptrdiff_t>(k));
    base_.erase(base_.begin(), base_.begin() + static_cast<std::ptrdiff_t>(k - i));
  }
  if (!gone_.empty()) {
    base_.erase(std::remove_if(base_.begin(), base_.end(), [this](const Key& key) { return gone_.count(key) > 0; }),
                base_.end());
    gone_.clear();
  }
  pending_.clear();
}

void ClientSearch::add(ClientId id, const std::string& name, const std::string& company) {
  // A word in both the name and the company ("Мария Сидоренко", "ИП
  // Сидоренко") gives one key twice: keep it once.
  keys_.clear();
  auto collect = [this](const Key& k) { keys_.push_back(k); };
  for_keys_of(id, name, collect);
  for_keys_of(id, company, collect);
  std::sort(keys_.begin(), keys_.end(), Less{});
  keys_.erase(std::unique(keys_.begin(), keys_.end(), same_key), keys_.end());
  for (const Key& k : keys_) {
    // A key removed and added back (a rename that keeps a word) is still
    // there: it only loses its tombstone.
    if (!gone_.empty() && gone_.erase(k)) continue;
    pending_.push_back(k);
  }
  if (!bulk_ && pending_.size() > merge_threshold()) merge();
}

void ClientSearch::end_bulk() {
  bulk_ = false;
  if (!pending_.empty()) merge();
}

void ClientSearch::remove(ClientId id, const std::string& name, const std::string& company) {
  auto drop = [this](const Key& k) {
    if (present(k)) gone_.insert(k);  // a set: a key met twice is dropped once
  };
  for_keys_of(id, name, drop);
  for_keys_of(id, company, drop);
  if (gone_.size() > merge_threshold()) merge();
}

void ClientSearch::clear() {
  base_.clear();
  pending_.clear();
  gone_.clear();
}

void ClientSearch::for_each_key(const std::function<void(std::string_view, ClientId)>& f) const {
  std::vector<Key> recent = pending_;
  std::sort(recent.begin(), recent.end(), Less{});
  std::size_t i = 0;
  std::size_t j = 0;
  const Key* last = nullptr;
  while (i < base_.size() || j < recent.size()) {
    const Key& k = (j == recent.size() || (i < base_.size() && Less{}(base_[i], recent[j]))) ? base_[i++] : recent[j++];
    if (gone_.count(k) || (last && same_key(*last, k))) continue;
    last = &k;
    f(k.text(), k.id);
  }
}

bool ClientSearch::matches(const std::string& folded_query, const std::string& text) {
  const std::string folded = fold_for_search(text);
  for (std::size_t start : word_starts(folded)) {
    if (folded.compare(start, folded_query.size(), folded_query) == 0) return true;
  }
  return false;
}

std::vector<ClientId> ClientSearch::scan(const std::string& folded, std::size_t limit,
                                         const std::function<bool(ClientId)>& verify) const {
  std::vector<ClientId> out;
  if (folded.empty() || limit == 0) return out;
  const Key probe = Key::of(folded.data(), folded.size(), 0);
  auto matches_probe = [&](const Key& k) { return k.has_prefix(probe); };
  // The matching keys of the recent buffer, in order, then merged with the
  // sorted vector's matching range.
  std::vector<Key> recent;
  for (const auto& k : pending_) {
    if (matches_probe(k)) recent.push_back(k);
  }
  std::sort(recent.begin(), recent.end(), Less{});
  auto it = std::lower_bound(base_.begin(), base_.end(), probe, Less{});
  std::size_t j = 0;
  while (out.size() < limit) {
    const bool base_left = it != base_.end() && matches_probe(*it);
    const bool recent_left = j < recent.size();
    if (!base_left && !recent_left) break;
    const Key& k = (!recent_left || (base_left && Less{}(*it, recent[j]))) ? *it++ : recent[j++];
    if (gone_.count(k)) continue;
    if (std::find(out.begin(), out.end(), k.id) != out.end()) continue;
    if (verify(k.id)) out.push_back(k.id);
  }
  return out;
}

}  // namespace callboard::domain
