// SpreadsheetML: one Page per sheet, read with libxml2's streaming reader so that a sheet of a
// million rows never becomes a tree.
#include <string>
#include <vector>

#include "extract/ooxml_parts.h"

namespace dossier::extract::ooxml {
namespace {

using office::attr;
using office::child;
using office::is_element;
using office::PlainText;
using office::XmlReader;

std::string reader_attr(xmlTextReader* r, const char* name) {
  XmlString v(xmlTextReaderGetAttribute(r, reinterpret_cast<const xmlChar*>(name)));
  return v == nullptr ? std::string() : std::string(xml_view(v.get()));
}

bool is_true(std::string_view v) {
  return v == "1" || v == "true";
}

// Text-bearing reader nodes: character data and whitespace kept under xml:space="preserve".
bool is_text_node(int type) {
  return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
         type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

// The <si> items of sharedStrings.xml; phonetic guides (<rPh>) are left out.
std::vector<std::string> shared_strings(std::string_view bytes, Extraction& out) {
  std::vector<std::string> strings;
  XmlReader reader = office::open_reader(bytes);
  if (reader == nullptr)
    return strings;
  xmlTextReader* r = reader.get();
  int in_t = 0;
  int in_rph = 0;
  int rc = 0;
  while ((rc = xmlTextReaderRead(r)) == 1) {
    const int type = xmlTextReaderNodeType(r);
    const std::string_view name = xml_view(xmlTextReaderConstLocalName(r));
    const bool empty = xmlTextReaderIsEmptyElement(r) != 0;
    if (type == XML_READER_TYPE_ELEMENT) {
      if (name == "si")
        strings.emplace_back();
      else if (name == "t" && !empty)
        ++in_t;
      else if (name == "rPh" && !empty)
        ++in_rph;
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      if (name == "t" && in_t > 0)
        --in_t;
      else if (name == "rPh" && in_rph > 0)
        --in_rph;
    } else if (is_text_node(type) && in_t > 0 && in_rph == 0 && !strings.empty()) {
      strings.back() += xml_view(xmlTextReaderConstValue(r));
    }
  }
  if (rc < 0)
    out.warnings.push_back("shared strings: corrupt XML after item " +
                           std::to_string(strings.size()));
  return strings;
}

struct SheetStats {
  int hidden_rows = 0;
  int hidden_cols = 0;
};

// Streams one worksheet: rows become lines, non-empty cells are separated by tabs.
SheetStats read_sheet(std::string_view bytes, const std::vector<std::string>& strings,
                      PlainText& text, std::string& warning) {
  SheetStats stats;
  XmlReader reader = office::open_reader(bytes);
  if (reader == nullptr)
    return stats;
  xmlTextReader* r = reader.get();
  std::vector<std::string> row;
  std::string cell_type;
  std::string value;
  std::string inline_text;
  int in_v = 0;
  int in_is_t = 0;
  int in_is = 0;
  int rc = 0;
  auto end_row = [&] {
    bool first = true;
    for (const std::string& c : row) {
      if (c.empty())
        continue;
      if (!first)
        text.add("\t");
      first = false;
      text.add(c);
    }
    if (!first)
      text.line();
    row.clear();
  };
  while ((rc = xmlTextReaderRead(r)) == 1 && !text.truncated()) {
    const int type = xmlTextReaderNodeType(r);
    const std::string_view name = xml_view(xmlTextReaderConstLocalName(r));
    const bool empty = xmlTextReaderIsEmptyElement(r) != 0;
    if (type == XML_READER_TYPE_ELEMENT) {
      if (name == "row") {
        end_row();
        if (is_true(reader_attr(r, "hidden")))
          ++stats.hidden_rows;
      } else if (name == "col") {
        if (is_true(reader_attr(r, "hidden")))
          ++stats.hidden_cols;
      } else if (name == "c") {
        cell_type = reader_attr(r, "t");
        value.clear();
        inline_text.clear();
        if (empty)
          row.emplace_back();
      } else if (name == "v" && !empty) {
        ++in_v;
      } else if (name == "is" && !empty) {
        ++in_is;
      } else if (name == "t" && in_is > 0 && !empty) {
        ++in_is_t;
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      if (name == "v" && in_v > 0) {
        --in_v;
      } else if (name == "is" && in_is > 0) {
        --in_is;
      } else if (name == "t" && in_is_t > 0) {
        --in_is_t;
      } else if (name == "c") {
        std::string shown;
        if (cell_type == "s") {
          char* end = nullptr;
          const unsigned long idx = std::strtoul(value.c_str(), &end, 10);
          if (!value.empty() && end != nullptr && *end == '\0' && idx < strings.size())
            shown = strings[idx];
        } else if (cell_type == "inlineStr") {
          shown = inline_text.empty() ? value : inline_text;
        } else if (cell_type == "b") {
          shown = value == "1" ? "TRUE" : value == "0" ? "FALSE" : value;
        } else {
          shown = value;  // numbers, dates as serials, errors, formula strings: cached values
        }
        // A tab or newline inside a cell would break the row apart.
        for (char& ch : shown) {
          if (ch == '\t' || ch == '\n' || ch == '\r')
            ch = ' ';
        }
        row.push_back(std::move(shown));
      } else if (name == "row") {
        end_row();
      }
    } else if (is_text_node(type)) {
      if (in_v > 0)
        value += xml_view(xmlTextReaderConstValue(r));
      else if (in_is_t > 0)
        inline_text += xml_view(xmlTextReaderConstValue(r));
    }
  }
  end_row();
  if (rc < 0)
    warning = "corrupt XML; text up to the damage kept";
  return stats;
}

// Legacy cell comments ("notes"): "[comment B2 by Ann] text" lines after the cells.
void sheet_comments(const ZipArchive& zip, const std::string& part, PlainText& text,
                    Extraction& out) {
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return;
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return;
  }
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  std::vector<std::string> authors;
  for (const xmlNode* a = child(child(root, "authors"), "author"); a != nullptr; a = a->next) {
    if (is_element(a, "author"))
      authors.push_back(office::node_text(a));
  }
  bool first = true;
  for (const xmlNode* c = child(child(root, "commentList"), "comment"); c != nullptr; c = c->next) {
    if (!is_element(c, "comment"))
      continue;
    const std::string id = attr(c, "authorId");
    char* end = nullptr;
    const unsigned long idx = std::strtoul(id.c_str(), &end, 10);
    std::string author = !id.empty() && idx < authors.size() ? authors[idx] : "unknown author";
    const std::string body = office::squash(office::node_text(child(c, "text")));
    if (body.empty())
      continue;
    if (first)
      text.paragraph_gap();
    first = false;
    text.add("[comment " + attr(c, "ref") + " by " + author + "] " + body);
    text.line();
    out.metadata.push_back({"xlsx:comment", attr(c, "ref") + " " + author + ": " + body});
  }
}

}  // namespace

Status extract_sheets(const Package& pkg, Extraction& out) {
  const auto rels = office::read_rels(pkg.zip, pkg.main_part);
  std::vector<std::string> strings;
  if (const office::Relationship* r = office::find_rel(rels, "sharedStrings")) {
    if (const std::string* bytes = pkg.zip.find(r->target))
      strings = shared_strings(*bytes, out);
  }
  const xmlNode* sheets = child(xmlDocGetRootElement(pkg.main), "sheets");
  size_t remaining = pkg.max_text_bytes;
  std::set<std::string> done;
  int index = 0;
  for (const xmlNode* s = child(sheets, "sheet"); s != nullptr; s = s->next) {
    if (!is_element(s, "sheet"))
      continue;
    ++index;
    const std::string n = std::to_string(index);
    const std::string name = attr(s, "name");
    out.metadata.push_back({"xlsx:sheet:" + n, name});
    const std::string state = attr(s, "state");
    if (state == "hidden" || state == "veryHidden")
      out.metadata.push_back(
          {"xlsx:hidden_sheet", name + (state == "veryHidden" ? " (veryHidden)" : "")});
    Page page{index, {}, TextSource::kNative, -1};
    const office::Relationship* rel = office::find_rel_id(rels, office::rel_attr(s, "id"));
    const std::string* bytes = rel == nullptr ? nullptr : pkg.zip.find(rel->target);
    if (bytes == nullptr) {
      out.warnings.push_back("sheet " + n + " (" + name + "): its part is missing");
      out.pages.push_back(std::move(page));
      continue;
    }
    PlainText text(remaining);
    std::string warning;
    SheetStats stats = read_sheet(*bytes, strings, text, warning);
    if (!warning.empty())
      out.warnings.push_back("sheet " + n + " (" + name + "): " + warning);
    if (stats.hidden_rows > 0)
      out.metadata.push_back(
          {"xlsx:sheet:" + n + ":hidden_rows", std::to_string(stats.hidden_rows)});
    if (stats.hidden_cols > 0)
      out.metadata.push_back(
          {"xlsx:sheet:" + n + ":hidden_columns", std::to_string(stats.hidden_cols)});
    const auto sheet_rels = office::read_rels(pkg.zip, rel->target);
    if (const office::Relationship* c = office::find_rel(sheet_rels, "comments"))
      sheet_comments(pkg.zip, c->target, text, out);
    graphics_text(pkg.zip, sheet_rels, text, out, done);
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
