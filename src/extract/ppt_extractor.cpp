// PowerPoint 97-2003 (.ppt): text atoms from the "PowerPoint Document" record stream.
#include "extract/ole_extractor.h"

namespace dossier::extract {
namespace {

enum : uint16_t {
  kSlide = 0x03EE,
  kNotes = 0x03F0,
  kSlidePersist = 0x03F3,
  kMainMaster = 0x03F8,
  kTextHeader = 0x0F9F,
  kTextChars = 0x0FA0,
  kTextBytes = 0x0FA8,
  kSlideListWithText = 0x0FF0,
  kCryptSession = 0x2F14,
  kExOleObjStg = 0x1011,
};
constexpr int kMaxDepth = 64;

struct Collected {
  std::vector<std::string> list_slides;  // SlideListWithText, one per SlidePersistAtom
  std::vector<std::string> list_notes;
  std::vector<std::string> slide_shapes;  // text inside each Slide container, in stream order
  std::vector<std::string> notes;         // text inside each Notes container
  std::string master;                     // text boxes of the masters, placeholders left out
  std::vector<std::string> objects;       // uncompressed embedded objects (ExOleObjStg)
  int compressed_objects = 0;             // zlib-compressed ones, not extracted yet
  bool encrypted = false;
};

void append_atom(uint16_t type, std::string_view d, std::string& out) {
  // "*" is the slide-number field of masters and layouts, not text anyone wrote.
  if (d == "*" || d == std::string_view("*\0", 2))
    return;
  if (!out.empty() && out.back() != '\n')
    out += '\n';
  size_t step = type == kTextChars ? 2 : 1;
  for (size_t i = 0; i + step <= d.size(); i += step) {
    uint32_t c = step == 2 ? le16(d, i) : static_cast<uint8_t>(d[i]);
    if (c == '\r' || c == 0x0B)
      out += '\n';
    else if (c == '\t' || c >= 0x20)
      append_utf8(out, c);
  }
}

// Walks the record tree without recursion; `where` says which collection text goes to.
void walk(std::string_view s, Collected& c) {
  struct Frame {
    size_t end;
    uint16_t type;
    uint16_t instance;
  };
  std::vector<Frame> stack;
  std::string* target = nullptr;
  uint32_t text_type = 0;
  size_t at = 0;
  while (at + 8 <= s.size()) {
    while (!stack.empty() && at >= stack.back().end)
      stack.pop_back();
    uint16_t ver_inst = le16(s, at), type = le16(s, at + 2);
    uint32_t len = le32(s, at + 4);
    size_t body = at + 8;
    size_t end = len > s.size() - body ? s.size() : body + len;
    if (type == kCryptSession)
      c.encrypted = true;
    bool in_master = false, in_list = false;
    uint16_t list_instance = 0;
    for (const Frame& f : stack) {
      in_master |= f.type == kMainMaster;
      if (f.type == kSlideListWithText) {
        in_list = true;
        list_instance = f.instance;
      }
    }
    if ((ver_inst & 0xF) == 0xF && stack.size() < kMaxDepth) {
      if (type == kSlide)
        c.slide_shapes.emplace_back();
      else if (type == kNotes)
        c.notes.emplace_back();
      stack.push_back({end, type, static_cast<uint16_t>(ver_inst >> 4)});
      at = body;
      continue;
    }
    if (type == kSlidePersist && in_list) {
      if (list_instance == 0)
        c.list_slides.emplace_back();
      else if (list_instance == 2)
        c.list_notes.emplace_back();
    }
    if (type == kExOleObjStg) {
      if ((ver_inst >> 4) == 0)
        c.objects.emplace_back(s.substr(body, end - body));
      else
        ++c.compressed_objects;
    }
    if (type == kTextHeader)
      text_type = le32(s, body);
    if ((type == kTextChars || type == kTextBytes) && in_master) {
      constexpr uint32_t kOtherText = 4;  // not a title or body placeholder
      if (text_type == kOtherText)
        append_atom(type, s.substr(body, end - body), c.master);
    } else if (type == kTextChars || type == kTextBytes) {
      target = nullptr;
      if (in_list && list_instance == 0 && !c.list_slides.empty())
        target = &c.list_slides.back();
      else if (in_list && list_instance == 2 && !c.list_notes.empty())
        target = &c.list_notes.back();
      for (const Frame& f : stack) {
        if (f.type == kSlide && !c.slide_shapes.empty())
          target = &c.slide_shapes.back();
        else if (f.type == kNotes && !c.notes.empty())
          target = &c.notes.back();
      }
      if (target != nullptr)
        append_atom(type, s.substr(body, end - body), *target);
    }
    at = end;
  }
}

}  // namespace

Result<Extraction> extract_ppt(const CfbReader& cfb, ExtractContext& ctx) {
  if (cfb.child(cfb.root(), "EncryptedSummary") != nullptr)
    return ole_encrypted("PowerPoint");
  DOSSIER_ASSIGN_OR_RETURN(std::string stream,
                           cfb.read_stream(*cfb.child(cfb.root(), "PowerPoint Document")));
  Collected c;
  walk(stream, c);
  if (c.encrypted)
    return ole_encrypted("PowerPoint");
  Extraction x;
  std::vector<std::string>& notes = c.list_notes.empty() ? c.notes : c.list_notes;
  size_t pages = c.list_slides.size();
  // Shape text joins its slide only when Slide containers and the slide list agree in number;
  // otherwise (incremental saves keep old slide versions) it goes to a page of its own.
  bool aligned = c.slide_shapes.size() == pages;
  bool notes_aligned = notes.size() == pages;
  for (size_t i = 0; i < pages; ++i) {
    std::string text = c.list_slides[i];
    if (aligned && !c.slide_shapes[i].empty())
      text += (text.empty() ? "" : "\n") + c.slide_shapes[i];
    if (notes_aligned && !notes[i].empty())
      text += "\n\n" + notes[i];
    add_ole_page(x, static_cast<int>(i + 1), std::move(text), ctx);
  }
  std::string rest;
  if (!aligned) {
    for (const std::string& s : c.slide_shapes)
      rest += s.empty() ? "" : s + "\n";
  }
  if (!notes_aligned) {
    for (const std::string& s : notes)
      rest += s.empty() ? "" : s + "\n";
  }
  rest += c.master;
  if (!rest.empty() || x.pages.empty())
    add_ole_page(x, pages == 0 ? 0 : static_cast<int>(pages + 1), std::move(rest), ctx);
  x.page_count = static_cast<int>(pages);
  x.declared_children = c.objects.size() + static_cast<size_t>(c.compressed_objects);
  for (size_t i = 0; i < c.objects.size(); ++i) {
    Status st = ctx.emit_child(x, Child{"object-" + std::to_string(i + 1) + ".ole", c.objects[i]});
    if (!st.has_value())
      x.warnings.push_back(st.error().message);
  }
  for (int i = 0; i < c.compressed_objects; ++i) {
    // Compressed ExOleObjStg bodies are not inflated yet: each one is accounted for as a problem.
    x.child_problems.push_back({"compressed-object-" + std::to_string(i + 1), "unsupported",
                                "compressed embedded PowerPoint object is not extracted yet"});
  }
  return x;
}

}  // namespace dossier::extract
