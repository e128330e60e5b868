// Walks the inputs of an ingest: files and folders, recursively, in a stable (sorted) order.
// Nothing is skipped silently: what cannot be read, and links that are not followed, are reported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace dossier::ingest {

struct WalkedFile {
  std::filesystem::path path;  // absolute, lexically normal; symlinks in it are not resolved
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

struct WalkProblem {
  std::filesystem::path path;
  std::string reason;  // "permission denied", "symbolic link, not followed (-> target)", ...
};

// Calls on_file for every regular file and on_problem for everything that is not one or cannot be
// read. Returns false if a callback asked to stop by returning false.
bool walk(const std::vector<std::filesystem::path>& inputs,
          const std::function<bool(const WalkedFile&)>& on_file,
          const std::function<bool(const WalkProblem&)>& on_problem);

}  // namespace dossier::ingest
