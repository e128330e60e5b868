// PresentationML: one Page per slide in presentation order, speaker notes and comments after the
// slide's own text.
#include <map>
#include <set>
#include <string>

#include "extract/ooxml_parts.h"

namespace dossier::extract::ooxml {
namespace {

using office::attr;
using office::child;
using office::is_element;
using office::local_name;
using office::PlainText;

// Placeholders on a notes page that only repeat page furniture.
bool furniture(const xmlNode* shape) {
  const xmlNode* nv = child(shape, "nvSpPr");
  const xmlNode* ph = child(child(nv, "nvPr"), "ph");
  if (ph == nullptr)
    return false;
  const std::string type = attr(ph, "type");
  return type == "sldNum" || type == "dt" || type == "ftr" || type == "hdr" || type == "sldImg";
}

// DrawingML text in document order: paragraphs end lines, table cells are separated by tabs.
class DrawingText {
 public:
  DrawingText(PlainText& text, bool skip_furniture) : text_(text), skip_(skip_furniture) {}

  void walk(const xmlNode* n) {
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE)
        element(c);
    }
  }

 private:
  void element(const xmlNode* n) {
    const std::string_view name = local_name(n);
    if (name == "t") {
      std::string t = office::node_text(n);
      if (t.empty())
        return;
      if (pending_space_)
        text_.add(" ");
      pending_space_ = false;
      text_.add(t);
    } else if (name == "br") {
      text_.line(/*force=*/true);
    } else if (name == "p") {
      walk(n);
      if (in_cell_ > 0)
        pending_space_ = true;
      else
        text_.line(/*force=*/true);
    } else if (name == "tr") {
      bool first = true;
      for (const xmlNode* tc = n->children; tc != nullptr; tc = tc->next) {
        if (!is_element(tc, "tc"))
          continue;
        if (!first)
          text_.add("\t");
        first = false;
        ++in_cell_;
        pending_space_ = false;
        walk(tc);
        pending_space_ = false;
        --in_cell_;
      }
      text_.line();
    } else if (name == "AlternateContent") {
      const xmlNode* pick = child(n, "Choice");
      if (pick == nullptr)
        pick = child(n, "Fallback");
      if (pick != nullptr)
        walk(pick);
    } else if (name == "sp" && skip_ && furniture(n)) {
      return;
    } else if (name == "rPr" || name == "pPr" || name == "spPr" || name == "extLst") {
      return;
    } else {
      walk(n);
    }
  }

  PlainText& text_;
  bool skip_;
  int in_cell_ = 0;
  bool pending_space_ = false;
};

std::string part_text(const ZipArchive& zip, const std::string& part, bool skip_furniture,
                      Extraction& out, XmlDoc* keep = nullptr) {
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return {};
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return {};
  }
  PlainText text(SIZE_MAX);
  DrawingText(text, skip_furniture).walk(xmlDocGetRootElement(doc->get()));
  if (keep != nullptr)
    *keep = std::move(doc.value());
  return text.finish();
}

// Comment authors by id, from the legacy commentAuthors part and the modern authors part.
std::map<std::string, std::string> comment_authors(const ZipArchive& zip,
                                                   const std::vector<office::Relationship>& rels) {
  std::map<std::string, std::string> authors;
  for (const office::Relationship& r : rels) {
    std::string_view type = r.type;
    if (r.external || (!type.ends_with("/commentAuthors") && !type.ends_with("/authors")))
      continue;
    const std::string* bytes = zip.find(r.target);
    if (bytes == nullptr)
      continue;
    auto doc = office::parse_part(*bytes, r.target);
    if (!doc.has_value())
      continue;
    for (const xmlNode* a = xmlDocGetRootElement(doc->get())->children; a != nullptr; a = a->next) {
      if (is_element(a, "cmAuthor") || is_element(a, "author"))
        authors[attr(a, "id")] = attr(a, "name");
    }
  }
  return authors;
}

void slide_comments(const ZipArchive& zip, const std::string& part,
                    const std::map<std::string, std::string>& authors, PlainText& text,
                    Extraction& out, int slide) {
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return;
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return;
  }
  for (const xmlNode* cm = xmlDocGetRootElement(doc->get())->children; cm != nullptr;
       cm = cm->next) {
    if (!is_element(cm, "cm"))
      continue;
    auto it = authors.find(attr(cm, "authorId"));
    const std::string author = it == authors.end() ? "unknown author" : it->second;
    const xmlNode* body = child(cm, "text");
    if (body == nullptr)
      body = child(cm, "txBody");
    const std::string said = office::squash(office::node_text(body));
    if (said.empty())
      continue;
    text.paragraph_gap();
    text.add("[comment by " + author + "] " + said);
    text.line();
    out.metadata.push_back(
        {"pptx:comment", "slide " + std::to_string(slide) + " " + author + ": " + said});
  }
}

}  // namespace

Status extract_slides(const Package& pkg, Extraction& out) {
  const auto rels = office::read_rels(pkg.zip, pkg.main_part);
  const auto authors = comment_authors(pkg.zip, rels);
  const xmlNode* list = child(xmlDocGetRootElement(pkg.main), "sldIdLst");
  size_t remaining = pkg.max_text_bytes;
  std::set<std::string> done;
  int index = 0;
  for (const xmlNode* s = child(list, "sldId"); s != nullptr; s = s->next) {
    if (!is_element(s, "sldId"))
      continue;
    ++index;
    Page page{index, {}, TextSource::kNative, -1};
    const office::Relationship* rel = office::find_rel_id(rels, office::rel_attr(s, "id"));
    if (rel == nullptr || pkg.zip.find(rel->target) == nullptr) {
      out.warnings.push_back("slide " + std::to_string(index) + ": its part is missing");
      out.pages.push_back(std::move(page));
      continue;
    }
    XmlDoc slide_doc;
    PlainText text(remaining);
    text.add(part_text(pkg.zip, rel->target, /*skip_furniture=*/false, out, &slide_doc));
    if (slide_doc != nullptr) {
      const std::string show = attr(xmlDocGetRootElement(slide_doc.get()), "show");
      if (show == "0" || show == "false")
        out.metadata.push_back({"pptx:hidden_slide", std::to_string(index)});
    }
    const auto slide_rels = office::read_rels(pkg.zip, rel->target);
    if (const office::Relationship* n = office::find_rel(slide_rels, "notesSlide")) {
      std::string notes = part_text(pkg.zip, n->target, /*skip_furniture=*/true, out);
      if (!notes.empty()) {
        text.paragraph_gap();
        text.add("[notes] " + notes);
      }
    }
    graphics_text(pkg.zip, slide_rels, text, out, done);
    for (const office::Relationship& r : slide_rels) {
      if (!r.external && std::string_view(r.type).ends_with("/comments"))
        slide_comments(pkg.zip, r.target, authors, text, out, index);
    }
    if (text.truncated())
      out.warnings.push_back("text truncated at the size limit");
    page.text = text.finish();
    remaining -= std::min(remaining, page.text.size());
    out.pages.push_back(std::move(page));
  }
  out.page_count = index;
  return ok_status();
}

}  // namespace dossier::extract::ooxml
