// The single writer of an ingest: the only code that writes the catalog, the index and the
// custody log.
//
// Batches are committed custody log first (written and fsynced), then index, then catalog; the
// catalog transaction also records how many custody entries are settled. A document counts as
// stored once its catalog batch is committed. What a crash between any two steps leaves, and how
// the next run repairs it, is in docs/design-notes.md "Crash safety": in short the next run reuses
// the custody entries the lost batch logged, drops the documents it indexed, and extracts them
// again. A container is written only after every location of its children, so a committed
// container never hides a lost child from the next run (which skips the container's file).
#pragma once

#include <chrono>
#include <functional>
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
#include "ingest/unsettled_entries.h"
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
  // kLocationOnly: the location of a container inside itself (droste.zip holds droste.zip; or
  // a.zip holds b.zip, which holds a.zip). Its document is an ancestor still being extracted,
  // which is written after its children, so its parent must not wait for it: the location is
  // written right after that document instead.
  bool inside_itself = false;

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

  // Signs a checkpoint over the whole log, unless the latest one already covers it (or the log is
  // empty).
  Status finish();

  // Called after each catalog commit with the ids of the documents it stored, on the writer's
  // thread: from then on the catalog answers "already stored?" for them.
  void on_commit(std::function<void(const std::vector<std::string>&)> fn) { on_commit_ = std::move(fn); }

  IngestReport report() const { return report_; }

 private:
  Writer(IngestOptions options, std::unique_ptr<store::Catalog> catalog, std::unique_ptr<index::IndexWriter> index,
         custody::CustodyLog log)
      : options_(options), catalog_(std::move(catalog)), index_(std::move(index)), log_(std::move(log)) {}

  // Removes from the index the documents a lost batch indexed but never cataloged.
  Status drop_unsettled_documents();

  Status write(WriterItem& item);
  Status write_document(WriterItem& item);
  Status write_location(WriterItem& item);
  // One waiting location or held container under `parent` has been written; writes the parent
  // if it was held and nothing under it is left.
  Status child_written(const std::string& parent);
  Status commit_batch();
  // Sets the location's custody index: an unsettled entry with the same statement, or a new entry
  // queued for the next commit (returns true then). A document's first location also takes its
  // ingested_at from a reused entry, so catalog and log agree on when it arrived.
  bool log_ingest(store::LocationRecord& loc, store::DocumentRecord& doc, bool first_location);
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
  UnsettledEntries unsettled_;
  std::vector<std::string> pending_entries_;  // appended to the log before the batch commits
  // Paths of new locations of indexed documents, added to the index once per document per batch.
  std::unordered_map<std::string, std::vector<std::string>> pending_paths_;
  // Locations that arrived before their document (another worker was still extracting it).
  std::unordered_map<std::string, std::vector<WriterItem>> waiting_;
  // How many waiting locations and held containers name each container as their parent, and the
  // containers held back until that count is zero.
  std::unordered_map<std::string, uint64_t> unwritten_children_;
  std::unordered_map<std::string, WriterItem> held_;
  std::vector<std::string> batch_ids_;  // documents written in the current batch
  std::function<void(const std::vector<std::string>&)> on_commit_;
  IngestReport report_;
  uint32_t batch_docs_ = 0;
  uint32_t batch_locations_ = 0;
  uint64_t batch_bytes_ = 0;
};

// The catalog metadata key under which ingest records the languages of a document's long parts
// (space-separated ISO 639-1 codes, text/lang.h); to_index_document reads it back.
inline constexpr std::string_view kPartLanguagesKey = "dossier:languages";

// The index's view of a catalog document (its metadata gives the languages of its long parts).
index::IndexDocument to_index_document(const store::DocumentRecord& doc, const std::vector<store::PageRecord>& pages,
                                       std::vector<std::string> paths, const std::vector<store::MetaRecord>& metadata);

}  // namespace dossier::ingest
