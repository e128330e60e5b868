// SqliteCatalog: the embedded Catalog over one SQLite connection (docs/formats/catalog.md).
// Internal to src/store; everyone else gets one from open_sqlite_catalog(). Not thread-safe, like
// every Catalog: one connection per thread.
#pragma once

#include <array>
#include <exception>
#include <string>
#include <utility>

#include "store/catalog.h"
#include "store/sqlite_handles.h"
#include "store/sqlite_queries.h"
#include "store/sqlite_statement.h"

namespace dossier::store {

// No exception may leave the store (STYLE §3); the SQLite calls do not throw, but building strings
// and vectors can run out of memory.
template <typename F>
auto guarded(const std::string& file, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("catalog operation failed: ") + e.what(), file};
  }
}

// Reads a documents row selected with the columns of DOSSIER_DOC_COLUMNS (sqlite_queries.h).
Result<DocumentRecord> read_document_row(const Statement& s);

class SqliteCatalog final : public Catalog {
 public:
  SqliteCatalog(SqliteDb db, std::string path, OpenMode mode)
      : db_(std::move(db)), path_(std::move(path)), mode_(mode) {}

  // Read-only: a plain BEGIN, a consistent snapshot that never takes (or waits for) the write lock.
  Status begin() override {
    return simple(mode_ == OpenMode::kReadOnly ? Query::kBeginRead : Query::kBegin);
  }
  Status commit() override { return simple(Query::kCommit); }
  Status rollback() override { return simple(Query::kRollback); }

  Status put_document(const DocumentRecord& doc) override;
  Result<std::optional<DocumentRecord>> find_document(const std::string& id) override;
  Result<std::vector<std::string>> ids_with_prefix(const std::string& prefix, int limit) override;

  Result<bool> add_location(const LocationRecord& loc) override;
  Result<std::vector<LocationRecord>> locations(const std::string& doc_id) override {
    return read_locations(Query::kLocations, doc_id);
  }
  Result<std::optional<std::string>> unchanged_file(const std::string& path, uint64_t size,
                                                    int64_t mtime_ns) override;
  Result<std::vector<LocationRecord>> children(const std::string& doc_id) override {
    // Files on disk have parent_id ""; they are nobody's children.
    if (doc_id.empty())
      return std::vector<LocationRecord>{};
    return read_locations(Query::kChildren, doc_id);
  }

  Status put_pages(const std::string& doc_id, const std::vector<PageRecord>& pages) override;
  Result<std::vector<PageRecord>> pages(const std::string& doc_id) override;
  Status put_metadata(const std::string& doc_id, const std::vector<MetaRecord>& meta) override;
  Result<std::vector<MetaRecord>> metadata(const std::string& doc_id) override;

  Result<CatalogStats> stats() override;
  Result<std::vector<DocumentRecord>> failures() override;
  Result<std::vector<DocumentRecord>> container_mismatches() override;
  Result<std::vector<DocumentRecord>> without_text() override;
  Result<std::vector<std::string>> pending() override;

  Status add_ingest_problem(const IngestProblem& problem) override;
  Result<std::vector<IngestProblem>> ingest_problems() override;

  Status set_setting(const std::string& key, const std::string& value) override;
  Result<std::optional<std::string>> setting(const std::string& key) override;

 private:
  // The cached statement for q, prepared on first use.
  Result<Statement> use(Query q);
  Status simple(Query q);
  // Runs body inside a savepoint so that a failure part-way leaves the rows as they were, whether
  // or not the caller has a transaction open.
  template <typename F>
  Status in_savepoint(F&& body);
  Result<std::vector<LocationRecord>> read_locations(Query q, const std::string& doc_id);
  Status read_stats(CatalogStats& out);
  Result<std::vector<DocumentRecord>> documents_where(Query q);

  SqliteDb db_;
  std::string path_;
  OpenMode mode_;
  // Declared after db_ so they are finalized first; one per Query.
  std::array<SqliteStmt, static_cast<size_t>(Query::kCount)> stmts_;
};

template <typename F>
Status SqliteCatalog::in_savepoint(F&& body) {
  DOSSIER_RETURN_IF_ERROR(simple(Query::kSavepoint));
  Status result = body();
  if (result.has_value())
    return simple(Query::kRelease);
  // ROLLBACK TO leaves the savepoint open; RELEASE closes it. The body's error is the one to
  // report.
  static_cast<void>(simple(Query::kRollbackTo));
  static_cast<void>(simple(Query::kRelease));
  return result;
}

}  // namespace dossier::store
