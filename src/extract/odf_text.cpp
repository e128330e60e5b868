#include "extract/odf_text.h"

#include <algorithm>
#include <set>

namespace dossier::extract::odf {
namespace {

using office::attr;
using office::child;
using office::is_element;
using office::local_name;
using office::PlainText;

// Declarations, settings and geometry: never document text.
bool skipped(std::string_view name) {
  static const std::set<std::string_view> kSkip = {"tracked-changes",
                                                   "sequence-decls",
                                                   "variable-decls",
                                                   "user-field-decls",
                                                   "forms",
                                                   "scripts",
                                                   "named-expressions",
                                                   "database-ranges",
                                                   "calculation-settings",
                                                   "content-validations",
                                                   "label-ranges",
                                                   "data-pilot-tables",
                                                   "soft-page-break",
                                                   "note-citation",
                                                   "change-start",
                                                   "change-end",
                                                   "event-listeners",
                                                   "enhanced-geometry",
                                                   "page-thumbnail",
                                                   "annotation-end",
                                                   "table-columns",
                                                   "table-column",
                                                   "table-header-columns",
                                                   "dde-connection-decls",
                                                   "bookmark",
                                                   "bookmark-start",
                                                   "bookmark-end",
                                                   "reference-mark-start",
                                                   "reference-mark-end",
                                                   "alphabetical-index-mark",
                                                   "toc-mark",
                                                   "user-index-mark",
                                                   "script",
                                                   "shapes-settings",
                                                   "glue-point",
                                                   "equation",
                                                   "handle",
                                                   "param"};
  return kSkip.count(name) != 0;
}

// Rows in document order; they may sit in header-rows, row-groups and rows wrappers.
void collect_rows(const xmlNode* parent, std::vector<const xmlNode*>& rows) {
  for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (is_element(c, "table-row")) {
      rows.push_back(c);
    } else if (is_element(c, "table-header-rows") || is_element(c, "table-row-group") ||
               is_element(c, "table-rows")) {
      collect_rows(c, rows);
    }
  }
}

// True when the element's namespace URI ends with `suffix` (text:date is a field, dc:date is not).
bool in_namespace(const xmlNode* n, std::string_view suffix) {
  return n->ns != nullptr && xml_view(n->ns->href).ends_with(suffix);
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

}  // namespace

std::string who_when(const xmlNode* n) {
  const xmlNode* info = child(n, "change-info");
  if (info == nullptr)
    info = n;
  std::string who = office::squash(office::node_text(child(info, "creator")));
  const std::string when = office::squash(office::node_text(child(info, "date")));
  if (who.empty())
    who = "unknown author";
  return when.empty() ? who : who + " (" + when + ")";
}

std::map<std::string, Deletion> read_deletions(const xmlNode* body) {
  std::map<std::string, Deletion> out;
  if (body == nullptr)
    return out;
  // tracked-changes sits at the top of office:text (or of a section); look one level down too.
  for (const xmlNode* kind = body->children; kind != nullptr; kind = kind->next) {
    const xmlNode* changes =
        is_element(kind, "tracked-changes") ? kind : child(kind, "tracked-changes");
    if (changes == nullptr)
      continue;
    for (const xmlNode* region = changes->children; region != nullptr; region = region->next) {
      const xmlNode* del = child(region, "deletion");
      if (!is_element(region, "changed-region") || del == nullptr)
        continue;
      std::string text;
      for (const xmlNode* p = del->children; p != nullptr; p = p->next) {
        if (p->type != XML_ELEMENT_NODE || is_element(p, "change-info"))
          continue;
        std::string s = office::squash(office::node_text(p));
        if (s.empty())
          continue;
        text += text.empty() ? s : " " + s;
      }
      std::string id = attr(region, "id");
      out[id] = Deletion{who_when(del), std::move(text)};
    }
  }
  return out;
}

void OdfWriter::walk(const xmlNode* n) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE)
      element(c);
    else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && in_para_ > 0)
      characters(xml_view(c->content));
  }
}

void OdfWriter::element(const xmlNode* n) {
  const std::string_view name = local_name(n);
  if (skipped(name))
    return;
  const bool svg_label =
      (name == "title" || name == "desc") && in_namespace(n, "svg-compatible:1.0");
  if (name == "p" || name == "h" || svg_label) {
    if (svg_label)
      end_line(/*force=*/false);  // alt text of a frame inside a paragraph: a line of its own
    ++in_para_;
    walk(n);
    --in_para_;
    end_line();
  } else if (name == "s") {
    const long count = std::strtol(attr(n, "c").c_str(), nullptr, 10);
    emit(std::string(static_cast<size_t>(std::clamp(count, 1L, 100L)), ' '));
  } else if (name == "tab") {
    emit("\t");
  } else if (name == "line-break") {
    if (table_depth_ > 0)
      pending_space_ = true;
    else
      text_.line(/*force=*/true);
  } else if (name == "change") {
    auto it = deletions_.find(attr(n, "change-id"));
    if (it != deletions_.end() && !it->second.text.empty()) {
      emit("[deleted: " + it->second.text + "]");
      out_.metadata.push_back({"odf:deleted_text", it->second.who_when + ": " + it->second.text});
    }
  } else if (name == "annotation") {
    const std::string body = side_text(n);
    if (!body.empty()) {
      trailer_.push_back("[comment by " + who_when(n) + "] " + body);
      out_.metadata.push_back({"odf:annotation", who_when(n) + ": " + office::squash(body)});
    }
  } else if (name == "note") {
    const std::string body = side_text(child(n, "note-body"));
    const std::string kind = attr(n, "note-class") == "endnote" ? "endnote" : "footnote";
    if (!body.empty())
      trailer_.push_back("[" + kind + "] " + body);
  } else if (name == "notes") {
    const std::string body = side_text(n);
    if (!body.empty())
      trailer_.push_back("[notes] " + body);
  } else if (name == "table") {
    table(n);
  } else if ((name == "creator" || name == "date") &&
             in_namespace(n, "http://purl.org/dc/elements/1.1/")) {
    return;  // dc:creator, dc:date of an annotation, read by who_when()
  } else {
    walk(n);  // span, a, list, list-item, section, frame, text-box, shapes, index bodies...
  }
}

void OdfWriter::characters(std::string_view s) {
  // ODF collapses whitespace in paragraphs; text:s and text:tab carry the deliberate ones.
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  if (space)
    out += ' ';
  emit(out);
}

void OdfWriter::table(const xmlNode* n) {
  if (table_depth_ > 0)
    pending_space_ = true;
  else
    text_.line();
  ++table_depth_;
  std::vector<const xmlNode*> rows;
  collect_rows(n, rows);
  for (const xmlNode* row : rows) {
    bool first = true;
    for (const xmlNode* c = row->children; c != nullptr; c = c->next) {
      if (!is_element(c, "table-cell"))
        continue;  // covered cells repeat a merged cell
      if (!first)
        text_.add("\t");
      first = false;
      pending_space_ = false;
      cell(c);
      pending_space_ = false;
    }
    if (table_depth_ > 1)
      pending_space_ = true;
    else
      text_.line();
  }
  --table_depth_;
}

void OdfWriter::cell(const xmlNode* n) {
  const size_t before = text_.size();
  walk(n);
  if (text_.size() != before)
    return;
  // No paragraphs: a number, date or boolean kept only as a value attribute.
  for (const char* a : {"value", "date-value", "time-value", "boolean-value", "string-value"}) {
    std::string v = attr(n, a);
    if (!v.empty()) {
      emit(v);
      return;
    }
  }
}

void OdfWriter::end_line(bool force) {
  if (table_depth_ > 0)
    pending_space_ = true;
  else
    text_.line(force);
}

void OdfWriter::emit(std::string_view s) {
  if (s.empty())
    return;
  if (pending_space_) {
    text_.add(" ");
    pending_space_ = false;
  }
  text_.add(s);
}

std::string OdfWriter::side_text(const xmlNode* n) {
  if (n == nullptr)
    return {};
  PlainText side(SIZE_MAX);
  OdfWriter w(side, deletions_, out_);
  w.walk(n);
  std::string body = side.finish();
  for (std::string& t : w.trailer_)
    trailer_.push_back(std::move(t));
  return body;
}

void OdfWriter::finish() {
  for (const std::string& t : trailer_) {
    text_.paragraph_gap();
    text_.add(t);
    text_.line();
  }
  trailer_.clear();
}

}  // namespace dossier::extract::odf
