#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "web/static_files.hpp"

using namespace callboard::web;
namespace fs = std::filesystem;

namespace {
struct TempTree {
  fs::path base;
  TempTree() {
    base = fs::temp_directory_path() / ("cb-static-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base / "root" / "img");
    fs::create_directories(base / "root" / "sub");
    write(base / "root" / "index.html", "<h1>panel</h1>");
    write(base / "root" / "app.js", "console.log(1)");
    write(base / "root" / "img" / "a.png", "PNG");
    write(base / "secret.txt", "do not serve");
    fs::create_symlink(base / "secret.txt", base / "root" / "leak.txt");
  }
  ~TempTree() { fs::remove_all(base); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(static_files)

BOOST_AUTO_TEST_CASE(serves_files_with_their_type) {
  TempTree t;
  auto files = StaticFiles::open((t.base / "root").string());
  BOOST_REQUIRE(files.is_ok());
  HttpResponse index = files->serve("/");
  BOOST_TEST(index.status == 200);
  BOOST_TEST(index.body == "<h1>panel</h1>");
  BOOST_TEST(index.content_type == "text/html; charset=utf-8");
  HttpResponse js = files->serve("/app.js");
  BOOST_TEST(js.status == 200);
  BOOST_TEST(js.content_type == "text/javascript; charset=utf-8");
  BOOST_TEST(files->serve("/img/a.png").content_type == "image/png");
}

BOOST_AUTO_TEST_CASE(missing_directories_and_escapes_are_refused) {
  TempTree t;
  auto files = StaticFiles::open((t.base / "root").string());
  BOOST_REQUIRE(files.is_ok());
  BOOST_TEST(files->serve("/nope.js").status == 404);
  BOOST_TEST(files->serve("/sub").status == 404);         // a directory
  BOOST_TEST(files->serve("/leak.txt").status == 404);    // symlink out of the root
  BOOST_TEST(files->serve("/../secret.txt").status == 400);
  BOOST_TEST(files->serve("/img/../../secret.txt").status == 400);
  BOOST_TEST(files->serve("/img/../app.js").status == 400);
  BOOST_TEST(files->serve("/.hidden").status == 400);
  BOOST_TEST(files->serve("/404.html").body.find("not_found") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(open_fails_for_a_missing_root) {
  auto files = StaticFiles::open("/definitely/not/here");
  BOOST_TEST(!files.is_ok());
  BOOST_TEST(files.status().message().find("/definitely/not/here") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
