// Document properties: docProps/core.xml (Dublin Core), app.xml (application statistics) and
// custom.xml (user-defined properties), found through the package relationships.
#include "core/time_util.h"
#include "extract/ooxml_parts.h"

namespace dossier::extract::ooxml {
namespace {

using office::attr;
using office::is_element;
using office::local_name;

XmlDoc load(const ZipArchive& zip, const std::string& part, Extraction& out) {
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return nullptr;
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return nullptr;
  }
  return std::move(doc.value());
}

// The part a package relationship of this type names, else the conventional name.
std::string part_for(const std::vector<office::Relationship>& rels, std::string_view type,
                     const char* fallback) {
  const office::Relationship* r = office::find_rel(rels, type);
  return r != nullptr ? r->target : std::string(fallback);
}

void core(const xmlNode* root, Extraction& out) { office::read_core_properties(root, "ooxml:core:", out); }

void app(const xmlNode* root, Extraction& out) {
  for (const xmlNode* n = root->children; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    // HeadingPairs and TitlesOfParts are vectors (sheet and slide titles): kept flattened.
    const std::string_view name = local_name(n);
    std::string value;
    if (name == "HeadingPairs" || name == "TitlesOfParts" || name == "HLinks" || name == "DigSig") {
      for (const xmlNode* v = n->children; v != nullptr; v = v->next) {
        for (const xmlNode* item = v->children; item != nullptr; item = item->next) {
          if (item->type != XML_ELEMENT_NODE)
            continue;
          std::string s = office::squash(office::node_text(item));
          if (s.empty())
            continue;
          value += value.empty() ? s : "; " + s;
        }
      }
    } else {
      value = office::squash(office::node_text(n));
    }
    if (value.empty())
      continue;
    out.metadata.push_back({"ooxml:app:" + std::string(name), value});
    if (name == "Application")
      out.common.application = value;
  }
}

void custom(const xmlNode* root, Extraction& out) {
  for (const xmlNode* n = root->children; n != nullptr; n = n->next) {
    if (!is_element(n, "property"))
      continue;
    const std::string name = attr(n, "name");
    if (name.empty())
      continue;
    out.metadata.push_back({"ooxml:custom:" + name, office::squash(office::node_text(n))});
  }
}

}  // namespace

void extract_properties(const ZipArchive& zip, Extraction& out) {
  const auto rels = office::read_rels(zip, "");
  if (XmlDoc d = load(zip, part_for(rels, "core-properties", "docProps/core.xml"), out))
    core(xmlDocGetRootElement(d.get()), out);
  if (XmlDoc d = load(zip, part_for(rels, "extended-properties", "docProps/app.xml"), out))
    app(xmlDocGetRootElement(d.get()), out);
  if (XmlDoc d = load(zip, part_for(rels, "custom-properties", "docProps/custom.xml"), out))
    custom(xmlDocGetRootElement(d.get()), out);
}

}  // namespace dossier::extract::ooxml
