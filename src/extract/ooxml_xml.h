// XML and package helpers shared by the Office Open XML and OpenDocument extractors: safe parsing
// of zip members, element lookups by local name, OPC relationships, plain text assembly.
#pragma once

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "extract/libxml2_handles.h"
#include "extract/extraction.h"
#include "extract/libxml2_util.h"
#include "extract/zip_archive.h"

namespace dossier::extract::office {

// Network off, no entity substitution, no XML_PARSE_HUGE: a hostile part cannot fetch anything or
// blow up in memory.
inline constexpr int kXmlOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

struct XmlTextReaderFreer {
  void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
};
using XmlReader = std::unique_ptr<xmlTextReader, XmlTextReaderFreer>;

// Parses one zip member. kCorrupt names the member when it is not well-formed XML.
Result<XmlDoc> parse_part(std::string_view bytes, std::string_view part_name);
// A streaming reader over `bytes`, which must outlive it. nullptr only when libxml2 is out of
// memory.
XmlReader open_reader(std::string_view bytes);

// Element's local name ("t" for <w:t>).
inline std::string_view local_name(const xmlNode* n) {
  return xml_view(n->name);
}
inline bool is_element(const xmlNode* n, std::string_view name) {
  return n != nullptr && n->type == XML_ELEMENT_NODE && local_name(n) == name;
}
// The first child element with this local name, or nullptr.
xmlNode* child(const xmlNode* parent, std::string_view name);
// Attribute by local name, ignoring its namespace; "" when absent.
std::string attr(const xmlNode* n, std::string_view name);
// A relationship reference attribute (r:id, r:embed): local name in the officeDocument
// relationships namespace (transitional or strict); "" when absent.
std::string rel_attr(const xmlNode* n, std::string_view name);
// Concatenated text of every text node below `n` (no separators).
std::string node_text(const xmlNode* n);

// "word/document.xml" + "../media/a.png" → "word/../media/a.png" normalized to "media/a.png";
// a leading '/' is from the package root. "" when the path climbs out of the package.
std::string resolve_target(std::string_view source_part, std::string_view target);

struct Relationship {
  std::string id;
  std::string type;    // the relationship type URI
  std::string target;  // resolved part name; the raw URI for external targets
  bool external = false;
};

// The relationships of `part` (from "<dir>/_rels/<name>.rels"; part "" for the package's).
// Missing or malformed rels yield an empty list.
std::vector<Relationship> read_rels(const ZipArchive& zip, std::string_view part);
// The first internal relationship whose type ends with "/<suffix>", or nullptr.
const Relationship* find_rel(const std::vector<Relationship>& rels, std::string_view suffix);
const Relationship* find_rel_id(const std::vector<Relationship>& rels, std::string_view id);

// Text assembly with a byte budget: whole-line breaks, tab separators, trailing-space trimming.
class PlainText {
 public:
  explicit PlainText(size_t max_bytes) : max_bytes_(max_bytes) {}
  void add(std::string_view s);
  // Ends the current line (a no-op at the start of a line unless `force`).
  void line(bool force = false);
  // Ends the current line and leaves one blank line before the next text.
  void paragraph_gap();
  bool at_line_start() const { return out_.empty() || out_.back() == '\n'; }
  bool truncated() const { return truncated_; }
  size_t size() const { return out_.size(); }
  // The text with trailing whitespace removed from every line and the end. Leaves it empty.
  std::string finish();

 private:
  std::string out_;
  size_t max_bytes_;
  bool truncated_ = false;
};

// Collapses runs of spaces/newlines into single spaces and trims: for metadata values.
std::string squash(std::string_view s);

// An OPC core-properties part (docProps/core.xml in OOXML and XPS): every element as metadata
// "<key_prefix><name>", and title, creator, created and modified into the common fields.
void read_core_properties(const xmlNode* root, std::string_view key_prefix, Extraction& out);

}  // namespace dossier::extract::office
