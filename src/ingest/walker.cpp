#include "ingest/walker.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace dossier::ingest {
namespace {

int64_t mtime_ns_of(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

std::string kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "named pipe";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "special file";
}

struct Walker {
  const std::function<bool(const WalkedFile&)>& on_file;
  const std::function<bool(const WalkProblem&)>& on_problem;

  bool problem(const std::filesystem::path& p, std::string reason) { return on_problem({p, std::move(reason)}); }

  // Returns false to stop.
  bool visit(const std::filesystem::path& path, bool top_level) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      return problem(path, std::string("cannot read: ") + std::strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
      // A link given by name on the command line is what the user meant: follow that one.
      if (top_level && ::stat(path.c_str(), &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
        return S_ISREG(st.st_mode) ? on_file({path, static_cast<uint64_t>(st.st_size), mtime_ns_of(st)})
                                   : visit_dir(path);
      }
      std::error_code ec;
      auto target = std::filesystem::read_symlink(path, ec);
      return problem(path, "symbolic link, not followed (-> " + (ec ? std::string("?") : target.string()) +
                               "); ingest its target directly if it belongs to the leak");
    }
    if (S_ISREG(st.st_mode)) return on_file({path, static_cast<uint64_t>(st.st_size), mtime_ns_of(st)});
    if (S_ISDIR(st.st_mode)) return visit_dir(path);
    return problem(path, kind_of(st.st_mode) + ", not a file: not ingested");
  }

  bool visit_dir(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> entries;
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) return problem(dir, "cannot list folder: " + ec.message());
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(it->path());
    }
    if (ec) {
      if (!problem(dir, "folder listing stopped early: " + ec.message())) return false;
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) {
      if (!visit(e, false)) return false;
    }
    return true;
  }
};

}  // namespace

bool walk(const std::vector<std::filesystem::path>& inputs, const std::function<bool(const WalkedFile&)>& on_file,
          const std::function<bool(const WalkProblem&)>& on_problem) {
  Walker w{on_file, on_problem};
  for (const auto& input : inputs) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(input, ec).lexically_normal();
    if (ec) abs = input;
    // "dir/" normalises to "dir/"; drop the trailing separator so paths read the same either way.
    if (abs.has_parent_path() && abs.filename().empty()) abs = abs.parent_path();
    if (!w.visit(abs, true)) return false;
  }
  return true;
}

}  // namespace dossier::ingest
