// Library set-up ahead of the sandbox's seccomp filter; see registry.h.
#include <dlfcn.h>
#include <iconv.h>
#include <locale.h>

#include <exiv2/exiv2.hpp>
#include <openssl/crypto.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "extract/email_extractor.h"
#include "extract/image_extractor.h"
#include "extract/libxml2_util.h"
#include "extract/registry.h"

namespace dossier::extract {
namespace {

// glibc's iconv, which GMime uses for RFC 2047 words and libarchive for file names, loads one
// shared object per charset family from its gconv directory the first time a charset is used.
// A sandboxed worker cannot open them later, so all of them (about 250, some 20 ms) are loaded
// now, and kept loaded by never closing one descriptor for each.
std::filesystem::path gconv_dir() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&::iconv_open), &info) != 0 && info.dli_fname != nullptr) {
    auto dir = std::filesystem::path(info.dli_fname).parent_path() / "gconv";
    std::error_code ec;
    if (std::filesystem::exists(dir / "gconv-modules", ec)) return dir;
  }
  for (const char* d : {"/usr/lib/x86_64-linux-gnu/gconv", "/usr/lib/aarch64-linux-gnu/gconv", "/usr/lib64/gconv",
                        "/usr/lib/gconv"}) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(d) / "gconv-modules", ec)) return d;
  }
  return {};
}

std::string without_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

void preload_iconv_modules() {
  auto dir = gconv_dir();
  if (dir.empty()) return;
  std::vector<std::filesystem::path> configs = {dir / "gconv-modules"};
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir / "gconv-modules.d", ec)) {
    if (e.path().extension() == ".conf") configs.push_back(e.path());
  }
  std::set<std::string> loaded;
  static std::vector<iconv_t> kept;  // never closed: closing lets glibc unload the module
  for (const auto& config : configs) {
    std::ifstream in(config);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string keyword, from, to, file;
      if (!(fields >> keyword >> from >> to >> file) || keyword != "module" || !loaded.insert(file).second) continue;
      from = without_slashes(from);
      to = without_slashes(to);
      iconv_t h = from == "INTERNAL" ? ::iconv_open(to.c_str(), "UTF-8") : ::iconv_open("UTF-8", from.c_str());
      if (h != reinterpret_cast<iconv_t>(-1)) kept.push_back(h);
    }
  }
}

}  // namespace

void warm_up_libraries() {
  // With TZ unset, glibc stats /etc/localtime on every localtime() and mktime() call to see
  // whether it changed; with TZ naming it, the zone is read once, here.
  ::setenv("TZ", ":/etc/localtime", /*overwrite=*/0);
  ::tzset();
  preload_iconv_modules();
  // The archive extractor reads names under C.UTF-8 (newlocale). glibc keeps a locale's data while
  // some locale_t uses it, so one is kept for good and later newlocale calls need no file.
  static const locale_t kept_utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  (void)kept_utf8;
  // OpenSSL (S/MIME) reads openssl.cnf on first use.
  OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr);
  ensure_gmime_initialized();
  ensure_libxml2_initialized();
  ensure_exiv2_initialized();
  // Exiv2 binds its message catalog (reading /proc/self/exe) when it first words an error.
  (void)Exiv2::Error(Exiv2::kerGeneralError, "warm-up").what();
  (void)Registry::instance();
}

}  // namespace dossier::extract
