#include "extract/ole_extractor.h"

#include <algorithm>
#include <cctype>

#include "extract/cfb_writer.h"
#include "extract/ole_props.h"
#include "extract/rtf_extractor.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

bool has_prefix_child(const CfbReader& cfb, std::string_view prefix) {
  for (size_t k : cfb.root().children) {
    if (cfb.entries()[k].name.rfind(prefix, 0) == 0)
      return true;
  }
  return false;
}

// A root entry by name, ignoring the control characters OLE prefixes to system streams
// ("\001Ole", "\003LinkInfo").
bool has_stream(const CfbReader& cfb, std::string_view name) {
  for (size_t k : cfb.root().children) {
    std::string_view n = cfb.entries()[k].name;
    while (!n.empty() && static_cast<unsigned char>(n.front()) < 0x20)
      n.remove_prefix(1);
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return true;
  }
  return false;
}

// OLE formats dossier recognizes but does not read, by a stream only they have.
struct Named {
  const char* stream;
  const char* format;
};
constexpr Named kUnsupported[] = {
    {"Equation Native", "Microsoft Equation 3.0 object"},
    {"LinkInfo", "linked OLE object (its data lives in another file)"},
    {"MatOST", "Microsoft Works document"},
    {"VisioDocument", "Microsoft Visio drawing"},
    {"Quill", "Microsoft Publisher document"},
    {"Contents", "Microsoft Works or Publisher file"},
    {"Catalog", "Windows thumbnail cache (Thumbs.db)"},
    {"CONTENTS", "Microsoft Works file"},
    {"\005SummaryInformation", "OLE compound file"}};

std::string stream_list(const CfbReader& cfb) {
  std::string names;
  for (size_t k : cfb.root().children) {
    if (names.size() > 120) {
      names += ", ...";
      break;
    }
    if (!names.empty())
      names += ", ";
    for (char c : cfb.entries()[k].name)
      names += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  return names;
}

// An embedded object's storage as a child: the packaged file of an OLE Package, the bytes of an
// embedded OOXML or PDF, else the storage itself as a compound file of its own.
void emit_object(const CfbReader& cfb, const CfbEntry& st, ExtractContext& ctx, Extraction& x) {
  const uint64_t cap = ctx.limits.max_child_bytes;
  Child child{"object-" + st.name + ".ole", {}};
  if (const CfbEntry* native = cfb.child(st, "\001Ole10Native")) {
    auto data = cfb.read_stream(*native, cap);
    if (data.has_value() && data->size() > 4) {
      if (auto pkg = parse_ole_package(std::string_view(*data).substr(4))) {
        child.name = pkg->file_name.empty() ? "object-" + st.name + ".bin" : pkg->file_name;
        child.bytes = std::move(pkg->bytes);
      } else {
        child.name = "object-" + st.name + ".bin";
        child.bytes = data->substr(4, le32(*data, 0));
      }
    }
  } else if (const CfbEntry* pkg = cfb.child(st, "Package")) {  // embedded OOXML (a zip)
    auto data = cfb.read_stream(*pkg, cap);
    if (data.has_value())
      child.bytes = std::move(data).value();
  } else if (const CfbEntry* contents = cfb.child(st, "CONTENTS")) {  // Acrobat's PDF embedding
    auto data = cfb.read_stream(*contents, cap);
    if (data.has_value())
      child.bytes = std::move(data).value();
  }
  if (child.bytes.empty()) {
    auto copy = copy_storage(cfb, st, cap);
    if (!copy.has_value()) {
      x.child_problems.push_back({child.name, error_code_name(copy.error().code),
                                  "embedded object: " + copy.error().message});
      return;
    }
    child.bytes = std::move(copy).value();
  }
  Status s = ctx.emit_child(x, std::move(child));
  if (!s.has_value())
    x.warnings.push_back(s.error().message);
}

// Word keeps embedded objects under ObjectPool, Excel in root storages named MBD<hex>.
void emit_objects(const CfbReader& cfb, ExtractContext& ctx, Extraction& x) {
  std::vector<const CfbEntry*> objects;
  if (const CfbEntry* pool = cfb.child(cfb.root(), "ObjectPool")) {
    for (size_t k : pool->children)
      objects.push_back(&cfb.entries()[k]);
  }
  for (size_t k : cfb.root().children) {
    if (cfb.entries()[k].name.rfind("MBD", 0) == 0)
      objects.push_back(&cfb.entries()[k]);
  }
  uint64_t declared = 0;
  for (const CfbEntry* e : objects) {
    if (e->type != CfbType::kStorage)
      continue;
    ++declared;
    emit_object(cfb, *e, ctx, x);
  }
  if (declared > 0)
    x.declared_children = x.declared_children.value_or(0) + declared;
}

}  // namespace

void add_ole_page(Extraction& x, int number, std::string text, const ExtractContext& ctx) {
  auto d = text::to_utf8(text, "UTF-8");
  if (d.has_value())
    text = std::move(d->text);
  size_t used = x.text_bytes();
  size_t room = used >= ctx.limits.max_text_bytes ? 0 : ctx.limits.max_text_bytes - used;
  if (truncate_utf8(text, room))
    x.warnings.push_back("text cut at " + std::to_string(ctx.limits.max_text_bytes) + " bytes");
  Page p;
  p.number = number;
  p.text = std::move(text);
  x.pages.push_back(std::move(p));
}

Error ole_encrypted(std::string_view what) {
  return Error{
      ErrorCode::kEncrypted, "encrypted " + std::string(what) + " document: needs a password", {}};
}

MatchScore OleExtractor::sniff(const Probe& probe) const {
  return is_cfb(probe.head) ? kExactMatch : kNoMatch;
}

Result<Extraction> OleExtractor::extract(const Item& item, ExtractContext& ctx) const {
  auto opened = CfbReader::open(item.bytes);
  if (!opened.has_value())
    return Error{opened.error().code, opened.error().message, item.name};
  const CfbReader& cfb = opened.value();
  const CfbEntry& root = cfb.root();
  if (cfb.child(root, "EncryptedPackage") != nullptr ||
      cfb.child(root, "EncryptionInfo") != nullptr)
    return ole_encrypted("Office");
  Result<Extraction> r = Error{ErrorCode::kInternal, "", {}};
  if (cfb.child(root, "WordDocument") != nullptr) {
    r = extract_doc(cfb, ctx);
  } else if (cfb.child(root, "Workbook") != nullptr || cfb.child(root, "Book") != nullptr) {
    r = extract_xls(cfb, ctx);
  } else if (cfb.child(root, "PowerPoint Document") != nullptr) {
    r = extract_ppt(cfb, ctx);
  } else if (cfb.child(root, "__properties_version1.0") != nullptr ||
             has_prefix_child(cfb, "__substg1.0_")) {
    r = extract_msg(cfb, ctx, item.depth);
  } else if (cfb.child(root, "\001Ole10Native") != nullptr ||
             cfb.child(root, "Package") != nullptr ||
             (cfb.child(root, "CONTENTS") != nullptr && cfb.child(root, "\001Ole") != nullptr)) {
    // An OLE object wrapper (from RTF \objdata, an attachment): its payload is the document.
    Extraction x;
    x.declared_children = 1;
    emit_object(cfb, root, ctx, x);
    r = std::move(x);
  } else {
    for (const Named& n : kUnsupported) {
      if (has_stream(cfb, n.stream)) {
        return Error{
            ErrorCode::kUnsupported,
            std::string(n.format) + " is not supported yet (streams: " + stream_list(cfb) + ")",
            item.name};
      }
    }
    return Error{ErrorCode::kUnsupported,
                 "unsupported OLE compound file (streams: " + stream_list(cfb) + ")", item.name};
  }
  if (!r.has_value())
    return Error{r.error().code, r.error().message, item.name};
  add_ole_summary(cfb, r.value());
  emit_objects(cfb, ctx, r.value());
  return r;
}

}  // namespace dossier::extract
