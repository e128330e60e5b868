// The single writer of an ingest: the only code that writes the catalog, the index and the
// custody log.
//
// Batches are committed custody log first (written and fsynced), then index, then catalog. A crash between the two leaves documents in the
// index that the catalog does not know; the next run extracts them again and replaces them, so
// nothing is lost or doubled. A document counts as stored once its catalog batch is committed.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/bounded_queue.h"
#include "core/progress.h"
#include "core/result.h"
#include "custody/log.h"
#include "extract/extraction.h"
#include "index/index.h"
#include "ingest/pipeline.h"
#include "ingest/project.h"
#include "store/catalog.h"

namespace dossier::ingest {

struct WriterItem {
  enum class Kind { kDocument, kLocationOnly, kProblem };
  Kind kind = Kind::kDocument;
  store::DocumentRecord doc;  // kDocument
  store::LocationRecord location;
  std::string display_path;  // full path shown to people: "/leak/a.zip › b.pdf"
  std::vector<store::PageRecord> pages;
  std::vector<store::MetaRecord> metadata;
  std::string problem_reason;            // kProblem

  static WriterItem location_only(store::LocationRecord loc, std::string display) {
    WriterItem item;
    item.kind = Kind::kLocationOnly;
    item.location = std::move(loc);
    item.display_path = std::move(display);
    return item;
  }
  static WriterItem problem(std::string path, std::string reason) {
    WriterItem item;
    item.kind = Kind::kProblem;
    item.display_path = std::move(path);
    item.problem_reason = std::move(reason);
    return item;
  }
};

class Writer {
 public:
  static Result<std::unique_ptr<Writer>> open(const ProjectPaths& paths, const IngestOptions& options);

  // Writes every item until the queue is closed and empty, committing in batches. On error the
  // current batch is rolled back and the error returned; committed batches stay.
  Status drain(BoundedQueue<WriterItem>& items, Progress& progress);

  // Signs a checkpoint over everything this run logged (none if it logged nothing).
  Status finish();

  IngestReport report() const { return report_; }

 private:
  Writer(IngestOptions options, std::unique_ptr<store::Catalog> catalog, std::unique_ptr<index::IndexWriter> index,
         custody::CustodyLog log)
      : options_(options), catalog_(std::move(catalog)), index_(std::move(index)), log_(std::move(log)) {}

  Status write(WriterItem& item);
  Status write_document(WriterItem& item);
  Status write_location(WriterItem& item);
  Status commit_batch();
  // Queues the INGEST entry for a location (appended at the next commit) and sets its index.
  void log_ingest(store::LocationRecord& loc, const store::DocumentRecord* doc);
  void log_derived_text(const WriterItem& item);
  void log_derived_ocr(const WriterItem& item);

  // Adds the time since `start` to report_.custody_seconds when it goes out of scope.
  class CustodyTimer {
   public:
    explicit CustodyTimer(IngestReport& report)
        : report_(report), start_(std::chrono::steady_clock::now()) {}
    ~CustodyTimer() {
      report_.custody_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    CustodyTimer(const CustodyTimer&) = delete;
    CustodyTimer& operator=(const CustodyTimer&) = delete;

   private:
    IngestReport& report_;
    std::chrono::steady_clock::time_point start_;
  };

  IngestOptions options_;
  std::unique_ptr<store::Catalog> catalog_;
  std::unique_ptr<index::IndexWriter> index_;
  custody::CustodyLog log_;
  uint64_t log_size_at_start_ = 0;
  std::vector<std::string> pending_entries_;  // appended to the log before the batch commits
  // Locations that arrived before their document (another worker was still extracting it).
  std::unordered_map<std::string, std::vector<WriterItem>> waiting_;
  IngestReport report_;
  uint32_t batch_docs_ = 0;
  uint64_t batch_bytes_ = 0;
};

// The catalog metadata key under which ingest records the languages of a document's long parts
// (space-separated ISO 639-1 codes, text/lang.h); to_index_document reads it back.
inline constexpr std::string_view kPartLanguagesKey = "dossier:languages";

// The index's view of a catalog document (its metadata gives the languages of its long parts).
index::IndexDocument to_index_document(const store::DocumentRecord& doc, const std::vector<store::PageRecord>& pages,
                                       std::vector<std::string> paths, const std::vector<store::MetaRecord>& metadata);

}  // namespace dossier::ingest
