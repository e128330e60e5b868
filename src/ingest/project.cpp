#include "ingest/project.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cstdlib>
#include <system_error>

#include "custody/log.h"

namespace dossier::ingest {

std::filesystem::path resolve_project_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("DOSSIER_PROJECT"); env != nullptr && *env != '\0') return env;
  return "dossier-project";
}

bool is_project(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(ProjectPaths{dir}.db(), ec);
}

Error no_project_error(const std::filesystem::path& dir) {
  return Error{ErrorCode::kNotFound,
               "no dossier project here: run `dossier init -p " + dir.string() +
                   "` first, or pass -p DIR / set DOSSIER_PROJECT",
               dir.string()};
}

Error stopped_writing(const Error& cause, const std::filesystem::path& project_dir) {
  if (cause.code != ErrorCode::kDiskFull) return cause;
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(project_dir, ec);
  if (ec) dir = project_dir;
  std::string free_text = "no space";
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0) {
    uint64_t free_mb = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize / (1024 * 1024);
    free_text = std::to_string(free_mb) + " MB free";
  }
  // The cause's own advice repeats ours: keep what failed, up to the first hint.
  std::string what = cause.message.substr(0, cause.message.find("; "));
  if (!cause.context.empty()) what += ": " + cause.context;
  return Error{ErrorCode::kDiskFull,
               "disk full: " + free_text + " on " + dir.lexically_normal().string() +
                   "; free space and run `dossier ingest` again to finish",
               what};
}

Status init_project(const std::filesystem::path& dir) {
  if (is_project(dir)) {
    return Error{ErrorCode::kInvalidInput, "a dossier project already exists here; nothing was changed",
                 dir.string()};
  }
  ProjectPaths paths{dir};
  std::error_code ec;
  for (const auto& d : {paths.root, paths.blobs(), paths.index(), paths.custody()}) {
    std::filesystem::create_directories(d, ec);
    if (ec) return Error{ErrorCode::kIo, "cannot create directory: " + ec.message(), d.string()};
  }
  // The project holds leaked originals and the signing key: owner only.
  ::chmod(paths.root.c_str(), 0700);
  // The custody key first: a project with a catalog but no key would look complete.
  auto log = custody::CustodyLog::create(paths.custody(), custody::CustodyLog::default_origin());
  if (!log.has_value()) return log.error();
  auto catalog = store::open_sqlite_catalog(paths.db().string(), store::OpenMode::kReadWrite);
  if (!catalog.has_value()) return catalog.error();
  return (*catalog)->set_setting(kSettledEntriesKey, "0");
}

}  // namespace dossier::ingest
