#include "store/sqlite_schema.h"

#include <array>
#include <string>

#include "core/time_util.h"
#include "store/sqlite_handles.h"
#include "store/sqlite_statement.h"

namespace dossier::store {

namespace {

struct Migration {
  const char* description;
  const char* sql;
};

// Ordered; step i brings the catalog to version i + 1. Append only: never edit a step that has
// shipped, because catalogs in the field have already run it. docs/formats/catalog.md mirrors this.
constexpr auto kMigrations = std::to_array<Migration>({
    {"initial schema", R"sql(
CREATE TABLE schema_history (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  dossier_version TEXT NOT NULL
);
CREATE TABLE documents (
  id TEXT PRIMARY KEY NOT NULL,
  size INTEGER NOT NULL,
  mime TEXT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  author TEXT NOT NULL,
  application TEXT NOT NULL,
  sender TEXT NOT NULL,
  recipients TEXT NOT NULL,
  lang TEXT NOT NULL,
  created INTEGER,
  modified INTEGER,
  page_count INTEGER NOT NULL,
  text_bytes INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'indexed', 'failed')),
  extractor TEXT NOT NULL,
  failure_code TEXT NOT NULL,
  failure_reason TEXT NOT NULL,
  ingested_at INTEGER NOT NULL,
  children_declared INTEGER,
  children_emitted INTEGER NOT NULL DEFAULT 0,
  children_failed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_state ON documents (state);
CREATE TABLE locations (
  id INTEGER PRIMARY KEY,
  doc_id TEXT NOT NULL REFERENCES documents (id),
  parent_id TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  custody_index INTEGER NOT NULL,
  UNIQUE (doc_id, parent_id, path)
);
CREATE INDEX locations_path ON locations (path, parent_id);
CREATE INDEX locations_parent ON locations (parent_id);
CREATE TABLE pages (
  doc_id TEXT NOT NULL REFERENCES documents (id),
  number INTEGER NOT NULL,
  text TEXT NOT NULL,
  ocr INTEGER NOT NULL CHECK (ocr IN (0, 1)),
  ocr_confidence REAL NOT NULL,
  PRIMARY KEY (doc_id, number)
);
CREATE TABLE metadata (
  doc_id TEXT NOT NULL REFERENCES documents (id),
  ordinal INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (doc_id, ordinal)
);
CREATE TABLE ingest_problems (
  path TEXT PRIMARY KEY NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
)sql"}
});

constexpr int kSchemaVersion = static_cast<int>(kMigrations.size());

#ifdef DOSSIER_VERSION
constexpr const char* kDossierVersion = DOSSIER_VERSION;
#else
constexpr const char* kDossierVersion = "unknown";
#endif

Result<int64_t> query_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  SqliteStmt stmt(raw);
  if (rc != SQLITE_OK)
    return sqlite_error(db, rc, "cannot read the catalog's schema");
  Statement s(stmt.get(), "cannot read the catalog's schema");
  DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.int64(0) : 0;
}

// Whether the file is a dossier catalog (or empty) at a version this build can read.
Result<int64_t> checked_version(sqlite3* db) {
  DOSSIER_ASSIGN_OR_RETURN(int64_t app_id, query_int(db, "PRAGMA application_id"));
  DOSSIER_ASSIGN_OR_RETURN(int64_t version, query_int(db, "PRAGMA user_version"));
  DOSSIER_ASSIGN_OR_RETURN(int64_t objects, query_int(db, "SELECT count(*) FROM sqlite_schema"));
  std::string file = sqlite3_db_filename(db, "main");
  bool empty = app_id == 0 && version == 0 && objects == 0;
  if (!empty && app_id != kCatalogApplicationId) {
    return Error{ErrorCode::kCorrupt,
                 "this SQLite file is not a dossier catalog; point -p/--project at a dossier "
                 "project",
                 file};
  }
  if (version > kSchemaVersion) {
    return Error{ErrorCode::kUnsupported,
                 "the catalog has schema version " + std::to_string(version) +
                     ", newer than this dossier understands (" + std::to_string(kSchemaVersion) +
                     "); upgrade dossier to open this project",
                 file};
  }
  return version;
}

// PRAGMA values cannot be bound as parameters; version is one of our own constants, never input.
std::string set_version_sql(int version) {
  return "PRAGMA application_id = " + std::to_string(kCatalogApplicationId) +
         "; PRAGMA user_version = " + std::to_string(version) + ";";
}

Status record_history(sqlite3* db, int version, const char* description) {
  const char* what = "cannot record the schema migration";
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db,
                              "INSERT INTO schema_history (version, description, applied_at, "
                              "dossier_version) VALUES (?1, ?2, ?3, ?4)",
                              -1, &raw, nullptr);
  SqliteStmt stmt(raw);
  if (rc != SQLITE_OK)
    return sqlite_error(db, rc, what);
  Statement s(stmt.get(), what);
  s.bind(1, int64_t{version}).bind(2, description).bind(3, now_unix()).bind(4, kDossierVersion);
  return s.run();
}

// Runs inside BEGIN IMMEDIATE: re-reads the version under the write lock, so two processes that
// open a fresh project at once apply each step exactly once.
Status apply_step(sqlite3* db, int version) {
  DOSSIER_ASSIGN_OR_RETURN(int64_t have, checked_version(db));
  if (have >= version)
    return ok_status();
  const Migration& m = kMigrations[static_cast<size_t>(version - 1)];
  std::string what = "cannot upgrade the catalog to schema version " + std::to_string(version);
  DOSSIER_RETURN_IF_ERROR(sqlite_exec(db, m.sql, what));
  DOSSIER_RETURN_IF_ERROR(record_history(db, version, m.description));
  return sqlite_exec(db, set_version_sql(version).c_str(), what);
}

}  // namespace

int current_schema_version() {
  return kSchemaVersion;
}

Status configure_connection(sqlite3* db, OpenMode mode) {
  int rc = sqlite3_busy_timeout(db, 10'000);
  if (rc != SQLITE_OK)
    return sqlite_error(db, rc, "cannot set the catalog's busy timeout");
  DOSSIER_RETURN_IF_ERROR(
      sqlite_exec(db, "PRAGMA foreign_keys = ON", "cannot enable foreign keys in the catalog"));
  // The catalog defines no triggers or views; a tampered file that adds some must not get to call
  // functions with side effects through them.
  DOSSIER_RETURN_IF_ERROR(
      sqlite_exec(db, "PRAGMA trusted_schema = OFF", "cannot configure the catalog"));
  if (mode == OpenMode::kReadOnly)
    return ok_status();
  // Switching to WAL rewrites the file header: refuse foreign or newer files before touching them.
  DOSSIER_RETURN_IF_ERROR(checked_version(db));
  sqlite3_stmt* raw = nullptr;
  rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &raw, nullptr);
  SqliteStmt stmt(raw);
  if (rc != SQLITE_OK)
    return sqlite_error(db, rc, "cannot switch the catalog to WAL");
  Statement s(stmt.get(), "cannot switch the catalog to WAL");
  DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row || s.text(0) != "wal") {
    return Error{ErrorCode::kUnsupported,
                 "cannot switch the catalog to WAL journaling; keep the project on a local disk "
                 "(network file systems do not support it)",
                 sqlite3_db_filename(db, "main")};
  }
  // The catalog records custody of evidence: a commit must survive power loss, not just a crash.
  return sqlite_exec(db, "PRAGMA synchronous = FULL", "cannot configure the catalog");
}

Status migrate(sqlite3* db) {
  DOSSIER_ASSIGN_OR_RETURN(int64_t have, checked_version(db));
  for (int v = static_cast<int>(have) + 1; v <= kSchemaVersion; ++v) {
    DOSSIER_RETURN_IF_ERROR(sqlite_exec(db, "BEGIN IMMEDIATE", "cannot lock the catalog"));
    Status step = apply_step(db, v);
    if (!step.has_value()) {
      static_cast<void>(sqlite_exec(db, "ROLLBACK", "rollback"));  // report the first error
      return step.error();
    }
    DOSSIER_RETURN_IF_ERROR(sqlite_exec(db, "COMMIT", "cannot commit the schema upgrade"));
  }
  return ok_status();
}

Status check_schema(sqlite3* db) {
  DOSSIER_ASSIGN_OR_RETURN(int64_t have, checked_version(db));
  if (have == kSchemaVersion)
    return ok_status();
  std::string file = sqlite3_db_filename(db, "main");
  if (have == 0) {
    return Error{ErrorCode::kNotFound, "no catalog here yet; run `dossier init` first", file};
  }
  return Error{ErrorCode::kUnsupported,
               "the catalog has schema version " + std::to_string(have) +
                   ", older than this "
                   "dossier's " +
                   std::to_string(kSchemaVersion) +
                   "; run a command that writes (such as `dossier ingest`) once to upgrade it",
               file};
}

}  // namespace dossier::store
