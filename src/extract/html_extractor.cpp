#include "extract/html_extractor.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

#include "core/time_util.h"
#include "extract/libxml2_handles.h"
#include "extract/libxml2_util.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr size_t kMaxMetaFields = 4096;

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string collapse(std::string_view s) {
  TextBuilder b(SIZE_MAX);
  b.add_text(s);
  return b.finish();
}

std::string attr(xmlNode* node, const char* name) {
  XmlString value(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
  return std::string(xml_view(value.get()));
}

enum class Kind { kInline, kSkip, kTitle, kMeta, kBreak, kLine, kParagraph, kCell, kPre };

Kind classify(std::string_view name) {
  if (one_of(name, {"script", "style", "noscript", "template", "iframe", "object", "svg"})) {
    return Kind::kSkip;
  }
  if (name == "title")
    return Kind::kTitle;
  if (name == "meta")
    return Kind::kMeta;
  if (name == "br" || name == "hr")
    return Kind::kBreak;
  if (name == "pre" || name == "textarea" || name == "listing" || name == "xmp")
    return Kind::kPre;
  if (name == "td" || name == "th")
    return Kind::kCell;
  if (one_of(name, {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl",
                    "blockquote", "section", "article", "figure"})) {
    return Kind::kParagraph;
  }
  if (one_of(name, {"div",        "li",      "tr",     "dt",     "dd",       "header",  "footer",
                    "nav",        "aside",   "main",   "form",   "fieldset", "legend",  "address",
                    "figcaption", "caption", "option", "center", "details",  "summary", "body",
                    "html",       "thead",   "tbody",  "tfoot"})) {
    return Kind::kLine;
  }
  return Kind::kInline;
}

void set_if_empty(std::string& field, const std::string& value) {
  if (field.empty() && !value.empty())
    field = value;
}

void add_meta(xmlNode* node, Extraction& out, std::string& meta_title) {
  std::string content = attr(node, "content");
  std::string name = attr(node, "name");
  if (name.empty())
    name = attr(node, "property");
  std::string equiv = attr(node, "http-equiv");
  if (out.metadata.size() >= kMaxMetaFields)
    return;
  if (!equiv.empty()) {
    out.metadata.push_back({"html:http-equiv:" + equiv, content});
    return;
  }
  if (name.empty())
    return;
  out.metadata.push_back({"html:meta:" + name, content});
  const std::string key = lowered(name);
  const std::string value = collapse(content);
  if (one_of(key, {"author", "dc.creator", "dcterms.creator", "article:author"})) {
    set_if_empty(out.common.author, value);
  } else if (key == "generator") {
    set_if_empty(out.common.application, value);
  } else if (one_of(key, {"dc.title", "dcterms.title", "og:title"})) {
    set_if_empty(meta_title, value);
  } else if (one_of(key, {"date", "dc.date", "dcterms.created", "dc.date.created", "created",
                          "creation_date", "article:published_time"})) {
    if (!out.common.created)
      out.common.created = parse_date(value);
  } else if (one_of(key, {"dcterms.modified", "dc.date.modified", "last-modified", "revised",
                          "article:modified_time"})) {
    if (!out.common.modified)
      out.common.modified = parse_date(value);
  }
}

// Walks the tree without recursion: hostile HTML nests thousands deep.
void walk(xmlNode* root, TextBuilder& text, Extraction& out, std::string& meta_title) {
  int preserve = 0;
  xmlNode* node = root;
  while (node != nullptr) {
    bool descend = false;
    if (node->type == XML_ELEMENT_NODE) {
      const std::string name = lowered(xml_view(node->name));
      switch (classify(name)) {
        case Kind::kSkip:
          break;
        case Kind::kTitle: {
          XmlString content(xmlNodeGetContent(node));
          set_if_empty(out.common.title, collapse(xml_view(content.get())));
          break;
        }
        case Kind::kMeta:
          add_meta(node, out, meta_title);
          break;
        case Kind::kBreak:
          text.add_break();
          break;
        case Kind::kCell:
          if (!text.ends_in_space())
            text.add_text("\t", /*preserve=*/true);
          descend = true;
          break;
        case Kind::kPre:
          text.add_break(/*blank_line=*/true);
          ++preserve;
          descend = true;
          break;
        case Kind::kParagraph:
          text.add_break(/*blank_line=*/true);
          descend = true;
          break;
        case Kind::kLine:
          text.add_break();
          descend = true;
          break;
        case Kind::kInline:
          descend = true;
          break;
      }
    } else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      text.add_text(xml_view(node->content), preserve > 0);
    }
    if (descend && node->children != nullptr) {
      node = node->children;
      continue;
    }
    // Leave this node and every ancestor that has no next sibling. Leaving matters only for kinds
    // that were descended into (skipped kinds have no leave action).
    for (;;) {
      if (node->type == XML_ELEMENT_NODE) {
        Kind kind = classify(lowered(xml_view(node->name)));
        if (kind == Kind::kPre)
          --preserve;
        if (kind == Kind::kParagraph || kind == Kind::kPre)
          text.add_break(true);
        if (kind == Kind::kLine)
          text.add_break();
      }
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

}  // namespace

std::string html_declared_charset(std::span<const uint8_t> head) {
  const std::string s = lowered(std::string_view(reinterpret_cast<const char*>(head.data()),
                                                 std::min<size_t>(head.size(), 4096)));
  for (size_t at = s.find("<meta"); at != std::string::npos; at = s.find("<meta", at + 5)) {
    const size_t end = std::min(s.find('>', at), s.size());
    const size_t cs = s.find("charset", at);
    if (cs == std::string::npos || cs > end)
      continue;
    size_t i = cs + 7;
    while (i < end && (std::isspace(static_cast<unsigned char>(s[i])) || s[i] == '=' ||
                       s[i] == '"' || s[i] == '\'')) {
      ++i;
    }
    size_t j = i;
    while (j < end && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '"' &&
           s[j] != '\'' && s[j] != ';' && s[j] != '/') {
      ++j;
    }
    if (j > i)
      return s.substr(i, j - i);
  }
  return {};
}

MatchScore HtmlExtractor::sniff(const Probe& probe) const {
  const std::string base = mime_base(probe.mime);
  if (base == "text/html" || base == "application/xhtml+xml")
    return kGoodMatch;
  if (base == "text/xml" || base == "application/xml" || base == "text/plain") {
    // XHTML (or HTML that libmagic took for XML or text): an <html element near the start.
    const std::string head =
        lowered(std::string_view(reinterpret_cast<const char*>(probe.head.data()),
                                 std::min<size_t>(probe.head.size(), 2048)));
    if (head.find("<html") != std::string::npos ||
        head.find("<!doctype html") != std::string::npos) {
      return kGoodMatch + 5;
    }
  }
  return kNoMatch;
}

Result<Extraction> HtmlExtractor::extract(const Item& item, ExtractContext& ctx) const {
  if (item.bytes.size() > INT_MAX / 4) {
    return Error{ErrorCode::kLimit, "HTML larger than 512 MiB is not parsed", item.name};
  }
  std::string declared = html_declared_charset(item.bytes);
  // A meta tag readable as ASCII cannot be telling the truth about UTF-16/32 (WHATWG: use UTF-8).
  if (declared.rfind("utf-16", 0) == 0 || declared.rfind("utf-32", 0) == 0)
    declared = "utf-8";
  if (declared == "x-user-defined")
    declared = "windows-1252";
  if (declared.empty())
    declared = mime_charset(item.mime);
  auto decoded = text::to_utf8(item.bytes, declared);
  if (!decoded) {
    Error e = decoded.error();
    e.context = item.name;
    return e;
  }
  Extraction out;
  out.metadata.push_back({"html:charset", decoded->charset});
  const std::string& utf8 = decoded->text;
  if (std::all_of(utf8.begin(), utf8.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    out.pages.push_back(Page{0, {}, TextSource::kNative, -1});
    return out;
  }

  ensure_libxml2_initialized();
  XmlDoc doc(htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC));
  if (doc == nullptr) {
    return Error{
        ErrorCode::kCorrupt,
        "corrupt HTML: " + xml_error_reason(xmlGetLastError(), "libxml2 could not build a tree"),
        item.name};
  }
  xmlNode* root = xmlDocGetRootElement(doc.get());
  TextBuilder text(ctx.limits.max_text_bytes);
  std::string meta_title;
  if (root != nullptr)
    walk(root, text, out, meta_title);
  set_if_empty(out.common.title, meta_title);
  if (text.truncated()) {
    out.warnings.push_back("text truncated at " + std::to_string(ctx.limits.max_text_bytes) +
                           " bytes");
  }
  out.pages.push_back(Page{0, text.finish(), TextSource::kNative, -1});
  return out;
}

}  // namespace dossier::extract
