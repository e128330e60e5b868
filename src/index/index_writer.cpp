// IndexWriter on a Xapian WritableDatabase. Every Xapian call sits inside a try so that no
// exception leaves src/index.
#include <xapian.h>

#include <set>
#include <unordered_set>

#include "index/index.h"
#include "index/schema.h"
#include "index/xapian_error.h"
#include "text/tokenizer.h"

namespace dossier::index {
namespace {

// Body text: pages one after another, kPageGap positions apart so no phrase spans two pages.
uint32_t index_text(Xapian::Document& doc, std::string_view text, uint32_t pos,
                    const std::string& prefix) {
  std::string term;
  return text::tokenize(text, pos, [&](const text::Token& t) {
    if (prefix.empty()) {
      doc.add_posting(t.term, t.position);
    } else {
      term.assign(prefix).append(t.term);
      doc.add_posting(term, t.position);
    }
  });
}

// Adds the paths the document does not have yet: their path and extension terms and a line each in
// the paths value. The known paths are read into a set once per call, so adding k paths to a
// document found at n places costs O(n + k), not O(n k) (one content at 100,000 places).
void add_new_paths(Xapian::Document& doc, const std::vector<std::string>& paths) {
  std::string joined = doc.get_value(schema::kPathsSlot);
  std::unordered_set<std::string> known;
  for (size_t from = 0; from < joined.size();) {
    size_t nl = joined.find('\n', from);
    if (nl == std::string::npos)
      nl = joined.size();
    known.emplace(joined, from, nl - from);
    from = nl + 1;
  }
  bool changed = false;
  for (const std::string& p : paths) {
    if (!known.insert(p).second)
      continue;
    for (const std::string& t : schema::path_terms(p))
      doc.add_boolean_term(t);
    std::string ext = schema::extension(p);
    if (!ext.empty())
      doc.add_boolean_term(schema::boolean_term(schema::kExtPrefix, ext));
    if (!joined.empty())
      joined += '\n';
    joined += p;
    changed = true;
  }
  if (changed || paths.empty())
    doc.add_value(schema::kPathsSlot, joined);
}

Xapian::Document build(const IndexDocument& d) {
  Xapian::Document doc;
  doc.set_data(d.id);
  doc.add_boolean_term(schema::kIdPrefix + d.id);
  uint32_t pos = 1;
  for (const IndexPage& page : d.pages)
    pos = index_text(doc, page.text, pos, "") + schema::kPageGap;
  if (!d.title.empty()) {
    // Title words are body words too (a search for a title word finds the document), and S-terms
    // for title:.
    index_text(doc, d.title, pos, "");
    index_text(doc, d.title, 1, schema::kTitlePrefix);
  }
  for (auto [prefix, value] : {std::pair{schema::kAuthorPrefix, &d.author},
                                std::pair{schema::kFromPrefix, &d.from}, std::pair{schema::kToPrefix, &d.to},
                                std::pair{schema::kApplicationPrefix, &d.application}}) {
    text::tokenize(*value, [&, p = prefix](const text::Token& t) {
      doc.add_boolean_term(schema::boolean_term(p, t.term));
    });
  }
  auto add_if = [&](const char* prefix, const std::string& v) {
    if (!v.empty())
      doc.add_boolean_term(schema::boolean_term(prefix, schema::ascii_lower(v)));
  };
  add_if(schema::kTypePrefix, d.type);
  add_if(schema::kMimePrefix, d.mime);
  add_if(schema::kLangPrefix, d.lang);
  if (size_t dash = d.lang.find('-'); dash != std::string::npos)
    add_if(schema::kLangPrefix, d.lang.substr(0, dash));  // zh-Hant is also zh
  // A mostly-English document with a long Chinese part is found by lang:zh as well.
  for (const std::string& lang : d.part_langs)
    add_if(schema::kLangPrefix, lang);
  doc.add_boolean_term(std::string(schema::kFailedPrefix) + (d.failed ? "failed" : "ok"));
  doc.add_boolean_term(std::string(schema::kOcrPrefix) + (d.ocr ? "yes" : "no"));
  if (d.ocr_confidence)
    doc.add_value(schema::kOcrConfidenceSlot, Xapian::sortable_serialise(static_cast<double>(*d.ocr_confidence)));
  add_new_paths(doc, d.paths);
  if (d.date)
    doc.add_value(schema::kDateSlot, Xapian::sortable_serialise(static_cast<double>(*d.date)));
  doc.add_value(schema::kSizeSlot, Xapian::sortable_serialise(static_cast<double>(d.size)));
  return doc;
}

// Every change since the last commit() runs inside a Xapian transaction. Its point is the other
// end: a WritableDatabase destroyed without a transaction commits what is pending, so an ingest
// stopped by an error (a full disk) would leave the index ahead of the catalog; an active
// transaction is discarded instead.
class XapianWriter : public IndexWriter {
 public:
  XapianWriter(Xapian::WritableDatabase db, std::string dir)
      : db_(std::move(db)), dir_(std::move(dir)) {}

  Status replace(const IndexDocument& d) override {
    try {
      begin();
      db_.replace_document(schema::kIdPrefix + d.id, build(d));
      return ok_status();
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot index document", d.id);
    } catch (const std::exception& e) {
      return Error{ErrorCode::kInternal, std::string("cannot index document: ") + e.what(), d.id};
    }
  }

  Status add_paths(const std::string& id, const std::vector<std::string>& paths) override {
    try {
      std::string q = schema::kIdPrefix + id;
      Xapian::PostingIterator it = db_.postlist_begin(q);
      if (it == db_.postlist_end(q))
        return Error{ErrorCode::kNotFound, "no indexed document has this id", id};
      if (paths.empty())
        return ok_status();
      begin();
      Xapian::docid did = *it;
      Xapian::Document doc = db_.get_document(did);
      add_new_paths(doc, paths);
      db_.replace_document(did, doc);
      return ok_status();
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot add paths to document", id);
    } catch (const std::exception& e) {
      return Error{ErrorCode::kInternal, std::string("cannot add paths to document: ") + e.what(), id};
    }
  }

  Status remove(const std::string& id) override {
    try {
      begin();
      db_.delete_document(schema::kIdPrefix + id);
      return ok_status();
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot remove document from the index", id);
    }
  }

  Result<bool> contains(const std::string& id) override {
    try {
      return db_.term_exists(schema::kIdPrefix + id);
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot read the index", id);
    }
  }

  Status commit() override {
    try {
      if (in_transaction_) {
        in_transaction_ = false;  // ended by commit_transaction, whether it succeeds or throws
        db_.commit_transaction();
      } else {
        db_.commit();
      }
      return ok_status();
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot commit the index", dir_);
    }
  }

  Result<uint64_t> doc_count() override {
    try {
      return static_cast<uint64_t>(db_.get_doccount());
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot count documents", dir_);
    }
  }

 private:
  // REQUIRES: inside a try (Xapian throws).
  void begin() {
    if (!in_transaction_) {
      db_.begin_transaction(/*flushed=*/true);
      in_transaction_ = true;
    }
  }

  Xapian::WritableDatabase db_;
  std::string dir_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<IndexWriter>> IndexWriter::open(const std::string& dir) {
  try {
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OPEN);
    DOSSIER_RETURN_IF_ERROR(check_schema(db, dir));
    if (db.get_metadata(schema::kSchemaKey).empty()) {
      db.set_metadata(schema::kSchemaKey, schema::kSchemaVersion);
      db.commit();
    }
    return std::unique_ptr<IndexWriter>(std::make_unique<XapianWriter>(std::move(db), dir));
  } catch (const Xapian::Error& e) {
    return xapian_error(e, "cannot open the index for writing", dir);
  }
}

}  // namespace dossier::index
