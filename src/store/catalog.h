// The catalog: documents, their locations, pages, metadata and failures.
//
// An interface of its own because server mode puts the same catalog in PostgreSQL. The embedded
// implementation is SqliteCatalog. Not thread-safe: one writer owns a Catalog; readers open their
// own (SQLite WAL lets them read while the writer writes).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dossier::store {

enum class DocState {
  kPending,  // stored as a blob, not yet extracted and indexed (an interrupted ingest)
  kIndexed,  // extracted and in the index
  kFailed,   // extraction failed; failure_code and failure_reason say why; still in the index by metadata
};

struct DocumentRecord {
  std::string id;  // sha256, 64 lowercase hex digits
  uint64_t size = 0;
  std::string mime;  // sniffed by content
  std::string type;  // short family: "pdf", "html", "text", "image", ...
  std::string title;
  std::string author;
  std::string application;
  std::string from;  // email sender
  std::string to;    // email recipients (To, Cc, Bcc)
  std::string lang;
  std::optional<int64_t> created;
  std::optional<int64_t> modified;
  int page_count = 0;
  uint64_t text_bytes = 0;
  DocState state = DocState::kPending;
  std::string extractor;      // "pdf/1"
  std::string failure_code;   // error_code_name(), empty when not failed
  std::string failure_reason; // what a person reads in `dossier failures`
  int64_t ingested_at = 0;    // Unix seconds when first stored
  // Container accounting: what the container declares it holds (unset when it declares nothing),
  // how many children were emitted as documents, and how many could not be had (encrypted,
  // truncated). declared != emitted + failed is a mismatch that `dossier failures` lists.
  std::optional<uint64_t> children_declared;
  uint64_t children_emitted = 0;
  uint64_t children_failed = 0;
  bool children_mismatch() const {
    return children_declared.has_value() && *children_declared != children_emitted + children_failed;
  }
};

// One place a document was found. A file on disk has an absolute path and no parent; an embedded
// item names its parent document and its name or index inside it.
struct LocationRecord {
  std::string doc_id;
  std::string parent_id;  // empty for files on disk
  std::string path;       // absolute path on disk, or the name inside the parent
  uint64_t size = 0;
  int64_t mtime_ns = 0;   // files on disk: modification time, for the fast re-ingest check
  int64_t custody_index = -1;  // index of this location's INGEST entry in the custody log
};

struct PageRecord {
  int number = 0;
  std::string text;
  bool ocr = false;
  float ocr_confidence = -1;
};

struct MetaRecord {
  std::string key;
  std::string value;
};

// A path that could not be ingested at all (unreadable, a link not followed, a device), so that
// it has no content and no document, but is still accounted for.
struct IngestProblem {
  std::string path;
  std::string reason;
  int64_t at = 0;  // Unix seconds
};

struct CatalogStats {
  uint64_t documents = 0;
  uint64_t failures = 0;
  uint64_t pending = 0;
  uint64_t locations = 0;
  uint64_t bytes = 0;
  uint64_t ingest_problems = 0;
  uint64_t children_declared = 0;  // sums over containers
  uint64_t children_emitted = 0;
  uint64_t children_failed = 0;
  uint64_t container_mismatches = 0;  // containers whose declared count is not emitted + failed
  std::map<std::string, uint64_t> by_type;
  std::map<std::string, uint64_t> by_reason;  // failure code -> count
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Batched transactions: the ingest writer commits every N documents so an interrupted run
  // resumes at the last commit.
  // On a catalog opened read-only, begin() starts a read snapshot: every read until commit() or
  // rollback() sees the same committed state.
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;

  // Inserts or replaces the document row (keyed by id).
  virtual Status put_document(const DocumentRecord& doc) = 0;
  virtual Result<std::optional<DocumentRecord>> find_document(const std::string& id) = 0;
  // Full ids whose hex starts with prefix (for `show 1a2b3c4d`); at most `limit`.
  virtual Result<std::vector<std::string>> ids_with_prefix(const std::string& prefix, int limit) = 0;

  // Returns true if the location was new; a known one gets its size and mtime_ns refreshed. A file
  // on disk (parent_id empty) also clears any ingest problem recorded for its path.
  // REQUIRES: put_document(loc.doc_id) first; otherwise kInvalidInput (a foreign key).
  virtual Result<bool> add_location(const LocationRecord& loc) = 0;
  virtual Result<std::vector<LocationRecord>> locations(const std::string& doc_id) = 0;
  // The document last seen at this path on disk, if its size and mtime still match.
  virtual Result<std::optional<std::string>> unchanged_file(const std::string& path, uint64_t size,
                                                            int64_t mtime_ns) = 0;
  // Children of a container (locations whose parent is doc_id).
  virtual Result<std::vector<LocationRecord>> children(const std::string& doc_id) = 0;

  // Replace all pages / metadata of a document, atomically: on error the old rows remain.
  // REQUIRES: put_document(doc_id) first; otherwise kInvalidInput (a foreign key).
  virtual Status put_pages(const std::string& doc_id, const std::vector<PageRecord>& pages) = 0;
  virtual Result<std::vector<PageRecord>> pages(const std::string& doc_id) = 0;
  virtual Status put_metadata(const std::string& doc_id, const std::vector<MetaRecord>& meta) = 0;
  virtual Result<std::vector<MetaRecord>> metadata(const std::string& doc_id) = 0;

  virtual Result<CatalogStats> stats() = 0;
  // Documents in state kFailed, ordered by id.
  virtual Result<std::vector<DocumentRecord>> failures() = 0;
  // Documents read without error that yielded no text (images, scans, empty files), by id.
  virtual Result<std::vector<DocumentRecord>> without_text() = 0;
  // Containers whose declared child count differs from emitted + failed, ordered by id.
  virtual Result<std::vector<DocumentRecord>> container_mismatches() = 0;
  // Documents in state kPending (to finish after an interrupted ingest).
  virtual Result<std::vector<std::string>> pending() = 0;

  // Paths that produced no document; one row per path (a later problem replaces an earlier one).
  virtual Status add_ingest_problem(const IngestProblem& problem) = 0;
  virtual Result<std::vector<IngestProblem>> ingest_problems() = 0;

  // Project-level key/value settings (languages, origin name, ...).
  virtual Status set_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> setting(const std::string& key) = 0;
};

enum class OpenMode { kReadWrite, kReadOnly };

// Opens (and migrates to the current schema) the SQLite catalog at path.
Result<std::unique_ptr<Catalog>> open_sqlite_catalog(const std::string& path, OpenMode mode);

const char* doc_state_name(DocState s);
// The inverse of doc_state_name(); nullopt for any other text.
std::optional<DocState> doc_state_from_name(std::string_view name);

}  // namespace dossier::store
