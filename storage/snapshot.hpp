#pragma once
// Snapshots of the CRM views: files that hold the views' state as of one
// log sequence, so a restart loads the newest one and replays only the
// events after it. The log stays the only source of truth: a snapshot that
// is torn, corrupt, of another layout or past the log's end is skipped
// (with a warning) and an older one, or a full replay, is used instead;
// deleting every snapshot gives the same views, only slower. Byte format:
// storage/FORMAT.md, "Views snapshots".
//
// Files live in one directory (DATA_DIR/snapshots): snap-<sequence, 20
// digits>.cbsnap, written as a .tmp first, synced, renamed, and the
// directory synced, so a crash leaves either the whole file or none.
//
// Free functions; thread-safe as long as two writers do not share a
// directory (the server has one Snapshotter).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::storage {

// Written to disk: never renumber.
inline constexpr std::uint32_t kSnapshotFormat = 1;

struct SnapshotInfo {
  std::uint64_t sequence = 0;  // the last event the views include
  std::string path;
  std::uint64_t bytes = 0;
};

// Writes the views to `dir` (created when missing). REQUIRES: nothing
// applies events to `views` meanwhile (hold the ViewHost's read lock).
// Errors: io_error naming the file.
Result<SnapshotInfo> write_snapshot(const std::string& dir, const domain::CrmViews& views);

struct LoadedSnapshot {
  SnapshotInfo info;
  domain::CrmViews views;
};

// The newest snapshot in `dir` that is whole, of this build's layout and
// at most `max_sequence` (the log's last sequence); nullopt when there is
// none (or no directory). Each one skipped adds a line to `warnings`.
std::optional<LoadedSnapshot> load_newest_snapshot(const std::string& dir, std::uint64_t max_sequence,
                                                   std::vector<std::string>& warnings);

// Reads and checks one snapshot file. Errors: corruption (what is wrong),
// io_error.
Result<LoadedSnapshot> read_snapshot(const std::string& path);

// The snapshots in `dir`, newest first (by the sequence in their names).
std::vector<SnapshotInfo> list_snapshots(const std::string& dir);

// Deletes every snapshot but the newest `keep`, and leftover .tmp files.
void prune_snapshots(const std::string& dir, std::size_t keep);

}  // namespace callboard::storage
