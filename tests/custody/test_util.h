// Helpers shared by the custody tests: a temp folder per test and sample entries.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "custody/entry.h"

namespace dossier::custody::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("dossier-custody-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string ingest_bytes(const std::string& content, const std::string& path) {
  IngestEntry e;
  e.sha256 = sha256(std::string_view(content));
  e.size = content.size();
  e.location.path = path;
  e.received = 1700000000;
  e.dossier_version = "0.1.0";
  return encode_entry(e);
}

inline void write_text(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace dossier::custody::testing
