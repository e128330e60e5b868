// SqliteCatalog, continued: pages, metadata, statistics, failure and problem lists, settings.
#include <sqlite3.h>

#include <string>
#include <utility>

#include "store/sqlite_catalog.h"

namespace dossier::store {

namespace {

// Empty keys would print as "" in `dossier stats`; a person reads "unknown" more easily.
std::string display_key(const std::string& key) {
  return key.empty() ? "unknown" : key;
}

}  // namespace

Status SqliteCatalog::put_pages(const std::string& doc_id, const std::vector<PageRecord>& pages) {
  return guarded(path_, [&]() -> Status {
    return in_savepoint([&]() -> Status {
      DOSSIER_ASSIGN_OR_RETURN(Statement del, use(Query::kDeletePages));
      del.bind(1, doc_id);
      DOSSIER_RETURN_IF_ERROR(del.run());
      for (const PageRecord& p : pages) {
        DOSSIER_ASSIGN_OR_RETURN(Statement ins, use(Query::kInsertPage));
        ins.bind(1, doc_id).bind(2, int64_t{p.number}).bind(3, p.text);
        ins.bind(4, int64_t{p.ocr ? 1 : 0}).bind(5, static_cast<double>(p.ocr_confidence));
        DOSSIER_RETURN_IF_ERROR(ins.run());
      }
      return ok_status();
    });
  });
}

Result<std::vector<PageRecord>> SqliteCatalog::pages(const std::string& doc_id) {
  return guarded(path_, [&]() -> Result<std::vector<PageRecord>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kPages));
    s.bind(1, doc_id);
    std::vector<PageRecord> out;
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        return out;
      PageRecord p;
      p.number = static_cast<int>(s.int64(0));
      p.text = s.text(1);
      p.ocr = s.int64(2) != 0;
      p.ocr_confidence = static_cast<float>(s.real(3));
      out.push_back(std::move(p));
    }
  });
}

Status SqliteCatalog::put_metadata(const std::string& doc_id, const std::vector<MetaRecord>& meta) {
  return guarded(path_, [&]() -> Status {
    return in_savepoint([&]() -> Status {
      DOSSIER_ASSIGN_OR_RETURN(Statement del, use(Query::kDeleteMetadata));
      del.bind(1, doc_id);
      DOSSIER_RETURN_IF_ERROR(del.run());
      // The ordinal keeps the extractor's order: repeated keys (several "Received" headers) and
      // the original field sequence are evidence too.
      int64_t ordinal = 0;
      for (const MetaRecord& m : meta) {
        DOSSIER_ASSIGN_OR_RETURN(Statement ins, use(Query::kInsertMetadata));
        ins.bind(1, doc_id).bind(2, ordinal++).bind(3, m.key).bind(4, m.value);
        DOSSIER_RETURN_IF_ERROR(ins.run());
      }
      return ok_status();
    });
  });
}

Result<std::vector<MetaRecord>> SqliteCatalog::metadata(const std::string& doc_id) {
  return guarded(path_, [&]() -> Result<std::vector<MetaRecord>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kMetadata));
    s.bind(1, doc_id);
    std::vector<MetaRecord> out;
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        return out;
      out.push_back(MetaRecord{s.text(0), s.text(1)});
    }
  });
}

Status SqliteCatalog::read_stats(CatalogStats& out) {
  {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kStatsTotals));
    DOSSIER_RETURN_IF_ERROR(s.step());
    out.documents = static_cast<uint64_t>(s.int64(0));
    out.failures = static_cast<uint64_t>(s.int64(1));
    out.pending = static_cast<uint64_t>(s.int64(2));
    out.bytes = static_cast<uint64_t>(s.int64(3));
  }
  for (auto [q, field] : {std::pair{Query::kStatsLocations, &CatalogStats::locations},
                          std::pair{Query::kStatsProblems, &CatalogStats::ingest_problems}}) {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(q));
    DOSSIER_RETURN_IF_ERROR(s.step());
    out.*field = static_cast<uint64_t>(s.int64(0));
  }
  {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kStatsChildren));
    DOSSIER_RETURN_IF_ERROR(s.step());
    out.children_declared = static_cast<uint64_t>(s.int64(0));
    out.children_emitted = static_cast<uint64_t>(s.int64(1));
    out.children_failed = static_cast<uint64_t>(s.int64(2));
    out.container_mismatches = static_cast<uint64_t>(s.int64(3));
  }
  for (auto [q, field] : {std::pair{Query::kStatsByType, &CatalogStats::by_type},
                          std::pair{Query::kStatsByReason, &CatalogStats::by_reason}}) {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(q));
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        break;
      (out.*field)[display_key(s.text(0))] += static_cast<uint64_t>(s.int64(1));
    }
  }
  return ok_status();
}

Result<CatalogStats> SqliteCatalog::stats() {
  return guarded(path_, [&]() -> Result<CatalogStats> {
    CatalogStats out;
    // Outside a caller's transaction, read every count from one snapshot so they agree with each
    // other even while an ingest is writing.
    bool own_txn = sqlite3_get_autocommit(db_.get()) != 0;
    if (own_txn)
      DOSSIER_RETURN_IF_ERROR(simple(Query::kBeginRead));
    Status st = read_stats(out);
    if (own_txn) {
      Status end = simple(st.has_value() ? Query::kCommitRead : Query::kRollback);
      if (st.has_value() && !end.has_value())
        return end.error();
    }
    if (!st.has_value())
      return st.error();
    return out;
  });
}

Result<std::vector<DocumentRecord>> SqliteCatalog::failures() { return documents_where(Query::kFailures); }

Result<std::vector<DocumentRecord>> SqliteCatalog::without_text() { return documents_where(Query::kNoText); }

Result<std::vector<DocumentRecord>> SqliteCatalog::container_mismatches() {
  return documents_where(Query::kMismatches);
}

Result<std::vector<DocumentRecord>> SqliteCatalog::documents_where(Query q) {
  return guarded(path_, [&]() -> Result<std::vector<DocumentRecord>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(q));
    std::vector<DocumentRecord> out;
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        return out;
      DOSSIER_ASSIGN_OR_RETURN(DocumentRecord doc, read_document_row(s));
      out.push_back(std::move(doc));
    }
  });
}

Result<std::vector<std::string>> SqliteCatalog::pending() {
  return guarded(path_, [&]() -> Result<std::vector<std::string>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kPending));
    std::vector<std::string> out;
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        return out;
      out.push_back(s.text(0));
    }
  });
}

Status SqliteCatalog::add_ingest_problem(const IngestProblem& problem) {
  return guarded(path_, [&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kPutProblem));
    s.bind(1, problem.path).bind(2, problem.reason).bind(3, problem.at);
    return s.run();
  });
}

Result<std::vector<IngestProblem>> SqliteCatalog::ingest_problems() {
  return guarded(path_, [&]() -> Result<std::vector<IngestProblem>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kProblems));
    std::vector<IngestProblem> out;
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row)
        return out;
      out.push_back(IngestProblem{s.text(0), s.text(1), s.int64(2)});
    }
  });
}

Status SqliteCatalog::set_setting(const std::string& key, const std::string& value) {
  return guarded(path_, [&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kSetSetting));
    s.bind(1, key).bind(2, value);
    return s.run();
  });
}

Result<std::optional<std::string>> SqliteCatalog::setting(const std::string& key) {
  return guarded(path_, [&]() -> Result<std::optional<std::string>> {
    DOSSIER_ASSIGN_OR_RETURN(Statement s, use(Query::kSetting));
    s.bind(1, key);
    DOSSIER_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row)
      return std::optional<std::string>{};
    return std::optional<std::string>(s.text(0));
  });
}

}  // namespace dossier::store
