// IndexWriter on a Xapian WritableDatabase. Every Xapian call sits inside a try so that no
// exception leaves src/index.
#include <xapian.h>

#include <set>

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

void add_paths(Xapian::Document& doc, const std::vector<std::string>& paths) {
  std::string joined = doc.get_value(schema::kPathsSlot);
  for (const std::string& p : paths) {
    if (("\n" + joined + "\n").find("\n" + p + "\n") != std::string::npos)
      continue;  // known
    for (const std::string& t : schema::path_terms(p))
      doc.add_boolean_term(t);
    std::string ext = schema::extension(p);
    if (!ext.empty())
      doc.add_boolean_term(schema::boolean_term(schema::kExtPrefix, ext));
    if (!joined.empty())
      joined += '\n';
    joined += p;
  }
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
  add_paths(doc, d.paths);
  if (d.date)
    doc.add_value(schema::kDateSlot, Xapian::sortable_serialise(static_cast<double>(*d.date)));
  doc.add_value(schema::kSizeSlot, Xapian::sortable_serialise(static_cast<double>(d.size)));
  return doc;
}

class XapianWriter : public IndexWriter {
 public:
  XapianWriter(Xapian::WritableDatabase db, std::string dir)
      : db_(std::move(db)), dir_(std::move(dir)) {}

  Status replace(const IndexDocument& d) override {
    try {
      db_.replace_document(schema::kIdPrefix + d.id, build(d));
      return ok_status();
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot index document", d.id);
    } catch (const std::exception& e) {
      return Error{ErrorCode::kInternal, std::string("cannot index document: ") + e.what(), d.id};
    }
  }

  Status add_path(const std::string& id, const std::string& path) override {
    try {
      std::string q = schema::kIdPrefix + id;
      Xapian::PostingIterator it = db_.postlist_begin(q);
      if (it == db_.postlist_end(q))
        return Error{ErrorCode::kNotFound, "no indexed document has this id", id};
      Xapian::docid did = *it;
      Xapian::Document doc = db_.get_document(did);
      add_paths(doc, {path});
      db_.replace_document(did, doc);
      return ok_status();
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot add path to document", id + " " + path);
    }
  }

  Status commit() override {
    try {
      db_.commit();
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
  Xapian::WritableDatabase db_;
  std::string dir_;
};

}  // namespace

Result<std::unique_ptr<IndexWriter>> IndexWriter::open(const std::string& dir) {
  try {
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OPEN);
    DOSSIER_RETURN_IF_ERROR(check_schema(db, dir));
    db.set_metadata(schema::kSchemaKey, schema::kSchemaVersion);
    return std::unique_ptr<IndexWriter>(std::make_unique<XapianWriter>(std::move(db), dir));
  } catch (const Xapian::Error& e) {
    return xapian_error(e, "cannot open the index for writing", dir);
  }
}

}  // namespace dossier::index
