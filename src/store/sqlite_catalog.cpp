// The embedded catalog: Catalog over one SQLite connection (docs/formats/catalog.md).
#include "store/sqlite_catalog.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "store/sqlite_schema.h"

namespace dossier::store {

namespace {

// The smallest string greater than every string starting with prefix, or "" if there is none
// (prefix empty or all 0xff bytes). SQLite compares TEXT bytewise (BINARY collation).
std::string prefix_successor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff)
    prefix.pop_back();
  if (!prefix.empty())
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

LocationRecord read_location(const Statement& s) {
  LocationRecord l;
  l.doc_id = s.text(0);
  l.parent_id = s.text(1);
  l.path = s.text(2);
  l.size = static_cast<uint64_t>(s.int64(3));
  l.mtime_ns = s.int64(4);
  l.custody_index = s.int64(5);
  return l;
}

}  // namespace

// Columns in the order of DOSSIER_DOC_COLUMNS in sqlite_queries.h.
Result<DocumentRecord> read_document_row(const Statement& s) {
  DocumentRecord d;
  d.id = s.text(0);
  d.size = static_cast<uint64_t>(s.int64(1));
  d.mime = s.text(2);
  d.type = s.text(3);
  d.title = s.text(4);
  d.author = s.text(5);
  d.application = s.text(6);
  d.lang = s.text(7);
  d.created = s.optional_int64(8);
  d.modified = s.optional_int64(9);
  d.page_count = static_cast<int>(s.int64(10));
  d.text_bytes = static_cast<uint64_t>(s.int64(11));
  std::optional<DocState> state = doc_state_from_name(s.text(12));
  if (!state.has_value()) {
    return Error{ErrorCode::kCorrupt, "the catalog has an unknown document state", d.id};
  }
  d.state = *state;
  d.extractor = s.text(13);
  d.failure_code = s.text(14);
  d.failure_reason = s.text(15);
  d.ingested_at = s.int64(16);
  std::optional<int64_t> declared = s.optional_int64(17);
  if (declared.has_value()) d.children_declared = static_cast<uint64_t>(*declared);
  d.children_emitted = static_cast<uint64_t>(s.int64(18));
  d.children_failed = static_cast<uint64_t>(s.int64(19));
  d.from = s.text(20);
  d.to = s.text(21);
  return d;
}

Result<Statement> SqliteCatalog::use(Query q) {
  auto i = static_cast<size_t>(q);
  if (!stmts_[i]) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), kQueries[i].sql, -1, SQLITE_PREPARE_PERSISTENT, &raw,
                                nullptr);
    stmts_[i].reset(raw);
    if (rc != SQLITE_OK)
      return sqlite_error(db_.get(), rc, kQueries[i].what);
  }
  return Statement(stmts_[i].get(), kQueries[i].what);
}

Status SqliteCatalog::simple(Query q) {
  return guarded(path_, [&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(q));
    return s.run();
  });
}

Status SqliteCatalog::put_document(const DocumentRecord& d) {
  return guarded(path_, [&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kPutDocument));
    s.bind(1, d.id).bind(2, static_cast<int64_t>(d.size)).bind(3, d.mime).bind(4, d.type);
    s.bind(5, d.title).bind(6, d.author).bind(7, d.application).bind(8, d.lang);
    s.bind(9, d.created).bind(10, d.modified).bind(11, int64_t{d.page_count});
    s.bind(12, static_cast<int64_t>(d.text_bytes)).bind(13, doc_state_name(d.state));
    s.bind(14, d.extractor).bind(15, d.failure_code).bind(16, d.failure_reason);
    s.bind(17, d.ingested_at);
    s.bind(18, d.children_declared.has_value() ? std::optional<int64_t>(static_cast<int64_t>(*d.children_declared))
                                               : std::nullopt);
    s.bind(19, static_cast<int64_t>(d.children_emitted)).bind(20, static_cast<int64_t>(d.children_failed));
    s.bind(21, d.from).bind(22, d.to);
    return s.run();
  });
}

Result<std::optional<DocumentRecord>> SqliteCatalog::find_document(const std::string& id) {
  return guarded(path_, [&]() -> Result<std::optional<DocumentRecord>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kFindDocument));
    s.bind(1, id);
    DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row)
      return std::optional<DocumentRecord>{};
    DOSSIER_ASSIGN_OR_RETURN(DocumentRecord doc, read_document_row(s));
    return std::optional<DocumentRecord>(std::move(doc));
  });
}

Result<std::vector<std::string>> SqliteCatalog::ids_with_prefix(const std::string& prefix,
                                                                int limit) {
  return guarded(path_, [&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> ids;
    if (limit <= 0)
      return ids;
    // A range on the primary key walks the index from the first match; LIKE or substr would not.
    // Ids are lowercase hex; people paste them from anywhere, in either case.
    std::string lower = prefix;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
    }
    std::string upper = prefix_successor(lower);
    Query q = upper.empty() ? Query::kIdsFrom : Query::kIdsInRange;
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(q));
    s.bind(1, lower);
    if (upper.empty()) {
      s.bind(2, int64_t{limit});
    } else {
      s.bind(2, upper).bind(3, int64_t{limit});
    }
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        return ids;
      ids.push_back(s.text(0));
    }
  });
}

Result<bool> SqliteCatalog::add_location(const LocationRecord& loc) {
  return guarded(path_, [&]() -> Result<bool> {
    bool added = false;
    Status st = in_savepoint([&]() -> Status {
      DOSSIER_ASSIGN_OR_RETURN(Statement ins, use(Query::kInsertLocation));
      ins.bind(1, loc.doc_id).bind(2, loc.parent_id).bind(3, loc.path);
      ins.bind(4, static_cast<int64_t>(loc.size)).bind(5, loc.mtime_ns).bind(6, loc.custody_index);
      DOSSIER_RETURN_IF_ERROR(ins.run());
      added = sqlite3_changes(db_.get()) > 0;
      if (!added) {
        // Same content at the same path, touched since: refresh size and mtime so the next
        // ingest can skip it without hashing again.
        DOSSIER_ASSIGN_OR_RETURN(Statement upd, use(Query::kRefreshLocation));
        upd.bind(1, loc.doc_id).bind(2, loc.parent_id).bind(3, loc.path);
        upd.bind(4, static_cast<int64_t>(loc.size)).bind(5, loc.mtime_ns);
        DOSSIER_RETURN_IF_ERROR(upd.run());
      }
      if (!loc.parent_id.empty())
        return ok_status();
      // The path produced a document after all: it is no longer an ingest problem.
      DOSSIER_ASSIGN_OR_RETURN(Statement clear, use(Query::kClearProblem));
      clear.bind(1, loc.path);
      return clear.run();
    });
    if (!st.has_value())
      return st.error();
    return added;
  });
}

Result<std::vector<LocationRecord>> SqliteCatalog::read_locations(Query q,
                                                                  const std::string& doc_id) {
  return guarded(path_, [&]() -> Result<std::vector<LocationRecord>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(q));
    s.bind(1, doc_id);
    std::vector<LocationRecord> out;
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        return out;
      out.push_back(read_location(s));
    }
  });
}

Result<std::optional<std::string>> SqliteCatalog::unchanged_file(const std::string& path,
                                                                 uint64_t size, int64_t mtime_ns) {
  return guarded(path_, [&]() -> Result<std::optional<std::string>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kUnchangedFile));
    s.bind(1, path).bind(2, static_cast<int64_t>(size)).bind(3, mtime_ns);
    DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row)
      return std::optional<std::string>{};
    return std::optional<std::string>(s.text(0));
  });
}

Result<std::unique_ptr<Catalog>> open_sqlite_catalog(const std::string& path, OpenMode mode) {
  try {
    // NOMUTEX: a Catalog is used by one thread at a time, so SQLite's own locking would be waste.
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    SqliteDb db(raw);  // owned before rc is looked at: open can fail and still return a handle
    if (rc != SQLITE_OK) {
      Error e = sqlite_error(db.get(), rc, "cannot open the catalog");
      e.context = path;
      return e;
    }
    DOSSIER_RETURN_IF_ERROR(configure_connection(db.get(), mode));
    DOSSIER_RETURN_IF_ERROR(mode == OpenMode::kReadOnly ? check_schema(db.get())
                                                        : migrate(db.get()));
    return std::unique_ptr<Catalog>(std::make_unique<SqliteCatalog>(std::move(db), path, mode));
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("cannot open the catalog: ") + e.what(), path};
  }
}

}  // namespace dossier::store
