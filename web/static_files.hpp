#pragma once
// Serves the panel's files (index.html, app.js, ...) from one directory.
// Immutable after construction; any thread. Files are read on each request:
// they are few and small, and an edit shows up on reload without a restart.

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/status.hpp"
#include "web/http_message.hpp"

namespace callboard::web {

// The static directory this build was configured with (web/static in the
// source tree); the app may point WebDeps::static_dir elsewhere.
std::string default_static_dir();

class StaticFiles {
 public:
  // Errors: not_found when `root` is not a directory.
  static Result<StaticFiles> open(const std::string& root);

  // The file for a decoded URL path: 200 with its Content-Type; 400
  // {"error":"bad_path"} for a path sanitize_static_path refuses; 404
  // {"error":"not_found"} for a missing file, a directory, or a symlink that
  // leads out of the root; 413 for a file over max_file_bytes.
  HttpResponse serve(std::string_view decoded_path) const;

  const std::string& root() const { return root_; }

  static constexpr std::size_t kMaxFileBytes = 4 * 1024 * 1024;

 private:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  std::string root_;  // canonical, no trailing slash
};

}  // namespace callboard::web
