#include "web/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "web/json_util.hpp"
#include "web/request_target.hpp"

#ifndef CALLBOARD_WEB_STATIC_DIR
#define CALLBOARD_WEB_STATIC_DIR "web/static"
#endif

namespace callboard::web {

namespace fs = std::filesystem;

std::string default_static_dir() { return CALLBOARD_WEB_STATIC_DIR; }

Result<StaticFiles> StaticFiles::open(const std::string& root) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    return Status::not_found("static directory '" + root + "' does not exist");
  }
  return StaticFiles(canonical.string());
}

HttpResponse StaticFiles::serve(std::string_view decoded_path) const {
  auto rel = sanitize_static_path(decoded_path);
  if (!rel) return error_response(400, "bad_path", rel.status().message());

  std::error_code ec;
  // canonical() resolves symlinks, so a link pointing outside the root is
  // caught by the prefix check below rather than followed.
  fs::path file = fs::canonical(fs::path(root_) / rel.value(), ec);
  const std::string not_found_msg = "no such file: " + std::string(decoded_path);
  if (ec) return error_response(404, "not_found", not_found_msg);
  const std::string s = file.string();
  if (s.size() <= root_.size() || s.compare(0, root_.size(), root_) != 0 || s[root_.size()] != '/')
    return error_response(404, "not_found", not_found_msg);
  if (!fs::is_regular_file(file, ec)) return error_response(404, "not_found", not_found_msg);
  auto size = fs::file_size(file, ec);
  if (ec) return error_response(404, "not_found", not_found_msg);
  if (size > kMaxFileBytes) return error_response(413, "too_large", "the file is too large to serve");

  std::ifstream in(file, std::ios::binary);
  if (!in) return error_response(404, "not_found", not_found_msg);
  HttpResponse r;
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  r.content_type = content_type_for(rel.value());
  // The panel has no build step and no content hashes in its file names, so
  // browsers must revalidate rather than run a stale app.js.
  r.header("Cache-Control", "no-cache");
  return r;
}

}  // namespace callboard::web
