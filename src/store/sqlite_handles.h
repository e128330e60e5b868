// RAII owners for SQLite's C handles (STYLE §4): one deleter and one unique_ptr alias per type.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace dossier::store {

struct SqliteCloser {
  // close_v2 defers the close until every statement is finalized, so destruction order between a
  // connection and its cached statements cannot leak or crash.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;

struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

}  // namespace dossier::store
