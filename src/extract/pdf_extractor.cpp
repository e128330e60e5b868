// PDF extraction with MuPDF. Every MuPDF call goes through mupdf_try(), the one place with fz_try:
// MuPDF reports errors with longjmp, which would skip C++ destructors, so the lambdas run inside it
// touch only raw pointers and numbers, and every handle is wrapped (mupdf_handles.h) right after.
#include "extract/pdf_extractor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time_util.h"
#include "extract/libxml2_handles.h"
#include "extract/libxml2_util.h"
#include "extract/mupdf_handles.h"
#include "text/normalize.h"

namespace dossier::extract {
namespace {

// MuPDF's resource cache (fonts, images) per call. Text extraction needs little; a small store
// bounds memory when many workers run at once.
constexpr size_t kStoreBytes = 32u << 20;
constexpr size_t kMaxXmpPacket = 64u << 10;  // stored as xmp:packet
constexpr size_t kMaxXmpParse = 4u << 20;    // read for parsing; thumbnails make packets large
constexpr size_t kMaxMupdfWarnings = 20;
constexpr size_t kMaxXmpValue = 4096;
constexpr size_t kMinUsableChars = 10;          // fewer letters than this: the page is a scan
constexpr float kOcrDpi = 300;
constexpr double kMaxOcrPixels = 100'000'000;   // under TesseractEngine's limit of 120 M

// MuPDF's warnings, collected instead of printed to stderr.
struct Diagnostics {
  std::vector<std::string> messages;  // not yet moved into Extraction::warnings
  size_t kept = 0;                    // over the whole document
  size_t dropped = 0;
};

void collect_warning(void* user, const char* message) {
  auto* diag = static_cast<Diagnostics*>(user);
  try {  // called from C; nothing may propagate
    if (diag->kept < kMaxMupdfWarnings) {
      diag->messages.emplace_back(message);
      ++diag->kept;
    } else {
      ++diag->dropped;
    }
  } catch (...) {
    ++diag->dropped;
  }
}

// Errors are turned into Error values from fz_caught_message; printing them would only duplicate.
void ignore_message(void* /*user*/, const char* /*message*/) {}

std::string caught(fz_context* ctx) {
  const char* m = fz_caught_message(ctx);
  return (m != nullptr && *m != '\0') ? m : "unknown MuPDF error";
}

// Moves MuPDF warnings that arrived since the last call into the extraction's warnings.
void drain_warnings(fz_context* ctx, Diagnostics& diag, const std::string& prefix,
                    Extraction& out) {
  fz_flush_warnings(ctx);  // MuPDF holds back a warning to count its repeats
  for (const std::string& m : diag.messages) {
    std::string w = prefix;
    w += "mupdf: ";
    w += m;
    out.warnings.push_back(std::move(w));
  }
  diag.messages.clear();
}

void append_utf8(std::string& out, int c) {
  if (c == 0)
    return;
  if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    c = 0xFFFD;
  if (c < 0x20 && c != '\t')
    c = ' ';
  auto u = static_cast<unsigned>(c);
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (u >> 18));
    out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

// Lines end with '\n'; text blocks (paragraphs, columns) are separated by an empty line.
std::string stext_to_utf8(const fz_stext_page* page) {
  std::string out;
  for (const fz_stext_block* b = page->first_block; b != nullptr; b = b->next) {
    if (b->type != FZ_STEXT_BLOCK_TEXT || b->u.t.first_line == nullptr)
      continue;
    if (!out.empty())
      out += '\n';
    for (const fz_stext_line* line = b->u.t.first_line; line != nullptr; line = line->next) {
      for (const fz_stext_char* ch = line->first_char; ch != nullptr; ch = ch->next) {
        append_utf8(out, ch->c);
      }
      out += '\n';
    }
  }
  return out;
}

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
void truncate_utf8(std::string& s, size_t n) {
  if (s.size() <= n)
    return;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  s.resize(n);
}

// Reads a PDF stream's decoded bytes, at most `cap` of them; `over` is set when there were more.
Result<std::string> read_stream(fz_context* ctx, pdf_obj* obj, size_t cap, bool& over) {
  fz_stream* raw = nullptr;
  if (!mupdf_try(ctx, [&] { raw = pdf_open_stream(ctx, obj); })) {
    return Error{ErrorCode::kCorrupt, caught(ctx), {}};
  }
  auto stm = fz_own<FzStream>(ctx, raw);
  std::string out;
  std::vector<unsigned char> chunk(64u << 10);
  over = false;
  for (;;) {
    size_t n = 0;
    if (!mupdf_try(ctx, [&] { n = fz_read(ctx, stm.get(), chunk.data(), chunk.size()); })) {
      return Error{ErrorCode::kCorrupt, caught(ctx), {}};
    }
    if (n == 0)
      break;
    if (out.size() + n > cap) {
      over = true;
      break;
    }
    out.append(reinterpret_cast<const char*>(chunk.data()), n);
  }
  return out;
}

void add_meta(Extraction& out, std::string key, std::string value) {
  out.metadata.push_back({std::move(key), std::move(value)});
}

const std::string* find_meta(const Extraction& out, std::string_view key) {
  for (const MetaField& f : out.metadata) {
    if (f.key == key)
      return &f.value;
  }
  return nullptr;
}

// --- Opening ---------------------------------------------------------------------------------

Result<PdfDocument> open_pdf(fz_context* ctx, std::span<const uint8_t> bytes) {
  fz_stream* raw_stream = nullptr;
  if (!mupdf_try(ctx, [&] { raw_stream = fz_open_memory(ctx, bytes.data(), bytes.size()); })) {
    return Error{ErrorCode::kInternal, "cannot read from memory: " + caught(ctx), {}};
  }
  auto stream = fz_own<FzStream>(ctx, raw_stream);
  pdf_document* raw_doc = nullptr;
  // The document keeps its own reference to the stream.
  if (!mupdf_try(ctx, [&] { raw_doc = pdf_open_document_with_stream(ctx, stream.get()); })) {
    return Error{ErrorCode::kCorrupt, "not a readable PDF: " + caught(ctx), {}};
  }
  auto doc = fz_own<PdfDocument>(ctx, raw_doc);
  int needs_password = 0;
  if (!mupdf_try(ctx, [&] { needs_password = pdf_needs_password(ctx, doc.get()); })) {
    return Error{ErrorCode::kCorrupt, "cannot read the encryption dictionary: " + caught(ctx), {}};
  }
  // MuPDF has already tried the empty user password while opening.
  if (needs_password != 0) {
    return Error{ErrorCode::kEncrypted, "encrypted PDF: needs a password to open", {}};
  }
  return doc;
}

// --- Metadata --------------------------------------------------------------------------------

// One Info dictionary entry as text; false for arrays and dictionaries, which carry no text.
bool info_value(fz_context* ctx, pdf_obj* v, const char*& text, std::array<char, 64>& number) {
  if (pdf_is_string(ctx, v)) {
    text = pdf_to_text_string(ctx, v);
  } else if (pdf_is_name(ctx, v)) {
    text = pdf_to_name(ctx, v);
  } else if (pdf_is_int(ctx, v)) {
    std::snprintf(number.data(), number.size(), "%lld",
                  static_cast<long long>(pdf_to_int64(ctx, v)));
    text = number.data();
  } else if (pdf_is_real(ctx, v)) {
    std::snprintf(number.data(), number.size(), "%g", static_cast<double>(pdf_to_real(ctx, v)));
    text = number.data();
  } else if (pdf_is_bool(ctx, v)) {
    text = pdf_to_bool(ctx, v) ? "true" : "false";
  }
  return text != nullptr;
}

void read_info(fz_context* ctx, pdf_document* doc, Extraction& out) {
  pdf_obj* info = nullptr;
  int n = 0;
  if (!mupdf_try(ctx, [&] {
        info = pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Info));
        n = pdf_dict_len(ctx, info);
      })) {
    out.warnings.push_back("cannot read the Info dictionary: " + caught(ctx));
    return;
  }
  for (int i = 0; i < n; ++i) {
    const char* key = nullptr;
    const char* text = nullptr;
    std::array<char, 64> number{};
    bool has_text = false;
    if (!mupdf_try(ctx, [&] {
          key = pdf_to_name(ctx, pdf_dict_get_key(ctx, info, i));
          has_text = info_value(ctx, pdf_dict_get_val(ctx, info, i), text, number);
        })) {
      out.warnings.push_back("cannot read an Info entry: " + caught(ctx));
      continue;
    }
    if (has_text && key != nullptr && *key != '\0') {
      add_meta(out, std::string("pdf:") + key, text);
    }
  }
}

void read_document_facts(fz_context* ctx, pdf_document* doc, std::span<const uint8_t> bytes,
                         Extraction& out) {
  int version = 0;
  int versions = 0;
  int linearized = 0;
  int repaired = 0;
  mupdf_try(ctx, [&] {
    version = pdf_version(ctx, doc);
    repaired = pdf_was_repaired(ctx, doc);
    versions = pdf_count_versions(ctx, doc);
    linearized = pdf_doc_was_linearized(ctx, doc);
  });
  if (version > 0) {
    add_meta(out, "pdf:Version", std::to_string(version / 10) + "." + std::to_string(version % 10));
  }
  add_meta(out, "pdf:Pages", std::to_string(out.page_count));
  // A repaired file has lost its xref chain, so count the end-of-file markers instead.
  if (repaired != 0 || versions < 1) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    versions = 0;
    for (size_t at = text.find("%%EOF"); at != std::string_view::npos;
         at = text.find("%%EOF", at + 5)) {
      ++versions;
    }
    if (linearized != 0)
      --versions;  // a linearized file is written in two sections
  }
  add_meta(out, "pdf:Revisions", std::to_string(std::max(versions, 1)));
  if (repaired != 0)
    add_meta(out, "pdf:Repaired", "yes");
  if (linearized != 0)
    add_meta(out, "pdf:Linearized", "yes");
  if (doc->crypt != nullptr) {
    add_meta(out, "pdf:Encrypted", "yes");
    std::array<char, 128> method{};
    int got = 0;
    mupdf_try(ctx, [&] {
      got = fz_lookup_metadata(ctx, &doc->super, FZ_META_ENCRYPTION, method.data(),
                               static_cast<int>(method.size()));
    });
    if (got > 0 && method[0] != '\0')
      add_meta(out, "pdf:EncryptionMethod", method.data());
  }
}

// --- XMP -------------------------------------------------------------------------------------

struct XmpNamespace {
  const char* uri;
  const char* prefix;  // canonical, whatever prefix the packet uses
};
constexpr std::array<XmpNamespace, 7> kXmpNamespaces = {{
    {"http://purl.org/dc/elements/1.1/", "dc"},
    {"http://ns.adobe.com/xap/1.0/", "xmp"},
    {"http://ns.adobe.com/pdf/1.3/", "pdf"},
    {"http://ns.adobe.com/xap/1.0/mm/", "xmpMM"},
    {"http://ns.adobe.com/xap/1.0/rights/", "xmpRights"},
    {"http://ns.adobe.com/photoshop/1.0/", "photoshop"},
    {"http://www.aiim.org/pdfa/ns/id/", "pdfaid"},
}};
constexpr const char* kRdfUri = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

const char* xmp_prefix(const xmlNs* ns) {
  if (ns == nullptr || ns->href == nullptr)
    return nullptr;
  for (const XmpNamespace& n : kXmpNamespaces) {
    if (std::strcmp(reinterpret_cast<const char*>(ns->href), n.uri) == 0)
      return n.prefix;
  }
  return nullptr;
}

bool is_rdf(const xmlNode* node, const char* name) {
  return node->ns != nullptr && node->ns->href != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(node->ns->href), kRdfUri) == 0 &&
         std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

// The text children of an element or attribute, trimmed.
std::string text_of(const xmlNode* first_child) {
  std::string s;
  for (const xmlNode* c = first_child; c != nullptr; c = c->next) {
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr) {
      s += reinterpret_cast<const char*>(c->content);
    }
  }
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return {};
  s = s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
  truncate_utf8(s, kMaxXmpValue);
  return s;
}

// A property's value: its text, or the items of an rdf:Alt/Seq/Bag joined by "; ". An rdf:Alt
// (language alternatives) gives its x-default item, else the first. Structured values give "".
std::string xmp_value(const xmlNode* prop) {
  for (const xmlNode* c = prop->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    bool alt = is_rdf(c, "Alt");
    if (!alt && !is_rdf(c, "Seq") && !is_rdf(c, "Bag"))
      return {};
    std::string joined;
    for (const xmlNode* li = c->children; li != nullptr; li = li->next) {
      if (li->type != XML_ELEMENT_NODE || !is_rdf(li, "li"))
        continue;
      std::string v = text_of(li->children);
      if (alt) {
        XmlString lang(xmlNodeGetLang(li));
        if (xml_view(lang.get()) == "x-default")
          return v;
        if (joined.empty())
          joined = std::move(v);
        continue;
      }
      if (v.empty())
        continue;
      if (!joined.empty())
        joined += "; ";
      joined += v;
    }
    return joined;
  }
  return text_of(prop->children);
}

void add_xmp_field(Extraction& out, const char* prefix, const xmlChar* name, std::string value) {
  if (value.empty())
    return;
  std::string key = std::string("xmp:") + prefix + ":" + reinterpret_cast<const char*>(name);
  if (find_meta(out, key) == nullptr)
    add_meta(out, std::move(key), std::move(value));
}

// Recursion is bounded: libxml2 refuses documents nested deeper than 256 elements.
void walk_xmp(const xmlNode* node, Extraction& out) {  // NOLINT(misc-no-recursion)
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE)
      continue;
    if (const char* prefix = xmp_prefix(node->ns)) {
      add_xmp_field(out, prefix, node->name, xmp_value(node));
      continue;
    }
    if (is_rdf(node, "Description")) {  // simple properties may be written as attributes
      for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
        const char* prefix = xmp_prefix(a->ns);
        if (prefix == nullptr || a->children == nullptr)
          continue;
        add_xmp_field(out, prefix, a->name, text_of(a->children));
      }
    }
    walk_xmp(node->children, out);
  }
}

void parse_xmp(const std::string& packet, Extraction& out) {
  ensure_libxml2_initialized();
  // No network, no entity substitution, no DTD loading, no messages on stderr.
  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  XmlDoc doc(
      xmlReadMemory(packet.data(), static_cast<int>(packet.size()), "xmp.xml", nullptr, kOptions));
  if (doc == nullptr) {
    out.warnings.emplace_back("XMP metadata is not well-formed XML");
    return;
  }
  walk_xmp(xmlDocGetRootElement(doc.get()), out);
}

void read_xmp(fz_context* ctx, pdf_document* doc, Extraction& out) {
  pdf_obj* stream = nullptr;
  if (!mupdf_try(ctx, [&] {
        pdf_obj* root = pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Root));
        stream = pdf_dict_get(ctx, root, PDF_NAME(Metadata));
        if (!pdf_is_stream(ctx, stream))
          stream = nullptr;
      })) {
    out.warnings.push_back("cannot read the catalog: " + caught(ctx));
    return;
  }
  if (stream == nullptr)
    return;
  bool over = false;
  Result<std::string> packet = read_stream(ctx, stream, kMaxXmpParse, over);
  if (!packet) {
    out.warnings.push_back("cannot read the XMP metadata stream: " + packet.error().message);
    return;
  }
  if (over) {
    out.warnings.emplace_back("XMP metadata larger than 4 MiB: not parsed");
  } else {
    parse_xmp(*packet, out);
  }
  truncate_utf8(*packet, kMaxXmpPacket);
  add_meta(out, "xmp:packet", std::move(*packet));
}

void fill_common(Extraction& out) {
  auto first = [&](std::initializer_list<std::string_view> keys) -> std::string {
    for (std::string_view k : keys) {
      const std::string* v = find_meta(out, k);
      if (v != nullptr && !v->empty())
        return *v;
    }
    return {};
  };
  CommonMeta& c = out.common;
  c.title = first({"pdf:Title", "xmp:dc:title"});
  c.author = first({"pdf:Author", "xmp:dc:creator"});
  c.application = first({"pdf:Producer", "pdf:Creator", "xmp:pdf:Producer", "xmp:xmp:CreatorTool"});
  c.created = parse_date(first({"pdf:CreationDate"}));
  if (!c.created)
    c.created = parse_date(first({"xmp:xmp:CreateDate"}));
  c.modified = parse_date(first({"pdf:ModDate"}));
  if (!c.modified)
    c.modified = parse_date(first({"xmp:xmp:ModifyDate"}));
}

// --- Embedded files --------------------------------------------------------------------------

// Adds the file embedded in file specification `fs` as a child, within the limits.
void add_embedded(fz_context* ctx, pdf_obj* fs, const std::string& fallback_name,
                  const Limits& limits, std::set<int>& seen, Extraction& out) {
  pdf_obj* stream = nullptr;
  const char* filename = nullptr;
  int num = 0;
  if (!mupdf_try(ctx, [&] {
        num = pdf_to_num(ctx, fs);  // 0 for a direct object
        if (!pdf_is_embedded_file(ctx, fs))
          return;
        pdf_obj* ef = pdf_dict_get(ctx, fs, PDF_NAME(EF));
        stream = pdf_dict_get(ctx, ef, PDF_NAME(UF));
        if (!pdf_is_stream(ctx, stream))
          stream = pdf_dict_get(ctx, ef, PDF_NAME(F));
        if (!pdf_is_stream(ctx, stream))
          stream = nullptr;
        pdf_embedded_file_params params;
        pdf_get_embedded_file_params(ctx, fs, &params);
        filename = params.filename;
      })) {
    out.warnings.push_back("embedded file " + fallback_name + ": " + caught(ctx));
    return;
  }
  if (stream == nullptr || (num > 0 && !seen.insert(num).second))
    return;
  std::string name = (filename != nullptr && *filename != '\0') ? filename : fallback_name;
  if (out.children.size() >= limits.max_children) {
    out.warnings.push_back("embedded file " + name + ": not extracted, child limit reached");
    return;
  }
  size_t used = 0;
  for (const Child& c : out.children)
    used += c.bytes.size();
  size_t budget = limits.max_child_bytes > used ? limits.max_child_bytes - used : 0;
  bool over = false;
  Result<std::string> bytes = read_stream(ctx, stream, budget, over);
  if (!bytes) {
    out.warnings.push_back("embedded file " + name + ": " + bytes.error().message);
  } else if (over) {
    out.warnings.push_back("embedded file " + name + ": not extracted, child size limit reached");
  } else {
    out.children.push_back(Child{std::move(name), std::move(*bytes)});
  }
}

void read_embedded_files(fz_context* ctx, pdf_document* doc, const Limits& limits,
                         std::set<int>& seen, Extraction& out) {
  pdf_obj* raw_tree = nullptr;
  if (!mupdf_try(ctx, [&] { raw_tree = pdf_load_name_tree(ctx, doc, PDF_NAME(EmbeddedFiles)); })) {
    out.warnings.push_back("cannot read the EmbeddedFiles name tree: " + caught(ctx));
    return;
  }
  auto tree = fz_own<PdfObj>(ctx, raw_tree);
  int n = 0;
  mupdf_try(ctx, [&] { n = pdf_dict_len(ctx, tree.get()); });
  for (int i = 0; i < n; ++i) {
    pdf_obj* fs = nullptr;
    const char* key = nullptr;
    if (!mupdf_try(ctx, [&] {
          key = pdf_to_name(ctx, pdf_dict_get_key(ctx, tree.get(), i));
          fs = pdf_dict_get_val(ctx, tree.get(), i);
        })) {
      continue;
    }
    std::string fallback = (key != nullptr && *key != '\0') ? key : "#" + std::to_string(i + 1);
    add_embedded(ctx, fs, fallback, limits, seen, out);
  }
}

// FileAttachment annotations carry files outside the EmbeddedFiles tree.
void read_attachments(fz_context* ctx, pdf_document* doc, int pages, const Limits& limits,
                      std::set<int>& seen, Extraction& out) {
  for (int p = 0; p < pages; ++p) {
    pdf_obj* annots = nullptr;
    int n = 0;
    if (!mupdf_try(ctx, [&] {
          annots = pdf_dict_get(ctx, pdf_lookup_page_obj(ctx, doc, p), PDF_NAME(Annots));
          n = pdf_array_len(ctx, annots);
        })) {
      continue;
    }
    for (int i = 0; i < n; ++i) {
      pdf_obj* fs = nullptr;
      mupdf_try(ctx, [&] {
        pdf_obj* annot = pdf_array_get(ctx, annots, i);
        if (pdf_name_eq(ctx, pdf_dict_get(ctx, annot, PDF_NAME(Subtype)),
                        PDF_NAME(FileAttachment))) {
          fs = pdf_dict_get(ctx, annot, PDF_NAME(FS));
        }
      });
      if (fs == nullptr)
        continue;
      std::string fallback = "page" + std::to_string(p + 1) + "-attachment" + std::to_string(i + 1);
      add_embedded(ctx, fs, fallback, limits, seen, out);
    }
  }
}

// --- Pages -----------------------------------------------------------------------------------

struct PageContent {
  std::string text;
  bool has_images = false;  // the page paints at least one image (a scan, a photo)
  fz_rect bounds{};
};

// The text of page `index` (0-based); false when MuPDF failed on it (see fz_caught_message).
bool page_text(fz_context* ctx, fz_document* doc, int index, PageContent& content) {
  fz_page* raw_page = nullptr;
  if (!mupdf_try(ctx, [&] { raw_page = fz_load_page(ctx, doc, index); }))
    return false;
  auto page = fz_own<FzPage>(ctx, raw_page);
  // Ligatures expanded and whitespace normalised for search. Image blocks are kept (by reference,
  // not decoded) only to tell a scanned page from an empty one.
  fz_stext_options options{};
  options.flags = FZ_STEXT_PRESERVE_IMAGES;
  fz_stext_page* raw_text = nullptr;
  if (!mupdf_try(ctx, [&] {
        content.bounds = fz_bound_page(ctx, page.get());
        raw_text = fz_new_stext_page_from_page(ctx, page.get(), &options);
      })) {
    return false;
  }
  auto stext = fz_own<FzStextPage>(ctx, raw_text);
  content.text = stext_to_utf8(stext.get());
  for (const fz_stext_block* b = stext->first_block; b != nullptr; b = b->next) {
    if (b->type == FZ_STEXT_BLOCK_IMAGE) {
      content.has_images = true;
      break;
    }
  }
  return true;
}

// A text layer is usable when it has some letters or digits and is not mostly undecodable glyphs
// (fonts without a Unicode map come out as U+FFFD or private-use characters).
bool usable_text_layer(std::string_view text) {
  size_t good = 0, bad = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t c = text::decode_utf8(text, i);
    if (c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF)) {
      ++bad;
    } else if (c > ' ' && c != 0x7F && !(c >= 0x2000 && c <= 0x206F) && c != 0x3000) {
      ++good;
    }
  }
  return good >= kMinUsableChars && bad * 2 < good;
}


// Renders page `index` in gray at 300 dpi (less for pages so large that 300 dpi would exceed
// kMaxOcrPixels) and reads it.
Result<OcrPage> ocr_page(fz_context* ctx, fz_document* doc, int index, const fz_rect& bounds, OcrEngine& ocr,
                         std::string& note) {
  float w_in = (bounds.x1 - bounds.x0) / 72.0F, h_in = (bounds.y1 - bounds.y0) / 72.0F;
  if (!(w_in > 0) || !(h_in > 0))
    return Error{ErrorCode::kCorrupt, "page has no size", {}};
  float dpi = kOcrDpi;
  double px = static_cast<double>(w_in) * h_in * dpi * dpi;
  if (px > kMaxOcrPixels) {
    dpi = static_cast<float>(dpi * std::sqrt(kMaxOcrPixels / px));
    if (dpi < 15)
      return Error{ErrorCode::kLimit, "page too large to OCR", {}};
    note = "rendered at " + std::to_string(static_cast<int>(dpi)) + " dpi (page too large for 300)";
  }
  fz_pixmap* raw = nullptr;
  fz_matrix ctm = fz_scale(dpi / 72.0F, dpi / 72.0F);
  if (!mupdf_try(ctx, [&] { raw = fz_new_pixmap_from_page_number(ctx, doc, index, ctm, fz_device_gray(ctx), 0); })) {
    return Error{ErrorCode::kCorrupt, "page could not be rendered for OCR: " + caught(ctx), {}};
  }
  auto pix = fz_own<FzPixmap>(ctx, raw);
  OcrPixels pixels;
  pixels.data = fz_pixmap_samples(ctx, pix.get());
  pixels.width = fz_pixmap_width(ctx, pix.get());
  pixels.height = fz_pixmap_height(ctx, pix.get());
  pixels.channels = fz_pixmap_components(ctx, pix.get());
  pixels.stride = static_cast<int>(fz_pixmap_stride(ctx, pix.get()));
  pixels.dpi = static_cast<int>(dpi);
  return ocr.recognize(pixels);
}

Status extract_pages(fz_context* ctx, pdf_document* doc, const ExtractContext& xctx,
                     Diagnostics& diag, Extraction& out) {
  const Limits& limits = xctx.limits;
  int n = out.page_count;
  if (static_cast<uint64_t>(n) > limits.max_pages) {
    n = static_cast<int>(limits.max_pages);
    out.warnings.push_back("page limit: extracted the first " + std::to_string(n) + " of " +
                           std::to_string(out.page_count) + " pages");
  }
  uint64_t total = 0;
  std::string first_failure;
  for (int i = 0; i < n; ++i) {
    if (xctx.is_cancelled())
      return Error{ErrorCode::kLimit, "extraction cancelled", {}};
    std::string prefix = "page " + std::to_string(i + 1) + ": ";
    PageContent content;
    bool ok = page_text(ctx, &doc->super, i, content);
    std::string failure = ok ? std::string() : caught(ctx);
    drain_warnings(ctx, diag, prefix, out);
    if (!ok) {
      out.warnings.push_back(prefix + failure);
      if (first_failure.empty())
        first_failure = prefix + failure;
      continue;
    }
    Page page;
    page.number = i + 1;
    std::string text = std::move(content.text);
    // A page is read when it paints something (an image, or glyphs whose font maps to no
    // characters) but has no usable text layer; a blank page is not.
    bool paints = content.has_images ||
                  std::any_of(text.begin(), text.end(), [](char c) { return c != ' ' && c != '\n' && c != '\t'; });
    bool want_ocr = xctx.ocr != nullptr &&
                    (xctx.ocr_mode == OcrMode::kForce ||
                     (xctx.ocr_mode == OcrMode::kAuto && paints && !usable_text_layer(text)));
    if (want_ocr) {
      std::string note;
      auto read = ocr_page(ctx, &doc->super, i, content.bounds, *xctx.ocr, note);
      drain_warnings(ctx, diag, prefix, out);
      if (!note.empty())
        out.warnings.push_back(prefix + note);
      if (read.has_value()) {
        if (find_meta(out, "ocr:engine") == nullptr)
          add_meta(out, "ocr:engine", xctx.ocr->tool() + " " + xctx.ocr->tool_version());
        // The OCR reading replaces the text layer (with --ocr=force, a layer that was there).
        text = std::move(read->text);
        page.source = TextSource::kOcr;
        page.ocr_confidence = read->confidence;
        if (read->rotation != 0)
          add_meta(out, "ocr:rotation:" + std::to_string(i + 1), std::to_string(read->rotation));
      } else {
        out.warnings.push_back(prefix + "OCR: " + read.error().message);
      }
    }
    bool full = total + text.size() > limits.max_text_bytes;
    if (full)
      truncate_utf8(text, limits.max_text_bytes - total);
    total += text.size();
    page.text = std::move(text);
    out.pages.push_back(std::move(page));
    if (full) {
      out.warnings.push_back("text limit of " + std::to_string(limits.max_text_bytes) +
                             " bytes reached at page " + std::to_string(i + 1));
      break;
    }
  }
  if (n > 0 && out.pages.empty()) {
    return Error{
        ErrorCode::kCorrupt, "damaged PDF: no page could be read (" + first_failure + ")", {}};
  }
  return ok_status();
}

}  // namespace

ExtractorId PdfExtractor::id() const {
  return {"pdf-mupdf", 1};
}

MatchScore PdfExtractor::sniff(const Probe& probe) const {
  std::string_view head(reinterpret_cast<const char*>(probe.head.data()),
                        std::min<size_t>(probe.head.size(), 1024));
  const size_t at = head.find("%PDF-");
  const bool pdf_mime = probe.mime == "application/pdf" || probe.mime == "application/x-pdf";
  if (at == 0)
    return kExactMatch;
  // PDF readers accept junk before the header (mail gateways add some), but only in content that
  // is nothing else: a zip whose first member is a stored PDF has the header 40 bytes in, and
  // reading it as a PDF would hide every other member.
  const std::string_view mime = std::string_view(probe.mime).substr(0, probe.mime.find(';'));
  const bool unknown =
      mime.empty() || mime == "application/octet-stream" || mime.starts_with("text/");
  if (at != std::string_view::npos && (unknown || pdf_mime))
    return kExactMatch;
  if (pdf_mime)
    return kGoodMatch;
  return kNoMatch;
}

Result<Extraction> PdfExtractor::extract(const Item& item, ExtractContext& xctx) const {
  Diagnostics diag;  // declared before the context, whose callbacks write to it until it is dropped
  MupdfContext owner(fz_new_context(nullptr, nullptr, kStoreBytes));
  if (owner == nullptr) {
    return Error{ErrorCode::kInternal, "MuPDF could not create a context (out of memory)",
                 item.name};
  }
  fz_context* ctx = owner.get();
  fz_set_warning_callback(ctx, collect_warning, &diag);
  fz_set_error_callback(ctx, ignore_message, nullptr);

  Result<PdfDocument> opened = open_pdf(ctx, item.bytes);
  if (!opened)
    return Error{opened.error().code, opened.error().message, item.name};
  PdfDocument doc = std::move(opened).value();
  Extraction out;
  drain_warnings(ctx, diag, "", out);
  if (!mupdf_try(ctx, [&] { out.page_count = pdf_count_pages(ctx, doc.get()); })) {
    return Error{ErrorCode::kCorrupt, "damaged PDF: cannot read the page tree: " + caught(ctx),
                 item.name};
  }
  if (Status s = extract_pages(ctx, doc.get(), xctx, diag, out); !s) {
    return Error{s.error().code, s.error().message, item.name};
  }
  read_info(ctx, doc.get(), out);
  read_xmp(ctx, doc.get(), out);
  if (item.depth < static_cast<int>(xctx.limits.max_depth)) {
    std::set<int> seen;
    read_embedded_files(ctx, doc.get(), xctx.limits, seen, out);
    auto pages = static_cast<int>(std::min<uint64_t>(out.page_count, xctx.limits.max_pages));
    read_attachments(ctx, doc.get(), pages, xctx.limits, seen, out);
    // Hand the files over through the context, which applies the shared limits and streams them
    // to the pipeline; the PDF declares exactly the ones found.
    std::vector<Child> found = std::move(out.children);
    out.children.clear();
    out.declared_children = found.size();
    for (Child& c : found) {
      if (Status s = xctx.emit_child(out, std::move(c)); !s.has_value()) {
        out.warnings.push_back("embedded files: " + s.error().to_string());
        break;
      }
    }
  }
  read_document_facts(ctx, doc.get(), item.bytes, out);
  if (out.page_count == 0 && find_meta(out, "pdf:Repaired") != nullptr) {
    return Error{ErrorCode::kCorrupt, "damaged PDF: no pages found, even after repair", item.name};
  }
  fill_common(out);
  drain_warnings(ctx, diag, "", out);
  if (find_meta(out, "pdf:Repaired") != nullptr) {
    out.warnings.insert(out.warnings.begin(),
                        "damaged PDF: cross-reference table rebuilt; text may be incomplete");
  }
  if (diag.dropped > 0) {
    out.warnings.push_back(std::to_string(diag.dropped) + " more MuPDF warnings not shown");
  }
  return out;
}

}  // namespace dossier::extract
