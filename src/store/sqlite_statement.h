// Small helpers over the SQLite C API: errors that say what to do, a one-shot exec, and a borrowed
// view of a cached prepared statement that binds values (never string concatenation) and resets
// itself when it goes out of scope. Internal to src/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dossier::store {

// Error for a failed SQLite call on db: `what` is the operation ("cannot store document"), the
// message adds SQLite's reason and, where we know one, what the user can do about it. The context
// is the database file.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// Runs SQL that takes no parameters and returns no rows we need (pragmas, DDL, BEGIN/COMMIT).
Status sqlite_exec(sqlite3* db, const char* sql, std::string_view what);

// A prepared statement in use. Does not own the statement (the catalog caches it); binds values
// with copies (SQLITE_TRANSIENT) so temporaries are safe; resets and clears bindings on
// destruction so the cached statement is ready for its next use and holds no read lock.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, const char* what) : stmt_(stmt), what_(what) {}
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. A failed bind is remembered and reported by step().
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::optional<int64_t> value);
  Statement& bind_null(int index);

  // Advances one row: true when a row is available, false when done.
  Result<bool> step();
  // Runs a statement that returns no rows to completion.
  Status run();

  // Columns are 0-based. NULL reads as "" / 0.
  std::string text(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  bool is_null(int col) const;
  std::optional<int64_t> optional_int64(int col) const;

 private:
  void note_bind(int rc);

  sqlite3_stmt* stmt_;
  const char* what_;
  int bind_rc_ = SQLITE_OK;
};

}  // namespace dossier::store
