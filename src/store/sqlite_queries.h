// Every SQL statement the SQLite catalog runs, each prepared once per connection and cached.
// Values are always bound as parameters (?1, ?2, ...); nothing is spliced into SQL text.
// Internal to src/store.
#pragma once

#include <array>
#include <cstddef>

namespace dossier::store {

enum class Query : size_t {
  kBegin,
  kCommit,
  kRollback,
  kBeginRead,
  kCommitRead,
  kSavepoint,
  kRelease,
  kRollbackTo,
  kPutDocument,
  kFindDocument,
  kIdsInRange,
  kIdsFrom,
  kInsertLocation,
  kRefreshLocation,
  kClearProblem,
  kLocations,
  kChildren,
  kUnchangedFile,
  kDeletePages,
  kInsertPage,
  kPages,
  kDeleteMetadata,
  kInsertMetadata,
  kMetadata,
  kStatsTotals,
  kStatsLocations,
  kStatsProblems,
  kStatsByType,
  kStatsByReason,
  kFailures,
  kStatsChildren,
  kMismatches,
  kNoText,
  kPending,
  kPutProblem,
  kProblems,
  kSetSetting,
  kSetting,
  kCount,  // not a query: the number of queries
};

struct QuerySpec {
  const char* what;  // the start of the error message when it fails
  const char* sql;
};

// The column order read_document_row() expects.
#define DOSSIER_DOC_COLUMNS                                                                 \
  "id, size, mime, type, title, author, application, lang, created, modified, page_count, " \
  "text_bytes, state, extractor, failure_code, failure_reason, ingested_at, children_declared, " \
  "children_emitted, children_failed, sender, recipients"

// Indexed by Query.
inline constexpr auto kQueries = std::to_array<QuerySpec>({
    {"cannot start a catalog transaction", "BEGIN IMMEDIATE"},
    {"cannot commit the catalog transaction", "COMMIT"},
    {"cannot roll back the catalog transaction", "ROLLBACK"},
    {"cannot read the catalog", "BEGIN"},
    {"cannot read the catalog", "COMMIT"},
    {"cannot update the catalog", "SAVEPOINT replace_rows"},
    {"cannot update the catalog", "RELEASE replace_rows"},
    {"cannot undo a partial catalog update", "ROLLBACK TO replace_rows"},
    {"cannot store the document in the catalog",
     "INSERT INTO documents (" DOSSIER_DOC_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
     "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22) "
     "ON CONFLICT (id) DO UPDATE SET size = excluded.size, "
     "mime = excluded.mime, type = excluded.type, title = excluded.title, "
     "author = excluded.author, application = excluded.application, lang = excluded.lang, "
     "created = excluded.created, "
     "modified = excluded.modified, page_count = excluded.page_count, "
     "text_bytes = excluded.text_bytes, state = excluded.state, extractor = excluded.extractor, "
     "failure_code = excluded.failure_code, failure_reason = excluded.failure_reason, "
     "children_declared = excluded.children_declared, "
     "children_emitted = excluded.children_emitted, children_failed = excluded.children_failed, "
     "sender = excluded.sender, recipients = excluded.recipients, "
     // ingested_at records the first time dossier stored the content: re-extraction keeps it.
     "ingested_at = CASE WHEN documents.ingested_at = 0 THEN excluded.ingested_at "
     "ELSE documents.ingested_at END"},
    {"cannot read a document from the catalog",
     "SELECT " DOSSIER_DOC_COLUMNS " FROM documents WHERE id = ?1"},
    {"cannot look up document ids",
     "SELECT id FROM documents WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3"},
    {"cannot look up document ids", "SELECT id FROM documents WHERE id >= ?1 ORDER BY id LIMIT ?2"},
    {"cannot store a location (the document must be stored first)",
     "INSERT INTO locations (doc_id, parent_id, path, size, mtime_ns, custody_index) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
     "ON CONFLICT (doc_id, parent_id, path) DO NOTHING"},
    {"cannot update a location",
     "UPDATE locations SET size = ?4, mtime_ns = ?5 "
     "WHERE doc_id = ?1 AND parent_id = ?2 AND path = ?3"},
    {"cannot update the ingest problems", "DELETE FROM ingest_problems WHERE path = ?1"},
    {"cannot read locations",
     "SELECT doc_id, parent_id, path, size, mtime_ns, custody_index FROM locations WHERE doc_id = ?1 ORDER BY id"},
    {"cannot read children",
     "SELECT doc_id, parent_id, path, size, mtime_ns, custody_index FROM locations WHERE parent_id = ?1 "
     "ORDER BY id"},
    {"cannot look up a file in the catalog",
     "SELECT doc_id FROM locations WHERE path = ?1 AND parent_id = '' AND size = ?2 "
     "AND mtime_ns = ?3 ORDER BY id DESC LIMIT 1"},
    {"cannot replace pages", "DELETE FROM pages WHERE doc_id = ?1"},
    {"cannot store a page (the document must be stored first)",
     "INSERT INTO pages (doc_id, number, text, ocr, ocr_confidence) VALUES (?1, ?2, ?3, ?4, ?5)"},
    {"cannot read pages",
     "SELECT number, text, ocr, ocr_confidence FROM pages WHERE doc_id = ?1 ORDER BY number"},
    {"cannot replace metadata", "DELETE FROM metadata WHERE doc_id = ?1"},
    {"cannot store metadata (the document must be stored first)",
     "INSERT INTO metadata (doc_id, ordinal, key, value) VALUES (?1, ?2, ?3, ?4)"},
    {"cannot read metadata", "SELECT key, value FROM metadata WHERE doc_id = ?1 ORDER BY ordinal"},
    {"cannot count documents",
     "SELECT count(*), coalesce(sum(state = 'failed'), 0), coalesce(sum(state = 'pending'), 0), "
     "coalesce(sum(size), 0) FROM documents"},
    {"cannot count locations", "SELECT count(*) FROM locations"},
    {"cannot count ingest problems", "SELECT count(*) FROM ingest_problems"},
    {"cannot count documents by type", "SELECT type, count(*) FROM documents GROUP BY type"},
    {"cannot count failures by reason",
     "SELECT failure_code, count(*) FROM documents WHERE state = 'failed' GROUP BY failure_code"},
    {"cannot list failures",
     "SELECT " DOSSIER_DOC_COLUMNS " FROM documents WHERE state = 'failed' ORDER BY id"},
    {"cannot count embedded items",
     "SELECT coalesce(sum(children_declared), 0), coalesce(sum(children_emitted), 0), "
     "coalesce(sum(children_failed), 0), coalesce(sum(children_declared IS NOT NULL AND "
     "children_declared != children_emitted + children_failed), 0) FROM documents"},
    {"cannot list containers whose counts disagree",
     "SELECT " DOSSIER_DOC_COLUMNS " FROM documents WHERE children_declared IS NOT NULL AND "
     "children_declared != children_emitted + children_failed ORDER BY id"},
    {"cannot list documents without text",
     "SELECT " DOSSIER_DOC_COLUMNS " FROM documents WHERE state = 'indexed' AND text_bytes = 0 "
     "ORDER BY id"},
    {"cannot list pending documents",
     "SELECT id FROM documents WHERE state = 'pending' ORDER BY id"},
    {"cannot store an ingest problem",
     "INSERT INTO ingest_problems (path, reason, at) VALUES (?1, ?2, ?3) "
     "ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, at = excluded.at"},
    {"cannot list ingest problems", "SELECT path, reason, at FROM ingest_problems ORDER BY path"},
    {"cannot store a setting",
     "INSERT INTO settings (key, value) VALUES (?1, ?2) "
     "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
    {"cannot read a setting", "SELECT value FROM settings WHERE key = ?1"},
});

static_assert(kQueries.size() == static_cast<size_t>(Query::kCount),
              "kQueries must have one entry per Query, in order");

#undef DOSSIER_DOC_COLUMNS

}  // namespace dossier::store
