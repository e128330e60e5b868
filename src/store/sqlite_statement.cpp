#include "store/sqlite_statement.h"

#include <cerrno>
#include <tuple>
#include <utility>

namespace dossier::store {

namespace {

std::string db_file(sqlite3* db) {
  const char* name = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  return name != nullptr ? name : "";
}

// Maps SQLite's primary result code onto dossier's error codes and a hint a person can act on.
std::pair<ErrorCode, const char*> classify(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::kIo,
              "another dossier process holds the catalog; wait for it to finish and run the "
              "command again"};
    case SQLITE_FULL:
      return {ErrorCode::kDiskFull,
              "the disk is full: free space and run the same command again, it "
              "resumes"};
    case SQLITE_READONLY:
      return {ErrorCode::kIo,
              "the catalog is open read-only or its file is not writable; check "
              "the project's permissions"};
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return {ErrorCode::kIo, "check the project's permissions"};
    case SQLITE_CANTOPEN:
      return {ErrorCode::kNotFound, "check the project path (dossier init creates a project)"};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {ErrorCode::kCorrupt,
              "the catalog file is damaged or is not a dossier catalog; "
              "restore it from a backup"};
    case SQLITE_IOERR:
      return {ErrorCode::kIo, "the operating system refused a read or write; check the disk"};
    case SQLITE_TOOBIG:
      return {ErrorCode::kLimit, nullptr};
    case SQLITE_CONSTRAINT:
      return {ErrorCode::kInvalidInput, nullptr};
    default:
      return {ErrorCode::kInternal, nullptr};
  }
}

}  // namespace

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  auto [code, hint] = classify(rc);
  // SQLite reports a write that failed for lack of space as SQLITE_FULL, but an fsync or a WAL
  // mapping that failed for the same reason as SQLITE_IOERR_*: the errno tells.
  if (db != nullptr && (rc & 0xff) == SQLITE_IOERR &&
      (sqlite3_system_errno(db) == ENOSPC || sqlite3_system_errno(db) == EDQUOT)) {
    std::tie(code, hint) = classify(SQLITE_FULL);
  }
  std::string msg(what);
  msg += ": ";
  // errmsg describes the most recent failure on this connection, errstr only the code; prefer the
  // former when it is about this failure.
  msg +=
      db != nullptr && sqlite3_extended_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (hint != nullptr) {
    msg += "; ";
    msg += hint;
  }
  return Error{code, std::move(msg), db_file(db)};
}

Status sqlite_exec(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    return sqlite_error(db, rc, what);
  return ok_status();
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement::Statement(Statement&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)), what_(o.what_), bind_rc_(o.bind_rc_) {}

void Statement::note_bind(int rc) {
  if (bind_rc_ == SQLITE_OK)
    bind_rc_ = rc;
}

Statement& Statement::bind(int index, std::string_view text) {
  // A null data pointer would bind SQL NULL; an empty string must stay an empty string.
  const char* data = text.data() != nullptr ? text.data() : "";
  note_bind(sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, double value) {
  note_bind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::optional<int64_t> value) {
  return value.has_value() ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK)
    return sqlite_error(db, bind_rc_, what_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return sqlite_error(db, rc, what_);
}

Status Statement::run() {
  for (;;) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, step());
    if (!row)
      return ok_status();
  }
}

std::string Statement::text(int col) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  // column_bytes after column_text gives the length of that UTF-8 text, embedded NULs included.
  int n = sqlite3_column_bytes(stmt_, col);
  if (data == nullptr)
    return {};
  return {data, static_cast<size_t>(n)};
}

int64_t Statement::int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::real(int col) const {
  return sqlite3_column_double(stmt_, col);
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::optional<int64_t> Statement::optional_int64(int col) const {
  if (is_null(col))
    return std::nullopt;
  return int64(col);
}

}  // namespace dossier::store
