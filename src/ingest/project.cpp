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

namespace {

// The directory whose file system ran out: the project's, unless the path that failed is on
// another one (a project folder mounted from elsewhere).
std::filesystem::path full_directory(const Error& cause, const std::filesystem::path& project_dir) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(project_dir, ec);
  if (ec) dir = project_dir;
  std::filesystem::path failed(cause.context);
  if (!failed.is_absolute()) return dir;
  while (failed.has_parent_path() && failed != failed.root_path() &&
         !std::filesystem::is_directory(failed, ec)) {
    failed = failed.parent_path();
  }
  struct stat a {}, b {};
  if (::stat(dir.c_str(), &a) != 0 || ::stat(failed.c_str(), &b) != 0 || a.st_dev == b.st_dev) return dir;
  // Name that file system by its top folder (its mount point).
  for (struct stat up {}; failed.has_parent_path() && failed != failed.root_path() &&
                          ::stat(failed.parent_path().c_str(), &up) == 0 && up.st_dev == b.st_dev;) {
    failed = failed.parent_path();
  }
  return failed;
}

}  // namespace

Error stopped_writing(const Error& cause, const std::filesystem::path& project_dir) {
  if (cause.code == ErrorCode::kIo) {
    // An I/O error writing the project (EIO from the disk, SQLITE_IOERR, a Xapian write error).
    std::error_code ec;
    const std::string root = std::filesystem::absolute(project_dir, ec).lexically_normal().string();
    const std::string where = std::filesystem::absolute(cause.context, ec).lexically_normal().string();
    if (ec || where.compare(0, root.size(), root) != 0 || (where.size() > root.size() && where[root.size()] != '/'))
      return cause;
    return Error{ErrorCode::kIo,
                 "I/O error writing the project at " + root +
                     "; check the disk (dmesg), then run `dossier ingest` again to finish",
                 cause.message.substr(0, cause.message.find("; ")) + ": " + cause.context};
  }
  if (cause.code != ErrorCode::kDiskFull) return cause;
  const std::filesystem::path dir = full_directory(cause, project_dir);
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
