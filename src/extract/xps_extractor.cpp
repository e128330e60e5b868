#include "extract/xps_extractor.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/time_util.h"
#include "extract/ooxml_xml.h"
#include "extract/text_extractor.h"
#include "extract/zip_archive.h"

namespace dossier::extract {
namespace {

using office::attr;
using office::is_element;
using office::local_name;
using office::PlainText;

constexpr std::string_view kZipMagic = "PK\x03\x04";

std::string_view as_view(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && lowered(s.substr(s.size() - suffix.size())) == suffix;
}

// "Pages/10.fpage" after "Pages/9.fpage": digit runs compare by value.
bool natural_less(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {
      size_t ei = i;
      size_t ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei])) != 0)
        ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej])) != 0)
        ++ej;
      std::string_view na = a.substr(i, ei - i);
      std::string_view nb = b.substr(j, ej - j);
      while (na.size() > 1 && na[0] == '0')
        na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0')
        nb.remove_prefix(1);
      if (na.size() != nb.size())
        return na.size() < nb.size();
      if (na != nb)
        return na < nb;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j])
      return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

// A part name as the zip stores it: the package-absolute or relative reference resolved against
// `source`, with %20-style escapes left alone (XPS writers rarely use them).
std::string resolve(const ZipArchive& zip, std::string_view source, std::string_view target) {
  std::string part = office::resolve_target(source, target);
  if (part.empty() || zip.find(part) != nullptr)
    return part;
  // Part names are case-insensitive in OPC.
  const std::string want = lowered(part);
  for (const ZipMember& m : zip.members()) {
    if (lowered(m.name) == want)
      return m.name;
  }
  return part;
}

// The Source attributes of the `element` children of the root of `part`, resolved.
std::vector<std::string> references(const ZipArchive& zip, const std::string& part,
                                    std::string_view element, Extraction& out) {
  std::vector<std::string> refs;
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return refs;
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return refs;
  }
  for (const xmlNode* n = xmlDocGetRootElement(doc->get())->children; n != nullptr; n = n->next) {
    if (!is_element(n, element))
      continue;
    std::string r = resolve(zip, part, attr(n, "Source"));
    if (!r.empty())
      refs.push_back(std::move(r));
  }
  return refs;
}

// The fixed pages in document order.
std::vector<std::string> page_parts(const ZipArchive& zip, Extraction& out) {
  std::vector<std::string> seqs;
  for (const office::Relationship& r : office::read_rels(zip, "")) {
    if (!r.external && ends_with_ci(r.type, "/fixedrepresentation"))
      seqs.push_back(r.target);
  }
  if (seqs.empty()) {
    for (const ZipMember& m : zip.members()) {
      if (!m.is_dir && ends_with_ci(m.name, ".fdseq"))
        seqs.push_back(m.name);
    }
  }
  std::vector<std::string> pages;
  std::set<std::string> seen;
  for (const std::string& seq : seqs) {
    for (const std::string& fdoc : references(zip, seq, "DocumentReference", out)) {
      for (std::string& page : references(zip, fdoc, "PageContent", out)) {
        if (seen.insert(page).second)
          pages.push_back(std::move(page));
      }
    }
  }
  if (!pages.empty())
    return pages;
  for (const ZipMember& m : zip.members()) {
    if (!m.is_dir && ends_with_ci(m.name, ".fpage"))
      pages.push_back(m.name);
  }
  std::sort(pages.begin(), pages.end(),
            [](const std::string& a, const std::string& b) { return natural_less(a, b); });
  return pages;
}

void glyphs(const xmlNode* n, PlainText& text) {
  for (; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (local_name(n) == "Glyphs") {
      std::string s = attr(n, "UnicodeString");
      // "{}" at the start escapes a string that itself begins with '{'.
      if (s.starts_with("{}"))
        s.erase(0, 2);
      if (!s.empty()) {
        text.add(s);
        text.line();
      }
    }
    glyphs(n->children, text);
  }
}

void core(const ZipArchive& zip, Extraction& out) {
  std::string part = "docProps/core.xml";
  for (const office::Relationship& r : office::read_rels(zip, "")) {
    if (!r.external && ends_with_ci(r.type, "/core-properties"))
      part = r.target;
  }
  const std::string* bytes = zip.find(part);
  if (bytes == nullptr)
    return;
  auto doc = office::parse_part(*bytes, part);
  if (!doc.has_value()) {
    out.warnings.push_back(doc.error().message);
    return;
  }
  office::read_core_properties(xmlDocGetRootElement(doc->get()), "xps:core:", out);
}

}  // namespace

MatchScore XpsExtractor::sniff(const Probe& probe) const {
  const std::string mime = lowered(mime_base(probe.mime));
  const std::string_view head = as_view(probe.head);
  const bool zip = head.starts_with(kZipMagic);
  if (mime == "application/vnd.ms-xpsdocument" || mime == "application/oxps")
    return zip ? kExactMatch : kGoodMatch;
  if (!zip)
    return kNoMatch;
  if (head.find("FixedDocumentSequence") != std::string_view::npos ||
      head.find(".fdseq") != std::string_view::npos ||
      head.find(".fpage") != std::string_view::npos ||
      (head.find("_rels/.rels") != std::string_view::npos &&
       head.find("FixedRepresentation") != std::string_view::npos)) {
    return kExactMatch;
  }
  return kNoMatch;
}

Result<Extraction> XpsExtractor::extract(const Item& item, ExtractContext& ctx) const {
  auto zip = open_document_zip(item, ctx, "XPS document");
  if (!zip.has_value()) return zip.error();
  Extraction out;
  const std::vector<std::string> pages = page_parts(*zip, out);
  if (pages.empty())
    return Error{ErrorCode::kCorrupt, "not an XPS document: no FixedPage parts", item.name};
  size_t remaining = static_cast<size_t>(ctx.limits.max_text_bytes);
  int number = 0;
  for (const std::string& part : pages) {
    if (ctx.is_cancelled())
      return Error{ErrorCode::kLimit, "extraction cancelled", item.name};
    if (number >= static_cast<int>(ctx.limits.max_pages)) {
      out.warnings.push_back("pages past " + std::to_string(number) + " not extracted (limit)");
      break;
    }
    ++number;
    PlainText text(remaining);
    const std::string* bytes = zip->find(part);
    if (bytes == nullptr) {
      out.warnings.push_back("page " + std::to_string(number) + ": part " + part +
                             " is missing or unreadable");
    } else if (auto doc = office::parse_part(*bytes, part); !doc.has_value()) {
      out.warnings.push_back("page " + std::to_string(number) + ": " + doc.error().message);
    } else {
      glyphs(xmlDocGetRootElement(doc->get()), text);
    }
    if (text.truncated())
      out.warnings.push_back("text truncated at the size limit");
    Page page{number, text.finish(), TextSource::kNative, -1};
    remaining -= std::min(remaining, page.text.size());
    out.pages.push_back(std::move(page));
  }
  out.page_count = static_cast<int>(pages.size());
  core(*zip, out);
  if (!zip->damage().empty())
    out.warnings.push_back("damaged zip: members after the damage are missing (" + zip->damage() +
                           ")");
  return out;
}

}  // namespace dossier::extract
