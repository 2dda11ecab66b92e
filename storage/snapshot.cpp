#include "storage/snapshot.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "storage/crc32c.hpp"

namespace callboard::storage {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'C', 'B', 'S', 'N', 'A', 'P', '\r', '\n'};
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;  // magic, format, layout, sequence
constexpr std::size_t kTrailerBytes = 8 + 4;         // body length, crc
constexpr const char* kPrefix = "snap-";
constexpr const char* kSuffix = ".cbsnap";

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::uint64_t get_le(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string file_name(std::uint64_t sequence) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%020llu%s", kPrefix, static_cast<unsigned long long>(sequence), kSuffix);
  return buf;
}

// The sequence in a snapshot's file name; nullopt for any other name.
std::optional<std::uint64_t> sequence_of(const std::string& name) {
  const std::size_t plen = std::strlen(kPrefix);
  const std::size_t slen = std::strlen(kSuffix);
  if (name.size() != plen + 20 + slen || name.compare(0, plen, kPrefix) != 0 ||
      name.compare(plen + 20, slen, kSuffix) != 0)
    return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = plen; i < plen + 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return v;
}

Status errno_status(const std::string& what) {
  return Status::io_error(what + ": " + std::strerror(errno));
}

// A file descriptor that writes every byte or remembers why it could not.
class Output {
 public:
  explicit Output(const std::string& path)
      : path_(path), fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
    if (fd_ < 0) status_ = errno_status("creating " + path);
  }
  ~Output() {
    if (fd_ >= 0) ::close(fd_);
  }
  void write(std::string_view bytes) {
    crc_ = crc32c(bytes.data(), bytes.size(), crc_);
    while (status_ && !bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        status_ = errno_status("writing " + path_);
        return;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  Status sync_and_close() {
    if (status_ && ::fdatasync(fd_) != 0) status_ = errno_status("syncing " + path_);
    if (fd_ >= 0 && ::close(fd_) != 0 && status_) status_ = errno_status("closing " + path_);
    fd_ = -1;
    return status_;
  }
  std::uint32_t crc() const { return crc_; }

 private:
  std::string path_;
  int fd_;
  Status status_;
  std::uint32_t crc_ = 0;
};

Status sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("opening " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : errno_status("syncing " + dir);
}

}  // namespace

Result<SnapshotInfo> write_snapshot(const std::string& dir, const domain::CrmViews& views) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io_error("creating " + dir + ": " + ec.message());
  SnapshotInfo info;
  info.sequence = views.last_sequence();
  info.path = dir + "/" + file_name(info.sequence);
  const std::string tmp = info.path + ".tmp";

  Output out(tmp);
  std::string header(kMagic, sizeof kMagic);
  put_le(header, kSnapshotFormat, 4);
  put_le(header, domain::CrmViews::kSnapshotVersion, 4);
  put_le(header, info.sequence, 8);
  out.write(header);
  std::uint64_t body = 0;
  {
    domain::ByteWriter w([&out, &body](std::string_view bytes) {
      body += bytes.size();
      out.write(bytes);
    });
    views.save(w);
  }
  std::string trailer;
  put_le(trailer, body, 8);
  out.write(trailer);
  std::string crc;
  put_le(crc, out.crc(), 4);
  out.write(crc);
  if (Status s = out.sync_and_close(); !s) {
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), info.path.c_str()) != 0) {
    Status s = errno_status("renaming " + tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  if (Status s = sync_directory(dir); !s) return s;
  info.bytes = kHeaderBytes + body + kTrailerBytes;
  return info;
}

Result<LoadedSnapshot> read_snapshot(const std::string& path) {
  // One read into a buffer of the file's size: a stream iterator copies a
  // 150 MiB snapshot byte by byte, slower than replaying the log.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status("opening " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = errno_status("reading " + path);
    ::close(fd);
    return s;
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  bytes.resize(got);  // a file that shrank meanwhile fails the checks below
  auto bad = [&path](const std::string& what) { return Status::corruption("snapshot " + path + ": " + what); };
  if (bytes.size() < kHeaderBytes + kTrailerBytes) return bad("too short (" + std::to_string(bytes.size()) + " bytes)");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return bad("not a snapshot (magic)");
  const std::size_t crc_at = bytes.size() - 4;
  const auto stored = static_cast<std::uint32_t>(get_le(bytes.data() + crc_at, 4));
  const std::uint32_t computed = crc32c(bytes.data(), crc_at);
  if (stored != computed) return bad("checksum mismatch (torn or corrupt)");
  const auto format = get_le(bytes.data() + 8, 4);
  const auto layout = get_le(bytes.data() + 12, 4);
  const auto sequence = get_le(bytes.data() + 16, 8);
  const auto body = get_le(bytes.data() + crc_at - 8, 8);
  if (format != kSnapshotFormat) return bad("file format " + std::to_string(format) + " is unknown");
  if (layout != domain::CrmViews::kSnapshotVersion)
    return bad("views layout " + std::to_string(layout) + " is not this build's (" +
               std::to_string(domain::CrmViews::kSnapshotVersion) + ")");
  if (body != bytes.size() - kHeaderBytes - kTrailerBytes) return bad("body length does not match the file");
  auto views = domain::CrmViews::load(std::string_view(bytes).substr(kHeaderBytes, body));
  if (!views) return bad(views.status().message());
  if (views->last_sequence() != sequence)
    return bad("header says sequence " + std::to_string(sequence) + ", the views hold " +
               std::to_string(views->last_sequence()));
  LoadedSnapshot out{{sequence, path, bytes.size()}, std::move(views).value()};
  return out;
}

std::vector<SnapshotInfo> list_snapshots(const std::string& dir) {
  std::vector<SnapshotInfo> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (auto seq = sequence_of(it->path().filename().string())) {
      out.push_back({*seq, it->path().string(), static_cast<std::uint64_t>(it->file_size(ec))});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const SnapshotInfo& a, const SnapshotInfo& b) { return a.sequence > b.sequence; });
  return out;
}

std::optional<LoadedSnapshot> load_newest_snapshot(const std::string& dir, std::uint64_t max_sequence,
                                                   std::vector<std::string>& warnings) {
  for (const auto& info : list_snapshots(dir)) {
    if (info.sequence > max_sequence) {
      warnings.push_back("snapshot " + info.path + " is past the log's last sequence " +
                         std::to_string(max_sequence) + ": skipped");
      continue;
    }
    auto loaded = read_snapshot(info.path);
    if (!loaded) {
      warnings.push_back(loaded.status().message() + ": skipped");
      continue;
    }
    return std::move(loaded).value();
  }
  return std::nullopt;
}

void prune_snapshots(const std::string& dir, std::size_t keep) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) fs::remove(it->path(), ec);
  }
  auto all = list_snapshots(dir);
  for (std::size_t i = keep; i < all.size(); ++i) fs::remove(all[i].path, ec);
}

}  // namespace callboard::storage
