#include "ingest/writer.h"

#include <algorithm>
#include <chrono>

#include "core/sha256.h"
#include "core/time_util.h"
#include "custody/entry.h"

namespace dossier::ingest {

index::IndexDocument to_index_document(const store::DocumentRecord& doc, const std::vector<store::PageRecord>& pages,
                                       std::vector<std::string> paths, const std::vector<store::MetaRecord>& metadata) {
  index::IndexDocument out;
  out.id = doc.id;
  out.title = doc.title;
  out.author = doc.author;
  out.from = doc.from;
  out.to = doc.to;
  out.application = doc.application;
  out.mime = doc.mime;
  out.type = doc.type;
  out.lang = doc.lang;
  out.paths = std::move(paths);
  out.date = doc.created ? doc.created : doc.modified;
  out.size = doc.size;
  out.failed = doc.state == store::DocState::kFailed;
  out.pages.reserve(pages.size());
  for (const auto& p : pages) {
    out.pages.push_back({p.number, p.text});
    if (!p.ocr) continue;
    out.ocr = true;
    if (!p.text.empty() && p.ocr_confidence >= 0 && (!out.ocr_confidence || p.ocr_confidence < *out.ocr_confidence))
      out.ocr_confidence = p.ocr_confidence;
  }
  for (const auto& m : metadata) {
    if (m.key != kPartLanguagesKey) continue;
    for (size_t at = 0; at < m.value.size();) {
      size_t space = std::min(m.value.find(' ', at), m.value.size());
      if (space > at) out.part_langs.push_back(m.value.substr(at, space - at));
      at = space + 1;
    }
  }
  return out;
}

Result<std::unique_ptr<Writer>> Writer::open(const ProjectPaths& paths, const IngestOptions& options) {
  DOSSIER_ASSIGN_OR_RETURN(auto catalog, store::open_sqlite_catalog(paths.db().string(), store::OpenMode::kReadWrite));
  DOSSIER_ASSIGN_OR_RETURN(auto index, index::IndexWriter::open(paths.index().string()));
  auto opening = std::chrono::steady_clock::now();
  DOSSIER_ASSIGN_OR_RETURN(auto log, custody::CustodyLog::open(paths.custody()));
  uint64_t start = log.size();
  auto writer = std::unique_ptr<Writer>(new Writer(options, std::move(catalog), std::move(index), std::move(log)));
  writer->log_size_at_start_ = start;
  writer->report_.custody_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - opening).count();
  return writer;
}

Status Writer::drain(BoundedQueue<WriterItem>& items, Progress& progress) {
  auto last_commit = std::chrono::steady_clock::now();
  bool in_batch = false;
  for (;;) {
    auto item = items.pop_for(std::chrono::milliseconds(200));
    // pop_for also returns nothing on a timeout. Once the queue is closed nothing more is pushed,
    // so one more non-blocking pop tells "done" from a last item that raced the close.
    if (!item.has_value() && items.closed()) {
      item = items.pop_for(std::chrono::milliseconds(0));
      if (!item.has_value()) break;
    }
    if (item.has_value()) {
      if (!in_batch) {
        DOSSIER_RETURN_IF_ERROR(catalog_->begin());
        in_batch = true;
      }
      if (Status s = write(*item); !s.has_value()) {
        (void)catalog_->rollback();
        pending_entries_.clear();
        return s;
      }
    }
    auto now = std::chrono::steady_clock::now();
    bool due = batch_docs_ >= options_.batch_documents || batch_bytes_ >= options_.batch_text_bytes ||
               std::chrono::duration<double>(now - last_commit).count() >= options_.batch_seconds;
    if (in_batch && due) {
      DOSSIER_RETURN_IF_ERROR(commit_batch());
      in_batch = false;
      last_commit = now;
    }
    progress.tick();
  }
  if (!waiting_.empty()) {
    // A location whose document never arrived: its worker stopped early. The next run stores it.
    (void)catalog_->rollback();
    return Error{ErrorCode::kInternal, "ingest stopped before every document was written; run it again to finish",
                 waiting_.begin()->first};
  }
  if (in_batch) DOSSIER_RETURN_IF_ERROR(commit_batch());
  return ok_status();
}

Status Writer::commit_batch() {
  // Custody first: an entry must be durable before the document counts as stored. Then the index,
  // then the catalog: see the header for why a crash between any two is harmless.
  if (!pending_entries_.empty()) {
    CustodyTimer timer(report_);
    auto first = log_.append_batch(pending_entries_);
    if (!first.has_value()) {
      (void)catalog_->rollback();
      return first.error();
    }
    pending_entries_.clear();
  }
  DOSSIER_RETURN_IF_ERROR(index_->commit());
  DOSSIER_RETURN_IF_ERROR(catalog_->commit());
  batch_docs_ = 0;
  batch_bytes_ = 0;
  return ok_status();
}

Status Writer::finish() {
  if (log_.size() == log_size_at_start_) return ok_status();
  CustodyTimer timer(report_);
  auto note = log_.checkpoint();
  if (!note.has_value()) return note.error();
  return ok_status();
}

void Writer::log_ingest(store::LocationRecord& loc, const store::DocumentRecord* doc) {
  CustodyTimer timer(report_);
  custody::IngestEntry e;
  auto digest = digest_from_hex(loc.doc_id);
  DOSSIER_CHECK(digest.has_value());
  e.sha256 = *digest;
  e.size = doc != nullptr ? doc->size : loc.size;
  if (!loc.parent_id.empty()) {
    auto parent = digest_from_hex(loc.parent_id);
    DOSSIER_CHECK(parent.has_value());
    e.location.parent = *parent;
  }
  e.location.path = loc.path;
  e.received = doc != nullptr && doc->ingested_at != 0 ? doc->ingested_at : now_unix();
  e.dossier_version = DOSSIER_VERSION;
  loc.custody_index = static_cast<int64_t>(log_.size() + pending_entries_.size());
  pending_entries_.push_back(custody::encode_entry(e));
}

void Writer::log_derived_ocr(const WriterItem& item) {
  // One entry per document that has OCR pages: which engine and languages read which pages. Its
  // output is the OCR pages' text, separated by form feeds, in page order.
  Sha256 h;
  uint64_t size = 0;
  std::string pages;
  for (const auto& p : item.pages) {
    if (!p.ocr) continue;
    if (!pages.empty()) {
      h.update(std::string_view("\f"));
      ++size;
      pages += ",";
    }
    h.update(p.text);
    size += p.text.size();
    pages += std::to_string(p.number);
  }
  std::string engine;
  for (const auto& m : item.metadata) {
    if (m.key == "ocr:engine") engine = m.value;
  }
  if (pages.empty() || engine.empty()) return;
  CustodyTimer timer(report_);
  custody::DeriveEntry e;
  e.derivation = "ocr";
  e.input = *digest_from_hex(item.doc.id);
  e.output = h.finish();
  e.output_size = size;
  auto space = engine.find(' ');
  e.tool = engine.substr(0, space);
  e.tool_version = (space == std::string::npos ? "" : engine.substr(space + 1)) + "; pages " + pages;
  e.time = now_unix();
  e.dossier_version = DOSSIER_VERSION;
  pending_entries_.push_back(custody::encode_entry(e));
}

void Writer::log_derived_text(const WriterItem& item) {
  if (item.pages.empty()) return;
  CustodyTimer timer(report_);
  // The text as one stream, pages separated by form feeds: what `show` prints and the index reads.
  Sha256 h;
  uint64_t size = 0;
  for (size_t i = 0; i < item.pages.size(); ++i) {
    if (i > 0) {
      h.update(std::string_view("\f"));
      ++size;
    }
    h.update(item.pages[i].text);
    size += item.pages[i].text.size();
  }
  custody::DeriveEntry e;
  e.derivation = "text";
  e.input = *digest_from_hex(item.doc.id);
  e.output = h.finish();
  e.output_size = size;
  auto slash = item.doc.extractor.rfind('/');
  e.tool = item.doc.extractor.substr(0, slash);
  e.tool_version = slash == std::string::npos ? "" : item.doc.extractor.substr(slash + 1);
  e.time = now_unix();
  e.dossier_version = DOSSIER_VERSION;
  pending_entries_.push_back(custody::encode_entry(e));
}

Status Writer::write(WriterItem& item) {
  switch (item.kind) {
    case WriterItem::Kind::kDocument:
      return write_document(item);
    case WriterItem::Kind::kLocationOnly:
      return write_location(item);
    case WriterItem::Kind::kProblem:
      return catalog_->add_ingest_problem({item.display_path, item.problem_reason, now_unix()});
  }
  return ok_status();
}

Status Writer::write_location(WriterItem& item) {
  DOSSIER_ASSIGN_OR_RETURN(auto doc, catalog_->find_document(item.location.doc_id));
  if (!doc.has_value()) {
    // Another worker is still extracting this content; write the location after its document.
    waiting_[item.location.doc_id].push_back(std::move(item));
    return ok_status();
  }
  // Only a new location gets an INGEST entry; the index reserved for it is unused otherwise.
  store::LocationRecord loc = item.location;
  log_ingest(loc, &*doc);
  DOSSIER_ASSIGN_OR_RETURN(bool added, catalog_->add_location(loc));
  if (!added) {
    pending_entries_.pop_back();
    return ok_status();
  }
  ++report_.new_locations;
  return index_->add_path(loc.doc_id, item.display_path);
}

Status Writer::write_document(WriterItem& item) {
  // Content already committed by an earlier run (a resumed batch): keep the stored record and
  // only add the location.
  DOSSIER_ASSIGN_OR_RETURN(auto existing, catalog_->find_document(item.doc.id));
  if (existing.has_value() && existing->state != store::DocState::kPending) return write_location(item);

  DOSSIER_RETURN_IF_ERROR(catalog_->put_document(item.doc));
  log_ingest(item.location, &item.doc);
  log_derived_text(item);
  log_derived_ocr(item);
  DOSSIER_ASSIGN_OR_RETURN(bool added, catalog_->add_location(item.location));
  if (added) ++report_.new_locations;
  DOSSIER_RETURN_IF_ERROR(catalog_->put_pages(item.doc.id, item.pages));
  DOSSIER_RETURN_IF_ERROR(catalog_->put_metadata(item.doc.id, item.metadata));
  DOSSIER_RETURN_IF_ERROR(index_->replace(to_index_document(item.doc, item.pages, {item.display_path}, item.metadata)));
  ++report_.new_documents;
  if (item.doc.state == store::DocState::kFailed) ++report_.failures;
  ++batch_docs_;
  batch_bytes_ += item.doc.text_bytes;

  if (auto it = waiting_.find(item.doc.id); it != waiting_.end()) {
    std::vector<WriterItem> later = std::move(it->second);
    waiting_.erase(it);
    for (auto& w : later) DOSSIER_RETURN_IF_ERROR(write_location(w));
  }
  return ok_status();
}

}  // namespace dossier::ingest
