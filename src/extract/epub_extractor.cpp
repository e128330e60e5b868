#include "extract/epub_extractor.h"

#include <algorithm>
#include <map>

#include "core/time_util.h"
#include "extract/html_extractor.h"
#include "extract/ooxml_xml.h"
#include "extract/text_extractor.h"
#include "extract/zip_archive.h"

namespace dossier::extract {
namespace {

using office::attr;
using office::child;
using office::is_element;
using office::local_name;

constexpr std::string_view kZipMagic = "PK\x03\x04";
constexpr std::string_view kEpubMime = "application/epub+zip";
constexpr std::string_view kDcNamespace = "http://purl.org/dc/elements/1.1/";

std::string_view as_view(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Hrefs are URLs: "%20" is a space in the member name; a fragment is not part of it.
std::string url_path(std::string_view href) {
  href = href.substr(0, href.find('#'));
  std::string out;
  for (size_t i = 0; i < href.size(); ++i) {
    if (href[i] == '%' && i + 2 < href.size() &&
        hex_value(href[i + 1]) >= 0 && hex_value(href[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(href[i + 1]) * 16 + hex_value(href[i + 2]));
      i += 2;
    } else {
      out += href[i];
    }
  }
  return out;
}

// The OPF package document: container.xml's first rootfile, else the first *.opf member.
std::string rootfile(const ZipArchive& zip, Extraction& out) {
  if (const std::string* bytes = zip.find("META-INF/container.xml")) {
    auto doc = office::parse_part(*bytes, "META-INF/container.xml");
    if (doc.has_value()) {
      const xmlNode* rootfiles = child(xmlDocGetRootElement(doc->get()), "rootfiles");
      for (const xmlNode* n = child(rootfiles, "rootfile"); n != nullptr; n = n->next) {
        if (!is_element(n, "rootfile"))
          continue;
        std::string path = url_path(attr(n, "full-path"));
        if (zip.find(path) != nullptr)
          return path;
      }
    } else {
      out.warnings.push_back(doc.error().message);
    }
  }
  for (const ZipMember& m : zip.members()) {
    if (!m.is_dir && m.name.ends_with(".opf") && !m.name.starts_with("__MACOSX/"))
      return m.name;
  }
  return {};
}

void metadata(const xmlNode* package, Extraction& out) {
  const xmlNode* meta = child(package, "metadata");
  std::vector<std::string> creators;
  for (const xmlNode* n = meta == nullptr ? nullptr : meta->children; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || n->ns == nullptr || xml_view(n->ns->href) != kDcNamespace)
      continue;
    const std::string name(local_name(n));
    const std::string value = office::squash(office::node_text(n));
    if (value.empty())
      continue;
    out.metadata.push_back({"epub:" + name, value});
    if (name == "title" && out.common.title.empty()) {
      out.common.title = value;
    } else if (name == "creator") {
      creators.push_back(value);
    } else if (name == "date" && !out.common.created.has_value()) {
      out.common.created = parse_date(value);
    }
  }
  for (const std::string& c : creators)
    out.common.author += (out.common.author.empty() ? "" : ", ") + c;
}

// The spine's content documents, in reading order, as member names.
std::vector<std::string> spine(const xmlNode* package, const std::string& opf) {
  std::map<std::string, std::string> manifest;  // id → href
  const xmlNode* items = child(package, "manifest");
  for (const xmlNode* n = items == nullptr ? nullptr : items->children; n != nullptr;
       n = n->next) {
    if (is_element(n, "item"))
      manifest[attr(n, "id")] = attr(n, "href");
  }
  std::vector<std::string> parts;
  const xmlNode* s = child(package, "spine");
  for (const xmlNode* n = s == nullptr ? nullptr : s->children; n != nullptr; n = n->next) {
    if (!is_element(n, "itemref"))
      continue;
    auto it = manifest.find(attr(n, "idref"));
    if (it == manifest.end())
      continue;
    std::string part = office::resolve_target(opf, url_path(it->second));
    if (!part.empty())
      parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace

MatchScore EpubExtractor::sniff(const Probe& probe) const {
  const std::string mime = mime_base(probe.mime);
  const std::string_view head = as_view(probe.head);
  const bool zip = head.starts_with(kZipMagic);
  if (mime == kEpubMime)
    return zip ? kExactMatch : kGoodMatch;
  if (!zip)
    return kNoMatch;
  // The first member is an uncompressed "mimetype" (its bytes at offset 38); some tools move it.
  const size_t at = head.find("mimetype");
  if (at != std::string_view::npos && head.find(kEpubMime, at) != std::string_view::npos &&
      head.find(kEpubMime, at) < at + 64) {
    return kExactMatch;
  }
  // The mimetype member moved to the end (repackaged books): the container and package parts,
  // the NCX table of contents, or the file name. Above the archive extractor's kGoodMatch.
  if ((head.find("META-INF/container.xml") != std::string_view::npos &&
       head.find(".opf") != std::string_view::npos) ||
      head.find(".ncx") != std::string_view::npos || probe.name.ends_with(".epub")) {
    return kGoodMatch + 5;
  }
  return kNoMatch;
}

Result<Extraction> EpubExtractor::extract(const Item& item, ExtractContext& ctx) const {
  auto zip = open_document_zip(item, ctx, "EPUB book");
  if (!zip.has_value()) return zip.error();
  Extraction out;
  const std::string opf = rootfile(*zip, out);
  if (opf.empty() || zip->find(opf) == nullptr)
    return Error{ErrorCode::kCorrupt, "not an EPUB book: no OPF package document", item.name};
  auto doc = office::parse_part(*zip->find(opf), opf);
  if (!doc.has_value()) {
    Error e = doc.error();
    e.context = item.name;
    return e;
  }
  out.metadata.push_back({"epub:rootfile", opf});
  const xmlNode* package = xmlDocGetRootElement(doc->get());
  metadata(package, out);
  const std::vector<std::string> parts = spine(package, opf);
  const HtmlExtractor html;
  uint64_t remaining = ctx.limits.max_text_bytes;
  int number = 0;
  for (const std::string& part : parts) {
    if (ctx.is_cancelled())
      return Error{ErrorCode::kLimit, "extraction cancelled", item.name};
    if (number >= static_cast<int>(ctx.limits.max_pages)) {
      out.warnings.push_back("spine items past " + std::to_string(number) +
                             " not extracted (limit)");
      break;
    }
    ++number;
    Page page{number, {}, TextSource::kNative, -1};
    const std::string* bytes = zip->find(part);
    if (bytes == nullptr) {
      out.warnings.push_back("spine item " + std::to_string(number) + ": " + part +
                             " is missing or unreadable");
    } else {
      Item member;
      member.bytes = {reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()};
      member.mime = "application/xhtml+xml";
      member.name = part;
      member.depth = item.depth;
      ExtractContext member_ctx;
      member_ctx.limits = ctx.limits;
      member_ctx.limits.max_text_bytes = remaining;
      member_ctx.cancelled = ctx.cancelled;
      auto x = html.extract(member, member_ctx);
      if (!x.has_value()) {
        out.warnings.push_back("spine item " + std::to_string(number) + " (" + part +
                               "): " + x.error().message);
      } else {
        for (const Page& p : x->pages) {
          if (!page.text.empty() && !p.text.empty())
            page.text += '\n';
          page.text += p.text;
        }
        for (std::string& w : x->warnings)
          out.warnings.push_back(part + ": " + w);
      }
    }
    remaining -= std::min<uint64_t>(remaining, page.text.size());
    out.pages.push_back(std::move(page));
  }
  out.page_count = static_cast<int>(parts.size());
  if (!zip->damage().empty())
    out.warnings.push_back("damaged zip: members after the damage are missing (" + zip->damage() +
                           ")");
  return out;
}

}  // namespace dossier::extract
