#include "extract/odf_extractor.h"

#include <algorithm>
#include <set>

#include "core/time_util.h"
#include "extract/odf_text.h"
#include "extract/text_extractor.h"
#include "extract/ooxml_xml.h"
#include "extract/zip_archive.h"

namespace dossier::extract {
namespace {

using office::attr;
using office::child;
using office::is_element;
using office::local_name;
using office::PlainText;

constexpr std::string_view kZipMagic = "PK\x03\x04";

std::string_view as_view(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool is_odf_mime(std::string_view m) {
  return m.starts_with("application/vnd.oasis.opendocument.") ||
         m.starts_with("application/vnd.sun.xml.");
}

// Automatic styles that hide a table (table:display="false") or a page
// (presentation:visibility="hidden").
std::set<std::string> hiding_styles(const xmlNode* root) {
  std::set<std::string> names;
  for (const xmlNode* s = child(child(root, "automatic-styles"), "style"); s != nullptr;
       s = s->next) {
    if (!is_element(s, "style"))
      continue;
    const xmlNode* tp = child(s, "table-properties");
    const xmlNode* dp = child(s, "drawing-page-properties");
    if ((tp != nullptr && attr(tp, "display") == "false") ||
        (dp != nullptr && attr(dp, "visibility") == "hidden")) {
      names.insert(attr(s, "name"));
    }
  }
  return names;
}

// Headers and footers of the master pages in styles.xml, each distinct text once.
void headers_footers(const ZipArchive& zip, PlainText& text, Extraction& out) {
  const std::string* bytes = zip.find("styles.xml");
  if (bytes == nullptr)
    return;
  auto doc = office::parse_part(*bytes, "styles.xml");
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return;
  }
  const std::map<std::string, odf::Deletion> none;
  std::set<std::string> seen;
  const xmlNode* masters = child(xmlDocGetRootElement(doc->get()), "master-styles");
  for (const xmlNode* m = child(masters, "master-page"); m != nullptr; m = m->next) {
    for (const xmlNode* part = is_element(m, "master-page") ? m->children : nullptr;
         part != nullptr; part = part->next) {
      const std::string_view name = local_name(part);
      if (part->type != XML_ELEMENT_NODE ||
          !(name.starts_with("header") || name.starts_with("footer")))
        continue;
      PlainText t(SIZE_MAX);
      odf::OdfWriter w(t, none, out);
      w.walk(part);
      w.finish();
      std::string s = t.finish();
      if (s.empty() || !seen.insert(s).second)
        continue;
      text.paragraph_gap();
      text.add(std::string(name.starts_with("header") ? "[header] " : "[footer] ") + s);
      text.line();
    }
  }
}

// The text of each master page in styles.xml (real footers, logos' captions), by name.
std::map<std::string, std::string> master_texts(const ZipArchive& zip, Extraction& out) {
  std::map<std::string, std::string> texts;
  const std::string* bytes = zip.find("styles.xml");
  if (bytes == nullptr)
    return texts;
  auto doc = office::parse_part(*bytes, "styles.xml");
  if (!doc.has_value())
    return texts;
  const std::map<std::string, odf::Deletion> none;
  const xmlNode* masters = child(xmlDocGetRootElement(doc->get()), "master-styles");
  for (const xmlNode* m = child(masters, "master-page"); m != nullptr; m = m->next) {
    if (!is_element(m, "master-page"))
      continue;
    PlainText t(SIZE_MAX);
    odf::OdfWriter w(t, none, out);
    for (const xmlNode* c = m->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE && !is_element(c, "notes"))
        w.visit(c);
    }
    std::string s = t.finish();
    if (!s.empty())
      texts[attr(m, "name")] = std::move(s);
  }
  return texts;
}

// One Page per table (spreadsheets) or draw:page (presentations, drawings). A master page's own
// text is written once, after the first page that uses it, as "[master] ...".
void paged(const ZipArchive& zip, const xmlNode* kind, const xmlNode* root,
           const std::map<std::string, odf::Deletion>& dels, size_t max_text, Extraction& out) {
  const bool sheets = local_name(kind) == "spreadsheet";
  const std::set<std::string> hidden = hiding_styles(root);
  std::map<std::string, std::string> masters;
  if (!sheets)
    masters = master_texts(zip, out);
  size_t remaining = max_text;
  int index = 0;
  for (const xmlNode* n = kind->children; n != nullptr; n = n->next) {
    if (!is_element(n, sheets ? "table" : "page"))
      continue;
    ++index;
    const std::string num = std::to_string(index);
    const std::string name = attr(n, "name");
    out.metadata.push_back({std::string(sheets ? "odf:table:" : "odf:page:") + num, name});
    if (hidden.count(attr(n, "style-name")) != 0)
      out.metadata.push_back(
          {sheets ? "odf:hidden_table" : "odf:hidden_page", sheets ? name : num});
    PlainText text(remaining);
    odf::OdfWriter w(text, dels, out);
    if (sheets)
      w.visit(n);  // the table itself, so that its rows become lines
    else
      w.walk(n);
    w.finish();
    if (auto m = masters.find(attr(n, "master-page-name")); m != masters.end()) {
      text.paragraph_gap();
      text.add("[master] " + m->second);
      masters.erase(m);
    }
    if (text.truncated())
      out.warnings.push_back("text truncated at the size limit");
    Page page{index, text.finish(), TextSource::kNative, -1};
    remaining -= std::min(remaining, page.text.size());
    out.pages.push_back(std::move(page));
  }
  out.page_count = index;
}

void meta(const ZipArchive& zip, Extraction& out) {
  const std::string* bytes = zip.find("meta.xml");
  if (bytes == nullptr)
    return;
  auto doc = office::parse_part(*bytes, "meta.xml");
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return;
  }
  std::string creator;
  std::string initial_creator;
  const xmlNode* fields = child(xmlDocGetRootElement(doc->get()), "meta");
  for (const xmlNode* n = fields == nullptr ? nullptr : fields->children; n != nullptr;
       n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    const std::string name(local_name(n));
    if (name == "document-statistic") {
      for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
        XmlString v(xmlNodeListGetString(n->doc, a->children, 1));
        out.metadata.push_back(
            {"odf:meta:" + std::string(xml_view(a->name)), std::string(xml_view(v.get()))});
      }
      continue;
    }
    const std::string value = office::squash(office::node_text(n));
    if (name == "user-defined") {
      out.metadata.push_back({"odf:meta:user:" + attr(n, "name"), value});
      continue;
    }
    if (value.empty())
      continue;
    out.metadata.push_back({"odf:meta:" + name, value});
    if (name == "title") {
      out.common.title = value;
    } else if (name == "initial-creator") {
      initial_creator = value;
    } else if (name == "creator") {
      creator = value;
    } else if (name == "generator") {
      out.common.application = value;
    } else if (name == "creation-date") {
      out.common.created = parse_date(value);
    } else if (name == "date") {
      out.common.modified = parse_date(value);
    }
  }
  out.common.author = !initial_creator.empty() ? initial_creator : creator;
}

bool is_child_part(const ZipMember& m) {
  std::string_view n = m.name;
  return !m.is_dir && (n.starts_with("Pictures/") || n.starts_with("Object ") ||
                       n.starts_with("Basic/") || n.starts_with("Scripts/"));
}

void children(const ZipArchive& zip, Extraction& out, ExtractContext& ctx) {
  emit_zip_members(zip, out, ctx, is_child_part, [&out](const ZipMember& m) {
    if ((m.name.starts_with("Basic/") || m.name.starts_with("Scripts/")) &&
        std::none_of(out.metadata.begin(), out.metadata.end(),
                     [](const MetaField& f) { return f.key == "odf:has_macros"; })) {
      out.metadata.push_back({"odf:has_macros", "yes"});
    }
  });
}

bool manifest_says_encrypted(const ZipArchive& zip) {
  const std::string* manifest = zip.find("META-INF/manifest.xml");
  return manifest != nullptr && manifest->find("encryption-data") != std::string::npos;
}

}  // namespace

MatchScore OdfExtractor::sniff(const Probe& probe) const {
  const std::string mime = mime_base(probe.mime);
  const std::string_view head = as_view(probe.head);
  const bool zip = head.starts_with(kZipMagic);
  // The first member is an uncompressed "mimetype" naming the format.
  const std::string_view start = head.substr(0, 256);
  const size_t at = start.find("mimetype");
  const bool declared =
      zip && at != std::string_view::npos &&
      (start.find("application/vnd.oasis.opendocument.", at) != std::string_view::npos ||
       start.find("application/vnd.sun.xml.", at) != std::string_view::npos);
  if (is_odf_mime(mime))
    return zip ? kExactMatch : kGoodMatch;
  const bool generic = mime == "application/zip" || mime == "application/octet-stream";
  if (generic && declared)
    return kExactMatch;
  // Packages whose mimetype member is not first (rewritten by other tools): the part names.
  if (generic && zip && head.find("content.xml") != std::string_view::npos &&
      head.find("META-INF/manifest.xml") != std::string_view::npos) {
    return kGoodMatch + 5;
  }
  return kNoMatch;
}

Result<Extraction> OdfExtractor::extract(const Item& item, ExtractContext& ctx) const {
  auto zip = open_document_zip(item, ctx, "OpenDocument");
  if (!zip.has_value()) return zip.error();
  if (manifest_says_encrypted(*zip))
    return Error{ErrorCode::kEncrypted, "encrypted OpenDocument: needs a password", item.name};
  const std::string* content = zip->find("content.xml");
  if (content == nullptr) {
    return Error{ErrorCode::kCorrupt, "not an OpenDocument package: content.xml is missing",
                 item.name};
  }
  auto doc = office::parse_part(*content, "content.xml");
  if (!doc.has_value()) {
    Error e = doc.error();
    e.context = item.name;
    return e;
  }
  Extraction out;
  if (const std::string* m = zip->find("mimetype"))
    out.metadata.push_back({"odf:mimetype", office::squash(*m)});
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  const xmlNode* body = child(root, "body");
  const xmlNode* kind = nullptr;
  for (const xmlNode* c = body == nullptr ? nullptr : body->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      kind = c;
      break;
    }
  }
  const auto max_text = static_cast<size_t>(ctx.limits.max_text_bytes);
  const auto deletions = odf::read_deletions(kind);
  const std::string_view k = kind == nullptr ? std::string_view() : local_name(kind);
  if (k == "spreadsheet" || k == "presentation" || k == "drawing") {
    paged(*zip, kind, root, deletions, max_text, out);
  } else if (kind != nullptr) {
    PlainText text(max_text);
    if (k == "text") {
      odf::OdfWriter w(text, deletions, out);
      w.walk(kind);
      w.finish();
      headers_footers(*zip, text, out);
    } else {
      // Charts, formulas, images: whatever text they hold.
      text.add(office::squash(office::node_text(kind)));
    }
    if (text.truncated())
      out.warnings.push_back("text truncated at the size limit");
    out.pages.push_back(Page{0, text.finish(), TextSource::kNative, -1});
  }
  meta(*zip, out);
  if (!zip->damage().empty())
    out.warnings.push_back("damaged zip: members after the damage are missing (" + zip->damage() +
                           ")");
  if (ctx.is_cancelled())
    return Error{ErrorCode::kLimit, "extraction cancelled", item.name};
  children(*zip, out, ctx);
  return out;
}

}  // namespace dossier::extract
