// WordprocessingML: the body in order, then headers, footers, notes and comments.
#include <functional>
#include <set>

#include "extract/html_extractor.h"
#include "extract/ooxml_parts.h"

namespace dossier::extract::ooxml {
namespace {

using office::attr;
using office::child;
using office::is_element;
using office::local_name;
using office::PlainText;

// Elements whose content is never text: properties, field instructions, control settings.
bool skipped(std::string_view name) {
  static const std::set<std::string_view> kSkip = {
      "pPr",          "rPr",          "tblPr",      "trPr",       "tcPr",
      "sectPr",       "tblGrid",      "sdtPr",      "sdtEndPr",   "fldData",
      "instrText",    "delInstrText", "tblPrEx",    "rPrChange",  "pPrChange",
      "sectPrChange", "tblPrChange",  "tcPrChange", "trPrChange", "numPr"};
  return kSkip.count(name) != 0;
}

std::string who_when(const xmlNode* n) {
  std::string author = attr(n, "author");
  std::string date = attr(n, "date");
  if (author.empty())
    author = "unknown author";
  return date.empty() ? author : author + " (" + date + ")";
}

// Walks one story (body, header, note, comment) into text. Deleted runs are kept, wrapped as
// "[deleted: ...]", and listed in metadata; hidden runs are kept, wrapped as "[hidden: ...]".
class StoryWriter {
 public:
  StoryWriter(PlainText& text, Extraction& out) : text_(text), out_(out) {}

  void walk(const xmlNode* n) {
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE)
        element(c);
    }
  }

  void finish() { close_hidden(); }
  // Called for <w:altChunk r:id>: the imported part's text to write in its place.
  void on_alt_chunk(std::function<std::string(const std::string&)> f) { alt_chunk_ = std::move(f); }
  bool saw_hidden() const { return saw_hidden_; }

 private:
  void element(const xmlNode* n) {
    const std::string_view name = local_name(n);
    if (skipped(name))
      return;
    if (name == "t" || name == "delText") {
      emit(office::node_text(n));
    } else if (name == "tab" || name == "ptab") {
      emit("\t");
    } else if (name == "br" || name == "cr") {
      close_hidden();
      end_line();
    } else if (name == "noBreakHyphen") {
      emit("-");
    } else if (name == "r") {
      run(n);
    } else if (name == "p") {
      walk(n);
      close_hidden();
      end_line();
    } else if (name == "del" || name == "moveFrom") {
      changed(n, name == "del");
    } else if (name == "tbl") {
      table(n);
    } else if (name == "altChunk") {
      if (alt_chunk_) {
        std::string s = alt_chunk_(office::rel_attr(n, "id"));
        if (!s.empty()) {
          emit(s);
          end_line();
        }
      }
    } else if (name == "AlternateContent") {
      // Choice and Fallback hold the same content twice; read the first alternative only.
      const xmlNode* pick = child(n, "Choice");
      if (pick == nullptr)
        pick = child(n, "Fallback");
      if (pick != nullptr)
        walk(pick);
    } else {
      walk(n);  // hyperlink, ins, moveTo, sdt, smartTag, customXml, fldSimple, drawing, txbx...
    }
  }

  void run(const xmlNode* r) {
    const xmlNode* props = child(r, "rPr");
    const bool hidden = props != nullptr && child(props, "vanish") != nullptr &&
                        attr(child(props, "vanish"), "val") != "0" &&
                        attr(child(props, "vanish"), "val") != "false";
    run_hidden_ = hidden;
    walk(r);
    run_hidden_ = false;
  }

  void changed(const xmlNode* n, bool deletion) {
    close_hidden();
    // The marker opens with the first text, so that an empty change leaves nothing behind.
    pending_marker_ = deletion ? "[deleted: " : "[moved from: ";
    deleted_.clear();
    collecting_ = true;
    walk(n);
    collecting_ = false;
    pending_marker_.clear();
    close_hidden();
    if (deleted_.empty())
      return;
    text_.add("]");
    if (deletion)
      out_.metadata.push_back({"ooxml:deleted_text", who_when(n) + ": " + deleted_});
  }

  void table(const xmlNode* tbl) {
    close_hidden();
    if (table_depth_ > 0)
      pending_space_ = true;
    else
      text_.line();
    ++table_depth_;
    for (const xmlNode* row = tbl->children; row != nullptr; row = row->next) {
      if (!is_element(row, "tr")) {
        if (row->type == XML_ELEMENT_NODE && !skipped(local_name(row)))
          walk(row);  // sdt or customXml around rows
        continue;
      }
      bool first = true;
      for (const xmlNode* cell = row->children; cell != nullptr; cell = cell->next) {
        if (cell->type != XML_ELEMENT_NODE || skipped(local_name(cell)))
          continue;
        if (!first)
          text_.add("\t");
        first = false;
        pending_space_ = false;
        walk(cell);
        close_hidden();
        pending_space_ = false;
      }
      if (table_depth_ > 1)
        pending_space_ = true;
      else
        text_.line();
    }
    --table_depth_;
  }

  void emit(std::string_view s) {
    if (s.empty())
      return;
    if (pending_space_) {
      text_.add(" ");
      pending_space_ = false;
    }
    if (!pending_marker_.empty()) {
      close_hidden();
      text_.add(pending_marker_);
      pending_marker_.clear();
    }
    if (run_hidden_ && !in_hidden_) {
      text_.add("[hidden: ");
      in_hidden_ = true;
      saw_hidden_ = true;
    } else if (!run_hidden_) {
      close_hidden();
    }
    text_.add(s);
    if (collecting_)
      deleted_ += s;
  }

  void close_hidden() {
    if (in_hidden_)
      text_.add("]");
    in_hidden_ = false;
  }

  // Paragraphs inside table cells are joined with spaces so that a row stays on one line.
  void end_line() {
    if (table_depth_ > 0)
      pending_space_ = true;
    else
      text_.line(/*force=*/true);
  }

  PlainText& text_;
  Extraction& out_;
  std::string deleted_;
  std::string pending_marker_;
  std::function<std::string(const std::string&)> alt_chunk_;
  int table_depth_ = 0;
  bool collecting_ = false;
  bool pending_space_ = false;
  bool run_hidden_ = false;
  bool in_hidden_ = false;
  bool saw_hidden_ = false;
};

// Footnotes, endnotes and comments: one labelled paragraph per note.
void notes(const ZipArchive& zip, const std::string& part, std::string_view item_name,
           std::string_view label, PlainText& text, Extraction& out) {
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return;
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return;
  }
  for (const xmlNode* n = xmlDocGetRootElement(doc->get())->children; n != nullptr; n = n->next) {
    if (!is_element(n, item_name))
      continue;
    const std::string type = attr(n, "type");
    if (type == "separator" || type == "continuationSeparator" || type == "continuationNotice")
      continue;
    PlainText note(SIZE_MAX);
    StoryWriter w(note, out);
    w.walk(n);
    w.finish();
    std::string body = note.finish();
    if (body.empty())
      continue;
    text.paragraph_gap();
    if (item_name == "comment") {
      text.add("[comment by " + who_when(n) + "] ");
      out.metadata.push_back({"ooxml:comment", who_when(n) + ": " + office::squash(body)});
    } else {
      text.add("[" + std::string(label) + "] ");
    }
    text.add(body);
    text.line();
  }
}

// An imported chunk (altChunk): HTML is read in place; other kinds (MHT, RTF, docx) become
// children for their own extractors.
std::string alt_chunk_text(const Package& pkg, const std::vector<office::Relationship>& rels,
                           const std::string& id, Extraction& out) {
  const office::Relationship* r = office::find_rel_id(rels, id);
  const std::string* bytes = r == nullptr ? nullptr : pkg.zip.find(r->target);
  if (bytes == nullptr)
    return {};
  std::string_view head = std::string_view(*bytes).substr(0, 512);
  const bool html = r->target.ends_with(".htm") || r->target.ends_with(".html") ||
                    head.find("<html") != std::string_view::npos ||
                    head.find("<HTML") != std::string_view::npos;
  if (!html) {
    if (pkg.extra_children != nullptr)
      pkg.extra_children->push_back(r->target);
    return {};
  }
  Item item;
  item.bytes = {reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()};
  item.mime = "text/html";
  item.name = r->target;
  ExtractContext ctx;
  auto x = HtmlExtractor().extract(item, ctx);
  if (!x.has_value()) {
    out.warnings.push_back("altChunk " + r->target + ": " + x.error().message);
    return {};
  }
  return x->text_bytes() > 0 ? x->pages.front().text : std::string();
}

}  // namespace

Status extract_word(const Package& pkg, Extraction& out) {
  PlainText text(pkg.max_text_bytes);
  const xmlNode* root = xmlDocGetRootElement(pkg.main);
  const xmlNode* body = child(root, "body");
  const auto rels = office::read_rels(pkg.zip, pkg.main_part);
  bool hidden = false;
  if (body != nullptr) {
    StoryWriter w(text, out);
    w.on_alt_chunk([&](const std::string& id) { return alt_chunk_text(pkg, rels, id, out); });
    w.walk(body);
    w.finish();
    hidden = w.saw_hidden();
  }
  // Headers and footers repeat (first page, even pages, default); keep each distinct text once.
  std::set<std::string> seen;
  for (std::string_view kind : {"header", "footer"}) {
    for (const office::Relationship& r : rels) {
      std::string_view type = r.type;
      if (r.external || type.size() < kind.size() + 1 ||
          type.substr(type.size() - kind.size() - 1) != "/" + std::string(kind)) {
        continue;
      }
      const std::string* bytes = pkg.zip.find(r.target);
      if (bytes == nullptr)
        continue;
      auto doc = office::parse_part(*bytes, r.target);
      if (!doc.has_value()) {
        out.warnings.push_back(doc.error().message);
        continue;
      }
      PlainText part(SIZE_MAX);
      StoryWriter w(part, out);
      w.walk(xmlDocGetRootElement(doc->get()));
      w.finish();
      hidden = hidden || w.saw_hidden();
      std::string s = part.finish();
      if (s.empty() || !seen.insert(s).second)
        continue;
      text.paragraph_gap();
      text.add("[" + std::string(kind) + "] " + s);
      text.line();
    }
  }
  struct NotePart {
    const char* rel;
    const char* element;
    const char* label;
  };
  for (const NotePart& np :
       {NotePart{"footnotes", "footnote", "footnote"}, NotePart{"endnotes", "endnote", "endnote"},
        NotePart{"comments", "comment", "comment"}}) {
    if (const office::Relationship* r = office::find_rel(rels, np.rel))
      notes(pkg.zip, r->target, np.element, np.label, text, out);
  }
  std::set<std::string> done;
  graphics_text(pkg.zip, rels, text, out, done);
  if (hidden)
    out.metadata.push_back({"ooxml:hidden_text", "yes"});
  if (text.truncated())
    out.warnings.push_back("text truncated at the size limit");
  out.pages.push_back(Page{0, text.finish(), TextSource::kNative, -1});
  return ok_status();
}

}  // namespace dossier::extract::ooxml
