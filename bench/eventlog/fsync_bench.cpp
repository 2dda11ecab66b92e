// The disk's own floor: write 4 KiB and fdatasync, in a loop, in the data
// directory. A synced group commit cannot be faster than one of these.
#include "eventlog/phases.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "eventlog/bench_util.hpp"

namespace callboard::bench {

FsyncResult measure_fdatasync(const std::string& dir, int iterations, bool overwrite) {
  const std::string path = dir + (overwrite ? "/fsync-overwrite.bin" : "/fsync-append.bin");
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd < 0) throw std::runtime_error("open " + path + ": " + std::strerror(errno));
  std::string block(4096, 'x');
  if (overwrite) {  // preallocate and sync once, so the loop changes no metadata
    for (int i = 0; i < 256; ++i) {
      if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size()))
        throw std::runtime_error("write: " + std::string(std::strerror(errno)));
    }
    ::fsync(fd);
  }
  std::vector<double> lat;
  lat.reserve(static_cast<std::size_t>(iterations));
  const auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    block[0] = static_cast<char>(i);
    const auto t = Clock::now();
    const off_t at = overwrite ? static_cast<off_t>(i % 256) * 4096 : static_cast<off_t>(i) * 4096;
    if (::pwrite(fd, block.data(), block.size(), at) != static_cast<ssize_t>(block.size()))
      throw std::runtime_error("pwrite: " + std::string(std::strerror(errno)));
    if (::fdatasync(fd) != 0) throw std::runtime_error("fdatasync: " + std::string(std::strerror(errno)));
    lat.push_back(static_cast<double>(micros_since(t)));
  }
  FsyncResult r;
  r.iterations = iterations;
  r.per_second = iterations / seconds_since(start);
  r.p50_us = quantile(lat, 0.50);
  r.p99_us = quantile(lat, 0.99);
  ::close(fd);
  ::unlink(path.c_str());
  return r;
}

}  // namespace callboard::bench
