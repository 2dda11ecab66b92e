#pragma once
// The supervisor board's live feed: a snapshot, then numbered deltas, and a
// resume after a reconnect that loses nothing (docs/api.md, "The supervisor
// board").
//
// Numbering: a delta is named by the log sequence of the batch it follows
// (`seq`) and by the sequence of the delta before it (`prev`); it holds
// the current state of everything that changed in (prev, seq]. A page that
// holds the board at sequence S applies a delta when prev <= S < seq, skips
// it when seq <= S (it has that already), and asks again (reconnects with
// since=S) when prev > S: a gap. A snapshot is the board at one sequence.
// Because a delta carries states, not steps, applying one the page already
// reflects in part is harmless.
//
// Two halves, on two threads, neither thread-safe by itself:
//  - BoardProducer, on the event log's delivery thread, right after the
//    views applied the batch: it decides whether the batch changed the
//    board and numbers the delta. It produces nothing while the gate says
//    nobody watches (no supervisor page has been open for a while), so the
//    board costs nothing then; the next delta says it follows a gap.
//  - BoardLog, on the web's io thread: the last deltas, for pages that
//    reconnect with since=S. It serves a resume only when it can vouch that
//    it holds every delta after S; otherwise the page gets a fresh snapshot.
//
// The gate is one atomic word, epoch << 1 | on, which the io thread moves
// (every switch a new epoch) and the producer reads per batch. The log
// trusts itself again only once a delta produced under the current epoch
// arrives: any batch skipped before it is then known (its prev says where).

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/events.hpp"
#include "web/board_json.hpp"

namespace callboard::web {

struct BoardDelta {
  std::uint64_t seq = 0;
  std::uint64_t prev = 0;
  std::uint64_t epoch = 0;  // the gate's epoch when it was produced
  bool after_gap = false;   // batches before it were skipped; prev is the last of them
  std::shared_ptr<const std::string> frame;  // the "board_delta" text frame
};

constexpr std::uint64_t gate_word(std::uint64_t epoch, bool on) { return epoch << 1 | (on ? 1 : 0); }
constexpr bool gate_on(std::uint64_t word) { return (word & 1) != 0; }
constexpr std::uint64_t gate_epoch(std::uint64_t word) { return word >> 1; }

class BoardProducer {
 public:
  // start: the views' sequence when the feed starts (nothing before it is
  // the producer's business).
  explicit BoardProducer(std::uint64_t start) : last_seq_(start) {}

  // Whether the next batch will be looked at (skip reading the views if not).
  static bool recording(std::uint64_t gate) { return gate_on(gate); }

  // Called once per batch, in log order, after the views applied it. While
  // recording, `changes` is what the batch changed (board_changes) and
  // `body` builds the delta's JSON for them; the result is the delta to
  // send, or nullopt when nothing changed (or nothing is recorded).
  template <class BuildBody>
  std::optional<BoardDelta> on_batch(std::uint64_t batch_last_seq, std::uint64_t gate,
                                     const BoardChanges& changes, BuildBody&& body);

  // Records that a batch was seen without being looked at.
  void skip(std::uint64_t batch_last_seq);

 private:
  std::uint64_t last_seq_;         // the last batch seen
  std::uint64_t last_delta_ = 0;   // the last delta's seq
  bool skipped_ = true;            // batches were skipped since the last delta
};

class BoardLog {
 public:
  // Keeps the last `capacity` deltas. start: as BoardProducer's.
  BoardLog(std::size_t capacity, std::uint64_t start) : capacity_(capacity), floor_(start), last_(start) {}

  // The gate moved to a new epoch: until a delta of that epoch arrives,
  // batches may be skipped that the log cannot know of.
  void new_epoch(std::uint64_t epoch);

  void add(const BoardDelta& d);

  struct Resume {
    bool snapshot = true;  // send a fresh snapshot instead
    std::vector<std::shared_ptr<const std::string>> frames;  // else these deltas, in order
  };
  // What a page holding the board at `since` needs. views_seq: the views'
  // sequence now (a since beyond it comes from another log).
  Resume resume(std::uint64_t since, std::uint64_t views_seq) const;

  std::size_t size() const { return deltas_.size(); }
  std::uint64_t floor() const { return floor_; }
  bool trusted() const { return !stale_; }

 private:
  std::size_t capacity_;
  std::uint64_t epoch_ = 0;
  bool stale_ = true;
  std::uint64_t floor_;  // every change after it is in deltas_
  std::uint64_t last_;   // the last delta's seq (or floor_)
  std::deque<BoardDelta> deltas_;
};

// The text frame of a delta: {"type":"board_delta","seq","prev", ...body}.
std::string board_delta_frame(std::uint64_t seq, std::uint64_t prev, nlohmann::json body);

template <class BuildBody>
std::optional<BoardDelta> BoardProducer::on_batch(std::uint64_t batch_last_seq, std::uint64_t gate,
                                                  const BoardChanges& changes, BuildBody&& body) {
  if (!recording(gate)) {
    skip(batch_last_seq);
    return std::nullopt;
  }
  if (changes.empty()) {
    // Nothing to say; after a gap, keep saying it followed one.
    if (skipped_) last_seq_ = batch_last_seq;
    return std::nullopt;
  }
  BoardDelta d;
  d.seq = batch_last_seq;
  d.prev = skipped_ ? last_seq_ : last_delta_;
  d.epoch = gate_epoch(gate);
  d.after_gap = skipped_;
  d.frame = std::make_shared<const std::string>(board_delta_frame(d.seq, d.prev, body(changes)));
  skipped_ = false;
  last_delta_ = batch_last_seq;
  last_seq_ = batch_last_seq;
  return d;
}

}  // namespace callboard::web
