#include "ingest/project.h"

#include <sys/stat.h>

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
  return ok_status();
}

}  // namespace dossier::ingest
