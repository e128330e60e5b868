// Text in the graphic parts Office documents point to: charts (titles, series and category
// names), SmartArt (diagram data) and spreadsheet drawings (text boxes, shapes).
#include "extract/ooxml_parts.h"

namespace dossier::extract::ooxml {
namespace {

using office::is_element;
using office::local_name;
using office::PlainText;

// DrawingML text in order: a:p ends a line; chart string caches contribute one line per point.
void drawing_text(const xmlNode* n, PlainText& text, bool in_str_cache) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    const std::string_view name = local_name(c);
    if (name == "t") {
      text.add(office::node_text(c));
    } else if (name == "v" && in_str_cache) {
      text.add(office::squash(office::node_text(c)));
      text.line();
    } else if (name == "p" || name == "pt") {
      drawing_text(c, text, in_str_cache);
      text.line();
    } else if (name == "numCache" || name == "numRef" || name == "spPr" || name == "rPr" ||
               name == "extLst" || name == "AlternateContent") {
      // Numbers are the chart's data, not its words; Fallback repeats Choice.
      if (name == "AlternateContent" && office::child(c, "Choice") != nullptr)
        drawing_text(office::child(c, "Choice"), text, in_str_cache);
    } else {
      drawing_text(c, text, in_str_cache || name == "strCache" || name == "strLit");
    }
  }
}

std::string part_text(const ZipArchive& zip, const std::string& part, Extraction& out) {
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return {};
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return {};
  }
  PlainText text(SIZE_MAX);
  drawing_text(xmlDocGetRootElement(doc->get()), text, false);
  return text.finish();
}

bool type_is(const office::Relationship& r, std::string_view suffix) {
  std::string_view t = r.type;
  return !r.external && t.size() > suffix.size() && t.ends_with(suffix) &&
         t[t.size() - suffix.size() - 1] == '/';
}

}  // namespace

void graphics_text(const ZipArchive& zip, const std::vector<office::Relationship>& rels,
                   PlainText& text, Extraction& out, std::set<std::string>& done, int depth) {
  for (const office::Relationship& r : rels) {
    const char* label = type_is(r, "chart")         ? "chart"
                        : type_is(r, "diagramData") ? "diagram"
                        : type_is(r, "drawing")     ? "drawing"
                                                    : nullptr;
    if (label == nullptr || !done.insert(r.target).second)
      continue;
    const std::string s = part_text(zip, r.target, out);
    if (!s.empty()) {
      text.paragraph_gap();
      text.add("[" + std::string(label) + "] " + s);
      text.line();
    }
    // A drawing holds the sheet's charts and SmartArt.
    if (depth == 0 && std::string_view(label) == "drawing")
      graphics_text(zip, office::read_rels(zip, r.target), text, out, done, depth + 1);
  }
}

}  // namespace dossier::extract::ooxml
