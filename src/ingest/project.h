// A dossier project on disk (DESIGN.md "A project on disk"): the catalog, the blob store, the
// index and the custody log, opened together.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/blob_store.h"
#include "store/catalog.h"

namespace dossier::ingest {

// Catalog setting: how many custody log entries belong to committed batches (see writer.h).
inline constexpr const char* kSettledEntriesKey = "custody.entries";

struct ProjectPaths {
  std::filesystem::path root;
  std::filesystem::path db() const { return root / "dossier.db"; }
  std::filesystem::path blobs() const { return root / "blobs"; }
  std::filesystem::path index() const { return root / "index"; }
  std::filesystem::path custody() const { return root / "custody"; }
};

// Resolves the project directory: the flag if given, else $DOSSIER_PROJECT, else ./dossier-project.
std::filesystem::path resolve_project_dir(const std::string& flag);

// Creates an empty project. kInvalidInput if dir already holds one.
Status init_project(const std::filesystem::path& dir);

// True when dir looks like a project (has dossier.db).
bool is_project(const std::filesystem::path& dir);

// Error for commands run where no project is: says how to make one.
Error no_project_error(const std::filesystem::path& dir);

// The error an ingest stops with. A full disk, wherever it was met (blob, catalog, index, custody
// log), reads "disk full: N MB free on DIR; free space and run `dossier ingest` again to finish",
// with what failed as its context; other errors are returned as they are.
Error stopped_writing(const Error& cause, const std::filesystem::path& project_dir);

}  // namespace dossier::ingest
