#include "ingest/writer.h"

#include <algorithm>
#include <charconv>
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
  // Entries past the settled count were logged by a batch that never committed. A project made
  // before the count was kept has none we can tell apart: all its entries count as settled.
  DOSSIER_ASSIGN_OR_RETURN(auto settled, catalog->setting(kSettledEntriesKey));
  uint64_t first_unsettled = log.size();
  if (settled.has_value()) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(settled->data(), settled->data() + settled->size(), n);
    if (ec == std::errc() && end == settled->data() + settled->size())
      first_unsettled = std::min(n, log.size());
  }
  DOSSIER_ASSIGN_OR_RETURN(auto unsettled, UnsettledEntries::read(log, first_unsettled));
  auto writer = std::unique_ptr<Writer>(new Writer(options, std::move(catalog), std::move(index), std::move(log)));
  writer->unsettled_ = std::move(unsettled);
  writer->report_.custody_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - opening).count();
  DOSSIER_RETURN_IF_ERROR(writer->drop_unsettled_documents());
  return writer;
}

Status Writer::drop_unsettled_documents() {
  bool removed = false;
  for (const std::string& id : unsettled_.documents()) {
    DOSSIER_ASSIGN_OR_RETURN(auto doc, catalog_->find_document(id));
    if (doc.has_value() && doc->state != store::DocState::kPending)
      continue;
    DOSSIER_ASSIGN_OR_RETURN(bool indexed, index_->contains(id));
    if (!indexed)
      continue;
    DOSSIER_RETURN_IF_ERROR(index_->remove(id));
    removed = true;
  }
  return removed ? index_->commit() : ok_status();
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
        pending_paths_.clear();
        return s;
      }
    }
    auto now = std::chrono::steady_clock::now();
    bool due = batch_docs_ >= options_.batch_documents || batch_bytes_ >= options_.batch_text_bytes ||
               batch_locations_ >= options_.batch_locations ||
               std::chrono::duration<double>(now - last_commit).count() >= options_.batch_seconds;
    if (in_batch && due) {
      DOSSIER_RETURN_IF_ERROR(commit_batch());
      in_batch = false;
      last_commit = now;
    }
    progress.tick();
  }
  // Everything written so far is whole (a container waits for its children), so it is kept.
  if (in_batch) DOSSIER_RETURN_IF_ERROR(commit_batch());
  if (!waiting_.empty() || !held_.empty()) {
    // A document never arrived: its worker stopped early. The next run stores it and what waited.
    return Error{ErrorCode::kInternal, "ingest stopped before every document was written; run it again to finish",
                 !waiting_.empty() ? waiting_.begin()->first : held_.begin()->first};
  }
  return ok_status();
}

Status Writer::commit_batch() {
  // Custody first: an entry must be durable before the document counts as stored. Then the index,
  // then the catalog, which also records how many entries are now settled. A crash between any
  // two is repaired by the next run (see the header).
  if (!pending_entries_.empty()) {
    CustodyTimer timer(report_);
    auto first = log_.append_batch(pending_entries_);
    if (!first.has_value()) {
      (void)catalog_->rollback();
      return first.error();
    }
    pending_entries_.clear();
  }
  DOSSIER_RETURN_IF_ERROR(catalog_->set_setting(kSettledEntriesKey, std::to_string(log_.size())));
  for (const auto& [id, paths] : pending_paths_) DOSSIER_RETURN_IF_ERROR(index_->add_paths(id, paths));
  pending_paths_.clear();
  DOSSIER_RETURN_IF_ERROR(index_->commit());
  DOSSIER_RETURN_IF_ERROR(catalog_->commit());
  if (on_commit_) on_commit_(batch_ids_);
  batch_ids_.clear();
  batch_docs_ = 0;
  batch_locations_ = 0;
  batch_bytes_ = 0;
  return ok_status();
}

Status Writer::finish() {
  // Also when this run logged nothing: a run stopped by a full disk may have logged its last
  // batch without getting to sign it.
  if (log_.size() == 0) return ok_status();
  CustodyTimer timer(report_);
  auto note = log_.checkpoint();
  if (!note.has_value()) return note.error();
  return ok_status();
}

bool Writer::log_ingest(store::LocationRecord& loc, store::DocumentRecord& doc, bool first_location) {
  CustodyTimer timer(report_);
  custody::IngestEntry e;
  auto digest = digest_from_hex(loc.doc_id);
  DOSSIER_CHECK(digest.has_value());
  e.sha256 = *digest;
  e.size = doc.size;
  if (!loc.parent_id.empty()) {
    auto parent = digest_from_hex(loc.parent_id);
    DOSSIER_CHECK(parent.has_value());
    e.location.parent = *parent;
  }
  e.location.path = loc.path;
  e.received = doc.ingested_at != 0 ? doc.ingested_at : now_unix();
  e.dossier_version = DOSSIER_VERSION;
  if (auto reused = unsettled_.take(e)) {
    loc.custody_index = static_cast<int64_t>(reused->index);
    if (first_location) doc.ingested_at = reused->received;
    return false;
  }
  loc.custody_index = static_cast<int64_t>(log_.size() + pending_entries_.size());
  pending_entries_.push_back(custody::encode_entry(e));
  return true;
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
  // Logged by a run that died before its batch committed: that entry stands for this one.
  if (unsettled_.take(e)) return;
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
  if (unsettled_.take(e)) return;
  pending_entries_.push_back(custody::encode_entry(e));
}

Status Writer::write(WriterItem& item) {
  switch (item.kind) {
    case WriterItem::Kind::kDocument:
      if (unwritten_children_.count(item.doc.id) > 0) {
        // A location of one of its children still waits for that child's document: writing the
        // container now could commit it without that location, and the next run would skip it.
        std::string parent = item.location.parent_id;
        std::string id = item.doc.id;
        held_.emplace(std::move(id), std::move(item));
        if (!parent.empty()) ++unwritten_children_[parent];
        return ok_status();
      }
      return write_document(item);
    case WriterItem::Kind::kLocationOnly:
      return write_location(item);
    case WriterItem::Kind::kProblem:
      return catalog_->add_ingest_problem({item.display_path, item.problem_reason, now_unix()});
  }
  return ok_status();
}

Status Writer::child_written(const std::string& parent) {
  if (parent.empty()) return ok_status();
  auto it = unwritten_children_.find(parent);
  if (it == unwritten_children_.end() || --it->second > 0) return ok_status();
  unwritten_children_.erase(it);
  auto held = held_.find(parent);
  if (held == held_.end()) return ok_status();
  WriterItem container = std::move(held->second);
  held_.erase(held);
  DOSSIER_RETURN_IF_ERROR(write_document(container));
  return child_written(container.location.parent_id);
}

Status Writer::write_location(WriterItem& item) {
  DOSSIER_ASSIGN_OR_RETURN(auto doc, catalog_->find_document(item.location.doc_id));
  if (!doc.has_value()) {
    // Another worker is still extracting this content; write the location after its document.
    if (!item.location.parent_id.empty() && !item.inside_itself) ++unwritten_children_[item.location.parent_id];
    waiting_[item.location.doc_id].push_back(std::move(item));
    return ok_status();
  }
  // Only a new location gets an INGEST entry; the index reserved for it is unused otherwise.
  store::LocationRecord loc = item.location;
  bool queued = log_ingest(loc, *doc, false);
  DOSSIER_ASSIGN_OR_RETURN(bool added, catalog_->add_location(loc));
  if (!added) {
    if (queued) pending_entries_.pop_back();
    return ok_status();
  }
  ++report_.new_locations;
  ++batch_locations_;
  pending_paths_[loc.doc_id].push_back(item.display_path);
  return ok_status();
}

Status Writer::write_document(WriterItem& item) {
  // Content already committed by an earlier run (a resumed batch): keep the stored record and
  // only add the location.
  DOSSIER_ASSIGN_OR_RETURN(auto existing, catalog_->find_document(item.doc.id));
  if (existing.has_value() && existing->state != store::DocState::kPending) return write_location(item);

  log_ingest(item.location, item.doc, true);
  DOSSIER_RETURN_IF_ERROR(catalog_->put_document(item.doc));
  log_derived_text(item);
  log_derived_ocr(item);
  DOSSIER_ASSIGN_OR_RETURN(bool added, catalog_->add_location(item.location));
  if (added) ++report_.new_locations;
  DOSSIER_RETURN_IF_ERROR(catalog_->put_pages(item.doc.id, item.pages));
  DOSSIER_RETURN_IF_ERROR(catalog_->put_metadata(item.doc.id, item.metadata));
  DOSSIER_RETURN_IF_ERROR(index_->replace(to_index_document(item.doc, item.pages, {item.display_path}, item.metadata)));
  ++report_.new_documents;
  batch_ids_.push_back(item.doc.id);
  if (item.doc.state == store::DocState::kFailed) ++report_.failures;
  ++batch_docs_;
  batch_bytes_ += item.doc.text_bytes;

  if (auto it = waiting_.find(item.doc.id); it != waiting_.end()) {
    std::vector<WriterItem> later = std::move(it->second);
    waiting_.erase(it);
    for (auto& w : later) {
      DOSSIER_RETURN_IF_ERROR(write_location(w));
      if (!w.inside_itself) DOSSIER_RETURN_IF_ERROR(child_written(w.location.parent_id));
    }
  }
  return ok_status();
}

}  // namespace dossier::ingest
