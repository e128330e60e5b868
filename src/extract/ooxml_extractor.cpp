#include "extract/ooxml_extractor.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "extract/ooxml_parts.h"
#include "extract/text_extractor.h"
#include "extract/zip_archive.h"

namespace dossier::extract {
namespace {

constexpr std::string_view kCfbMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
constexpr std::string_view kZipMagic = "PK\x03\x04";
// "EncryptionInfo" as a UTF-16LE directory entry name.
constexpr std::string_view kEncryptionInfo =
    std::string_view("E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0", 28);

std::string_view as_view(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool is_ooxml_mime(std::string_view m) {
  if (m.starts_with("application/vnd.openxmlformats-officedocument."))
    return true;
  return (m.starts_with("application/vnd.ms-word.") || m.starts_with("application/vnd.ms-excel.") ||
          m.starts_with("application/vnd.ms-powerpoint.")) &&
         m.find("macroenabled") != std::string_view::npos;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_embedded_part(std::string_view name) {
  return name.find("/embeddings/") != std::string_view::npos ||
         name.find("/media/") != std::string_view::npos || name.ends_with("vbaProject.bin");
}

// The main part from the package relationships; the conventional names when they are broken.
std::string main_part(const ZipArchive& zip) {
  const auto rels = office::read_rels(zip, "");
  if (const office::Relationship* r = office::find_rel(rels, "officeDocument")) {
    if (zip.find(r->target) != nullptr || r->target.ends_with(".bin"))
      return r->target;
  }
  for (const char* name : {"word/document.xml", "xl/workbook.xml", "ppt/presentation.xml"}) {
    if (zip.find(name) != nullptr)
      return name;
  }
  return {};
}

void emit_children(const ZipArchive& zip, const std::vector<std::string>& extra, Extraction& out,
                   ExtractContext& ctx) {
  auto is_child = [&extra](const ZipMember& m) {
    return is_embedded_part(m.name) || std::find(extra.begin(), extra.end(), m.name) != extra.end();
  };
  emit_zip_members(zip, out, ctx, is_child, [&out](const ZipMember& m) {
    if (m.name.ends_with("vbaProject.bin") &&
        std::none_of(out.metadata.begin(), out.metadata.end(),
                     [](const MetaField& f) { return f.key == "ooxml:has_macros"; })) {
      out.metadata.push_back({"ooxml:has_macros", "yes"});
    }
  });
}

// Whatever text the main part holds, for OPC packages that are none of the three kinds.
void generic_text(xmlDoc* doc, Extraction& out, size_t max_bytes) {
  office::PlainText text(max_bytes);
  text.add(office::squash(office::node_text(xmlDocGetRootElement(doc))));
  out.pages.push_back(Page{0, text.finish(), TextSource::kNative, -1});
}

}  // namespace

bool is_encrypted_ooxml(std::span<const uint8_t> bytes) {
  const std::string_view s = as_view(bytes);
  return s.starts_with(kCfbMagic) && s.find(kEncryptionInfo) != std::string_view::npos;
}

MatchScore OoxmlExtractor::sniff(const Probe& probe) const {
  const std::string mime = lowered(mime_base(probe.mime));
  const std::string_view head = as_view(probe.head);
  if (head.starts_with(kCfbMagic)) {
    if (head.find(kEncryptionInfo) != std::string_view::npos)
      return kExactMatch;
    return mime == "application/encrypted" || mime == "application/cdfv2-encrypted" ? kGoodMatch
                                                                                    : kNoMatch;
  }
  // XPS packages are OPC too, but have their own extractor.
  for (std::string_view xps : {"FixedDocumentSequence", ".fdseq", ".fpage"}) {
    if (head.find(xps) != std::string_view::npos)
      return kNoMatch;
  }
  if (is_ooxml_mime(mime))
    return head.starts_with(kZipMagic) ? kExactMatch : kGoodMatch;
  const bool generic = mime == "application/zip" || mime == "application/octet-stream" ||
                       mime == "application/x-zip-compressed";
  if (generic && head.starts_with(kZipMagic)) {
    if (head.find("[Content_Types].xml") != std::string_view::npos)
      return kExactMatch;
    // [Content_Types].xml past the head, or missing: the main part's conventional name.
    for (std::string_view main : {"word/document.xml", "xl/workbook.xml", "ppt/presentation.xml"}) {
      if (head.find(main) != std::string_view::npos)
        return kGoodMatch + 5;
    }
  }
  return kNoMatch;
}

Result<Extraction> OoxmlExtractor::extract(const Item& item, ExtractContext& ctx) const {
  const std::string_view bytes = as_view(item.bytes);
  if (bytes.starts_with(kCfbMagic)) {
    if (is_encrypted_ooxml(item.bytes) || lowered(item.mime).find("encrypted") != std::string::npos)
      return Error{ErrorCode::kEncrypted, "encrypted Office document: needs a password", item.name};
    return Error{ErrorCode::kUnsupported, "an OLE compound file, not an Office Open XML package",
                 item.name};
  }
  auto zip = open_document_zip(item, ctx, "Office document");
  if (!zip.has_value()) return zip.error();
  const std::string main = main_part(*zip);
  if (main.empty() && !zip->damage().empty()) {
    return Error{ErrorCode::kCorrupt,
                 "truncated or damaged Office document: the main part is not readable (" +
                     zip->damage() + ")",
                 item.name};
  }
  if (main.empty()) {
    return Error{ErrorCode::kCorrupt,
                 "not an Office Open XML package: no main document part (word/document.xml, "
                 "xl/workbook.xml or ppt/presentation.xml)",
                 item.name};
  }
  if (main.ends_with(".bin")) {
    return Error{ErrorCode::kUnsupported, "Excel binary workbook (xlsb) is not supported",
                 item.name};
  }
  const std::string* main_bytes = zip->find(main);
  if (main_bytes == nullptr)
    return Error{ErrorCode::kCorrupt, "main document part " + main + " is unreadable", item.name};
  auto doc = office::parse_part(*main_bytes, main);
  if (!doc.has_value()) {
    Error e = doc.error();
    e.context = item.name;
    return e;
  }
  Extraction out;
  std::vector<std::string> extra_children;
  ooxml::Package pkg{*zip, main, doc->get(), static_cast<size_t>(ctx.limits.max_text_bytes),
                     &extra_children};
  const std::string_view root = office::local_name(xmlDocGetRootElement(doc->get()));
  Status s = ok_status();
  if (root == "document") {
    s = ooxml::extract_word(pkg, out);
  } else if (root == "workbook") {
    s = ooxml::extract_sheets(pkg, out);
  } else if (root == "presentation") {
    s = ooxml::extract_slides(pkg, out);
  } else {
    out.warnings.push_back("unknown Office Open XML document <" + std::string(root) +
                           ">: only its main part's text was read");
    generic_text(doc->get(), out, pkg.max_text_bytes);
  }
  if (!s.has_value()) {
    Error e = s.error();
    e.context = item.name;
    return e;
  }
  ooxml::extract_properties(*zip, out);
  if (!zip->damage().empty())
    out.warnings.push_back("damaged zip: members after the damage are missing (" + zip->damage() +
                           ")");
  if (zip->over_limit())
    out.warnings.push_back("package expands past the size limit: some parts were not read");
  if (ctx.is_cancelled())
    return Error{ErrorCode::kLimit, "extraction cancelled", item.name};
  emit_children(*zip, extra_children, out, ctx);
  return out;
}

}  // namespace dossier::extract
