#include "extract/xml_extractor.h"

#include <libxml/entities.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "extract/libxml2_handles.h"
#include "extract/libxml2_util.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr int kBaseOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct Parsed {
  XmlDoc doc;
  Error error;
  int code = 0;  // libxml2 error code of the first fatal error, 0 when well-formed
};

Parsed parse(std::string_view bytes, const char* encoding, int options) {
  Parsed p;
  XmlParserCtxt ctxt(xmlNewParserCtxt());
  if (ctxt == nullptr) {
    p.error = Error{ErrorCode::kInternal, "libxml2 could not allocate a parser", {}};
    p.code = -1;
    return p;
  }
  p.doc.reset(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr,
                                encoding, options));
  if (p.doc != nullptr && ctxt->wellFormed)
    return p;
  const xmlError* err = xmlCtxtGetLastError(ctxt.get());
  p.code = err != nullptr && err->code != 0 ? err->code : -1;
  if (p.code == XML_ERR_ENTITY_LOOP) {
    p.error = Error{ErrorCode::kLimit,
                    "XML entity expansion over the limit (an entity bomb such as billion laughs)",
                    {}};
  } else {
    p.error = Error{ErrorCode::kCorrupt,
                    "corrupt XML: " + xml_error_reason(err, "libxml2 could not parse it"),
                    {}};
  }
  p.doc.reset();
  return p;
}

bool is_encoding_error(int code) {
  return code == XML_ERR_INVALID_CHAR || code == XML_ERR_UNKNOWN_ENCODING ||
         code == XML_ERR_UNSUPPORTED_ENCODING || code == XML_ERR_INVALID_ENCODING;
}

// Internal entities expand only when their replacement text is plain (no markup, no further
// references), and only within a budget: their text is never multiplied out of proportion.
class Walker {
 public:
  Walker(TextBuilder& text, size_t entity_budget) : text_(text), entity_budget_(entity_budget) {}

  void walk(xmlNode* root) {
    xmlNode* node = root;
    while (node != nullptr) {
      visit(node);
      if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
        boundary_ = true;
        node = node->children;
        continue;
      }
      for (;;) {
        if (node->type == XML_ELEMENT_NODE)
          boundary_ = true;
        if (node == root)
          return;
        if (node->next != nullptr) {
          node = node->next;
          break;
        }
        node = node->parent;
        if (node == nullptr)
          return;
      }
    }
  }

  bool external_skipped() const { return external_skipped_; }
  bool internal_skipped() const { return internal_skipped_; }

 private:
  void visit(xmlNode* node) {
    if (node->type == XML_ELEMENT_NODE) {
      boundary_ = true;
    } else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      add(xml_view(node->content));
    } else if (node->type == XML_ENTITY_REF_NODE) {
      const xmlEntity* ent = xmlGetDocEntity(node->doc, node->name);
      if (ent == nullptr || ent->etype != XML_INTERNAL_GENERAL_ENTITY) {
        external_skipped_ = true;
        return;
      }
      std::string_view content = xml_view(ent->content);
      if (content.find_first_of("&<") == std::string_view::npos &&
          content.size() <= entity_budget_) {
        entity_budget_ -= content.size();
        add(content);
      } else {
        internal_skipped_ = true;
      }
    }
  }

  void add(std::string_view run) {
    if (std::all_of(run.begin(), run.end(), is_xml_space)) {
      if (run.find('\n') != std::string_view::npos) {
        text_.add_break();
      } else if (!run.empty()) {
        text_.add_space();
      }
      return;
    }
    if (boundary_ && !text_.ends_in_space() && !is_xml_space(run.front()))
      text_.add_break();
    boundary_ = false;
    text_.add_text(run);
  }

  TextBuilder& text_;
  size_t entity_budget_;
  bool boundary_ = false;
  bool external_skipped_ = false;
  bool internal_skipped_ = false;
};

// After an optional BOM and whitespace, markup must begin. (libmagic names zipped Office parts
// "...+xml" too; those are not for us.)
bool head_starts_markup(std::span<const uint8_t> head) {
  std::string_view s(reinterpret_cast<const char*>(head.data()), head.size());
  if (s.substr(0, 2) == "\xFF\xFE" || s.substr(0, 2) == "\xFE\xFF")
    return true;
  if (s.substr(0, 3) == "\xEF\xBB\xBF")
    s.remove_prefix(3);
  while (!s.empty() && is_xml_space(s.front()))
    s.remove_prefix(1);
  return !s.empty() && s.front() == '<';
}

bool head_starts_xml_decl(std::span<const uint8_t> head) {
  std::string_view s(reinterpret_cast<const char*>(head.data()), head.size());
  if (s.substr(0, 3) == "\xEF\xBB\xBF")
    s.remove_prefix(3);
  while (!s.empty() && is_xml_space(s.front()))
    s.remove_prefix(1);
  return s.substr(0, 5) == "<?xml";
}

}  // namespace

MatchScore XmlExtractor::sniff(const Probe& probe) const {
  if (!head_starts_markup(probe.head))
    return kNoMatch;
  const std::string base = mime_base(probe.mime);
  if (base == "text/xml" || base == "application/xml" || base == "image/svg+xml")
    return kGoodMatch;
  if (base.size() > 4 && base.substr(base.size() - 4) == "+xml" &&
      base != "application/xhtml+xml") {
    return kGoodMatch;
  }
  if ((base == "text/plain" || base == "application/octet-stream") &&
      head_starts_xml_decl(probe.head)) {
    return kGoodMatch;
  }
  return kNoMatch;
}

Result<Extraction> XmlExtractor::extract(const Item& item, ExtractContext& ctx) const {
  if (item.bytes.size() > INT_MAX / 4) {
    return Error{ErrorCode::kLimit, "XML larger than 512 MiB is not parsed", item.name};
  }
  ensure_libxml2_initialized();
  std::string_view raw(reinterpret_cast<const char*>(item.bytes.data()), item.bytes.size());
  Extraction out;
  std::string charset = "declared";
  Parsed parsed = parse(raw, nullptr, kBaseOptions);
  std::string decoded;
  if (parsed.doc == nullptr && is_encoding_error(parsed.code)) {
    // Undeclared legacy charsets (a GBK file with no encoding="..."): decode, then parse as UTF-8.
    auto utf8 = text::to_utf8(item.bytes, mime_charset(item.mime));
    if (utf8) {
      decoded = std::move(utf8->text);
      charset = utf8->charset;
      Parsed retry = parse(decoded, "UTF-8", kBaseOptions | XML_PARSE_IGNORE_ENC);
      if (retry.doc != nullptr)
        parsed = std::move(retry);
    }
  }
  if (parsed.doc == nullptr) {
    parsed.error.context = item.name;
    return parsed.error;
  }
  if (charset == "declared") {
    charset =
        parsed.doc->encoding != nullptr ? std::string(xml_view(parsed.doc->encoding)) : "UTF-8";
  }
  out.metadata.push_back({"xml:charset", charset});
  xmlNode* root = xmlDocGetRootElement(parsed.doc.get());
  TextBuilder builder(ctx.limits.max_text_bytes);
  if (root != nullptr) {
    out.metadata.push_back({"xml:root", std::string(xml_view(root->name))});
    if (root->ns != nullptr && root->ns->href != nullptr) {
      out.metadata.push_back({"xml:namespace", std::string(xml_view(root->ns->href))});
    }
    if (xml_view(root->name) == "svg") {
      for (xmlNode* c = root->children; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && xml_view(c->name) == "title") {
          XmlString title(xmlNodeGetContent(c));
          TextBuilder t(4096);
          t.add_text(xml_view(title.get()));
          out.common.title = t.finish();
          break;
        }
      }
    }
    Walker walker(builder, std::max<size_t>(size_t{1} << 20, item.bytes.size()));
    walker.walk(root);
    if (walker.external_skipped()) {
      out.warnings.emplace_back("external entities were not loaded");
    }
    if (walker.internal_skipped()) {
      out.warnings.emplace_back(
          "entities with markup or over the expansion budget were not expanded");
    }
  }
  if (builder.truncated()) {
    out.warnings.push_back("text truncated at " + std::to_string(ctx.limits.max_text_bytes) +
                           " bytes");
  }
  // libxml2 gives UTF-8 with '\n' line ends but leaves normalization form alone; pages are NFC.
  std::string body = builder.finish();
  if (auto nfc = text::to_utf8(body, "UTF-8"))
    body = std::move(nfc->text);
  out.pages.push_back(Page{0, std::move(body), TextSource::kNative, -1});
  return out;
}

}  // namespace dossier::extract
