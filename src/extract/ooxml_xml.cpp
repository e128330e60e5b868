#include "extract/ooxml_xml.h"

#include "core/time_util.h"

#include <climits>

namespace dossier::extract::office {

Result<XmlDoc> parse_part(std::string_view bytes, std::string_view part_name) {
  ensure_libxml2_initialized();
  if (bytes.size() > INT_MAX)
    return Error{ErrorCode::kLimit, "XML part larger than 2 GiB", std::string(part_name)};
  XmlParserCtxt ctxt(xmlNewParserCtxt());
  if (ctxt == nullptr)
    return Error{ErrorCode::kInternal, "libxml2 could not allocate a parser", {}};
  XmlDoc doc(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr,
                               nullptr, kXmlOptions));
  if (doc == nullptr || xmlDocGetRootElement(doc.get()) == nullptr) {
    const xmlError* err = xmlCtxtGetLastError(ctxt.get());
    if (err != nullptr && err->code == XML_ERR_ENTITY_LOOP) {
      // libxml2's amplification guard reports a billion laughs as an entity "loop".
      return Error{ErrorCode::kLimit,
                   "XML entity expansion over the limit in " + std::string(part_name) +
                       " (an entity bomb such as billion laughs)",
                   std::string(part_name)};
    }
    return Error{ErrorCode::kCorrupt,
                 "corrupt XML in " + std::string(part_name) + ": " +
                     xml_error_reason(err, "libxml2 could not parse it"),
                 std::string(part_name)};
  }
  return doc;
}

XmlReader open_reader(std::string_view bytes) {
  ensure_libxml2_initialized();
  if (bytes.size() > INT_MAX)
    return nullptr;
  return XmlReader(xmlReaderForMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr,
                                      nullptr, kXmlOptions));
}

xmlNode* child(const xmlNode* parent, std::string_view name) {
  if (parent == nullptr)
    return nullptr;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (is_element(c, name))
      return c;
  }
  return nullptr;
}

std::string attr(const xmlNode* n, std::string_view name) {
  if (n == nullptr)
    return {};
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (xml_view(a->name) == name) {
      std::string out;
      for (const xmlNode* c = a->children; c != nullptr; c = c->next) {
        if (c->type == XML_TEXT_NODE)
          out += xml_view(c->content);
      }
      return out;
    }
  }
  return {};
}

std::string rel_attr(const xmlNode* n, std::string_view name) {
  if (n == nullptr)
    return {};
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (xml_view(a->name) != name || a->ns == nullptr ||
        !xml_view(a->ns->href).ends_with("/relationships")) {
      continue;
    }
    std::string out;
    for (const xmlNode* c = a->children; c != nullptr; c = c->next) {
      if (c->type == XML_TEXT_NODE)
        out += xml_view(c->content);
    }
    return out;
  }
  return {};
}

namespace {
void append_text(const xmlNode* n, std::string& out) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
      out += xml_view(c->content);
    else if (c->type == XML_ELEMENT_NODE)
      append_text(c, out);
  }
}
}  // namespace

std::string node_text(const xmlNode* n) {
  std::string out;
  if (n != nullptr)
    append_text(n, out);
  return out;
}

std::string resolve_target(std::string_view source_part, std::string_view target) {
  std::string path;
  if (!target.empty() && target.front() == '/') {
    target.remove_prefix(1);
  } else {
    size_t slash = source_part.rfind('/');
    if (slash != std::string_view::npos)
      path = std::string(source_part.substr(0, slash + 1));
  }
  path += target;
  // Normalize "." and ".." segments.
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos)
      end = path.size();
    std::string seg = path.substr(start, end - start);
    if (seg == "..") {
      if (segments.empty())
        return {};
      segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(std::move(seg));
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& s : segments) {
    if (!out.empty())
      out += '/';
    out += s;
  }
  return out;
}

std::vector<Relationship> read_rels(const ZipArchive& zip, std::string_view part) {
  std::string rels_name;
  size_t slash = part.rfind('/');
  if (slash == std::string_view::npos) {
    rels_name = "_rels/" + std::string(part) + ".rels";
  } else {
    rels_name = std::string(part.substr(0, slash + 1)) + "_rels/" +
                std::string(part.substr(slash + 1)) + ".rels";
  }
  std::vector<Relationship> rels;
  const std::string* bytes = zip.find(rels_name);
  if (bytes == nullptr)
    return rels;
  auto doc = parse_part(*bytes, rels_name);
  if (!doc.has_value())
    return rels;
  for (xmlNode* n = xmlDocGetRootElement(doc->get())->children; n != nullptr; n = n->next) {
    if (!is_element(n, "Relationship"))
      continue;
    Relationship r;
    r.id = attr(n, "Id");
    r.type = attr(n, "Type");
    r.external = attr(n, "TargetMode") == "External";
    std::string target = attr(n, "Target");
    r.target = r.external ? target : resolve_target(part, target);
    rels.push_back(std::move(r));
  }
  return rels;
}

const Relationship* find_rel(const std::vector<Relationship>& rels, std::string_view suffix) {
  for (const Relationship& r : rels) {
    std::string_view t = r.type;
    if (!r.external && t.size() > suffix.size() && t.substr(t.size() - suffix.size()) == suffix &&
        t[t.size() - suffix.size() - 1] == '/') {
      return &r;
    }
  }
  return nullptr;
}

const Relationship* find_rel_id(const std::vector<Relationship>& rels, std::string_view id) {
  for (const Relationship& r : rels) {
    if (r.id == id && !r.external)
      return &r;
  }
  return nullptr;
}

void PlainText::add(std::string_view s) {
  if (truncated_)
    return;
  if (out_.size() + s.size() > max_bytes_) {
    truncated_ = true;
    return;
  }
  out_ += s;
}

void PlainText::line(bool force) {
  if (force || !at_line_start())
    add("\n");
}

void PlainText::paragraph_gap() {
  line();
  if (!out_.empty() && (out_.size() < 2 || out_[out_.size() - 2] != '\n'))
    add("\n");
}

std::string PlainText::finish() {
  std::string result;
  result.reserve(out_.size());
  size_t start = 0;
  while (start < out_.size()) {
    size_t end = out_.find('\n', start);
    if (end == std::string::npos)
      end = out_.size();
    size_t last = end;
    while (last > start &&
           (out_[last - 1] == ' ' || out_[last - 1] == '\t' || out_[last - 1] == '\r')) {
      --last;
    }
    result.append(out_, start, last - start);
    // At most one blank line in a row: empty paragraphs are layout, not content.
    const bool blank_run = result.size() >= 2 && result[result.size() - 1] == '\n' &&
                           result[result.size() - 2] == '\n' && last == start;
    if (end < out_.size() && !blank_run)
      result += '\n';
    start = end + 1;
  }
  while (!result.empty() && (result.back() == '\n' || result.back() == ' '))
    result.pop_back();
  size_t lead = 0;
  while (lead < result.size() && result[lead] == '\n')
    ++lead;
  result.erase(0, lead);
  out_.clear();
  return result;
}

std::string squash(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void read_core_properties(const xmlNode* root, std::string_view key_prefix, Extraction& out) {
  for (const xmlNode* n = root->children; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    const std::string_view name = local_name(n);
    const std::string value = squash(node_text(n));
    if (value.empty())
      continue;
    out.metadata.push_back({std::string(key_prefix) + std::string(name), value});
    if (name == "title") {
      out.common.title = value;
    } else if (name == "creator") {
      out.common.author = value;
    } else if (name == "created") {
      out.common.created = parse_date(value);
    } else if (name == "modified") {
      out.common.modified = parse_date(value);
    }
  }
}

}  // namespace dossier::extract::office
